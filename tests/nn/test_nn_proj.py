"""LSTM with ``proj_size``: h_t = W_hr (o_t ⊙ tanh(c_t)), as torch.nn.LSTM(proj_size=...), on every CPU backend."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import rnnkit
from rnnkit.nn.backends import get_backend
from rnnkit.nn.backends.base import LayerSpec

F64 = {"dtype": torch.float64}


@pytest.mark.parametrize("backend", ["reference", "native", "auto"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_projected_lstm_matches_torch_with_and_without_lengths(backend: str, bidirectional: bool) -> None:
    torch.manual_seed(0)
    ours = rnnkit.LSTM(3, 6, 2, bidirectional=bidirectional, proj_size=2, backend=backend, **F64)
    theirs = nn.LSTM(3, 6, 2, bidirectional=bidirectional, proj_size=2, **F64)
    theirs.load_state_dict(ours.state_dict())  # rnnkit -> torch
    ours.load_state_dict(theirs.state_dict())  # and back
    D = 2 if bidirectional else 1
    x = torch.randn(5, 4, 3, **F64, requires_grad=True)
    h0 = torch.randn(2 * D, 4, 2, **F64)
    c0 = torch.randn(2 * D, 4, 6, **F64)
    out, (h, c) = ours(x, (h0, c0))
    want, (want_h, want_c) = theirs(x, (h0, c0))
    assert out.shape == (5, 4, D * 2) and h.shape == (2 * D, 4, 2) and c.shape == (2 * D, 4, 6)
    for got, exp in ((out, want), (h, want_h), (c, want_c)):
        torch.testing.assert_close(got, exp)
    grads = torch.autograd.grad(out.sum() + c.sum(), [x, ours.weight_hr_l1])
    want_grads = torch.autograd.grad(want.sum() + want_c.sum(), [x, theirs.weight_hr_l1])
    for got, exp in zip(grads, want_grads, strict=True):
        torch.testing.assert_close(got, exp)

    lengths = torch.tensor([5, 2, 3, 1])
    out, (h, c) = ours(x, (h0, c0), lengths=lengths)
    packed, (want_h, want_c) = theirs(pack_padded_sequence(x, lengths, enforce_sorted=False), (h0, c0))
    want, _ = pad_packed_sequence(packed, total_length=5)
    for got, exp in ((out, want), (h, want_h), (c, want_c)):
        torch.testing.assert_close(got, exp)


def test_gates_are_reported_before_the_projection() -> None:
    torch.manual_seed(1)
    lstm = rnnkit.LSTM(3, 6, proj_size=2, backend="auto", **F64)  # auto: gates -> reference
    out, _, gates = lstm(torch.randn(4, 2, 3, **F64), return_gates=True)
    assert gates.output.shape == gates.c.shape == (1, 4, 2, 6)
    recomputed = (gates.output[0] * torch.tanh(gates.c[0])) @ lstm.weight_hr_l0.t()  # (L, N, P)
    torch.testing.assert_close(out, recomputed)


def test_reference_projection_gradcheck() -> None:
    torch.manual_seed(2)
    lstm = rnnkit.LSTM(2, 3, proj_size=1, backend="reference", **F64)
    x = torch.randn(3, 2, 2, **F64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, w: _run_with(lstm, x, w), (x, lstm.weight_hr_l0))


def _run_with(lstm: rnnkit.LSTM, x: torch.Tensor, w_hr: torch.Tensor) -> torch.Tensor:
    out, (h, c) = torch.func.functional_call(lstm, {"weight_hr_l0": w_hr}, (x,))
    return out.sum() + c.sum()


def test_triton_declines_projections_with_a_reason_and_auto_falls_back() -> None:
    try:
        triton = get_backend("triton")
    except rnnkit.RnnkitError as exc:
        pytest.skip(f"triton backend not importable: {exc}")
    spec = LayerSpec("lstm", 3, 6, proj_size=2)
    x = torch.randn(4, 2, 3, device="cuda" if torch.cuda.is_available() else "cpu")
    reason = triton.unsupported_reason(spec, x, None, False)
    assert reason is not None and "proj" in reason


@pytest.mark.parametrize(("args", "message"), [
    ({"proj_size": 6}, "proj_size must be smaller than hidden_size 6; got 6"),
    ({"proj_size": -1}, "proj_size must be a non-negative integer; got -1"),
])  # fmt: skip
def test_bad_proj_size(args: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rnnkit.LSTM(3, 6, **args)
