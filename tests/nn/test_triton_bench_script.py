"""The GPU benchmark's report (benchmarks/bench_gpu.py) is right before the one GPU run that fills it.

A device session has minutes, not hours: the table it prints must be pasteable into the policy as is.
These tests feed the report functions rows shaped like a real run (no GPU needed) and check that the
printed ``MEASURED`` block is Python the policy understands, keyed by the policy's own sizes.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from unittest import mock

import torch

from rnnkit.nn.backends.base import LayerSpec
from rnnkit.nn.backends.triton import policy

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_gpu.py"


def load_script():
    spec = importlib.util.spec_from_file_location("bench_gpu", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_row(size: str, cell: str, precision: str, cudnn_ms: float, triton_ms: float) -> dict:
    L, N, H = policy.SIZES[size]
    return {
        "size": size,
        "cell": cell,
        "precision": precision,
        "L": L,
        "N": N,
        "H": H,
        "err_out": 1e-3,
        "err_dx": 2e-3,
        "err_dw_hh": 3e-3,
        "plan": "Plan(...)",
        "cudnn_fwd_ms": cudnn_ms,
        "triton_fwd_ms": triton_ms,
        "cudnn_fwdbwd_ms": 3 * cudnn_ms,
        "triton_fwdbwd_ms": 3.5 * triton_ms,
        "floor_fwd_ms": 0.1,
        "floor_fwdbwd_ms": 0.3,
        "speedup_fwd": cudnn_ms / triton_ms,
        "speedup_fwdbwd": 3 * cudnn_ms / (3.5 * triton_ms),
    }


def test_benchmark_sizes_cells_and_precisions_are_the_policys():
    bench = load_script()
    assert bench.SIZES == policy.SIZES
    assert {policy.cell_name(mode) for mode, _, _ in bench.CELLS.values()} == set(bench.CELLS)
    assert set(bench.PRECISIONS) == {"fp32", "tf32", "bf16", "fp16"}


def test_printed_table_pastes_into_the_policy_and_drives_auto():
    bench = load_script()
    rows = [
        fake_row("C2", "gru", "bf16", cudnn_ms=12.0, triton_ms=2.0),  # 6x forward, 5.1x training
        fake_row("C1", "lstm", "fp32", cudnn_ms=1.0, triton_ms=2.0),  # 2x slower
        {"size": "C4", "cell": "rnn", "precision": "fp16", "error": "OutOfResources: shared memory"},
    ]
    namespace: dict = {}
    exec(bench.policy_table(rows), namespace)  # the block printed last, pasted as is
    measured = namespace["MEASURED"]
    assert set(measured) == {("C2", "gru", "bf16"), ("C1", "lstm", "fp32")}  # failed cases left out
    assert measured[("C2", "gru", "bf16")] == (6.0, 5.14)

    with mock.patch.dict(policy.MEASURED, measured, clear=True):
        gru = LayerSpec("gru", 768, 768)
        x = torch.zeros(1024, 16, 768, dtype=torch.bfloat16)
        assert policy.prefer_triton(gru, x, None, False)
        lstm = LayerSpec("lstm", 512, 512)
        tf32 = torch.backends.cuda.matmul.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = False  # float32 is "fp32", as measured
        try:
            assert not policy.prefer_triton(lstm, torch.zeros(100, 64, 512), None, False)
        finally:
            torch.backends.cuda.matmul.allow_tf32 = tf32

    table = bench.to_markdown(
        rows,
        {"card": "H100", "driver": "1", "torch": "2", "triton": "3", "cudnn": 9, "rates": {"bf16": 700.0}},
    )
    assert "| C2 | gru | bf16 | 12 | 2 | 6.00x |" in table
    assert "| C4 | rnn | fp16 | failed: OutOfResources" in table
    assert "card: H100; driver 1; torch 2; triton 3" in table
