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

from rnnkit.nn import GRU, LSTM, RNN, GRUCell, GRUGates, LSTMCell, LSTMGates, RNNCell

__version__ = "0.1.0"

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
