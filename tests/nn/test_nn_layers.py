"""Layer invariants: the layer equals the cell stepped by hand, padding never leaks, packing round
trips, gates agree with the equations, initialisations, dropout, state dicts both ways."""

from __future__ import annotations

import math

import pytest
import torch
from helpers_nn import DEVICES, MODES, make_pair
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import rnnkit
from rnnkit.nn import make_layer
from rnnkit.nn.backends.base import reverse_index

F64 = {"rtol": 1e-7, "atol": 1e-9}


def _layer(mode: str, input_size: int, hidden_size: int, **kw) -> nn.Module:
    if mode.startswith("rnn"):
        kw["nonlinearity"] = mode.split("_")[1]
    return make_layer(mode.split("_")[0], input_size, hidden_size, **kw).double()


def _state_of(result, mode: str) -> torch.Tensor:
    return result[1][0] if mode == "lstm" else result[1]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("backend", ["reference", "native"])
def test_layer_equals_cell_stepped_by_hand(mode: str, backend: str) -> None:
    torch.manual_seed(0)
    layer = _layer(mode, 3, 5, backend=backend)
    kind = mode.split("_")[0]
    extra = {"nonlinearity": mode.split("_")[1]} if kind == "rnn" else {}
    cell = rnnkit.nn.make_cell(kind, 3, 5, **extra).double()
    cell.load_state_dict({k[: -len("_l0")]: v for k, v in layer.state_dict().items()})
    x = torch.randn(6, 2, 3, dtype=torch.float64)
    out, state = layer(x)
    h = torch.zeros(2, 5, dtype=torch.float64)
    c = torch.zeros(2, 5, dtype=torch.float64)
    for t in range(6):
        if kind == "lstm":
            h, c = cell(x[t], (h, c))
        else:
            h = cell(x[t], h)
        torch.testing.assert_close(out[t], h, **F64)
    torch.testing.assert_close(_state_of((out, state), mode)[0], h, **F64)
    if kind == "lstm":
        torch.testing.assert_close(state[1][0], c, **F64)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("backend", ["reference", "native"])
@pytest.mark.parametrize("device", DEVICES)
def test_padded_batch_equals_each_sequence_alone(mode: str, backend: str, device: str) -> None:
    """Each sequence run alone (unpadded) gives the padded batch's output and final state."""
    torch.manual_seed(1)
    layer = _layer(mode, 3, 4, num_layers=2, bidirectional=True, backend=backend).to(device)
    lengths = torch.tensor([3, 7, 1, 5])
    x = torch.randn(7, 4, 3, dtype=torch.float64, device=device)
    out, state = layer(x, lengths=lengths)
    h_n = _state_of((out, state), mode)
    for n, length in enumerate(lengths.tolist()):
        alone_out, alone_state = layer(x[:length, n : n + 1])
        torch.testing.assert_close(out[:length, n : n + 1], alone_out, **F64)
        torch.testing.assert_close(h_n[:, n : n + 1], _state_of((alone_out, alone_state), mode), **F64)
        assert bool((out[length:, n] == 0).all()), "padded outputs must be zero"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("backend", ["reference", "native"])
@pytest.mark.parametrize("fill", ["large", "nan", "inf"])
def test_padding_never_leaks(mode: str, backend: str, fill: str) -> None:
    """Whatever sits in the padded steps (NaN and inf included, as packing never reads them) changes
    neither outputs, states, gates nor the gradients of the input and of every weight."""
    torch.manual_seed(2)
    layer = _layer(mode, 3, 4, num_layers=2, bidirectional=True, backend=backend)
    lengths = torch.tensor([5, 2, 4])
    clean = torch.randn(5, 3, 3, dtype=torch.float64)
    noisy = clean.clone()
    for n, length in enumerate(lengths.tolist()):
        noise = 1e3 * torch.randn(5 - length, 3, dtype=torch.float64)
        noisy[length:, n] = {"large": noise, "nan": noise * math.nan, "inf": noise * math.inf}[fill]
    gates = backend == "reference" and not mode.startswith("rnn")
    results = []
    for x in (clean, noisy):
        layer.zero_grad()
        x = x.requires_grad_(True)
        result = layer(x, lengths=lengths, return_gates=True) if gates else layer(x, lengths=lengths)
        out, state = result[0], _state_of(result, mode)
        (out.sum() + state.sum()).backward()
        got = [out.detach(), state.detach(), x.grad] + [p.grad for p in layer.parameters()]
        results.append(got + (list(result[2]) if gates else []))
    for a, b in zip(*results, strict=True):
        torch.testing.assert_close(a, b, **F64)
    assert bool((results[0][2][2:, 1] == 0).all()), "padded inputs get no gradient"


