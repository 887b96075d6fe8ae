"""What a PackedSequence input costs in rnnkit over torch.nn, on small batches (the native backend).

Same weights, same packed batch (lengths in no order, ``enforce_sorted=False``), ``torch.no_grad``,
one thread; each round times 2,000 calls of each module in process CPU time, the two interleaved; the
median of 9 rounds after a warm-up::

    OMP_NUM_THREADS=1 python benchmarks/bench_packed_overhead.py
"""

from __future__ import annotations

import statistics
import time

import torch
from torch.nn.utils.rnn import pack_padded_sequence

import rnnkit

CALLS, ROUNDS = 2000, 9
CASES = ((4, 10, 8, 16), (8, 20, 16, 32))  # (N, L, H_in, H)


def per_call_us(module: torch.nn.Module, packed) -> float:
    start = time.process_time()
    with torch.no_grad():
        for _ in range(CALLS):
            module(packed)
    return (time.process_time() - start) / CALLS * 1e6


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    print("layer  N   L  H_in   H  torch.nn us  rnnkit us  extra us  ratio")
    for kind in ("LSTM", "GRU"):
        for N, L, H_in, H in CASES:
            reference = getattr(torch.nn, kind)(H_in, H)
            mine = getattr(rnnkit, kind)(H_in, H)
            mine.load_state_dict(reference.state_dict())
            lengths = torch.randint(1, L + 1, (N,))
            lengths[1] = L
            packed = pack_padded_sequence(torch.randn(L, N, H_in), lengths, enforce_sorted=False)
            for module in (reference, mine):
                per_call_us(module, packed)  # warm-up
            theirs, ours = [], []
            for _ in range(ROUNDS):
                theirs.append(per_call_us(reference, packed))
                ours.append(per_call_us(mine, packed))
            a, b = statistics.median(theirs), statistics.median(ours)
            print(f"{kind:5} {N:2} {L:3} {H_in:5} {H:3} {a:12.1f} {b:10.1f} {b - a:9.1f} {b / a:6.2f}")


if __name__ == "__main__":
    main()
