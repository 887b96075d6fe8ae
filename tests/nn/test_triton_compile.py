"""The GPU kernels compile for Hopper (sm_90) without a GPU, and their machine code does what the
design says: a release/acquire grid barrier, tensor-core products in half precision, and resident
W_hh slices that fit one multiprocessor's shared memory at the benchmark sizes.

Triton compiles to PTX and cubin here (ptxas ships in its wheel); nothing is launched.
"""

from __future__ import annotations

import re
from unittest import mock

import pytest
import torch

triton = pytest.importorskip("triton", reason="triton is not installed")

from triton.backends.compiler import GPUTarget  # noqa: E402
from triton.compiler import ASTSource  # noqa: E402

from rnnkit.nn.backends.triton import kernels, launch  # noqa: E402

HOPPER = GPUTarget("cuda", 90, 32)
SMEM_LIMIT = 227 * 1024  # bytes of shared memory one block may use on sm_90
TYPES = {torch.float32: "fp32", torch.bfloat16: "bf16", torch.float16: "fp16"}
STATE_ARGS = {"bhn_ptr", "hs_ptr", "cs_ptr", "acts_ptr", "hn_ptr", "dh_ptr", "dc_ptr"}


def compile_kernel(kernel, dtype: torch.dtype, num_warps: int, **constexprs):
    """Compile ``kernel`` for sm_90 with pointers of ``dtype`` (states float32) and ``constexprs``."""
    signature = {}
    for name in kernel.arg_names:
        if name in constexprs:
            signature[name] = "constexpr"
        elif name in ("len_ptr", "sync_ptr"):
            signature[name] = "*i32"
        elif name.endswith("_ptr"):
            signature[name] = "*fp32" if name in STATE_ARGS else f"*{TYPES[dtype]}"
        else:
            signature[name] = "i32"
    names = list(signature)
    src = ASTSource(
        fn=kernel, signature=signature, constexprs={(names.index(k),): v for k, v in constexprs.items()}
    )
    return triton.compile(src, target=HOPPER, options={"num_warps": num_warps})


def c2_plan(gates: int, dtype: torch.dtype) -> launch.Plan:
    with mock.patch.object(launch, "_sm_count", lambda device: 132):
        return launch.make_plan(16, 768, gates, dtype, torch.device("cuda"))


def c1_plan(gates: int, dtype: torch.dtype) -> launch.Plan:
    with mock.patch.object(launch, "_sm_count", lambda device: 132):
        return launch.make_plan(64, 512, gates, dtype, torch.device("cuda"))


def forward_constexprs(plan: launch.Plan, mode: int, gates: int, outputs: int, **overrides) -> dict:
    meta = dict(
        MODE=mode, G=gates, K=outputs, BLOCK_N=plan.block_n, BLOCK_H=plan.block_h, BLOCK_K=plan.block_k,
        RESIDENT=plan.resident, SYNC=True, SAVE=True, RETURN_GATES=True, PRECISION="ieee", STORE_HB=True,
    )  # fmt: skip
    meta.update(overrides)
    return meta


def test_lstm_bf16_c1_forward_keeps_weights_on_chip_with_a_grid_barrier():
    plan = c1_plan(4, torch.bfloat16)
    assert plan.resident and plan.persistent and plan.programs(512) == 32
    compiled = compile_kernel(
        kernels.fwd_kernel,
        torch.bfloat16,
        plan.num_warps,
        **forward_constexprs(plan, kernels.MODE_LSTM, 4, 5),
    )
    ptx = compiled.asm["ptx"]
    # barrier: one release increment per program, then acquire polls, between CTA barriers
    assert re.search(r"(red|atom)\.global\.gpu\.release\.add", ptx)
    assert re.search(r"\.gpu\.acquire", ptx)
    assert "bar.sync" in ptx
    # h @ W_hh^T on tensor cores with bfloat16 operands, float32 accumulation (a 64-row batch tile
    # gets Hopper's warpgroup wgmma, a 16-row one mma.sync)
    mma = r"mma\.sync\.aligned\.m16n8k16\.row\.col\.f32\.bf16\.bf16\.f32|wgmma\.mma_async\.sync\.aligned\.m\d+n\d+k16\.f32\.bf16\.bf16"
    assert re.search(mma, ptx)
    # the W_hh slice (4 gates x 512 rows x 16 units, bf16) lives in shared memory
    w_slice = 4 * plan.block_k * plan.block_h * 2
    assert w_slice <= compiled.metadata.shared <= SMEM_LIMIT


