"""When ``auto`` picks ``triton`` on CUDA: the measured table, looked up by nearest benchmark size.

``MEASURED`` holds, for each benchmark size (ANCHORS.md: C1..C4), cell and precision, the speed-up of
``triton`` over torch.nn (cuDNN) measured by ``benchmarks/bench_gpu.py`` (cuDNN time / triton time),
forward and forward+backward. A call is mapped to the benchmark size nearest to its (L, N, H) in log
space; ``triton`` is preferred where the matching entry is above 1 (forward+backward when autograd is
recording, forward otherwise). Calls that ask for gates prefer ``triton`` once the kernels have been
measured on a GPU at all (cuDNN cannot return gates; the alternative is the step-by-step reference).
Entries not measured prefer cuDNN.

Measured on 2026-12-04 on an NVIDIA H200 (driver 580.159.04, torch 2.11.0+cu130, Triton 3.6.0,
cuDNN 9.19) by ``benchmarks/gpu_check.sh``; the entries of the wide half-precision LSTM and GRU
(C2, C4 in bf16 and fp16) were measured again the same day after ``make_plan`` began streaming their
weights (``benchmarks/bench_gpu.py --sizes C2,C4 --cells lstm,gru --precisions bf16,fp16``). The
tables and what they mean are in docs/BENCHMARKS.md ("GPU"). ``auto`` picks ``triton`` only where
it was faster than cuDNN: for training (forward+backward) the Simple RNN and GRU in bf16 at C1, C2
and C3, bf16 LSTM at C1, C2 and C3, fp16 GRU at C1 and C2, TF32 GRU at C2 and TF32 Simple RNN at C1;
for forward passes alone (no autograd) also TF32 LSTM at C2 and fp16 Simple RNN at C1 (1.07, the
narrowest win). Exact fp32, fp16 LSTM (cuDNN's fastest path) and the C4 size (arithmetic-bound,
where cuDNN's big GEMMs win) stay on cuDNN. To re-measure on another card, paste the
``MEASURED = {...}`` block that ``benchmarks/bench_gpu.py`` prints last.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from rnnkit.nn.backends.base import LayerSpec

# (L, N, H) of the benchmark sizes
SIZES = {"C1": (100, 64, 512), "C2": (1024, 16, 768), "C3": (1000, 8, 128), "C4": (100, 256, 1024)}

# (size, cell, precision) -> (forward speed-up, forward+backward speed-up) over cuDNN
MEASURED: dict[tuple[str, str, str], tuple[float, float]] = {
    ("C2", "gru", "bf16"): (2.55, 2.17),
    ("C2", "gru", "fp16"): (1.94, 1.73),
    ("C2", "gru", "fp32"): (0.40, 0.65),
    ("C2", "gru", "tf32"): (1.69, 1.20),
    ("C2", "lstm", "bf16"): (2.06, 1.70),
    ("C2", "lstm", "fp16"): (0.26, 0.34),
    ("C2", "lstm", "fp32"): (0.37, 0.56),
    ("C2", "lstm", "tf32"): (1.47, 0.93),
    ("C2", "rnn", "bf16"): (2.60, 3.23),
    ("C2", "rnn", "fp16"): (0.65, 0.90),
    ("C2", "rnn", "fp32"): (0.51, 0.75),
    ("C2", "rnn", "tf32"): (0.38, 0.64),
    ("C3", "gru", "bf16"): (5.14, 4.76),
    ("C3", "gru", "fp16"): (0.61, 0.57),
    ("C3", "gru", "fp32"): (0.08, 0.15),
    ("C3", "gru", "tf32"): (0.23, 0.27),
    ("C3", "lstm", "bf16"): (6.25, 3.91),
    ("C3", "lstm", "fp16"): (0.56, 0.49),
    ("C3", "lstm", "fp32"): (0.17, 0.24),
    ("C3", "lstm", "tf32"): (0.54, 0.47),
    ("C3", "rnn", "bf16"): (8.53, 7.93),
    ("C3", "rnn", "fp16"): (0.39, 0.46),
    ("C3", "rnn", "fp32"): (0.11, 0.21),
    ("C3", "rnn", "tf32"): (0.22, 0.33),
    ("C1", "gru", "bf16"): (2.27, 2.02),
    ("C1", "gru", "fp16"): (1.93, 2.20),
    ("C1", "gru", "fp32"): (0.10, 0.21),
    ("C1", "gru", "tf32"): (0.40, 0.57),
    ("C1", "lstm", "bf16"): (2.35, 1.79),
    ("C1", "lstm", "fp16"): (0.51, 0.65),
    ("C1", "lstm", "fp32"): (0.09, 0.17),
    ("C1", "lstm", "tf32"): (0.30, 0.43),
    ("C1", "rnn", "bf16"): (3.73, 3.19),
    ("C1", "rnn", "fp16"): (1.07, 0.65),
    ("C1", "rnn", "fp32"): (0.19, 0.40),
    ("C1", "rnn", "tf32"): (1.41, 2.20),
    ("C4", "gru", "bf16"): (0.23, 0.17),
    ("C4", "gru", "fp16"): (0.17, 0.19),
    ("C4", "gru", "fp32"): (0.20, 0.33),
    ("C4", "gru", "tf32"): (0.54, 0.45),
    ("C4", "lstm", "bf16"): (0.19, 0.14),
    ("C4", "lstm", "fp16"): (0.15, 0.15),
    ("C4", "lstm", "fp32"): (0.17, 0.30),
    ("C4", "lstm", "tf32"): (0.53, 0.41),
    ("C4", "rnn", "bf16"): (0.49, 0.70),
    ("C4", "rnn", "fp16"): (0.53, 0.58),
    ("C4", "rnn", "fp32"): (0.09, 0.17),
    ("C4", "rnn", "tf32"): (0.03, 0.07),
}

# how far (in summed |log| of L, N, H ratios) a call may be from a benchmark size and still use it
MAX_DISTANCE = math.log(64.0)


def precision_name(dtype: torch.dtype) -> str:
    """``fp32`` / ``tf32`` (float32 with TF32 matmuls allowed) / ``bf16`` / ``fp16`` / ``fp64``."""
    if dtype == torch.float32:
        return "tf32" if torch.backends.cuda.matmul.allow_tf32 else "fp32"
    return {torch.bfloat16: "bf16", torch.float16: "fp16"}.get(dtype, "fp64")


def cell_name(mode: str) -> str:
    return {"lstm": "lstm", "gru": "gru"}.get(mode, "rnn")


def nearest_size(L: int, N: int, H: int) -> str | None:
    """The benchmark size closest to (L, N, H) in log distance, or None if none is close."""
    best, best_d = None, MAX_DISTANCE
    for name, (bl, bn, bh) in SIZES.items():
        d = abs(math.log(L / bl)) + abs(math.log(N / bn)) + abs(math.log(H / bh))
        if d <= best_d:
            best, best_d = name, d
    return best


def prefer_triton(spec: LayerSpec, x: Tensor, lengths: Tensor | None, return_gates: bool) -> bool:
    """Whether ``auto`` should run this CUDA call on ``triton`` rather than cuDNN (module docstring)."""
    if not MEASURED:
        return False  # no measurement (a table cleared to re-measure): keep auto on cuDNN
    if return_gates:
        return True
    L, N = x.shape[0], x.shape[1]
    size = nearest_size(max(L, 1), max(N, 1), spec.hidden_size)
    if size is None:
        return False
    entry = MEASURED.get((size, cell_name(spec.mode), precision_name(x.dtype)))
    if entry is None:
        return False
    fwd, fwd_bwd = entry
    return (fwd_bwd if torch.is_grad_enabled() else fwd) > 1.0
