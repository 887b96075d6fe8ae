"""Peak memory of ``rnnkit translate train --stream`` against the corpus size (issue 20, item 3).

For each size (default 10k, 100k and 1M pairs) the generated corpus (``make_big_corpus.py``, under
/tmp) is trained on by a fresh child process running ``rnnkit translate train --stream`` for one short
epoch (``--steps`` batches, a small GRU, greedy validation and test on at most ``--held-out-max``
pairs each); the child reports its own peak resident memory (``VmHWM`` of ``/proc/self/status``, and
``ru_maxrss``) when the command has finished. ``--whole`` adds the same training with the corpus read
whole (no ``--stream``) at the sizes given to it, for contrast. ``--pipeline`` measures the stream's
data path alone (one pass, sentencepiece on the sample, ``--steps`` batches read and padded; no
model), the part whose memory could depend on the corpus.

    OMP_NUM_THREADS=1 python benchmarks/bench_stream_memory.py                 # 10k, 100k, 1M streamed
    OMP_NUM_THREADS=1 python benchmarks/bench_stream_memory.py --whole 10000,100000
    OMP_NUM_THREADS=1 python benchmarks/bench_stream_memory.py --pipeline --steps 200
    OMP_NUM_THREADS=1 python benchmarks/bench_stream_memory.py --pipeline --steps 200 --csv   # CSV records

Peak memory must not grow with the corpus in stream mode: it holds the shuffle buffer, at most
``--held-out-max`` validation and test pairs, and the sentencepiece sample, whatever the file's size.
Wall seconds are printed too, but they are the loaded machine's; memory is what this measures. The
whole command's peak is set mostly by the training step's activations, so by the longest batch the
epoch happens to draw (bounded by ``--max-src-len``), not by the file.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def train_args(corpus: Path, out: Path, stream: bool, args: argparse.Namespace) -> list[str]:
    common = ["translate", "train", "--corpus", str(corpus), "--out", str(out), "--force",
              "--embed-size", "64", "--hidden-size", "128", "--epochs", "1", "--batch-size", "64", "--beam", "1",
              "--val", "0.05", "--test", "0.05", "--threads", "1", "--device", "cpu",
              "--no-progress", "--seed", "0"]  # fmt: skip
    if not stream:
        return common
    return [*common, "--stream", "--steps-per-epoch", str(args.steps), "--held-out-max",
            str(args.held_out_max), "--shuffle-buffer", str(args.buffer), "--spm-sample", str(args.sample)]  # fmt: skip


def worker(argv: list[str]) -> None:
    """Child: run the command in this process, then print its peak memory as one JSON line."""
    sys.path.insert(0, str(SRC))
    from rnnkit.cli import main

    t0 = time.monotonic()
    code = main(argv)
    seconds = time.monotonic() - t0
    status = Path("/proc/self/status").read_text()
    hwm_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"code": code, "seconds": seconds, "vmhwm_mb": hwm_kb / 1024, "maxrss_mb": maxrss_kb / 1024}
        )
    )


def pipeline_worker(corpus: str, args: argparse.Namespace) -> None:
    """Child: the stream's data path alone (one pass, sentencepiece on the sample, ``--steps`` batches
    read and padded), no model; prints its peak memory as one JSON line."""
    sys.path.insert(0, str(SRC))
    import torch  # noqa: F401 - counted in the baseline, as in the training command

    from rnnkit.translate.stream_batches import StreamBatches
    from rnnkit.translate.stream_corpus import PairStream
    from rnnkit.translate.stream_split import scan
    from rnnkit.translate.tokenizer import Tokenizer

    t0 = time.monotonic()
    stream = PairStream(corpus)
    found = scan(stream, 0, 0.05, 0.05, held_max=args.held_out_max, sample_size=args.sample)
    src = Tokenizer.train([p[0] for p in found.sample], 1000)
    tgt = Tokenizer.train([p[1] for p in found.sample], 1000)
    batches = StreamBatches(stream, found.is_train, src, tgt, batch_size=64, buffer_size=args.buffer,
                            steps_per_epoch=args.steps)  # fmt: skip
    longest = max(b[2].shape[1] for b in batches)
    status = Path("/proc/self/status").read_text()
    hwm_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"code": 0, "seconds": time.monotonic() - t0, "vmhwm_mb": hwm_kb / 1024,
                      "maxrss_mb": maxrss_kb / 1024, "max_held": batches.max_held, "longest": longest}))  # fmt: skip


def corpus_of(pairs: int, as_csv: bool = False) -> Path:
    path = Path(tempfile.gettempdir()) / "rnnkit_big" / f"{pairs}.{'csv' if as_csv else 'tsv'}"
    if not path.is_file():
        cmd = [sys.executable, str(HERE / "make_big_corpus.py"), "--pairs", str(pairs), "--out", str(path)]
        subprocess.run(cmd + ["--csv"] * as_csv, check=True)
    return path


def measure(pairs: int, stream: bool, args: argparse.Namespace, workdir: Path) -> dict:
    corpus = corpus_of(pairs, args.csv)
    out = workdir / f"{'stream' if stream else 'whole'}-{pairs}" / "run"  # the model in run/model
    cmd = [sys.executable, __file__, "--worker", json.dumps(train_args(corpus, out, stream, args))]
    if args.pipeline:
        cmd = [sys.executable, __file__, "--pipeline-worker", str(corpus), "--steps", str(args.steps),
               "--held-out-max", str(args.held_out_max), "--buffer", str(args.buffer), "--sample", str(args.sample)]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"bench_stream_memory: the {pairs}-pair run failed:\n{proc.stderr[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    summary = next((ln for ln in proc.stdout.splitlines() if ln.startswith(("streamed", "split"))), "")
    mode = ("pipeline" if args.pipeline else "stream") if stream else "whole"
    return {"pairs": pairs, "mode": mode, "file_mb": corpus.stat().st_size / 1e6,
            **result, "summary": summary}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--pipeline-worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--pipeline", action="store_true",
                    help="measure the stream's data path alone (pass, sentencepiece, batches), no model")  # fmt: skip
    ap.add_argument("--sizes", default="10000,100000,1000000", help="corpus sizes (pairs), streamed")
    ap.add_argument("--csv", action="store_true",
                    help="CSV corpora (a header, every tenth record two lines long) instead of anki")  # fmt: skip
    ap.add_argument("--whole", default="", help="sizes also trained with the corpus read whole")
    ap.add_argument("--steps", type=int, default=50, help="batches in the one epoch")
    ap.add_argument("--held-out-max", type=int, default=200)
    ap.add_argument("--buffer", type=int, default=10000, help="--shuffle-buffer")
    ap.add_argument("--sample", type=int, default=20000, help="--spm-sample")
    args = ap.parse_args()
    if args.worker is not None:
        worker(json.loads(args.worker))
        return
    if args.pipeline_worker is not None:
        pipeline_worker(args.pipeline_worker, args)
        return
    runs = [(int(n), True) for n in args.sizes.split(",") if n]
    runs += [(int(n), False) for n in args.whole.split(",") if n]
    print(
        "| pairs | mode | file MB | peak RSS (VmHWM) MB | ru_maxrss MB | wall s | most pairs buffered | longest batch (target tokens) |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="bench_stream_") as tmp:
        for pairs, stream in runs:
            r = measure(pairs, stream, args, Path(tmp))
            held, longest = r.get("max_held", "–"), r.get("longest", "–")
            print(f"| {pairs:,} | {r['mode']} | {r['file_mb']:.1f} | {r['vmhwm_mb']:.0f} | {r['maxrss_mb']:.0f} "
                  f"| {r['seconds']:.0f} | {held} | {longest} |", flush=True)  # fmt: skip
            print(f"  ({r['summary'] or r})", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
