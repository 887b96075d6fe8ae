"""A PackedSequence and graph capture. Given as an input, torch.export (and torch.onnx.export, which
uses it) and torch.jit.trace cannot hold one, for torch.nn's layers either: rnnkit's say so in one
line naming what works, where torch stopped inside unpacking ("data is not allocated yet") and
jit.trace's tuple read as "got tuple". Packed inside a model that jit.trace records, it runs as in
torch.nn: the graph holds for other lengths."""

from __future__ import annotations

import importlib.util
import warnings

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import rnnkit
from rnnkit.utils.errors import InputTypeError, RnnkitError

UNDER_EXPORT = (
    r"^GRU cannot take a PackedSequence under torch.export \(or torch.onnx.export, which uses it\): "
    r".*pass the padded batch and lengths= instead"
)
UNDER_TRACE = r"^GRU got a plain tuple under torch.jit.trace, which is what it makes of a PackedSequence"


class PacksInside(nn.Module):
    """Packs the padded batch itself and returns the final state."""

    def __init__(self, layer: nn.Module) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.layer(pack_padded_sequence(x, lengths, enforce_sorted=False))[1]


def _packed() -> nn.utils.rnn.PackedSequence:
    return pack_padded_sequence(torch.randn(5, 3, 3), torch.tensor([5, 2, 4]), enforce_sorted=False)


def _trace(module: nn.Module, args: tuple):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own, for jit.trace itself and its tracer
        return torch.jit.trace(module, args, check_trace=False)


def test_a_packed_input_to_torch_export_or_jit_trace_says_what_works() -> None:
    layer, packed = rnnkit.GRU(3, 4).eval(), _packed()
    with pytest.raises(RnnkitError, match=UNDER_EXPORT):
        torch.export.export(layer, (packed,))
    with pytest.raises(InputTypeError, match=UNDER_TRACE):
        _trace(layer, (packed,))
    for capture in (lambda m: torch.export.export(m, (packed,)), lambda m: _trace(m, (packed,))):
        with pytest.raises(Exception):  # noqa: B017 - torch.nn's: whatever its unpacking hits
            capture(nn.GRU(3, 4).eval())
    assert layer(packed)[1].shape == (1, 3, 4)  # outside a capture, as ever


def test_packed_inside_a_traced_model_holds_for_other_lengths_as_torch_nn() -> None:
    torch.manual_seed(0)
    ours = rnnkit.GRU(3, 4, bidirectional=True).eval()
    theirs = nn.GRU(3, 4, bidirectional=True).eval()
    theirs.load_state_dict(ours.state_dict())
    x, lengths = torch.randn(5, 3, 3), torch.tensor([5, 2, 4])
    traced = _trace(PacksInside(ours), (x, lengths))
    x2, lengths2 = torch.randn(5, 3, 3), torch.tensor([1, 5, 3])
    torch.testing.assert_close(traced(x2, lengths2), PacksInside(theirs)(x2, lengths2))


@pytest.mark.skipif(
    importlib.util.find_spec("onnxscript") is None, reason="torch's ONNX exporter needs onnxscript"
)
def test_onnx_export_of_a_packed_input_carries_the_same_line() -> None:
    with pytest.raises(Exception) as caught:  # noqa: B017 - torch's TorchExportError wraps ours
        torch.onnx.export(rnnkit.GRU(3, 4).eval(), (_packed(),), dynamo=True)
    assert isinstance(caught.value.__cause__, RnnkitError)
    assert "cannot take a PackedSequence under torch.export" in str(caught.value)
