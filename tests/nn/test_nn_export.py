"""Export: torch.export and ONNX (opset 18, run in onnxruntime) for RNN, LSTM and GRU, with and without lengths."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import rnnkit

ort = pytest.importorskip("onnxruntime", reason="onnxruntime is in the dev extra")
pytest.importorskip("onnxscript", reason="torch's ONNX exporter needs onnxscript (dev extra)")

LAYERS = [(rnnkit.RNN, nn.RNN), (rnnkit.LSTM, nn.LSTM), (rnnkit.GRU, nn.GRU)]


class WithLengths(nn.Module):
    """The layer called with ``lengths`` as a graph input."""

    def __init__(self, layer: nn.Module) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: torch.Tensor, lengths: torch.Tensor):
        return self.layer(x, lengths=lengths)


def _torch_reference(theirs: nn.Module, x: torch.Tensor, lengths: torch.Tensor | None) -> torch.Tensor:
    if lengths is None:
        return theirs(x)[0]
    packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
    return pad_packed_sequence(theirs(packed)[0], total_length=x.shape[0])[0]


# With lengths the ONNX export takes a few CPU seconds per layer: slow. The fast run keeps ONNX without
# lengths and the lengths graph through torch.export (the ONNX exporter's first step) below.
@pytest.mark.parametrize("with_lengths", [False, pytest.param(True, marks=pytest.mark.slow)])
@pytest.mark.parametrize(("ours_cls", "theirs_cls"), LAYERS, ids=["RNN", "LSTM", "GRU"])
def test_onnx_in_onnxruntime_matches_torch(ours_cls, theirs_cls, with_lengths: bool) -> None:
    torch.manual_seed(0)
    ours = ours_cls(3, 4, bidirectional=True).eval()  # one layer keeps the export quick
    theirs = theirs_cls(3, 4, bidirectional=True).eval()
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(6, 2, 3)
    lengths = torch.tensor([6, 3])
    module, args = (WithLengths(ours), (x, lengths)) if with_lengths else (ours, (x,))
    program = torch.onnx.export(module, args, dynamo=True, opset_version=18)
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    names = [i.name for i in session.get_inputs()]
    # the graph holds for other lengths too (no value was baked in)
    for lens in ([6, 3], [2, 5]) if with_lengths else (None,):
        lens = None if lens is None else torch.tensor(lens)
        feeds = {names[0]: x.numpy()} | ({names[1]: lens.numpy()} if lens is not None else {})
        got = torch.from_numpy(session.run(None, feeds)[0])
        with torch.no_grad():
            want = _torch_reference(theirs, x, lens)
        torch.testing.assert_close(got, want, rtol=0, atol=1e-5)


@pytest.mark.parametrize(("ours_cls", "theirs_cls"), LAYERS, ids=["RNN", "LSTM", "GRU"])
def test_torch_export_with_lengths_runs_for_other_lengths(ours_cls, theirs_cls) -> None:
    torch.manual_seed(1)
    ours = ours_cls(3, 4).eval()
    x = torch.randn(5, 3, 3)
    program = torch.export.export(WithLengths(ours), (x, torch.tensor([5, 2, 4])))
    for lens in ([5, 2, 4], [1, 5, 3]):
        lens = torch.tensor(lens)
        got = program.module()(x, lens)
        want = ours(x, lengths=lens)
        torch.testing.assert_close(got[0], want[0])


def test_jit_trace_works_and_script_is_documented_as_unsupported() -> None:
    lstm = rnnkit.LSTM(3, 4, backend="native").eval()
    x = torch.randn(5, 2, 3)
    traced = torch.jit.trace(lstm, (x,), check_trace=False)
    torch.testing.assert_close(traced(x)[0], lstm(x)[0])
    with pytest.raises(Exception):  # noqa: B017 - TorchScript's own error types vary by version
        torch.jit.script(lstm)
