"""When ``auto`` picks ``triton`` on CUDA: the measured table, looked up by nearest benchmark size.

``MEASURED`` holds, for each benchmark size (ANCHORS.md: C1..C4), cell and precision, the speed-up of
``triton`` over torch.nn (cuDNN) measured by ``benchmarks/bench_gpu.py`` (cuDNN time / triton time),
forward and forward+backward. A call is mapped to the benchmark size nearest to its (L, N, H) in log
space; ``triton`` is preferred where the matching entry is above 1 (forward+backward when autograd is
recording, forward otherwise). Calls that ask for gates prefer ``triton`` once the kernels have been
measured on a GPU at all (cuDNN cannot return gates; the alternative is the step-by-step reference).
Entries not measured prefer cuDNN.

Status: the table is EMPTY. The kernels pass their tests under Triton's CPU interpreter and compile
for sm_90, but no GPU run has happened yet (the device session's budget was spent before the run;
see docs/BENCHMARKS.md). Until ``benchmarks/gpu_check.sh`` fills this table, ``auto`` never picks
``triton``: it must not fail where ``reference`` works, and untimed kernels must not replace cuDNN.
To fill it, paste the ``MEASURED = {...}`` block that ``benchmarks/bench_gpu.py`` prints last.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from rnnkit.nn.backends.base import LayerSpec

# (L, N, H) of the benchmark sizes
SIZES = {"C1": (100, 64, 512), "C2": (1024, 16, 768), "C3": (1000, 8, 128), "C4": (100, 256, 1024)}

# (size, cell, precision) -> (forward speed-up, forward+backward speed-up) over cuDNN
MEASURED: dict[tuple[str, str, str], tuple[float, float]] = {}

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
        return False  # never run on a GPU yet: keep auto on the verified paths
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
