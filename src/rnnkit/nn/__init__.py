"""rnnkit.nn: Simple RNN, LSTM, GRU and MGU cells and layers, from their equations, behind fast backends.

- :mod:`rnnkit.nn.functional`: one step of each cell, line for line the equations, named gates.
- :mod:`rnnkit.nn.cells`: ``RNNCell``, ``LSTMCell``, ``GRUCell`` (torch.nn's parameters) and
  ``RecurrentCell`` (any cell type by name).
- :mod:`rnnkit.nn.modules`: ``RNN``, ``LSTM``, ``GRU`` layers (torch.nn's parameters and shapes,
  plus ``lengths``, ``return_gates``, ``backend``, ``recurrent_init``, ``check_finite``) and
  ``RecurrentLayer`` (any cell type by name).
- :mod:`rnnkit.nn.backends`: ``reference``, ``native``, ``triton`` and the ``auto`` policy.
- :mod:`rnnkit.nn.celltypes`: the one table of cell types (one record per mode).
- :mod:`rnnkit.nn.names`: ``CELL_TYPES``, without importing torch (for command-line choices).
- :mod:`rnnkit.nn.registry`: ``make_layer``, ``make_cell``.
- :mod:`rnnkit.nn.twin`: ``torch_twin``, the torch.nn layer or cell computing what an rnnkit one computes.
- :mod:`rnnkit.nn.quantization`: ``dynamic_quant_mapping`` for torch's ``quantize_dynamic``, and the
  warning when torch's conversion leaves one of rnnkit's layers or cells in float.
- :mod:`rnnkit.nn.attention`: Bahdanau (additive) and Luong attention, for decoders that attend.
- :mod:`rnnkit.nn.search`: greedy and beam search over any step-wise decoder (one ``Hypothesis``,
  length and coverage penalties, n-gram blocking, n-best, narrowing beams).

The names below are imported on first use (PEP 562), so ``from rnnkit.nn.names import CELL_TYPES``
(what the command-line options do) does not import torch.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "CELL_TYPES": "names",
    "TABLE": "celltypes",
    "CellType": "celltypes",
    "cell_type": "celltypes",
    "GRU": "modules",
    "LSTM": "modules",
    "RNN": "modules",
    "RecurrentLayer": "modules",
    "GRUCell": "cells",
    "LSTMCell": "cells",
    "RNNCell": "cells",
    "RecurrentCell": "cells",
    "GRUGates": "functional",
    "LSTMGates": "functional",
    "MGUGates": "functional",
    "make_cell": "registry",
    "make_layer": "registry",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"rnnkit.nn.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'rnnkit.nn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_WHERE))
