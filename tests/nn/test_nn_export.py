"""Export: torch.export and ONNX (opset 18, run in onnxruntime) for RNN, LSTM and GRU, with and without lengths;
the cells and the MGU; a free batch size."""

from __future__ import annotations

import pytest
import torch
from helpers_nn import WithLengths
from torch import nn
from torch.nn.utils.parametrizations import weight_norm
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import rnnkit
import rnnkit.nn

ort = pytest.importorskip("onnxruntime", reason="onnxruntime is in the dev extra")
pytest.importorskip("onnxscript", reason="torch's ONNX exporter needs onnxscript (dev extra)")

LAYERS = [(rnnkit.RNN, nn.RNN), (rnnkit.LSTM, nn.LSTM), (rnnkit.GRU, nn.GRU)]


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


CELLS_AND_MGU = {
    "LSTMCell": (lambda: rnnkit.LSTMCell(3, 4), (2, 3)),
    "GRUCell": (lambda: rnnkit.GRUCell(3, 4), (2, 3)),
    "RNNCell": (lambda: rnnkit.RNNCell(3, 4, nonlinearity="relu"), (2, 3)),
    "MGU": (lambda: rnnkit.nn.make_layer("mgu", 3, 4), (5, 2, 3)),
    "LSTM weight_norm": (lambda: weight_norm(rnnkit.LSTM(3, 4), "weight_hh_l0"), (5, 2, 3)),
}


def _first(result) -> torch.Tensor:
    return result[0] if isinstance(result, tuple) else result


# a few CPU seconds each: the fast run keeps one cell and the MGU
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.slow) if n in ("GRUCell", "RNNCell", "LSTM weight_norm") else n
        for n in CELLS_AND_MGU
    ],
)
def test_onnx_of_the_cells_and_the_mgu_in_onnxruntime(name: str) -> None:
    """The cells (one step, as a decoder exports them), the MGU, which torch.nn lacks, and a
    parametrized weight (computed in the graph)."""
    torch.manual_seed(2)
    make, shape = CELLS_AND_MGU[name]
    module, x = make().eval(), torch.randn(*shape)
    program = torch.onnx.export(module, (x,), dynamo=True, opset_version=18)
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    got = torch.from_numpy(session.run(None, {session.get_inputs()[0].name: x.numpy()})[0])
    with torch.no_grad():
        torch.testing.assert_close(got, _first(module(x)), rtol=0, atol=1e-5)


@pytest.mark.slow  # the free batch through torch.export, the exporter's first step: test_layers_export_shapes.py
def test_onnx_with_a_free_batch_runs_other_batch_sizes() -> None:
    torch.manual_seed(3)
    lstm = rnnkit.LSTM(3, 4, num_layers=2).eval()
    batch = torch.export.Dim("batch")
    program = torch.onnx.export(
        lstm, (torch.randn(5, 2, 3),), dynamo=True, opset_version=18, dynamic_shapes=({1: batch},)
    )
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    x = torch.randn(5, 6, 3)
    got = torch.from_numpy(session.run(None, {session.get_inputs()[0].name: x.numpy()})[0])
    with torch.no_grad():
        torch.testing.assert_close(got, lstm(x)[0], rtol=0, atol=1e-5)
