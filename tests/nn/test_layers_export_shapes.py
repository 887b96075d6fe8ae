"""Which shapes a captured graph holds for. torch.export's dynamic shapes, as on torch.nn's layers:
the batch free (with lengths and states as inputs too), the sequence length fixed. torch.jit.trace:
other batches and lengths' values, and another sequence length on torch's fused kernel only."""

from __future__ import annotations

import warnings

import pytest
import torch
from helpers_nn import WithLengths
from torch import nn
from torch._dynamo.exc import UserError

import rnnkit
import rnnkit.nn


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


def _trace(module: nn.Module, args: tuple):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own, for jit.trace itself and its tracer
        return torch.jit.trace(module, args, check_trace=False)


def test_jit_trace_holds_for_other_lengths_and_batches_and_fixes_the_length_where_the_loop_is_unrolled() -> (
    None
):
    """docs/nn.md: a traced graph holds for other batch sizes and other lengths' values; for another
    sequence length only where it runs torch's fused kernel (no lengths, auto or native), as torch.nn's
    does; the reference backend's step loop (lengths given, the MGU, backend="reference") is unrolled."""
    torch.manual_seed(3)
    gru = rnnkit.GRU(3, 4, bidirectional=True).eval()
    x, lengths = torch.randn(5, 3, 3), torch.tensor([5, 2, 4])
    x_batch, lengths_batch = torch.randn(5, 4, 3), torch.tensor([1, 5, 3, 2])
    x_long = torch.randn(7, 3, 3)
    with_lengths = _trace(WithLengths(gru), (x, lengths))
    torch.testing.assert_close(
        with_lengths(x_batch, lengths_batch)[0], gru(x_batch, lengths=lengths_batch)[0]
    )
    fused = _trace(gru, (x,))
    torch.testing.assert_close(fused(x_long)[0], gru(x_long)[0])
    for traced, args in (
        (with_lengths, (x_long, lengths)),
        (_trace(rnnkit.nn.make_layer("mgu", 3, 4).eval(), (x,)), (x_long,)),
        (_trace(rnnkit.GRU(3, 4, backend="reference").eval(), (x,)), (x_long,)),
    ):
        with pytest.raises(RuntimeError):  # TorchScript's own: "Expected 5 elements in a list"
            traced(*args)
