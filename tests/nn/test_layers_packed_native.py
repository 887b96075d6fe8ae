"""A PackedSequence on the native backend: its data straight to torch's kernel, as torch.nn runs it.

The layer pads a packed input once, for its checks; the kernel then gets the packed data and batch
sizes as they came and the output goes back packed as it came out, with no second pack or pad (they
cost a small batch's call as much again as the kernel). What the user sees stays torch.nn's, bit for
bit, and every check still fires. And a PackedSequence of the wrong dtype raises what torch.nn's
layers raise for it: ``ValueError`` (RNN, GRU) or ``RuntimeError`` (LSTM, whose packed path skips its
dtype check and fails in the kernel), so rnnkit's error is both.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils import rnn as rnn_utils
from torch.nn.utils.rnn import pack_padded_sequence

import rnnkit
from rnnkit.nn import layers
from rnnkit.nn.backends import native
from rnnkit.utils.errors import DtypeError, RnnkitError, ShapeError

LAYERS = {"rnn": (rnnkit.RNN, nn.RNN), "lstm": (rnnkit.LSTM, nn.LSTM), "gru": (rnnkit.GRU, nn.GRU)}


def _twins(kind: str, backend: str, **kw):
    ours_cls, theirs_cls = LAYERS[kind]
    theirs = theirs_cls(3, 4, **kw)
    ours = ours_cls(3, 4, backend=backend, **kw)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def _state(kind: str, N: int, layers_d: int = 4):
    h = torch.randn(layers_d, N, 4, dtype=torch.float64)
    return (h, torch.randn(layers_d, N, 4, dtype=torch.float64)) if kind == "lstm" else h


@pytest.mark.parametrize("backend", ["native", "auto"])
@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_packed_input_runs_as_torch_nn_with_one_pad_and_no_repacking(
    kind: str, backend: str, monkeypatch
) -> None:
    ours, theirs = _twins(kind, backend, num_layers=2, bidirectional=True, dropout=0.5, dtype=torch.float64)
    x = torch.randn(6, 5, 3, dtype=torch.float64, requires_grad=True)
    packed = pack_padded_sequence(x, torch.tensor([2, 6, 1, 6, 4]), enforce_sorted=False)
    hx = _state(kind, 5)
    calls = {"pack": 0, "pad": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    for module in (layers, native):
        monkeypatch.setattr(module, "pack_padded_sequence", counting("pack", rnn_utils.pack_padded_sequence))
        monkeypatch.setattr(module, "pad_packed_sequence", counting("pad", rnn_utils.pad_packed_sequence))
    torch.manual_seed(0)  # training mode: dropout between the layers draws torch.nn's masks
    out_t, state_t = theirs(packed, hx)
    torch.manual_seed(0)
    out_o, state_o = ours(packed, hx)
    assert calls == {"pack": 0, "pad": 1}  # the checks' pad only
    assert type(out_o) is type(out_t)
    for a, b in zip(out_t, out_o, strict=True):
        assert torch.equal(a, b)
    states_t = state_t if kind == "lstm" else (state_t,)
    states_o = state_o if kind == "lstm" else (state_o,)
    for a, b in zip(states_t, states_o, strict=True):
        assert torch.equal(a, b)
    loss_t = out_t.data.sum() + sum(s.sum() for s in states_t)
    loss_o = out_o.data.sum() + sum(s.sum() for s in states_o)
    grad_t = torch.autograd.grad(loss_t, x, retain_graph=True)[0]  # the packing is shared by both
    assert torch.allclose(grad_t, torch.autograd.grad(loss_o, x)[0], atol=1e-12)


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_packed_input_is_still_checked(kind: str) -> None:
    ours, _ = _twins(kind, "native")
    packed = pack_padded_sequence(torch.randn(6, 2, 3), [6, 4])
    with pytest.raises(ShapeError, match=r"initial state h_0 has shape \(1, 3, 4\); expected \(1, 2, 4\)"):
        h = torch.zeros(1, 3, 4)
        ours(packed, (h, torch.zeros(1, 2, 4)) if kind == "lstm" else h)
    with pytest.raises(ShapeError, match="expects input feature size 3; got 5"):
        ours(pack_padded_sequence(torch.randn(6, 2, 5), [6, 4]))


@pytest.mark.parametrize("backend", ["reference", "native", "auto"])
@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_packed_input_of_another_dtype_raises_torch_nn_exception_type(kind: str, backend: str) -> None:
    ours, theirs = _twins(kind, backend)
    packed = pack_padded_sequence(torch.randn(6, 2, 3, dtype=torch.float64), [6, 4])
    with pytest.raises(Exception) as raised:
        theirs(packed)
    expected = RuntimeError if kind == "lstm" else ValueError  # what torch 2.x raises: checked, not assumed
    assert type(raised.value) is expected
    with pytest.raises(DtypeError) as ours_raised:
        ours(packed)
    assert isinstance(ours_raised.value, expected) and isinstance(ours_raised.value, RnnkitError)
    assert "input is torch.float64 on cpu, but its weights are torch.float32" in str(ours_raised.value)
    assert "\n" not in str(ours_raised.value)
