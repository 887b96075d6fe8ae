"""Launch plans: how the hidden units are split over programs, and whether one launch runs all steps.

A :class:`Plan` fixes the tile sizes of the kernels in :mod:`.kernels`:

- ``block_h`` hidden units per program, so ``P = ceil(H / block_h)`` programs;
- ``block_n`` batch rows per tile (the program loops over ``ceil(N / block_n)`` tiles);
- ``block_k`` the reduction chunk of ``h @ W_hh^T``; ``resident`` means one chunk covers all of H and
  the program's ``W_hh`` slice is loaded once and kept on chip for the whole sequence;
- ``persistent``: one launch runs every step, programs meeting at a grid-wide barrier after each step.
  It needs every program resident at once, so it is used only when ``P`` is at most the number of
  multiprocessors; otherwise the kernels are launched once per step (the fallback).

On the CPU (the Triton interpreter runs programs one after another) the default plan is a single
program covering all hidden units, run persistently: the barrier then never waits. Tests pass other
plans explicitly to exercise the split and the per-step path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

import torch
from triton.runtime.errors import OutOfResources

from rnnkit.nn.backends.triton import kernels
from rnnkit.utils.errors import RnnkitError

# shared memory a resident plan may use: the W_hh slice (G, H, BLOCK_H) plus the staged state tile
# (BLOCK_N, H) twice (load and dot-operand copy). Calibrated on sm_90 compiles (their report of
# shared bytes stayed under this estimate); the hardware limit is 227 KiB per block.
RESIDENT_SMEM_BYTES = 200 * 1024
MAX_BLOCK_H = 128

# polls of the step counter before a grid barrier gives up (about a second or more on a GPU)
MAX_SPINS = 1 << 22

# check after each persistent launch that no barrier timed out (costs a device sync per launch);
# always on for the CPU interpreter, on for CUDA with RNNKIT_TRITON_CHECK_BARRIER=1
CHECK_BARRIER = os.environ.get("RNNKIT_TRITON_CHECK_BARRIER", "0") not in ("", "0")

# when True, launches only compile their kernels (into Triton's on-disk cache) and run nothing:
# benchmarks/bench_gpu.py sets it in worker processes to compile every case in parallel
WARMUP_ONLY = False


def next_pow2(n: int) -> int:
    return 1 << max(0, (n - 1).bit_length())


@dataclass(frozen=True)
class Plan:
    """Tile sizes and launch mode of one direction's kernels (see the module docstring)."""

    block_n: int
    block_h: int
    block_k: int
    resident: bool
    persistent: bool
    num_warps: int = 4

    def programs(self, hidden_size: int) -> int:
        return -(-hidden_size // self.block_h)

    def check(self, hidden_size: int) -> Plan:
        """Refuse a plan the kernels would run wrongly: a resident slice is one reduction chunk, so
        ``block_k`` must cover the padded hidden size (a shorter one read only part of ``W_hh``: on an
        H200 such a plan returned outputs 97% off, with no error)."""
        if self.resident and self.block_k < next_pow2(hidden_size):
            raise RnnkitError(
                f"a resident plan needs block_k >= {next_pow2(hidden_size)} (the padded hidden size "
                f"{hidden_size}); got {self.block_k}"
            )
        return self


def _sm_count(device: torch.device) -> int:
    return torch.cuda.get_device_properties(device).multi_processor_count


def resident_smem(gates: int, hp: int, block_h: int, block_n: int, elem: int) -> int:
    """Estimated shared memory of a resident plan (see RESIDENT_SMEM_BYTES)."""
    return gates * hp * block_h * elem + 2 * block_n * hp * elem


def make_plan(
    n: int,
    hidden: int,
    gates: int,
    dtype: torch.dtype,
    device: torch.device,
    smem_bytes: int = RESIDENT_SMEM_BYTES,
) -> Plan:
    """The default plan for batch ``n``, hidden size ``hidden``, ``gates`` gate blocks.

    On CUDA: 16 hidden units per program (doubled until the programs fit the multiprocessors), the
    W_hh slice resident when it fits shared memory (shrinking the batch tile to make room), else
    streamed from L2 in chunks of 64 (half precision) or 32 (float32/64) along H.
    """
    hp = max(16, next_pow2(hidden))
    block_n = min(64, max(16, next_pow2(n)))
    if device.type != "cuda":
        return Plan(block_n=block_n, block_h=hp, block_k=hp, resident=True, persistent=True)
    block_h = 16
    n_sm = _sm_count(device)
    while -(-hidden // block_h) > n_sm and block_h < MAX_BLOCK_H:
        block_h *= 2
    persistent = -(-hidden // block_h) <= n_sm
    elem = torch.finfo(dtype).bits // 8
    if elem <= 2 and hp >= 1024 and gates >= 3:
        # Wide layers in half precision: a resident slice needs 8 warps at 255 registers each, one
        # block per SM, and each step waits on that latency (ncu on an H200, C2 LSTM: 12.5% occupancy).
        # Streaming W_hh from L2 in chunks of 256 with 4 warps ran the C2 LSTM forward in 8.1 ms
        # against 18.2, the C2 GRU in 6.4 against 11.7 and the C4 LSTM in 12.6 against 26.1
        # (benchmarks/plan_sweep_gpu.py; docs/BENCHMARKS.md). At H <= 512 the resident plan stayed faster;
        # the Simple RNN (one gate) was not swept, so it keeps its measured resident plan.
        return Plan(16, block_h, 256, False, persistent, 4)
    bn = block_n
    while bn > 16 and resident_smem(gates, hp, block_h, bn, elem) > smem_bytes:
        bn //= 2
    if resident_smem(gates, hp, block_h, bn, elem) <= smem_bytes:
        return Plan(bn, block_h, hp, True, persistent, 8 if hp >= 512 else 4)
    return Plan(block_n, block_h, 64 if elem <= 2 else 32, False, persistent, 4)


def streamed(plan: Plan, dtype: torch.dtype) -> Plan:
    """The same plan with W_hh re-read from L2 each step (fallback when a resident one does not fit)."""
    return replace(plan, resident=False, block_k=64 if torch.finfo(dtype).bits <= 16 else 32, num_warps=4)


def precision_for(dtype: torch.dtype) -> str:
    """``tl.dot`` input precision: tf32 for float32 when torch allows it for matmuls, else exact."""
    if dtype == torch.float32 and torch.backends.cuda.matmul.allow_tf32:
        return "tf32"
    return "ieee"


def _dot_weights(w_hh: torch.Tensor) -> torch.Tensor:
    """W_hh as the kernel multiplies it: upcast on the CPU for bfloat16 (the interpreter's bf16 dot is wrong)."""
    if w_hh.device.type != "cuda" and w_hh.dtype == torch.bfloat16:
        return w_hh.float()
    return w_hh


def _check_barrier(sync: torch.Tensor, cpu: bool) -> None:
    """Raise if a grid barrier of the launch that used ``sync`` gave up (its results are invalid)."""
    if (cpu or CHECK_BARRIER) and int(sync[1]) > 0:
        raise RuntimeError(
            "triton backend: a grid-wide step barrier timed out (the programs were not all resident "
            "at once, e.g. the GPU was shared); the results are invalid"
        )


def launch_forward(
    plan: Plan, mode_id: int, gate_blocks: int, gate_outputs: int, xp, bhn, w_hh, hs, hb, cs, out, acts, hn, gates,
    lens, save: bool, return_gates: bool,
) -> None:  # fmt: skip
    """Run the forward recurrence over all ``L = out.shape[0]`` steps (buffers as in kernels.py)."""
    L, N, H = out.shape
    cpu = out.device.type != "cuda"
    kernel = kernels.fwd_kernel_cpu if cpu else kernels.fwd_kernel
    grid = (plan.programs(H),)
    sync = torch.zeros(2, dtype=torch.int32, device=out.device)
    meta = dict(
        MODE=mode_id, G=gate_blocks, K=max(gate_outputs, 1), BLOCK_N=plan.block_n, BLOCK_H=plan.block_h,
        BLOCK_K=plan.block_k, RESIDENT=plan.resident, SAVE=save, RETURN_GATES=return_gates,
        PRECISION="ieee" if cpu else precision_for(w_hh.dtype), STORE_HB=hb is not hs,
    )  # fmt: skip
    if not cpu:
        meta["num_warps"] = plan.num_warps
    args = (xp, bhn, _dot_weights(w_hh), hs, hb, cs, out, acts, hn, gates, lens, sync)
    if WARMUP_ONLY and not cpu:
        kernel.warmup(*args, 0, L, MAX_SPINS, N, H, SYNC=plan.persistent, grid=grid, **meta)
    elif plan.persistent:
        kernel[grid](*args, 0, L, MAX_SPINS, N, H, SYNC=True, **meta)
        _check_barrier(sync, cpu)
    else:
        for t in range(L):
            kernel[grid](*args, t, 1, MAX_SPINS, N, H, SYNC=False, **meta)


def run_with_fallback(launch_fn, plan: Plan, dtype: torch.dtype, *args) -> Plan:
    """Launch with ``plan``; if its resident tiles exceed the chip's shared memory, stream instead.

    Returns the plan that ran (the backward pass must use the same one).
    """
    try:
        launch_fn(plan, *args)
        return plan
    except OutOfResources:
        if not plan.resident:
            raise
        fallback = streamed(plan, dtype)
        launch_fn(fallback, *args)
        return fallback


def launch_backward(
    plan: Plan, mode_id: int, gate_blocks: int, dout, acts, hn, hs, cs, w_hh, dgi, dgh, dh, dc, lens
) -> None:
    """Run the backward recurrence from step L-1 down to 0, filling ``dgi``/``dgh``, ``dh``, ``dc``."""
    L, N, H = dout.shape
    cpu = dout.device.type != "cuda"
    kernel = kernels.bwd_kernel_cpu if cpu else kernels.bwd_kernel
    grid = (plan.programs(H),)
    sync = torch.zeros(2, dtype=torch.int32, device=dout.device)
    meta = dict(
        MODE=mode_id, G=gate_blocks, BLOCK_N=plan.block_n, BLOCK_H=plan.block_h, BLOCK_K=plan.block_k,
        RESIDENT=plan.resident, PRECISION="ieee" if cpu else precision_for(w_hh.dtype),
    )  # fmt: skip
    if not cpu:
        meta["num_warps"] = plan.num_warps
    args = (dout, acts, hn, hs, cs, _dot_weights(w_hh), dgi, dgh, dh, dc, lens, sync)
    if WARMUP_ONLY and not cpu:
        kernel.warmup(*args, L - 1, L, MAX_SPINS, L, N, H, SYNC=plan.persistent, grid=grid, **meta)
    elif plan.persistent:
        kernel[grid](*args, L - 1, L, MAX_SPINS, L, N, H, SYNC=True, **meta)
        _check_barrier(sync, cpu)
    else:
        for t in range(L - 1, -1, -1):
            kernel[grid](*args, t, 1, MAX_SPINS, L, N, H, SYNC=False, **meta)
