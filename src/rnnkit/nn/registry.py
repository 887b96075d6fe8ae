"""Names to parts: ``"rnn" | "lstm" | "gru" | "mgu"`` to layers and cells, rejecting unknown names.

The names are :data:`rnnkit.nn.names.CELL_TYPES`. RNN, LSTM and GRU have classes of their own (torch.nn's
API); any other cell type of the table is built as :class:`~rnnkit.nn.modules.RecurrentLayer` /
:class:`~rnnkit.nn.cells.RecurrentCell`, so a new cell type needs no change here.
"""

from __future__ import annotations

from torch import nn

from rnnkit.nn.cells import GRUCell, LSTMCell, RecurrentCell, RNNCell
from rnnkit.nn.celltypes import mode_of
from rnnkit.nn.modules import GRU, LSTM, RNN, RecurrentLayer

_LAYERS: dict[str, type[nn.Module]] = {"rnn": RNN, "lstm": LSTM, "gru": GRU}
_CELLS: dict[str, type[nn.Module]] = {"rnn": RNNCell, "lstm": LSTMCell, "gru": GRUCell}


def _check(cell: str, kwargs: dict) -> dict:
    """``kwargs`` for the class of ``cell``. An unknown name, or a nonlinearity other than tanh for a
    cell type without that choice, raises one RnnkitError, the same for every cell type; the default
    ``nonlinearity="tanh"`` is dropped for them, so code passing it for any name builds every type."""
    mode_of(cell, kwargs.get("nonlinearity", "tanh"))
    if cell != "rnn":
        kwargs = {key: value for key, value in kwargs.items() if key != "nonlinearity"}
    return kwargs


def make_layer(cell: str, input_size: int, hidden_size: int, **kwargs) -> nn.Module:
    """``RNN``, ``LSTM`` or ``GRU`` by name, e.g. ``make_layer("gru", 8, 16, num_layers=2)``."""
    kwargs = _check(cell, kwargs)
    if cell in _LAYERS:
        return _LAYERS[cell](input_size, hidden_size, **kwargs)
    return RecurrentLayer(cell, input_size, hidden_size, **kwargs)


def make_cell(cell: str, input_size: int, hidden_size: int, **kwargs) -> nn.Module:
    """``RNNCell``, ``LSTMCell`` or ``GRUCell`` by name, e.g. ``make_cell("lstm", 8, 16)``."""
    kwargs = _check(cell, kwargs)
    if cell in _CELLS:
        return _CELLS[cell](input_size, hidden_size, **kwargs)
    return RecurrentCell(cell, input_size, hidden_size, **kwargs)
