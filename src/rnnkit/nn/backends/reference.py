"""The reference backend: the equations of :mod:`rnnkit.nn.functional`, one step at a time.

Runs anywhere PyTorch runs (any device, dtype, option, and ``return_gates``), with autograd for
gradients. What makes it fast without hiding the equations:

- the input projection ``W_ih x_t + b_ih (+ b_hh)`` for all L steps is one matrix product before the
  loop, so a step is one ``addmm`` with ``W_hh`` plus pointwise work;
- per-step results are kept in lists and stacked once at the end (no in-place writes into a
  preallocated buffer, which autograd would have to version-track);
- variable lengths cost one precomputed mask; the reverse direction with lengths reverses each
  sequence inside its own length with one gather before and after the loop.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from rnnkit.nn import functional as RF
from rnnkit.nn.backends.base import (
    DirectionResult,
    LayerSpec,
    LayerWeights,
    StackResult,
    is_exporting,
    reverse_index,
    run_stack,
)
from rnnkit.nn.celltypes import TABLE


def _gather_time(x: Tensor, idx: Tensor) -> Tensor:
    """``x[idx[t, n], n, ...]`` for ``x (L, N, ...)`` and ``idx (L, N)``."""
    shape = idx.shape + (1,) * (x.dim() - 2)
    return x.gather(0, idx.view(shape).expand_as(x))


def reference_direction(
    mode: str,
    x: Tensor,
    h0: Tensor,
    c0: Tensor | None,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None,
    b_hh: Tensor | None,
    lengths: Tensor | None,
    reverse: bool,
    return_gates: bool,
    w_hr: Tensor | None = None,
) -> DirectionResult:
    """One direction of one layer; the contract is in :mod:`rnnkit.nn.backends.base` (``w_hr``: the
    LSTM projection ``(P, H)`` when ``proj_size > 0``; then ``h`` and the outputs are ``P`` wide)."""
    L = x.shape[0]
    if lengths is not None and not is_exporting() and int(lengths.min()) == L:
        lengths = None  # every sequence is full: no mask needed
    idx = None
    if lengths is not None:
        mask = (torch.arange(L).unsqueeze(1) < lengths).to(x.device)  # (L, N)
        mask = mask.unsqueeze(2)  # (L, N, 1) bool
        if reverse:
            idx = reverse_index(lengths, L, x.device)  # (L, N)
            x = _gather_time(x, idx)
    elif reverse:
        x = x.flip(0)

    # unbind, not gx[t]: the backward of one unbind is one stack, while each gx[t] would scatter its
    # gradient into a fresh zero (L, N, G*H) tensor, L times over
    record = TABLE[mode]
    step = record.step  # one step of this cell type (rnnkit.nn.celltypes)
    gx = RF.input_projection(x, w_ih, b_ih, b_hh, record.fold_hh_bias).unbind(0)  # L x (N, G*H)
    h, c = h0, c0  # (N, H)
    outs: list[Tensor] = []
    gate_steps: list[Tensor] = []  # step-major: i_0, f_0, g_0, o_0, c_0, i_1, ...
    for t, gx_t in enumerate(gx):
        h_new, c_new, gates = step(gx_t, h, c, w_hh, b_hh, w_hr)
        if lengths is not None:
            # padded steps keep the previous state and emit zeros
            m = mask[t]  # (N, 1)
            h = torch.where(m, h_new, h)
            if c_new is not None:
                c = torch.where(m, c_new, c)
            outs.append(h_new * m)
        else:
            h, c = h_new, c_new
            outs.append(h_new)
        if return_gates and gates is not None:
            gate_steps.extend(gates)

    out = torch.stack(outs, dim=0)  # (L, N, H)
    gates_out = None
    if gate_steps:
        # one copy: (L*K, N, H) viewed as (L, K, N, H), returned as a (L, N, K, H) view
        K = len(gate_steps) // L
        gates_out = torch.stack(gate_steps, dim=0).view(L, K, *gate_steps[0].shape).transpose(1, 2)
        if lengths is not None:
            gates_out = gates_out * mask.unsqueeze(3)
    if idx is not None:
        out = _gather_time(out, idx)
        if gates_out is not None:
            gates_out = _gather_time(gates_out, idx)
    elif reverse:
        out = out.flip(0)
        if gates_out is not None:
            gates_out = gates_out.flip(0)
    return out, h, c, gates_out


class ReferenceBackend:
    """Plain PyTorch, every option, every device; the backend every other one is tested against."""

    name = "reference"
    modes = frozenset(TABLE)  # every cell type: the reference is what defines them

    def unsupported_reason(
        self, spec: LayerSpec, x: Tensor, lengths: Tensor | None, return_gates: bool
    ) -> str | None:
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
        return run_stack(spec, x, hx, weights, lengths, return_gates, reference_direction)


BACKEND = ReferenceBackend()
