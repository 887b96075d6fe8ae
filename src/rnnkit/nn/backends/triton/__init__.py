"""rnnkit's own fused Triton kernels for Simple RNN, LSTM and GRU (backend ``"triton"``).

- :mod:`.kernels`: the forward and backward recurrence kernels (persistent, grid-wide step barrier,
  recurrent weights kept on chip where they fit; a per-step launch otherwise);
- :mod:`.launch`: launch plans (tile sizes, persistent or per-step);
- :mod:`.function`: one direction as a ``torch.autograd.Function`` (the backend contract's
  ``direction_fn``);
- :mod:`.backend`: :data:`BACKEND`, the ``Backend`` the registry hands out;
- :mod:`.policy`: :func:`prefer_triton`, where ``auto`` picks these kernels on CUDA (measured).

Importing this package imports ``triton``; the registry imports it only when it is asked for.
"""

from rnnkit.nn.backends.triton.backend import BACKEND, TritonBackend
from rnnkit.nn.backends.triton.function import TritonDirection, triton_direction
from rnnkit.nn.backends.triton.launch import Plan, make_plan
from rnnkit.nn.backends.triton.policy import prefer_triton

__all__ = [
    "BACKEND",
    "Plan",
    "TritonBackend",
    "TritonDirection",
    "make_plan",
    "prefer_triton",
    "triton_direction",
]