@pytest.mark.parametrize("mode", MODES)
def test_packed_sequence_in_and_out(mode: str) -> None:
    torch.manual_seed(3)
    ours, theirs = make_pair(mode, 3, 4, num_layers=2, bidirectional=True)
    ours, theirs = ours.double(), theirs.double()
    x = torch.randn(6, 4, 3, dtype=torch.float64)
    packed = pack_padded_sequence(x, torch.tensor([2, 6, 3, 5]), enforce_sorted=False)
    out, state = ours(packed)
    want, want_state = theirs(packed)
    assert isinstance(out, type(packed))
    torch.testing.assert_close(out.data, want.data, **F64)
    torch.testing.assert_close(out.batch_sizes, want.batch_sizes)
    torch.testing.assert_close(out.sorted_indices, want.sorted_indices)
    torch.testing.assert_close(_state_of((out, state), mode), _state_of((want, want_state), mode), **F64)


@pytest.mark.parametrize("batch_first", [False, True])
def test_lstm_gates_follow_the_equations(batch_first: bool) -> None:
    """Recompute c_t and h_t from the returned gates; gates are zero at padded steps."""
    torch.manual_seed(4)
    lstm = _layer("lstm", 3, 4, num_layers=2, bidirectional=True, batch_first=batch_first)
    lengths = torch.tensor([6, 3])
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    x_in = x if batch_first else x.transpose(0, 1)
    out, (h_n, c_n), g = lstm(x_in, lengths=lengths, return_gates=True)
    assert g.input.shape == ((2, 2, 6, 8) if batch_first else (2, 6, 2, 8))
    to_tm = (lambda t: t.transpose(1, 2)) if batch_first else (lambda t: t)
    i, f, cell, o, c = (to_tm(t) for t in g)  # (layers, L, N, D*H)
    out_tm = out.transpose(0, 1) if batch_first else out
    for layer in range(2):
        for n, length in enumerate(lengths.tolist()):
            for t in range(length):  # forward direction: the first H columns
                prev = c[layer, t - 1, n, :4] if t > 0 else torch.zeros(4, dtype=torch.float64)
                want_c = f[layer, t, n, :4] * prev + i[layer, t, n, :4] * cell[layer, t, n, :4]
                torch.testing.assert_close(c[layer, t, n, :4], want_c, **F64)
            for t in range(length):  # reverse direction runs from the last valid step back to 0
                nxt = c[layer, t + 1, n, 4:] if t + 1 < length else torch.zeros(4, dtype=torch.float64)
                want_c = f[layer, t, n, 4:] * nxt + i[layer, t, n, 4:] * cell[layer, t, n, 4:]
                torch.testing.assert_close(c[layer, t, n, 4:], want_c, **F64)
            assert bool((c[layer, length:, n] == 0).all()) and bool((i[layer, length:, n] == 0).all())
    torch.testing.assert_close(out_tm, o[1] * torch.tanh(c[1]), **F64)  # h_t = o_t ⊙ tanh(c_t)
    torch.testing.assert_close(c_n[2, 1], c[1, 2, 1, :4], **F64)  # last valid step of sequence 1


def test_gru_gates_follow_the_equations() -> None:
    torch.manual_seed(5)
    gru = _layer("gru", 3, 4, num_layers=2)
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    out, h_n, g = gru(x, return_gates=True)
    assert g.reset.shape == (2, 5, 2, 4)
    h_prev = torch.zeros(2, 4, dtype=torch.float64)
    for t in range(5):  # last layer: h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}
        h_t = (1 - g.update[1, t]) * g.new[1, t] + g.update[1, t] * h_prev
        torch.testing.assert_close(out[t], h_t, **F64)
        h_prev = h_t
    torch.testing.assert_close(h_n[1], h_prev, **F64)


@pytest.mark.parametrize("mode", ["lstm", "gru"])
def test_gates_do_not_change_outputs_and_have_gradients(mode: str) -> None:
    layer = _layer(mode, 3, 4, backend="auto")
    x = torch.randn(5, 2, 3, dtype=torch.float64, requires_grad=True)
    plain = layer(x)
    with_gates = layer(x, return_gates=True)
    torch.testing.assert_close(plain[0], with_gates[0], **F64)
    with_gates[2][0].sum().backward()  # the gates are part of the graph
    assert x.grad is not None and bool(x.grad.abs().sum() > 0)


def test_rnn_return_gates_gives_none() -> None:
    out, h_n, gates = rnnkit.RNN(3, 4)(torch.randn(5, 2, 3), return_gates=True)
    assert gates is None and out.shape == (5, 2, 4) and h_n.shape == (1, 2, 4)


