"""Translation speed on CPU: sentences per second for greedy and beam-5 decoding at batch 1 and 64,
and the time of one training epoch of the default model.

Decoding figures are printed as ratios against the anchor measured in the same run: greedy decoding
at batch 1 with the same model, threads and sentences. Each figure is the median of ``--repeats``
timed passes after one warm-up pass. Sentences are the model's test split of the bundled corpus
(cycled to the count asked for). Wall times on a shared machine include waiting for a core, so CPU
time (user + sys) is printed too.

    python benchmarks/bench_translate.py --model runs/translate/model [--threads 2] [--repeats 3]
    python benchmarks/bench_translate.py --train-epoch [--threads 2]   # one epoch of the default model
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import time

import torch


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _sentences(model_cfg: dict, n: int) -> list[str]:
    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.split import split_pairs

    pairs, _ = read_corpus(src_lang=model_cfg["src_lang"], tgt_lang=model_cfg["tgt_lang"])
    split = model_cfg.get("data", {}).get("split", {})
    test = split_pairs(pairs, seed=split.get("seed", 0)).test
    src = [p[0] for p in test]
    return [src[i % len(src)] for i in range(n)]


def bench_decoding(model_dir: str, n1: int, n64: int, repeats: int) -> None:
    from rnnkit.translate.translator import Translator

    tr = Translator.load(model_dir, "cpu")
    cases = [("greedy", 1, 1, n1), ("beam-5", 5, 1, n1), ("greedy", 1, 64, n64), ("beam-5", 5, 64, n64)]
    print(f"model: {model_dir} ({tr.config['model']['cell']}, {tr.config['model']['attention']}, "
          f"hidden {tr.config['model']['hidden_size']})")  # fmt: skip
    print(f"{'decoder':8s} {'batch':>5s} {'sentences':>9s} {'sent/s':>9s} {'cpu s':>7s} {'vs greedy@1':>12s}")
    anchor = None
    for name, beam, batch, n in cases:
        texts = _sentences(tr.config, n)
        tr.translate(texts[: max(batch, 4)], beam=beam, batch_size=batch)  # warm-up
        walls, cpus = [], []
        for _ in range(repeats):
            c0, t0 = _cpu(), time.perf_counter()
            tr.translate(texts, beam=beam, batch_size=batch)
            walls.append(time.perf_counter() - t0)
            cpus.append(_cpu() - c0)
        rate = n / statistics.median(walls)
        anchor = anchor or rate
        print(
            f"{name:8s} {batch:5d} {n:9d} {rate:9.1f} {statistics.median(cpus):7.2f} {rate / anchor:11.2f}x"
        )


def bench_train_epoch() -> None:
    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.split import split_pairs
    from rnnkit.translate.training import TrainOptions, train_translator

    pairs, _ = read_corpus()
    splits = split_pairs(pairs, seed=0)
    t0, c0 = time.perf_counter(), _cpu()
    res = train_translator(
        splits, "en", "ko", TrainOptions(epochs=1, device="cpu", show_progress=False, beam=1)
    )
    wall = time.perf_counter() - t0
    print(f"default model, one epoch over {len(splits.train)} pairs (+ validation decode, test greedy): "
          f"{res.seconds:.1f} s in the loop, {wall:.1f} s in all, cpu {_cpu() - c0:.1f} s")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model folder from `rnnkit translate train`")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n1", type=int, default=32, help="sentences decoded at batch 1")
    ap.add_argument("--n64", type=int, default=256, help="sentences decoded at batch 64")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--train-epoch", action="store_true", help="time one epoch of the default model")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} threads, {platform.processor() or platform.machine()}")
    if args.model:
        bench_decoding(args.model, args.n1, args.n64, args.repeats)
    if args.train_epoch:
        bench_train_epoch()
    if not args.model and not args.train_epoch:
        ap.error("give --model DIR and/or --train-epoch")


if __name__ == "__main__":
    main()
