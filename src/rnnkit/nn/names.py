"""The names of rnnkit's cell types, without importing torch.

Command-line options (``--cell`` of forecast, translate and caption) read their choices from here, so
a ``--help`` never pays for importing torch, and no application keeps its own copy of the list.
:mod:`rnnkit.nn.celltypes` holds one record per cell type (the step function, gate blocks, ...);
a test keeps the two in step.
"""

from __future__ import annotations

CELL_TYPES: tuple[str, ...] = ("rnn", "lstm", "gru", "mgu")
"""Every cell type ``make_layer``/``make_cell`` build: Simple RNN, LSTM, GRU, minimal gated unit."""
