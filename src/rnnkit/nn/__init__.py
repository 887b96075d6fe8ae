"""rnnkit.nn: Simple RNN, LSTM and GRU cells and layers, from their equations, behind fast backends.

- :mod:`rnnkit.nn.functional`: one step of each cell, line for line the equations, named gates.
- :mod:`rnnkit.nn.cells`: ``RNNCell``, ``LSTMCell``, ``GRUCell`` (torch.nn's parameters).
- :mod:`rnnkit.nn.modules`: ``RNN``, ``LSTM``, ``GRU`` layers (torch.nn's parameters and shapes,
  plus ``lengths``, ``return_gates``, ``backend``, ``recurrent_init``, ``check_finite``).
- :mod:`rnnkit.nn.backends`: ``reference``, ``native``, ``triton`` and the ``auto`` policy.
- :mod:`rnnkit.nn.registry`: ``make_layer``, ``make_cell``, ``CELL_TYPES``.
"""

from rnnkit.nn.cells import GRUCell, LSTMCell, RNNCell
from rnnkit.nn.functional import GRUGates, LSTMGates
from rnnkit.nn.modules import GRU, LSTM, RNN
from rnnkit.nn.registry import CELL_TYPES, make_cell, make_layer

__all__ = [
    "CELL_TYPES",
    "GRU",
    "LSTM",
    "RNN",
    "GRUCell",
    "GRUGates",
    "LSTMCell",
    "LSTMGates",
    "RNNCell",
    "make_cell",
    "make_layer",
]
