"""rnnkit: recurrent neural networks on sequence data.

Simple RNN, LSTM and GRU written from their equations, with fused backends behind the same modules,
and pipelines for the three sequence shapes: forecast (sequence to vector), translate (sequence to
sequence) and caption (vector to sequence).

>>> import torch, rnnkit
>>> lstm = rnnkit.LSTM(8, 16)
>>> out, (h, c) = lstm(torch.randn(5, 3, 8))
>>> tuple(out.shape), tuple(h.shape)
((5, 3, 16), (1, 3, 16))
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

# The layers are imported on first use (PEP 562), so that ``rnnkit --help`` and the command line's
# option parsing do not pay for importing torch.
_NN_NAMES = ("RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "LSTMGates", "GRUGates")


def __getattr__(name: str) -> Any:
    if name in _NN_NAMES:
        import rnnkit.nn

        return getattr(rnnkit.nn, name)
    raise AttributeError(f"module 'rnnkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_NN_NAMES))


__all__ = [
    "RNN",
    "LSTM",
    "GRU",
    "RNNCell",
    "LSTMCell",
    "GRUCell",
    "LSTMGates",
    "GRUGates",
    "__version__",
]
