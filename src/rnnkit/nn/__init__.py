"""TEMPORARY SHIM (replaced by the real rnnkit.nn): thin subclasses of torch.nn so applications can
be developed against the public API while the reference cells and backends are being written."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnkit.utils.errors import RnnkitError

CELL_TYPES = ("rnn", "lstm", "gru")


def _forward(self, base, x, hx=None, lengths=None, return_gates=False):
    if lengths is None:
        return base.forward(self, x, hx)
    lengths = torch.as_tensor(lengths, device="cpu")
    packed = pack_padded_sequence(x, lengths, batch_first=self.batch_first, enforce_sorted=False)
    out, h = base.forward(self, packed, hx)
    out, _ = pad_packed_sequence(
        out, batch_first=self.batch_first, total_length=x.shape[1 if self.batch_first else 0]
    )
    return out, h


class RNN(nn.RNN):
    def __init__(self, *args, backend: str = "auto", **kwargs):
        super().__init__(*args, **kwargs)

    def forward(self, x, hx=None, lengths=None, return_gates=False):
        return _forward(self, nn.RNN, x, hx, lengths)


class LSTM(nn.LSTM):
    def __init__(self, *args, backend: str = "auto", **kwargs):
        super().__init__(*args, **kwargs)

    def forward(self, x, hx=None, lengths=None, return_gates=False):
        return _forward(self, nn.LSTM, x, hx, lengths)


class GRU(nn.GRU):
    def __init__(self, *args, backend: str = "auto", **kwargs):
        super().__init__(*args, **kwargs)

    def forward(self, x, hx=None, lengths=None, return_gates=False):
        return _forward(self, nn.GRU, x, hx, lengths)


RNNCell, LSTMCell, GRUCell = nn.RNNCell, nn.LSTMCell, nn.GRUCell

_LAYERS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}
_CELLS = {"rnn": RNNCell, "lstm": LSTMCell, "gru": GRUCell}


def make_layer(cell: str, input_size: int, hidden_size: int, **kwargs):
    if cell not in _LAYERS:
        raise RnnkitError(f"unknown cell {cell!r}; known: {', '.join(CELL_TYPES)}")
    return _LAYERS[cell](input_size, hidden_size, **kwargs)


def make_cell(cell: str, input_size: int, hidden_size: int, **kwargs):
    if cell not in _CELLS:
        raise RnnkitError(f"unknown cell {cell!r}; known: {', '.join(CELL_TYPES)}")
    return _CELLS[cell](input_size, hidden_size, **kwargs)
