"""Translation speed on CPU: sentences per second for greedy and beam-5 decoding at batch 1 and 64 (and
the model's own decoding when it is neither, such as the shipped model's MBR over beam 24),
training throughput in target tokens per second (length-bucketed batches against plainly shuffled
ones, alternated in one run), and the time of one training epoch of the default model.

Decoding figures are printed as ratios against the anchor measured in the same run: greedy decoding
at batch 1 with the same model, threads and sentences. Each figure is the median of ``--repeats``
timed passes after one warm-up pass. Sentences are the model's test split of the bundled corpus
(cycled to the count asked for). Wall times on a shared machine include waiting for a core, so CPU
time (user + sys) is printed too.

    python benchmarks/bench_translate.py --model runs/translate/model [--threads 2] [--repeats 3]
    git show REV:src/rnnkit/translate/decode.py > /tmp/decode_before.py   # then, before against now:
    python benchmarks/bench_translate.py --model MODEL --before /tmp/decode_before.py
    python benchmarks/bench_translate.py --train-epoch [--threads 2]   # one epoch of the default model
    python benchmarks/bench_translate.py --throughput [--steps 40] [--rounds 2] [--threads 1]

Training throughput: the default model's training step (forward, backward, clipping, AdamW) on
batches of 64 from the training split of the bundled corpus (or ``--corpus``), counting the target
tokens of each batch (eos included, padding not). Bucketed and plain batches alternate, ``--steps``
batches each per round, and the figures are summed over ``--rounds``; the ratio is the speed-up from
buckets on the same machine state.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import platform
import resource
import statistics
import sys
import time

import torch


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _sentences(model_cfg: dict, n: int) -> list[str]:
    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.split import model_splits

    pairs, _ = read_corpus(src_lang=model_cfg["src_lang"], tgt_lang=model_cfg["tgt_lang"])
    test = model_splits(pairs, model_cfg).test
    src = [p[0] for p in test]
    return [src[i % len(src)] for i in range(n)]


def _load_decode(path: str):
    """Another version of ``rnnkit/translate/decode.py`` (same model API), e.g. ``git show REV:FILE``."""
    spec = importlib.util.spec_from_file_location("rnnkit_translate_decode_before", path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def _searching_with(module):
    """The translator's ``decode`` and ``beam_search_nbest`` swapped for ``module``'s (None: as they are)."""
    from rnnkit.translate import translator

    if module is None:
        yield
        return
    saved = translator.decode, translator.beam_search_nbest
    translator.decode, translator.beam_search_nbest = module.decode, module.beam_search_nbest
    try:
        yield
    finally:
        translator.decode, translator.beam_search_nbest = saved


def _timed(
    tr, texts: list[str], beam: int | None, batch: int, module, mbr: bool | None = False
) -> tuple[float, float, list[str]]:
    """Wall and CPU seconds of one pass, and its translations (``beam``/``mbr`` None: the model's own)."""
    with _searching_with(module):
        c0, t0 = _cpu(), time.perf_counter()
        out = tr.translate(texts, beam=beam, batch_size=batch, mbr=mbr)
        return time.perf_counter() - t0, _cpu() - c0, [t.text for t in out]


def bench_decoding(model_dir: str, n1: int, n64: int, repeats: int, before: str | None = None) -> None:
    """Sentences/s per case; with ``before`` (another decode.py) the two alternate pass by pass in this
    process, and the last columns compare them (CPU time: the fair clock on a shared machine)."""
    from rnnkit.translate.evaluation import describe_decoding
    from rnnkit.translate.translator import Translator

    tr = Translator.from_pretrained(model_dir, "cpu")
    old = _load_decode(before) if before else None
    cases = [("greedy", 1, False, 1, n1), ("beam-5", 5, False, 1, n1)]
    own = tr.decoding()
    extra = own["mbr"] and own["beam"] > 1 or own["beam"] not in (1, 5)
    if extra:  # the model's own decoding is neither greedy nor plain beam 5: time it too
        print(
            f"own: {describe_decoding(own['beam'], own['alpha'], own['no_repeat_ngram'], own['coverage'], own['mbr'])}"
        )
        cases.append(("own", None, None, 1, n1))
    cases += [("greedy", 1, False, 64, n64), ("beam-5", 5, False, 64, n64)]
    if extra:
        cases.append(("own", None, None, 64, n64))
    print(f"model: {model_dir} ({tr.config['model']['cell']}, {tr.config['model']['attention']}, "
          f"hidden {tr.config['model']['hidden_size']})")  # fmt: skip
    head = f"{'decoder':8s} {'batch':>5s} {'sentences':>9s} {'sent/s':>9s} {'cpu s':>7s} {'vs greedy@1':>12s}"
    if old:
        head += f" {'before sent/s':>13s} {'before cpu s':>12s} {'cpu before/now':>14s} {'same output':>11s}"
    print(head)
    anchor = None
    for name, beam, mbr, batch, n in cases:
        texts = _sentences(tr.config, n)
        for module in (None, old) if old else (None,):  # warm-up
            _timed(tr, texts[: max(batch, 4)], beam, batch, module, mbr)
        runs: dict[object, list[tuple[float, float, list[str]]]] = {None: [], old: []}
        for _ in range(repeats):
            for module in (None, old) if old else (None,):
                runs[module].append(_timed(tr, texts, beam, batch, module, mbr))
        wall = statistics.median(r[0] for r in runs[None])
        cpu = statistics.median(r[1] for r in runs[None])
        rate = n / wall
        anchor = anchor or rate
        line = f"{name:8s} {batch:5d} {n:9d} {rate:9.1f} {cpu:7.2f} {rate / anchor:11.2f}x"
        if old:
            old_wall = statistics.median(r[0] for r in runs[old])
            old_cpu = statistics.median(r[1] for r in runs[old])
            same = runs[None][0][2] == runs[old][0][2]
            line += f" {n / old_wall:13.1f} {old_cpu:12.2f} {old_cpu / cpu:13.3f}x {str(same):>11s}"
        print(line)


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


def bench_throughput(steps: int, rounds: int, corpus: str | None) -> None:
    from rnnkit.translate.batches import PairDataset, make_loader
    from rnnkit.translate.corpus import read_corpus
    from rnnkit.translate.model import Seq2Seq, Seq2SeqConfig
    from rnnkit.translate.split import split_pairs
    from rnnkit.translate.tokenizer import PAD, Tokenizer
    from rnnkit.translate.training import TrainOptions

    pairs, _ = read_corpus(corpus)
    train = split_pairs(pairs, seed=0).train
    opts = TrainOptions()
    src_tok = Tokenizer.train([p[0] for p in train], opts.vocab_size)
    tgt_tok = Tokenizer.train([p[1] for p in train], opts.vocab_size)
    data = PairDataset(train, src_tok, tgt_tok)
    torch.manual_seed(0)
    cfg = Seq2SeqConfig(src_tok.vocab_size, tgt_tok.vocab_size, cell=opts.cell, embed_size=opts.embed_size,
                        hidden_size=opts.hidden_size, dropout=opts.dropout)  # fmt: skip
    model = Seq2Seq(cfg).train()
    optim = torch.optim.AdamW(model.parameters(), lr=opts.lr)
    loaders = {name: make_loader(data, 64, shuffle=True, seed=0, bucket=name == "bucketed")
               for name in ("bucketed", "plain")}  # fmt: skip
    iters = {name: iter(loader) for name, loader in loaders.items()}
    totals = {name: [0, 0.0, 0.0, 0] for name in loaders}  # tokens, wall s, cpu s, padded target cells

    def batch(name):
        try:
            return next(iters[name])
        except StopIteration:
            iters[name] = iter(loaders[name])
            return next(iters[name])

    for _ in range(rounds):
        for name in loaders:
            t0, c0 = time.perf_counter(), _cpu()
            for _ in range(steps):
                src, src_len, tgt_in, tgt_out = batch(name)
                logits = model(src, src_len, tgt_in)
                loss = torch.nn.functional.cross_entropy(
                    logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1), ignore_index=PAD,
                    label_smoothing=opts.label_smoothing)  # fmt: skip
                optim.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), opts.clip_norm)
                optim.step()
                totals[name][0] += int((tgt_out != PAD).sum())
                totals[name][3] += tgt_out.numel()
            totals[name][1] += time.perf_counter() - t0
            totals[name][2] += _cpu() - c0
    print(f"training throughput: default model, {len(train)} training pairs, batch 64, "
          f"{rounds} rounds x {steps} steps each, alternated")  # fmt: skip
    print(
        f"{'batches':9s} {'tgt tokens':>10s} {'padding':>8s} {'tokens/s':>9s} {'tokens/cpu s':>12s} {'ratio':>6s}"
    )
    anchor = None
    for name, (tokens, wall, cpu, cells) in reversed(list(totals.items())):
        rate = tokens / wall
        anchor = anchor or rate
        print(f"{name:9s} {tokens:10d} {1 - tokens / cells:8.1%} {rate:9.0f} {tokens / cpu:12.0f} "
              f"{rate / anchor:5.2f}x")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model folder from `rnnkit translate train`")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n1", type=int, default=32, help="sentences decoded at batch 1")
    ap.add_argument("--n64", type=int, default=256, help="sentences decoded at batch 64")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--before", help="with --model: another rnnkit/translate/decode.py, timed alternately")
    ap.add_argument("--train-epoch", action="store_true", help="time one epoch of the default model")
    ap.add_argument("--throughput", action="store_true", help="training target tokens/s, buckets vs plain")
    ap.add_argument("--steps", type=int, default=40, help="--throughput: batches per round and kind")
    ap.add_argument("--rounds", type=int, default=2, help="--throughput: alternated rounds")
    ap.add_argument("--corpus", default=None, help="--throughput: corpus file (default: the bundled one)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} threads, {platform.processor() or platform.machine()}")
    if args.model:
        bench_decoding(args.model, args.n1, args.n64, args.repeats, args.before)
    if args.train_epoch:
        bench_train_epoch()
    if args.throughput:
        bench_throughput(args.steps, args.rounds, args.corpus)
    if not args.model and not args.train_epoch and not args.throughput:
        ap.error("give --model DIR, --train-epoch and/or --throughput")


if __name__ == "__main__":
    main()
