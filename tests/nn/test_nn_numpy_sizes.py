"""Sizes given as NumPy integers (read from an array or a config) are taken and kept as plain ints, as
torch.nn keeps its sizes: a layer kept ``np.int64`` and then failed where an int is read
(``json.dumps``, ``torch.nn.GRU(m.input_size, m.hidden_size)``)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

import rnnkit


@pytest.mark.parametrize("make", [rnnkit.GRU, rnnkit.LSTM, rnnkit.RNN])
def test_a_layer_keeps_numpy_sizes_as_ints(make):
    m = make(np.int64(3), np.int64(4), num_layers=np.int32(2))
    sizes = {"input_size": m.input_size, "hidden_size": m.hidden_size, "num_layers": m.num_layers}
    assert all(type(v) is int for v in sizes.values()) and type(m.proj_size) is int
    assert json.loads(json.dumps(sizes)) == {"input_size": 3, "hidden_size": 4, "num_layers": 2}
    twin = getattr(torch.nn, make.__name__)(m.input_size, m.hidden_size, m.num_layers)  # torch.nn reads them
    m.load_state_dict(twin.state_dict())


@pytest.mark.parametrize("make", [rnnkit.GRUCell, rnnkit.LSTMCell, rnnkit.RNNCell])
def test_a_cell_keeps_numpy_sizes_as_ints(make):
    cell = make(np.int64(3), np.uint8(4))
    assert type(cell.input_size) is int and type(cell.hidden_size) is int
    out = cell(torch.zeros(2, 3))
    h = out[0] if isinstance(out, tuple) else out  # LSTMCell: (h, c)
    assert h.shape == (2, 4)


def test_a_numpy_dropout_is_taken_as_torch_nn_takes_it():
    lstm = rnnkit.LSTM(3, 4, num_layers=2, dropout=np.float32(0.25))  # refused: "must be a number in [0, 1]"
    assert type(lstm.dropout) is float and lstm.dropout == 0.25
    torch.nn.LSTM(3, 4, num_layers=2, dropout=np.float32(0.25))  # what torch.nn takes