@pytest.mark.parametrize(
    ("gates", "mode", "dtype"), [(4, "MODE_LSTM", torch.bfloat16), (3, "MODE_GRU", torch.float16)]
)
def test_wide_half_precision_lstm_and_gru_stream_weights_from_l2(gates, mode, dtype):
    """At H = 768 in half precision the default streams W_hh in chunks of 256 with 4 warps: on an H200
    that ran the C2 LSTM forward in 8.1 ms against 18.2 for the resident slice (docs/BENCHMARKS.md)."""
    plan = c2_plan(gates, dtype)
    assert not plan.resident and plan.persistent and plan.programs(768) == 48
    assert (plan.block_k, plan.num_warps) == (256, 4)
    compiled = compile_kernel(
        kernels.fwd_kernel, dtype, plan.num_warps,
        **forward_constexprs(plan, getattr(kernels, mode), gates, 5 if gates == 4 else 3),
    )  # fmt: skip
    ptx = compiled.asm["ptx"]
    assert re.search(r"\.gpu\.acquire", ptx) and "mma.sync.aligned" in ptx
    assert compiled.metadata.shared < 4 * 1024 * 16 * 2  # far less than a resident slice
    # the Simple RNN was not measured under this plan: it keeps its resident one
    assert c2_plan(1, dtype).resident


def test_lstm_bf16_c2_backward_fits_and_uses_tensor_cores():
    plan = c2_plan(4, torch.bfloat16)
    compiled = compile_kernel(
        kernels.bwd_kernel, torch.bfloat16, plan.num_warps, MODE=kernels.MODE_LSTM, G=4,
        BLOCK_N=plan.block_n, BLOCK_H=plan.block_h, BLOCK_K=plan.block_k, RESIDENT=plan.resident, SYNC=True,
        PRECISION="ieee",
    )  # fmt: skip
    assert compiled.metadata.shared <= SMEM_LIMIT
    assert "mma.sync.aligned" in compiled.asm["ptx"]


def test_gru_fp32_streams_weights_and_tf32_uses_tensor_cores():
    plan = c2_plan(3, torch.float32)
    assert not plan.resident  # 3 x 1024 x 16 float32 plus the state tile do not fit
    ieee = compile_kernel(
        kernels.fwd_kernel, torch.float32, plan.num_warps,
        **forward_constexprs(plan, kernels.MODE_GRU, 3, 3, STORE_HB=False),
    )  # fmt: skip
    assert "mma.sync" not in ieee.asm["ptx"]  # exact float32: FMA, no tensor cores
    tf32 = compile_kernel(
        kernels.fwd_kernel, torch.float32, plan.num_warps,
        **forward_constexprs(plan, kernels.MODE_GRU, 3, 3, STORE_HB=False, PRECISION="tf32"),
    )  # fmt: skip
    assert "tf32" in tf32.asm["ptx"]


def test_per_step_kernel_has_no_barrier():
    plan = launch.Plan(block_n=16, block_h=16, block_k=64, resident=False, persistent=False)
    compiled = compile_kernel(
        kernels.fwd_kernel, torch.float16, 4,
        **forward_constexprs(plan, kernels.MODE_RNN_TANH, 1, 1, SYNC=False, SAVE=False, RETURN_GATES=False),
    )  # fmt: skip
    ptx = compiled.asm["ptx"]
    assert not re.search(r"\.gpu\.(acquire|release)", ptx)
    assert re.search(r"mma\.sync\.aligned\.m16n8k16\.row\.col\.f32\.f16\.f16\.f32", ptx)
