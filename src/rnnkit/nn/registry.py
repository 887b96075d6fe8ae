"""Names to parts: ``"rnn" | "lstm" | "gru"`` to layers and cells, rejecting unknown names."""

from __future__ import annotations

from torch import nn

from rnnkit.nn.cells import GRUCell, LSTMCell, RNNCell
from rnnkit.nn.modules import GRU, LSTM, RNN
from rnnkit.utils.errors import RnnkitError

CELL_TYPES = ("rnn", "lstm", "gru")

_LAYERS: dict[str, type[nn.Module]] = {"rnn": RNN, "lstm": LSTM, "gru": GRU}
_CELLS: dict[str, type[nn.Module]] = {"rnn": RNNCell, "lstm": LSTMCell, "gru": GRUCell}


def _check(cell: str) -> None:
    if cell not in CELL_TYPES:
        raise RnnkitError(f"unknown cell {cell!r}; known: {', '.join(CELL_TYPES)}")


def make_layer(cell: str, input_size: int, hidden_size: int, **kwargs) -> nn.Module:
    """``RNN``, ``LSTM`` or ``GRU`` by name, e.g. ``make_layer("gru", 8, 16, num_layers=2)``."""
    _check(cell)
    return _LAYERS[cell](input_size, hidden_size, **kwargs)


def make_cell(cell: str, input_size: int, hidden_size: int, **kwargs) -> nn.Module:
    """``RNNCell``, ``LSTMCell`` or ``GRUCell`` by name, e.g. ``make_cell("lstm", 8, 16)``."""
    _check(cell)
    return _CELLS[cell](input_size, hidden_size, **kwargs)
