"""The forecasting network: a recurrent layer read at its last valid step, then a quantile head.

Equations, for an input window ``x_1 .. x_L`` (``L = W`` unless ``lengths`` says shorter)::

    h_1 .. h_L = RNN/LSTM/GRU(x_1 .. x_L)          (rnnkit.nn.make_layer, batch first)
    q_{h,k}    = (W_out h_L + b_out)[h, k]           one value per horizon step h and quantile k

The quantiles of each step are sorted at inference (monotone rearrangement), so the 10% forecast
never exceeds the median. An ensemble (:class:`EnsembleNet`, ``--ensemble N``) averages the quantile
forecasts of ``N`` such networks, each trained from its own seed: ``q = (1/N) sum_n q^(n)``. Training minimises the pinball loss (:func:`pinball_loss`); with a single
quantile 0.5 that is the mean absolute error. The model does no I/O; see ``forecaster`` for files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from rnnkit.forecast.calibrate import point_index
from rnnkit.nn import make_layer


@dataclass
class ForecastNetConfig:
    """The architecture of :class:`ForecastNet` besides its data-given sizes (channels, horizon)."""

    cell: str = "lstm"
    hidden_size: int = 32
    num_layers: int = 1
    dropout: float = 0.0
    quantiles: Sequence[float] = (0.1, 0.5, 0.9)
    ensemble: int = 1  # networks whose forecasts are averaged (EnsembleNet when more than one)

    def build_member(self, input_size: int, horizon: int) -> ForecastNet:
        """One network (an ensemble's member, or the whole model when ``ensemble`` is 1)."""
        return ForecastNet(input_size, self.hidden_size, horizon, self.quantiles, cell=self.cell,
                           num_layers=self.num_layers, dropout=self.dropout)  # fmt: skip

    def build(self, input_size: int, horizon: int) -> ForecastNet | EnsembleNet:
        """The whole model: one network, or an :class:`EnsembleNet` of ``ensemble`` of them."""
        if self.ensemble <= 1:
            return self.build_member(input_size, horizon)
        return EnsembleNet([self.build_member(input_size, horizon) for _ in range(self.ensemble)])


class ForecastNet(nn.Module):
    """Many-to-one recurrent forecaster.

    Args:
        input_size: channels ``C`` per step (target plus features).
        hidden_size: ``H_hid`` of the recurrent layer.
        horizon: steps ahead ``H``.
        quantiles: the ``Q`` quantile levels predicted for each step, e.g. ``(0.1, 0.5, 0.9)``.
        cell: ``rnn|lstm|gru``.
        num_layers, dropout: stacking of the recurrent layer (dropout between layers).

    Inputs: ``x, lengths=None``
        - **x**: ``(N, L, C)``.
        - **lengths**: optional ``(N,)`` true lengths of a right-padded batch; the head reads step
          ``lengths - 1`` of each sequence.

    Outputs: ``(N, H, Q)`` in scaled target units.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        horizon: int,
        quantiles: Sequence[float],
        cell: str = "lstm",
        num_layers: int = 1,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.horizon = horizon
        self.n_quantiles = len(quantiles)
        self.register_buffer("quantiles", torch.tensor(list(quantiles), dtype=torch.float32))
        # a plain int, not read from the buffer: a model built on the meta device (loading) has no values
        self.point = point_index(list(quantiles))
        self.rnn = make_layer(
            cell,
            input_size,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.head = nn.Linear(hidden_size, horizon * self.n_quantiles)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        out, _ = self.rnn(x, lengths=lengths)  # (N, L, H_hid)
        if lengths is None:
            last = out[:, -1]  # (N, H_hid)
        else:
            idx = (lengths.to(out.device).long() - 1).clamp(min=0)  # (N,)
            last = out[torch.arange(out.shape[0], device=out.device), idx]  # (N, H_hid)
        q = self.head(last).view(-1, self.horizon, self.n_quantiles)  # (N, H, Q)
        if not self.training:
            q, _ = torch.sort(q, dim=-1)  # quantiles must not cross
        return q

    @torch.no_grad()
    def start_from(self, target_quantiles: torch.Tensor) -> ForecastNet:
        """Start as the unconditional forecast: head weights 0, biases the training targets' quantiles.

        ``target_quantiles`` ``(H, Q)``. Training then moves away from "the same distribution for every
        window" only as far as the data pull it, so on a random walk the model stays close to naive
        instead of keeping the random input dependence of its initial weights.
        """
        self.head.weight.zero_()
        self.head.bias.copy_(target_quantiles.reshape(-1).to(self.head.bias))  # h-major, as in forward
        return self

    @torch.no_grad()
    def keep_steps(self, horizon: int) -> ForecastNet:
        """Cut the head back to steps ``1 .. horizon`` (after training on more: ``--aux-steps``).

        The head's outputs are step-major (``view(-1, H, Q)``), so steps ``1..horizon`` are its first
        ``horizon * Q`` rows; the cut network's forecasts of those steps are unchanged.
        """
        if horizon >= self.horizon:
            return self
        keep = horizon * self.n_quantiles
        head = nn.Linear(self.head.in_features, keep).to(self.head.weight)
        head.weight.copy_(self.head.weight[:keep])
        head.bias.copy_(self.head.bias[:keep])
        self.head, self.horizon = head, horizon
        return self

    def point_index(self) -> int:
        """Index of the quantile nearest 0.5: the point forecast."""
        return self.point


class EnsembleNet(nn.Module):
    """``N`` forecasters whose quantile forecasts are averaged: ``q_{h,k} = (1/N) sum_n q^(n)_{h,k}``.

    Each member is a :class:`ForecastNet` trained on its own from another seed (``rnnkit.forecast.fit``);
    their errors differ where the data leave the fit undetermined (a short noisy series), and the
    average cancels part of that variance. Averaging sorted quantiles keeps them sorted, so the
    interval stays monotone. Inputs and outputs as :class:`ForecastNet`'s.
    """

    def __init__(self, members: Sequence[ForecastNet]) -> None:
        super().__init__()
        if not members:
            raise ValueError("an ensemble needs at least one member")
        self.members = nn.ModuleList(members)
        self.horizon = members[0].horizon
        self.n_quantiles = members[0].n_quantiles
        self.register_buffer("quantiles", members[0].quantiles.clone())

    def forward(self, x: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        outs = [m(x, lengths) for m in self.members]  # N x (B, H, Q)
        return torch.stack(outs).mean(dim=0)  # (B, H, Q)

    def point_index(self) -> int:
        return self.members[0].point_index()


def pinball_loss(pred: torch.Tensor, target: torch.Tensor, quantiles: torch.Tensor) -> torch.Tensor:
    """Mean quantile (pinball) loss.

    ``L_k(e) = max(tau_k e, (tau_k - 1) e)`` with ``e = target - pred``, averaged over samples, steps and
    quantiles; minimised by the ``tau_k`` quantile of the target.

    Inputs: ``pred`` ``(N, H, Q)``, ``target`` ``(N, H)``, ``quantiles`` ``(Q,)``. Output: a scalar.
    """
    err = target.unsqueeze(-1) - pred  # (N, H, Q)
    return torch.maximum(quantiles * err, (quantiles - 1) * err).mean()


class LinearBlend(nn.Module):
    """A forecaster's point forecast shrunk toward a linear autoregression's (``--linear-blend``).

    For a window ``x`` flattened to ``v = [x_1, .., x_L, 1]`` (``W*C + 1`` values), step ``h`` and the
    inner network's quantiles ``q_{h,k}`` with median ``q_{h,m}``::

        a_h     = v @ coef[:, h]                                the linear AR (fitted by least squares)
        q'_{h,k} = q_{h,k} + (1 - w_h) (a_h - q_{h,m})          every quantile moves with the median

    so the point forecast is ``w_h q_{h,m} + (1 - w_h) a_h`` and the interval keeps its width (its
    coverage is calibrated afterwards). ``w_h = 1`` is the network alone. ``coef`` ``(W*C + 1, H)`` and
    ``w`` ``(H,)`` are buffers, saved with the weights; :mod:`rnnkit.forecast.blend` fits and chooses
    them. Inputs and outputs as :class:`ForecastNet`'s; ``lengths`` must be None (the AR reads whole
    windows).
    """

    def __init__(self, inner: ForecastNet | EnsembleNet, features: int, horizon: int) -> None:
        super().__init__()
        self.inner = inner
        self.horizon = inner.horizon
        self.n_quantiles = inner.n_quantiles
        self.register_buffer("quantiles", inner.quantiles.clone())
        # a plain int: read from the quantile buffer inside forward, it would be a data-dependent branch
        # that torch.export (ONNX export) cannot trace
        self.point = inner.point_index()
        self.register_buffer("coef", torch.zeros(features + 1, horizon))
        self.register_buffer("weight", torch.ones(horizon))

    def forward(self, x: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        if lengths is not None:
            raise ValueError("a linear blend reads whole windows: lengths must be None")
        q = self.inner(x)  # (N, H, Q)
        flat = x.reshape(x.shape[0], -1)  # (N, W*C)
        ar = flat @ self.coef[:-1] + self.coef[-1]  # (N, H)
        median = q[..., self.point]  # (N, H)
        return q + ((1.0 - self.weight) * (ar - median)).unsqueeze(-1)

    def point_index(self) -> int:
        return self.point