@pytest.mark.parametrize("mode", MODES)
def test_state_dict_both_ways_with_torch_nn(mode: str) -> None:
    ours, theirs = make_pair(mode, 3, 4, num_layers=2, bidirectional=True, bias=False)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    fresh, _ = make_pair(mode, 3, 4, num_layers=2, bidirectional=True, bias=False)
    fresh.load_state_dict(theirs.state_dict())  # torch.nn -> rnnkit
    x = torch.randn(4, 2, 3)
    torch.testing.assert_close(fresh(x)[0], theirs(x)[0], rtol=1e-5, atol=1e-6)


def test_unbatched_input_matches_torch_nn() -> None:
    ours, theirs = make_pair("lstm", 3, 4, num_layers=2)
    x, h0 = torch.randn(5, 3), torch.randn(2, 4)
    out, (h, c) = ours(x, (h0, h0))
    want, (wh, wc) = theirs(x, (h0, h0))
    torch.testing.assert_close(out, want, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(h, wh, rtol=1e-5, atol=1e-6)
    _, _, gates = ours(x, return_gates=True)
    assert gates.forget.shape == (2, 5, 4)


def test_recurrent_init_identity_and_orthogonal() -> None:
    irnn = rnnkit.RNN(3, 4, nonlinearity="relu", recurrent_init="identity", num_layers=2)
    torch.testing.assert_close(irnn.weight_hh_l1, torch.eye(4))
    assert bool((irnn.bias_ih_l0 == 0).all()) and bool((irnn.bias_hh_l1 == 0).all())
    lstm = rnnkit.LSTM(3, 4, recurrent_init="orthogonal")
    for block in lstm.weight_hh_l0.detach().split(4):
        torch.testing.assert_close(block @ block.T, torch.eye(4), rtol=1e-5, atol=1e-5)
    # identity recurrence with zero input keeps a ReLU state unchanged: h_t = relu(h_{t-1})
    irnn1 = rnnkit.RNN(3, 4, nonlinearity="relu", recurrent_init="identity")
    h0 = torch.rand(1, 1, 4)
    out, h_n = irnn1(torch.zeros(7, 1, 3), h0)
    torch.testing.assert_close(h_n, h0)


def test_dropout_between_layers_only_in_training() -> None:
    torch.manual_seed(6)
    layer = rnnkit.GRU(3, 8, num_layers=2, dropout=0.5, backend="reference")
    x = torch.randn(5, 2, 3)
    layer.eval()
    torch.testing.assert_close(layer(x)[0], layer(x)[0])
    layer.train()
    a, b = layer(x)[0], layer(x)[0]
    assert not torch.allclose(a, b), "dropout must make training runs differ"


def test_reverse_index_is_an_involution_and_reverses_within_lengths() -> None:
    lengths = torch.tensor([4, 1, 3])
    idx = reverse_index(lengths, 4, torch.device("cpu"))
    torch.testing.assert_close(idx.gather(0, idx), torch.arange(4).unsqueeze(1).expand(4, 3))
    torch.testing.assert_close(idx[:, 2], torch.tensor([2, 1, 0, 3]))


def test_auto_picks_native_without_gates_and_reference_with_gates() -> None:
    from rnnkit.nn.backends import LayerSpec, select_backend

    spec, x = LayerSpec("lstm", 3, 4), torch.randn(2, 1, 3)
    assert select_backend("auto", spec, x, None, False).name == "native"
    assert select_backend("auto", spec, x, None, True).name == "reference"
    assert select_backend("auto", LayerSpec("rnn_tanh", 3, 4), x, None, True).name == "native"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("backend", ["reference", "native"])
@pytest.mark.parametrize("device", DEVICES)
def test_runs_under_autocast_like_torch_nn(mode: str, backend: str, device: str) -> None:
    """Mixed precision (the training engine's option): float32 weights, half-precision compute.

    bfloat16 on the CPU, float16 on CUDA; compared with torch.nn under the same autocast at
    atol 2e-2 (a few units in the last place of an 8-bit mantissa on values in [-1, 1])."""
    torch.manual_seed(8)
    ours, theirs = make_pair(mode, 4, 6, backend=backend)
    ours, theirs = ours.to(device), theirs.to(device)
    dtype = torch.float16 if device == "cuda" else torch.bfloat16
    x = torch.randn(5, 2, 4, device=device, requires_grad=True)
    with torch.autocast(device, dtype=dtype):
        out = ours(x, lengths=torch.tensor([5, 3]))[0]
        want = theirs(pack_padded_sequence(x, torch.tensor([5, 3])))[0]
    want, _ = torch.nn.utils.rnn.pad_packed_sequence(want, total_length=5)
    torch.testing.assert_close(out.float(), want.float(), rtol=0, atol=2e-2)
    out.float().sum().backward()
    assert x.grad is not None and ours.weight_hh_l0.grad.dtype == torch.float32
