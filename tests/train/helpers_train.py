"""Tiny models and data shared by the training-engine tests (fast on 2 CPU cores)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import TensorDataset

from rnnkit.utils.seeding import seed_everything


class TinyRegressor(nn.Module):
    """GRU over (N, L, 2) then dropout and a linear head: (N, L, 2) -> (N, 1).

    Dropout makes the run depend on the global random state, so resume tests check RNG restoration.
    """

    def __init__(self, hidden: int = 6, dropout: float = 0.2) -> None:
        super().__init__()
        self.rnn = nn.GRU(2, hidden, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # (N, L, H)
        return self.head(self.drop(out[:, -1]))  # (N, 1)


def regression_data(n: int = 48, length: int = 5, seed: int = 1) -> TensorDataset:
    """Targets: the sum of the first feature over the last two steps."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, length, 2, generator=g)  # (N, L, 2)
    y = x[:, -2:, 0].sum(dim=1, keepdim=True)  # (N, 1)
    return TensorDataset(x, y)


def mse(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    x, y = batch
    return F.mse_loss(model(x), y)


def fresh_model(seed: int = 0, **kwargs: float) -> TinyRegressor:
    """A model whose initial weights depend only on ``seed``."""
    seed_everything(seed)
    return TinyRegressor(**kwargs)  # type: ignore[arg-type]


def weights(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def assert_same_weights(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> None:
    """Bit-for-bit equality (tolerance zero) of two state dicts."""
    assert a.keys() == b.keys()
    for name in a:
        torch.testing.assert_close(a[name], b[name], rtol=0, atol=0, msg=f"weight {name} differs")
