"""How far back a gradient reaches: ``||dh_T/dh_t||`` and ``||dL/dx_t||`` over the steps of a sequence.

Backpropagation through time multiplies one Jacobian per step (chain rule):

    dh_T/dh_t = prod_{k=t+1}^{T} dh_k/dh_{k-1}

For the Simple RNN ``dh_k/dh_{k-1} = diag(phi'(a_k)) W_hh``; with ``||W_hh|| < 1`` or saturated tanh the
product shrinks geometrically in ``T - t`` (the vanishing gradient), with ``||W_hh|| > 1`` and ReLU it can
grow (exploding). The LSTM adds the path ``dc_k/dc_{k-1} = diag(f_k)``: a forget gate near 1 carries the
gradient over many steps almost unchanged. For a linear RNN ``h_k = W h_{k-1} + U x_k`` the Jacobian is
exactly ``W^{T-t}``, which the tests check.

We report the spectral norm (the largest singular value: the largest amplification of any perturbation
of ``h_t``) averaged over a few sequences, and the norm of the loss gradient with respect to each input
step, which sums every path from ``x_t`` to the loss.

Shapes: ``N`` sequences, ``L = T`` steps, ``H`` hidden units, ``F`` input features.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from rnnkit.explain.models import TaskModel, get_variant
from rnnkit.nn import make_cell

# One step: (x_t (B, F), h_{t-1} (B, H) or None, extra) -> (h_t (B, H), extra). ``extra`` is the part of
# the state other than h: the LSTM's cell state c (None for the Simple RNN and the GRU).
StepFn = Callable[[torch.Tensor, torch.Tensor | None, Any], tuple[torch.Tensor, Any]]


@dataclass
class GradientFlow:
    """Gradient norms over time for one model.

    Attributes:
        state_norms: ``(L,)``; entry ``t`` is the mean over sequences of ``||dh_T/dh_t||_2`` (``t = T-1``
            gives the identity, norm 1).
        input_norms: ``(L,)``; entry ``t`` is the mean over sequences of ``||dL/dx_t||_2``.
    """

    state_norms: torch.Tensor
    input_norms: torch.Tensor


def state_jacobians(
    step: StepFn, x: torch.Tensor, hidden_size: int, units: range | None = None
) -> torch.Tensor:
    """Every Jacobian ``dh_T/dh_t`` of a recurrence (the rows ``units`` of it), by one backward pass.

    Each sequence is repeated ``H`` times along the batch; copy ``k`` backpropagates the ``k``-th unit of
    ``h_T``, so its gradient with respect to ``h_t`` is row ``k`` of ``dh_T/dh_t`` (batch entries are
    independent, so the rows do not mix). For the LSTM, ``h_t`` is differentiated with ``c_t`` held fixed:
    the gradient still flows into the cell state from step ``t + 1`` on.

    Cost: one forward and backward pass over a batch of ``N * K`` sequences (``K = len(units)``, ``H``
    by default), so memory grows as ``N * K * L * H`` (measured: 0.18 GB peak for the LSTM at N=8,
    H=64, L=100, float32); :func:`state_jacobian_norms` splits larger work into passes of bounded size.

    Args:
        step: one step of the recurrence (see :data:`StepFn`).
        x: inputs ``(N, L, F)``, batch first.
        hidden_size: ``H``.
        units: the units ``k`` of ``h_T`` whose rows to compute; all ``H`` when None.

    Outputs:
        ``(N, L, K, H)``: ``J[n, t, i, j] = d h_T[n, units[i]] / d h_t[n, j]``.
    """
    n, length, _ = x.shape
    h = hidden_size
    rows = range(h) if units is None else units
    k = len(rows)
    xs = x.repeat_interleave(k, dim=0)  # (N*K, L, F): copy i of sequence n at row n*K + i
    # h_t + probe_t with a zero probe: d(objective)/d(probe_t) is the gradient at h_t, even for a step
    # that has no parameter requiring a gradient (the linear RNN of the tests).
    probes = torch.zeros(length, n * k, h, dtype=x.dtype, device=x.device, requires_grad=True)
    h_t, extra = None, None
    with torch.enable_grad():
        for t in range(length):
            h_t, extra = step(xs[:, t], h_t, extra)  # (N*H, H)
            h_t = h_t + probes[t]
        eye = torch.eye(h, dtype=x.dtype, device=x.device)
        pick = eye[rows.start : rows.stop : rows.step].repeat(n, 1)  # (N*K, H): one-hot of unit rows[i]
        objective = (h_t * pick).sum()
        (grads,) = torch.autograd.grad(objective, probes)  # (L, N*K, H)
    return grads.reshape(length, n, k, h).transpose(0, 1)  # (N, L, K, H)


# Elements (sequences x rows x steps x H) one Jacobian pass may hold: the LSTM's peak was measured at
# 0.18 GB for 8 * 64 * 100 * 64 of them (about 55 bytes each), so this keeps a pass near 1 GB. The
# default run (8 sequences, H=64, L=100) fits in one pass; --hidden-size 512 --length 1000 asked for
# some 115 GB in one pass before, and the machine killed the command without a word.
PASS_ELEMENTS = 16 * 1024 * 1024


def state_jacobian_norms(
    step: StepFn, x: torch.Tensor, hidden_size: int, max_elements: int = PASS_ELEMENTS
) -> torch.Tensor:
    """Mean over sequences of the spectral norm ``||dh_T/dh_t||_2``, shape ``(L,)``.

    Runs as few passes of :func:`state_jacobians` as keep each under ``max_elements`` (sequences x
    rows x steps x H): whole sequences together while they fit, else one sequence in blocks of rows.
    Every row is computed the same way whatever the split (batch entries are independent). What must
    fit is then one sequence's Jacobians, ``L * H * H`` float32 numbers (1 GB at H=512, L=1000).
    """
    n, length, _ = x.shape
    h = hidden_size
    per_sequence = h * length * h
    norms = []  # (n_chunk, L) per chunk of sequences
    for chunk in x.split(max(1, max_elements // per_sequence)):  # (n_chunk, L, F)
        rows = max(1, min(h, max_elements // (chunk.shape[0] * length * h)))
        blocks = [range(k, min(k + rows, h)) for k in range(0, h, rows)]
        jac = torch.cat([state_jacobians(step, chunk, h, units) for units in blocks], dim=2)  # (n, L, H, H)
        # float64 a few steps at a time: a whole float64 copy would double what the Jacobians hold
        steps = max(1, max_elements // (chunk.shape[0] * h * h))
        norms.append(torch.cat([_spectral_norms(j) for j in jac.split(steps, dim=1)], dim=1))  # (n_chunk, L)
    return torch.cat(norms).mean(dim=0).float()  # (L,)


def _spectral_norms(jac: torch.Tensor) -> torch.Tensor:
    """``||J||_2`` of each ``(H, H)`` matrix of ``jac`` ``(n, s, H, H)``, in float64, shape ``(n, s)``; NaN
    for a matrix that is not all finite: a model whose training diverged has NaN weights, and the SVD
    of its Jacobians stopped the command with a traceback."""
    finite = torch.isfinite(jac).flatten(2).all(dim=-1)  # (n, s)
    norms = torch.full(finite.shape, math.nan, dtype=torch.float64, device=jac.device)
    if finite.any():
        norms[finite] = torch.linalg.matrix_norm(jac[finite].double(), ord=2)
    return norms


def cell_step(model: TaskModel) -> StepFn:
    """A step function that runs ``model``'s recurrent layer one step at a time.

    The layer's weights (``weight_ih_l0`` ...) are copied into an :func:`rnnkit.nn.make_cell` cell of the
    same type, whose parameters (``weight_ih`` ...) follow torch.nn's layout, so the two compute the same
    recurrence (the tests check it). Only single-layer, unidirectional layers are supported.
    """
    variant = get_variant(model.variant)
    layer = model.rnn
    hidden = layer.hidden_size
    kwargs = {"nonlinearity": variant.nonlinearity} if variant.cell == "rnn" else {}
    cell = make_cell(variant.cell, layer.input_size, hidden, bias=layer.bias, **kwargs)
    params = dict(layer.named_parameters())
    first = next(layer.parameters())
    cell = cell.to(device=first.device, dtype=first.dtype)
    with torch.no_grad():
        for name, param in cell.named_parameters():
            param.copy_(params[f"{name}_l0"])

    def step(x_t: torch.Tensor, h_prev: torch.Tensor | None, c_prev: Any) -> tuple[torch.Tensor, Any]:
        if variant.cell == "lstm":
            if h_prev is None:
                h_prev = c_prev = x_t.new_zeros(x_t.shape[0], hidden)  # (B, H)
            return cell(x_t, (h_prev, c_prev))  # (h_t, c_t), each (B, H)
        return cell(x_t, h_prev), None  # (B, H)

    return step


def input_gradient_norms(
    model: nn.Module, loss_fn: Callable, x: torch.Tensor, y: torch.Tensor
) -> torch.Tensor:
    """Mean over sequences of ``||dL/dx_t||_2`` for the summed loss, shape ``(L,)``.

    Runs the whole model (its layer, on its own backend), so it also checks the step-by-step path.
    """
    x = x.detach().clone().requires_grad_(True)  # (N, L, F)
    with torch.enable_grad():
        loss = loss_fn(model(x), y) * x.shape[0]  # a per-sequence gradient, not divided by N
        (grad,) = torch.autograd.grad(loss, x)  # (N, L, F)
    # in float64: squaring a float32 gradient of 1e-30 underflows to 0, and the vanishing gradient this
    # measures is exactly such numbers (the Jacobian norms above are float64 for the same reason)
    return grad.double().norm(dim=-1).mean(dim=0).to(grad.dtype)  # (L,)


def gradient_flow(model: TaskModel, loss_fn: Callable, x: torch.Tensor, y: torch.Tensor) -> GradientFlow:
    """Both gradient profiles of ``model`` on inputs ``x`` ``(N, L, F)`` with targets ``y``."""
    device = next(model.parameters()).device
    x, y = x.to(device), y.to(device)
    # The mode is left alone: one layer has no dropout, and cuDNN's backward needs training mode.
    states = state_jacobian_norms(cell_step(model), x, model.rnn.hidden_size)
    inputs = input_gradient_norms(model, loss_fn, x, y)
    return GradientFlow(states.cpu(), inputs.detach().cpu())
