"""What a layer costs per call when stepped one time step at a time, against torch.nn.

The torch tutorials' char-RNN samples one character per call, ``out, h = rnn(x_t, h)``: at that size the
arithmetic is small and the Python around it (rnnkit's checks and dispatch) is what shows. For the RNN,
GRU and LSTM: the same weights, input ``(1, 1, 57)`` and state ``(1, 1, 128)``, ``torch.no_grad``, one
thread; each round times CALLS calls of torch.nn's layer then rnnkit's, interleaved, in process CPU time
(neighbours on a shared machine disturb it less than wall time); the medians of ROUNDS rounds after a
warm-up, and their ratio::

    OMP_NUM_THREADS=1 python benchmarks/bench_step_overhead.py [--calls 2000] [--rounds 9]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

import rnnkit

INPUT, HIDDEN = 57, 128
KINDS = ("RNN", "GRU", "LSTM")


def per_call_us(module: torch.nn.Module, x: torch.Tensor, state: object, calls: int) -> float:
    """Process CPU microseconds per call of ``module(x, state)``, the output state fed back."""
    start = time.process_time()
    with torch.no_grad():
        for _ in range(calls):
            _, state = module(x, state)
    return (time.process_time() - start) / calls * 1e6


def pair(kind: str) -> tuple[torch.nn.Module, torch.nn.Module, object]:
    """torch.nn's layer, rnnkit's with the same weights, and an initial state for both."""
    theirs = getattr(torch.nn, kind)(INPUT, HIDDEN)
    mine = getattr(rnnkit, kind)(INPUT, HIDDEN)
    mine.load_state_dict(theirs.state_dict())
    h = torch.zeros(1, 1, HIDDEN)
    return theirs, mine, (h, torch.zeros_like(h)) if kind == "LSTM" else h


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per round (default 2000)")
    parser.add_argument("--rounds", type=int, default=9, help="rounds; the median is shown (default 9)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    x = torch.randn(1, 1, INPUT)
    print(f"per call, input (1, 1, {INPUT}), hidden {HIDDEN}, no_grad, 1 thread, median of {args.rounds}")
    print(f"{'layer':<6} {'torch.nn us':>12} {'rnnkit us':>10} {'ratio':>6}")
    for kind in KINDS:
        theirs, mine, state = pair(kind)
        for module in (theirs, mine):
            per_call_us(module, x, state, args.calls // 4)  # warm-up
        a, b = [], []
        for _ in range(args.rounds):
            a.append(per_call_us(theirs, x, state, args.calls))
            b.append(per_call_us(mine, x, state, args.calls))
        t, r = statistics.median(a), statistics.median(b)
        print(f"{kind:<6} {t:>12.1f} {r:>10.1f} {r / t:>6.2f}")


if __name__ == "__main__":
    main()
