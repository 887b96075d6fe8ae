"""The thread policy under load: a training step with 1 and 2 torch threads, alone and beside one other
CPU-bound process (the situation of every laptop with something else running).

The step is the shape of rnnkit's default translator (GRU encoder and decoder, hidden 256, batch 64,
20 steps, a 4,000-piece output layer, backward and AdamW). Each figure is the median of ``--repeats``
timings of ``--steps`` steps after a warm-up; the loaded figures are taken while a busy-loop process
runs. What matters is the ratio within one run: loaded / alone for each thread count.

    python benchmarks/bench_threads.py [--steps 10] [--repeats 3]
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import subprocess
import sys
import time

import torch

import rnnkit


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _model() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    torch.manual_seed(0)
    model = torch.nn.ModuleDict(
        {
            "embed": torch.nn.Embedding(4000, 128),
            "encoder": rnnkit.GRU(128, 256, batch_first=True, bidirectional=True),
            "decoder": rnnkit.GRU(128 + 512, 256, batch_first=True),
            "out": torch.nn.Linear(256, 4000),
        }
    )
    return model, torch.optim.AdamW(model.parameters(), lr=1e-3)


def _step(
    model: torch.nn.ModuleDict, opt: torch.optim.Optimizer, src: torch.Tensor, tgt: torch.Tensor
) -> None:
    enc, _ = model["encoder"](model["embed"](src))  # (N, S, 512)
    context = enc.mean(1, keepdim=True).expand(-1, tgt.shape[1], -1)  # (N, T, 512)
    dec, _ = model["decoder"](torch.cat([model["embed"](tgt), context], -1))  # (N, T, 256)
    loss = torch.nn.functional.cross_entropy(model["out"](dec).flatten(0, 1), tgt.flatten())
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)


def measure(threads: int, steps: int, repeats: int) -> tuple[float, float]:
    """Median seconds per step (wall, CPU) with ``threads`` intra-op threads."""
    torch.set_num_threads(threads)
    model, opt = _model()
    src = torch.randint(0, 4000, (64, 20))
    tgt = torch.randint(0, 4000, (64, 20))
    _step(model, opt, src, tgt)  # warm-up
    walls, cpus = [], []
    for _ in range(repeats):
        c0, t0 = _cpu(), time.perf_counter()
        for _ in range(steps):
            _step(model, opt, src, tgt)
        walls.append((time.perf_counter() - t0) / steps)
        cpus.append((_cpu() - c0) / steps)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {torch.get_num_threads()} default threads, torch {torch.__version__}"
    )
    rows = {}
    for loaded in (False, True):
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if loaded else None
        try:
            time.sleep(0.5 if loaded else 0)
            for threads in (1, 2):
                rows[(threads, loaded)] = measure(threads, args.steps, args.repeats)
        finally:
            if hog is not None:
                hog.kill()
                hog.wait()
    print(
        f"{'threads':>7s} {'alone s/step':>13s} {'loaded s/step':>14s} {'loaded/alone':>13s} {'cpu s/step loaded':>18s}"
    )
    for threads in (1, 2):
        alone, loaded = rows[(threads, False)], rows[(threads, True)]
        print(
            f"{threads:7d} {alone[0]:13.3f} {loaded[0]:14.3f} {loaded[0] / alone[0]:13.2f} {loaded[1]:18.3f}"
        )


if __name__ == "__main__":
    main()
