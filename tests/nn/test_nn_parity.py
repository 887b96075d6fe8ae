"""Parity with torch.nn over a grid of options, for every backend that can run on every device.

Compared: outputs, h_n (and c_n), and the gradients of the input, of every initial state and of
every parameter, after the same random projection of all outputs. float64 tolerances: rtol 1e-7,
atol 1e-9; float32: rtol 1e-4, atol 1e-5 (see helpers_nn.TOLERANCES). dropout is 0 here (random).
"""

from __future__ import annotations

import itertools

import pytest
import torch
from helpers_nn import DEVICES, MODES, assert_same, make_pair, run_with_grads, skip_unless_runnable

from rnnkit.nn.backends import BACKEND_NAMES

L, N, H_IN, H = 5, 3, 4, 3
LENGTHS = torch.tensor([5, 2, 4])  # unsorted on purpose

# (num_layers, bidirectional, batch_first, bias, lengths, initial state): every combination for
# 1 and 2 layers, plus 3 layers with every option on and with every option off
GRID = [
    *itertools.product((1, 2), (False, True), (False, True), (True, False), (False, True), (False, True)),
    (3, True, True, True, True, True),
    (3, False, False, False, False, False),
]


def _grid_id(case) -> str:
    layers, bidir, bf, bias, lens, state = case
    flags = [f"l{layers}", "bi" if bidir else "uni", "bf" if bf else "tm", "b" if bias else "nob"]
    return "-".join(flags + (["len"] if lens else []) + (["hx"] if state else []))


def _inputs(mode: str, case, device: str, dtype: torch.dtype):
    layers, bidir, batch_first, _, lens, state = case
    gen = torch.Generator().manual_seed(7)
    x = torch.randn(L, N, H_IN, generator=gen, dtype=dtype)
    if batch_first:
        x = x.transpose(0, 1).contiguous()
    hx = None
    if state:
        shape = (layers * (2 if bidir else 1), N, H)
        h0 = torch.randn(shape, generator=gen, dtype=dtype).to(device)
        hx = (h0, torch.randn(shape, generator=gen, dtype=dtype).to(device)) if mode == "lstm" else h0
    return x.to(device), hx, (LENGTHS if lens else None)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("backend", BACKEND_NAMES)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", GRID, ids=_grid_id)
def test_parity_with_torch_nn_float64(case, mode: str, backend: str, device: str) -> None:
    layers, bidir, batch_first, bias, _, _ = case
    x, hx, lengths = _inputs(mode, case, device, torch.float64)
    skip_unless_runnable(
        backend, mode, x, lengths, False, hidden_size=H, num_layers=layers, bias=bias, bidirectional=bidir
    )
    opts = {"num_layers": layers, "bidirectional": bidir, "batch_first": batch_first, "bias": bias}
    ours, theirs = make_pair(mode, H_IN, H, backend=backend, **opts)
    ours, theirs = ours.to(device, torch.float64), theirs.to(device, torch.float64)
    got = run_with_grads(ours, x, hx, lengths, batch_first)
    want = run_with_grads(theirs, x, hx, lengths, batch_first)
    assert_same(got, want, torch.float64)


@pytest.fixture
def full_fp32():
    """TF32 off for the test, restored afterwards.

    Not monkeypatch: ``torch.backends.cuda.matmul.allow_tf32`` is computed by ``__getattr__``, and
    pytest 9.2's monkeypatch then deletes the attribute on undo, which that module refuses.
    """
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    yield
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("backend", BACKEND_NAMES)
@pytest.mark.parametrize("mode", MODES)
def test_parity_with_torch_nn_float32(mode: str, backend: str, device: str, full_fp32) -> None:
    """A larger float32 case (TF32 off on CUDA, so both sides compute in full float32)."""
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(12, 6, 16, generator=gen).to(device)
    lengths = torch.tensor([12, 7, 12, 1, 9, 3])
    skip_unless_runnable(backend, mode, x, lengths, False, hidden_size=32, num_layers=2, bidirectional=True)
    ours, theirs = make_pair(mode, 16, 32, backend=backend, num_layers=2, bidirectional=True)
    ours, theirs = ours.to(device), theirs.to(device)
    got = run_with_grads(ours, x, None, lengths, batch_first=False)
    want = run_with_grads(theirs, x, None, lengths, batch_first=False)
    assert_same(got, want, torch.float32)
