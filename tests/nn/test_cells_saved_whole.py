"""A module saved whole (``torch.save(module)``) loads with ``torch.load(weights_only=True)`` given
only its class, as torch.nn's do: ``weights_only`` refuses any other global, and a cell carried its
cell-type record (rnnkit's ``CellType``, which holds functions), so loading one asked for that too."""

from __future__ import annotations

import io

import pytest
import torch
from torch import nn

import rnnkit
import rnnkit.nn

# (rnnkit's module, torch.nn's twin or None): every cell and layer class, the MGU built by name
MODULES = [
    (lambda: rnnkit.RNNCell(3, 4, nonlinearity="relu"), lambda: nn.RNNCell(3, 4, nonlinearity="relu")),
    (lambda: rnnkit.LSTMCell(3, 4), lambda: nn.LSTMCell(3, 4)),
    (lambda: rnnkit.GRUCell(3, 4), lambda: nn.GRUCell(3, 4)),
    (lambda: rnnkit.nn.make_cell("mgu", 3, 4), None),
    (lambda: rnnkit.LSTM(3, 4, 2, bidirectional=True), lambda: nn.LSTM(3, 4, 2, bidirectional=True)),
    (lambda: rnnkit.RNN(3, 4, nonlinearity="relu"), lambda: nn.RNN(3, 4, nonlinearity="relu")),
    (lambda: rnnkit.nn.make_layer("mgu", 3, 4), None),
]
IDS = ["RNNCell", "LSTMCell", "GRUCell", "MGUCell", "LSTM", "RNN", "MGU"]


def _saved_and_loaded(module: nn.Module) -> nn.Module:
    buffer = io.BytesIO()
    torch.save(module, buffer)
    buffer.seek(0)
    with torch.serialization.safe_globals([type(module)]):
        return torch.load(buffer, weights_only=True)


def _first(result) -> torch.Tensor:
    return result[0] if isinstance(result, tuple) else result


@pytest.mark.parametrize(("ours", "theirs"), MODULES, ids=IDS)
def test_saved_whole_loads_with_weights_only_given_its_class_as_torch_nn(ours, theirs) -> None:
    torch.manual_seed(0)
    module = ours()
    x = torch.randn(5, 2, 3) if hasattr(module, "num_layers") else torch.randn(2, 3)
    want = _first(module(x))  # after a call too: nothing a call leaves behind travels
    loaded = _saved_and_loaded(module)
    assert type(loaded) is type(module) and loaded.cell_mode == module.cell_mode
    torch.testing.assert_close(_first(loaded(x)), want, rtol=0, atol=0)
    if theirs is not None:
        assert type(_saved_and_loaded(theirs())) is type(theirs())  # what torch.nn's allow
