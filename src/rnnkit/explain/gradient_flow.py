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


def state_jacobians(step: StepFn, x: torch.Tensor, hidden_size: int) -> torch.Tensor:
    """Every Jacobian ``dh_T/dh_t`` of a recurrence, by one backward pass.

    Each sequence is repeated ``H`` times along the batch; copy ``k`` backpropagates the ``k``-th unit of
    ``h_T``, so its gradient with respect to ``h_t`` is row ``k`` of ``dh_T/dh_t`` (batch entries are
    independent, so the rows do not mix). For the LSTM, ``h_t`` is differentiated with ``c_t`` held fixed:
    the gradient still flows into the cell state from step ``t + 1`` on.

    Cost: one forward and backward pass over a batch of ``N * H`` sequences, so memory grows as
    ``N * H * L * H`` (measured: 0.18 GB peak for the LSTM at N=8, H=64, L=100, float32).

    Args:
        step: one step of the recurrence (see :data:`StepFn`).
        x: inputs ``(N, L, F)``, batch first.
        hidden_size: ``H``.

    Outputs:
        ``(N, L, H, H)``: ``J[n, t, k, j] = d h_T[n, k] / d h_t[n, j]``.
    """
    n, length, _ = x.shape
    h = hidden_size
    xs = x.repeat_interleave(h, dim=0)  # (N*H, L, F): copy k of sequence n at row n*H + k
    # h_t + probe_t with a zero probe: d(objective)/d(probe_t) is the gradient at h_t, even for a step
    # that has no parameter requiring a gradient (the linear RNN of the tests).
    probes = torch.zeros(length, n * h, h, dtype=x.dtype, device=x.device, requires_grad=True)
    h_t, extra = None, None
    with torch.enable_grad():
        for t in range(length):
            h_t, extra = step(xs[:, t], h_t, extra)  # (N*H, H)
            h_t = h_t + probes[t]
        pick = torch.eye(h, dtype=x.dtype, device=x.device).repeat(n, 1)  # (N*H, H): one-hot of unit k
        objective = (h_t * pick).sum()
        (grads,) = torch.autograd.grad(objective, probes)  # (L, N*H, H)
    return grads.reshape(length, n, h, h).transpose(0, 1)  # (N, L, H, H)


def state_jacobian_norms(step: StepFn, x: torch.Tensor, hidden_size: int) -> torch.Tensor:
    """Mean over sequences of the spectral norm ``||dh_T/dh_t||_2``, shape ``(L,)``."""
    jac = state_jacobians(step, x, hidden_size)  # (N, L, H, H)
    return torch.linalg.matrix_norm(jac.double(), ord=2).mean(dim=0).float()  # (L,)


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
