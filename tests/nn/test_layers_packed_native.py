"""A PackedSequence input against torch.nn's layers.

A PackedSequence of the wrong dtype raises what torch.nn's layers raise for it: ``ValueError`` (RNN,
GRU) or ``RuntimeError`` (LSTM, whose packed path skips its dtype check and fails in the kernel), so
rnnkit's error is both.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import rnnkit
from rnnkit.utils.errors import DtypeError, RnnkitError

LAYERS = {"rnn": (rnnkit.RNN, nn.RNN), "lstm": (rnnkit.LSTM, nn.LSTM), "gru": (rnnkit.GRU, nn.GRU)}


def _twins(kind: str, backend: str, **kw):
    ours_cls, theirs_cls = LAYERS[kind]
    theirs = theirs_cls(3, 4, **kw)
    ours = ours_cls(3, 4, backend=backend, **kw)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


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
