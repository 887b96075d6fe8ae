"""One step of each recurrent cell, line for line the equations of DESIGN.md, with named gates.

The input half of every gate pre-activation, ``W_i* x_t + b_i*``, does not depend on the state, so a
layer computes it for all steps at once (one matrix product, :func:`input_projection`) and each step
below only adds the recurrent half. The cells (``rnnkit.nn.cells``) and the reference backend
(``rnnkit.nn.backends.reference``) both call these functions, so they compute the same thing.

Shapes: ``N`` batch, ``H`` hidden size, ``G`` gate blocks (1 RNN, 4 LSTM, 3 GRU, 2 MGU).
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor


class LSTMGates(NamedTuple):
    """LSTM gate activations: input ``i``, forget ``f``, cell candidate ``g``, output ``o``, cell state ``c``."""

    input: Tensor
    forget: Tensor
    cell: Tensor
    output: Tensor
    c: Tensor


class GRUGates(NamedTuple):
    """GRU gate activations: reset ``r``, update ``z``, new (candidate) state ``n``."""

    reset: Tensor
    update: Tensor
    new: Tensor


class MGUGates(NamedTuple):
    """MGU gate activations: forget ``f``, new (candidate) state ``h~``."""

    forget: Tensor
    new: Tensor


def input_projection(
    x: Tensor, w_ih: Tensor, b_ih: Tensor | None, b_hh: Tensor | None, fold_hh_bias: bool = True
) -> Tensor:
    """``W_ih x + b_ih`` for every step at once; ``b_hh`` is folded in too when ``fold_hh_bias``.

    The GRU keeps ``b_hn`` inside the reset product (``r ⊙ (W_hn h + b_hn)``) and the MGU inside
    ``W_hh (f ⊙ h) + b_hh``, so their ``b_hh`` is added in the step instead (the table of cell types,
    :mod:`rnnkit.nn.celltypes`, says which).

    Inputs: ``x (..., H_in)``. Output: ``(..., G*H)``.
    """
    bias = b_ih
    if fold_hh_bias and b_hh is not None:
        bias = b_hh if bias is None else bias + b_hh
    return F.linear(x, w_ih, bias)  # (..., G*H)


def rnn_step(gx: Tensor, h: Tensor, w_hh: Tensor, relu: bool = False) -> Tensor:
    """Simple RNN: ``h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`` (ReLU if ``relu``).

    Inputs: ``gx (N, H)`` = ``W_ih x_t + b_ih + b_hh``, ``h (N, H)``. Output: ``h_t (N, H)``.
    """
    pre = torch.addmm(gx, h, w_hh.t())  # (N, H)
    return torch.relu(pre) if relu else torch.tanh(pre)


def lstm_step(
    gx: Tensor, h: Tensor, c: Tensor, w_hh: Tensor, w_hr: Tensor | None = None
) -> tuple[Tensor, Tensor, LSTMGates]:
    """LSTM, gate order i, f, g, o::

        i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)      input gate
        f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)      forget gate
        g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)   cell candidate
        o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)      output gate
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                     cell state (long-term memory)
        h_t = o_t ⊙ tanh(c_t)                               (h_t = W_hr (o_t ⊙ tanh(c_t)) with w_hr)

    Inputs: ``gx (N, 4H)`` = ``W_ih x_t + b_ih + b_hh``, ``h (N, P)``, ``c (N, H)``, optional
    projection ``w_hr (P, H)`` (``P = H`` without it). Outputs: ``h_t (N, P)``, ``c_t (N, H)`` and the
    gates, each ``(N, H)``: reported before the projection.
    """
    pre = torch.addmm(gx, h, w_hh.t())  # (N, 4H)
    pre_i, pre_f, pre_g, pre_o = pre.chunk(4, dim=1)  # each (N, H)
    i = torch.sigmoid(pre_i)  # input gate
    f = torch.sigmoid(pre_f)  # forget gate
    g = torch.tanh(pre_g)  # cell candidate
    o = torch.sigmoid(pre_o)  # output gate
    c = torch.addcmul(f * c, i, g)  # f ⊙ c_{t-1} + i ⊙ g
    h = o * torch.tanh(c)
    if w_hr is not None:
        h = h @ w_hr.t()  # (N, P): the projection (Sak et al. 2014), as torch.nn's proj_size
    return h, c, LSTMGates(i, f, g, o, c)


def gru_step(gx: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> tuple[Tensor, GRUGates]:
    """GRU, gate order r, z, n (reset applied after the recurrent product, as cuDNN and torch do)::

        r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)         reset gate
        z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)         update gate
        n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))   new state
        h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}

    Inputs: ``gx (N, 3H)`` = ``W_ih x_t + b_ih`` (no ``b_hh``), ``h (N, H)``.
    Outputs: ``h_t (N, H)`` and the gates, each ``(N, H)``.
    """
    gh = F.linear(h, w_hh, b_hh)  # (N, 3H)
    gx_r, gx_z, gx_n = gx.chunk(3, dim=1)  # each (N, H)
    gh_r, gh_z, gh_n = gh.chunk(3, dim=1)
    r = torch.sigmoid(gx_r + gh_r)  # reset gate
    z = torch.sigmoid(gx_z + gh_z)  # update gate
    n = torch.tanh(torch.addcmul(gx_n, r, gh_n))  # new state
    h = torch.lerp(n, h, z)  # (1 - z) ⊙ n + z ⊙ h_{t-1}
    return h, GRUGates(r, z, n)


def mgu_step(gx: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> tuple[Tensor, MGUGates]:
    """Minimal gated unit (Zhou et al. 2016, "Minimal gated unit for recurrent neural networks"),
    gate order f, h~::

        f_t  = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)              forget gate
        h~_t = tanh(W_ih~ x_t + b_ih~ + W_hh~ (f_t ⊙ h_{t-1}) + b_hh~)   new state
        h_t  = (1 - f_t) ⊙ h_{t-1} + f_t ⊙ h~_t

    One gate instead of the GRU's two: the forget gate both resets the past inside the candidate and
    mixes old and new. Weights: ``w_ih (2H, H_in)``, ``w_hh (2H, H)``, rows ``W_f|W_h~``.

    Inputs: ``gx (N, 2H)`` = ``W_ih x_t + b_ih`` (no ``b_hh``), ``h (N, H)``.
    Outputs: ``h_t (N, H)`` and the gates, each ``(N, H)``.
    """
    # halves by chunk, not by slicing at H: under jit.trace H is a traced size, and each use warned
    b_f, b_n = (None, None) if b_hh is None else b_hh.chunk(2)  # each (H,)
    w_f, w_n = w_hh.chunk(2)  # each (H, H)
    gx_f, gx_n = gx.chunk(2, dim=1)  # each (N, H)
    f = torch.sigmoid(gx_f + F.linear(h, w_f, b_f))  # forget gate
    n = torch.tanh(gx_n + F.linear(f * h, w_n, b_n))  # new state
    h = torch.lerp(h, n, f)  # (1 - f) ⊙ h_{t-1} + f ⊙ h~
    return h, MGUGates(f, n)
