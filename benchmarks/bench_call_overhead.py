"""What rnnkit's own checks cost on the smallest call: a 1-step, 8-unit LSTM, against torch.nn.

Same weights, same input, ``torch.no_grad``, one thread; each round times 3,000 calls of each module
in process CPU time (the neighbours of a shared machine disturb it less than wall time), the two
interleaved; the median of 9 rounds after a warm-up::

    OMP_NUM_THREADS=1 python benchmarks/bench_call_overhead.py
"""

from __future__ import annotations

import statistics
import time

import torch

import rnnkit

CALLS, ROUNDS = 3000, 9


def per_call_us(module: torch.nn.Module, x: torch.Tensor) -> float:
    start = time.process_time()
    with torch.no_grad():
        for _ in range(CALLS):
            module(x)
    return (time.process_time() - start) / CALLS * 1e6


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    reference = torch.nn.LSTM(8, 8)
    mine = rnnkit.LSTM(8, 8)
    mine.load_state_dict(reference.state_dict())
    x = torch.randn(1, 1, 8)
    for module in (reference, mine):
        per_call_us(module, x)  # warm-up
    theirs, ours = [], []
    for _ in range(ROUNDS):
        theirs.append(per_call_us(reference, x))
        ours.append(per_call_us(mine, x))
    a, b = statistics.median(theirs), statistics.median(ours)
    print(
        f"torch.nn {a:.1f} us, rnnkit {b:.1f} us per call: rnnkit's checks {b - a:.1f} us, ratio {b / a:.2f}"
    )


if __name__ == "__main__":
    main()
