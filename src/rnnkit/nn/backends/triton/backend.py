"""The ``triton`` backend: rnnkit's fused GPU kernels behind the backend contract.

It runs a whole stack through :func:`rnnkit.nn.backends.base.run_stack` on top of
:func:`.function.triton_direction`. It can run when:

- the input is on a CUDA device, or on the CPU with ``TRITON_INTERPRET=1`` set (Triton's interpreter
  runs the same kernels in NumPy: correct, but slow; meant for tests);
- the dtype is float32 (tf32 when ``torch.backends.cuda.matmul.allow_tf32``), bfloat16 or float16
  (matrix products in that dtype, states and accumulation in float32), or float64;
- the sequence and batch are not empty.

Lengths, initial states, ``return_gates``, stacking, bidirectional and inter-layer dropout are all
supported. Gate tensors are written by the forward kernel and carry no gradient.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import torch
from torch import Tensor

from rnnkit.nn.backends.base import LayerSpec, LayerWeights, StackResult, run_stack
from rnnkit.nn.backends.triton.function import triton_direction
from rnnkit.utils.errors import RnnkitError

DTYPES = (torch.float32, torch.bfloat16, torch.float16, torch.float64)


def interpreter_enabled() -> bool:
    """Whether the user asked for Triton's CPU interpreter (``TRITON_INTERPRET=1``)."""
    return os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")


class TritonBackend:
    """Backend ``"triton"``: persistent Triton kernels for the recurrence (see the package docstring)."""

    name = "triton"
    modes = frozenset(("rnn_tanh", "rnn_relu", "lstm", "gru"))  # the cell types the kernels implement

    def unsupported_reason(
        self, spec: LayerSpec, x: Tensor, lengths: Tensor | None, return_gates: bool
    ) -> str | None:
        if spec.proj_size:
            return "LSTM projections (proj_size > 0) are not implemented in the triton kernels"
        if x.device.type != "cuda" and not (x.device.type == "cpu" and interpreter_enabled()):
            return f"needs a CUDA tensor (got {x.device.type}; TRITON_INTERPRET=1 runs it on the CPU, slowly)"
        if x.dtype not in DTYPES:
            return f"dtype {x.dtype} is not supported (float32, bfloat16, float16, float64)"
        if x.shape[0] == 0 or x.shape[1] == 0:
            return "empty sequence or batch"
        return None

    def forward(
        self,
        spec: LayerSpec,
        x: Tensor,
        hx: tuple[Tensor, Tensor | None] | None,
        weights: Sequence[LayerWeights],
        lengths: Tensor | None,
        return_gates: bool,
        order: Tensor | None = None,
    ) -> StackResult:
        for w_ih, w_hh, _, _ in weights:
            if w_ih.dtype != x.dtype or w_hh.dtype != x.dtype:
                raise RnnkitError(f"input dtype {x.dtype} differs from the weights' dtype {w_hh.dtype}")
        return run_stack(spec, x, hx, weights, lengths, return_gates, triton_direction)


BACKEND = TritonBackend()
