"""torch.export's dynamic shapes on rnnkit's layers, as on torch.nn's: the batch free (with lengths and
states as inputs too), the sequence length fixed in the graph."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch._dynamo.exc import UserError

import rnnkit
import rnnkit.nn


class WithLengths(nn.Module):
    """The layer called with ``lengths`` as a graph input."""

    def __init__(self, layer: nn.Module) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: torch.Tensor, lengths: torch.Tensor):
        return self.layer(x, lengths=lengths)


class WithState(nn.Module):
    """The LSTM called with its initial state as two graph inputs."""

    def __init__(self, layer: nn.Module) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor):
        return self.layer(x, (h, c))


@pytest.mark.parametrize(
    "make", [rnnkit.LSTM, lambda *a, **k: rnnkit.nn.make_layer("mgu", *a, **k)], ids=["LSTM", "MGU"]
)
def test_torch_export_keeps_the_batch_free_and_fixes_the_length_as_for_torch_nn(make) -> None:
    """A batch dimension marked dynamic holds for other batch sizes; a length marked dynamic is
    refused by torch.export, for torch.nn's LSTM too (its fused kernel, like rnnkit's reference loop,
    fixes the number of steps)."""
    torch.manual_seed(2)
    layer = make(3, 4, num_layers=2).eval()
    x, lengths = torch.randn(5, 3, 3), torch.tensor([5, 2, 4])
    batch = torch.export.Dim("batch")
    program = torch.export.export(WithLengths(layer), (x, lengths), dynamic_shapes=({1: batch}, {0: batch}))
    x2, lengths2 = torch.randn(5, 6, 3), torch.tensor([1, 5, 3, 2, 5, 4])
    torch.testing.assert_close(program.module()(x2, lengths2)[0], layer(x2, lengths=lengths2)[0])
    if make is rnnkit.LSTM:
        h = torch.zeros(2, 3, 4)
        program = torch.export.export(
            WithState(layer), (x, h, h), dynamic_shapes=({1: batch}, {1: batch}, {1: batch})
        )
        h2 = torch.randn(2, 6, 4)
        torch.testing.assert_close(program.module()(x2, h2, h2)[0], layer(x2, (h2, h2))[0])
    for module in (layer, nn.LSTM(3, 4, 2).eval()):
        with pytest.raises(UserError, match="specialized it to be a constant"):
            torch.export.export(module, (x,), dynamic_shapes=({0: torch.export.Dim("length")},))
