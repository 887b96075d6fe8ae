"""QA round 22 on the drop-in: building by name, the Simple RNN cell's gates, and errors that say
what came and how to fix it."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import rnnkit
from rnnkit.nn import RecurrentCell, RecurrentLayer, make_cell, make_layer
from rnnkit.utils.errors import InputTypeError, RnnkitError


@pytest.mark.parametrize("build", [RecurrentLayer, RecurrentCell])
def test_an_unknown_nonlinearity_of_the_generic_classes_is_one_line_not_a_key_error(build) -> None:
    with pytest.raises(RnnkitError, match=r"unknown nonlinearity 'sigmoid'; known: tanh, relu"):
        build("rnn", 3, 4, nonlinearity="sigmoid")


@pytest.mark.parametrize("make", [make_layer, make_cell])
@pytest.mark.parametrize("cell", ["lstm", "gru", "mgu"])
def test_relu_for_a_cell_type_with_fixed_activations_is_refused_not_ignored(make, cell: str) -> None:
    with pytest.raises(
        RnnkitError, match=r"nonlinearity is a choice of the Simple RNN .* got nonlinearity='relu'"
    ):
        make(cell, 3, 4, nonlinearity="relu")


@pytest.mark.parametrize("make", [make_layer, make_cell])
def test_the_default_nonlinearity_passed_for_every_name_builds_every_cell_type(make) -> None:
    # generic code passes one set of keywords for any name: tanh, the default, is no error anywhere
    built = {cell: make(cell, 3, 4, nonlinearity="tanh") for cell in ("rnn", "lstm", "gru", "mgu")}
    assert type(built["lstm"]).__name__.startswith("LSTM")
    assert built["rnn"].cell_mode == "rnn_tanh"
    assert make("rnn", 3, 4, nonlinearity="relu").cell_mode == "rnn_relu"


def test_proj_size_for_the_mgu_is_torchs_value_error_and_the_generic_lstm_projects() -> None:
    with pytest.raises(ValueError, match=r"proj_size is only supported for LSTM, not MGU; got 2"):
        make_layer("mgu", 3, 4, proj_size=2)
    torch.manual_seed(0)
    generic = RecurrentLayer("lstm", 3, 4, num_layers=2, proj_size=2)
    twin = nn.LSTM(3, 4, num_layers=2, proj_size=2)
    twin.load_state_dict(generic.state_dict(), strict=True)
    x = torch.randn(5, 2, 3)
    out, (h_n, c_n) = generic(x)
    want, (want_h, want_c) = twin(x)
    assert out.shape == (5, 2, 2) and h_n.shape == (2, 2, 2) and c_n.shape == (2, 2, 4)
    torch.testing.assert_close(out, want)
    torch.testing.assert_close(c_n, want_c)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_takes_return_gates_and_gives_none_as_the_rnn_layer_does(nonlinearity: str) -> None:
    cell = rnnkit.RNNCell(3, 4, nonlinearity=nonlinearity)
    x, h = torch.randn(2, 3), torch.randn(2, 4)
    h_next, gates = cell(x, h, return_gates=True)
    assert gates is None
    torch.testing.assert_close(h_next, cell(x, h))
    # generic decoder code over every name: one call shape for every cell
    for name in ("rnn", "lstm", "gru", "mgu"):
        state, _ = make_cell(name, 3, 4)(x[0], return_gates=True)
        assert (state[0] if isinstance(state, tuple) else state).shape == (4,)
    out, h_n, layer_gates = rnnkit.RNN(3, 4)(torch.randn(5, 2, 3), return_gates=True)
    assert layer_gates is None


def test_an_lstm_given_h0_alone_says_what_it_got() -> None:
    x = torch.randn(5, 2, 3)
    with pytest.raises(
        InputTypeError, match=r"pair \(h_0, c_0\) of tensors; got a tensor of shape \(1, 2, 4\)"
    ):
        rnnkit.LSTM(3, 4)(x, torch.zeros(1, 2, 4))
    with pytest.raises(InputTypeError, match=r"got a tuple of 3"):
        rnnkit.LSTM(3, 4)(x, (torch.zeros(1, 2, 4),) * 3)
    with pytest.raises(
        InputTypeError, match=r"LSTMCell state must be a pair .* got a tensor of shape \(2, 4\)"
    ):
        rnnkit.LSTMCell(3, 4)(x[0], torch.zeros(2, 4))


def test_an_input_of_another_dtype_says_how_to_convert_it_as_torch_nn_does() -> None:
    layer, cell = rnnkit.GRU(3, 4), rnnkit.GRUCell(3, 4)
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    fix = r"convert the input \(input.to\(torch.float32\)\) or the module \(module.to\(torch.float64\)\)"
    with pytest.raises(ValueError, match=fix):
        layer(x)
    with pytest.raises(RuntimeError, match=fix):
        cell(x[0])
    # an integer input: converting the module to int64 is no fix, so it is not suggested
    with pytest.raises(ValueError, match=r"convert the input \(input.to\(torch.float32\)\)$"):
        layer(x.long())
    with pytest.raises(RuntimeError, match=r"move the input \(input.to\('cpu'\)\) or the module"):
        layer(x.float().to("meta"))


@pytest.mark.parametrize("backend", ["reference", "native"])
@pytest.mark.parametrize("build", [rnnkit.RNN, rnnkit.LSTM, rnnkit.GRU])
def test_a_parameter_replaced_through_data_by_another_size_is_refused_not_broadcast(
    build, backend: str
) -> None:
    # torch.nn's CPU kernel runs both silently: the one-value bias broadcasts, the narrow W_hh is read past its end
    x = torch.randn(5, 3, 4)
    layer = build(4, 6, num_layers=2, bidirectional=True, backend=backend)
    layer.bias_ih_l1_reverse.data = torch.zeros(1)
    with pytest.raises(
        RuntimeError, match=r"parameter bias_ih_l1_reverse has shape \(1,\); expected \(\d+,\)"
    ):
        layer(x)
    layer = build(4, 6, backend=backend)
    layer.weight_hh_l0.data = torch.randn(layer.weight_hh_l0.shape[0], 5)
    with pytest.raises(
        RuntimeError, match=r"parameter weight_hh_l0 has shape \(\d+, 5\); expected \(\d+, 6\)"
    ):
        layer(x)


def test_a_cells_bias_of_another_size_is_refused_and_a_same_shape_plain_tensor_still_runs() -> None:
    cell = rnnkit.LSTMCell(4, 6)
    cell.bias_hh.data = torch.zeros(1)
    with pytest.raises(RuntimeError, match=r"LSTMCell parameter bias_hh has shape \(1,\); expected \(24,\)"):
        cell(torch.randn(3, 4))
    # AWD-LSTM's weight drop: the parameter deleted and a plain tensor of its shape set each call
    layer = rnnkit.LSTM(4, 6)
    raw = layer.weight_hh_l0
    del layer._parameters["weight_hh_l0"]
    layer.register_parameter("weight_hh_raw", nn.Parameter(raw.detach().clone()))
    layer.weight_hh_l0 = nn.functional.dropout(layer.weight_hh_raw, p=0.5, training=True)
    layer(torch.randn(5, 3, 4))[0].sum().backward()
    assert layer.weight_hh_raw.grad is not None


@pytest.mark.parametrize("backend", ["reference", "auto"])
@pytest.mark.parametrize("build", [rnnkit.LSTM, rnnkit.GRU])
def test_a_batch_first_layers_gates_have_one_layout_packed_or_padded(build, backend: str) -> None:
    torch.manual_seed(0)
    layer = build(4, 6, num_layers=2, bidirectional=True, batch_first=True, backend=backend)
    x, lengths = torch.randn(3, 5, 4), torch.tensor([3, 5, 2])
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    _, _, from_packed = layer(packed, return_gates=True)
    _, _, from_padded = layer(x, lengths=lengths, return_gates=True)
    for got, want in zip(from_packed, from_padded, strict=True):
        assert got.shape == (2, 3, 5, 12)  # (num_layers, N, L, D*H), as the docs' table says
        torch.testing.assert_close(got, want)


def test_the_shape_check_of_a_cell_step_reads_no_weight_through_module_getattr(monkeypatch) -> None:
    # it runs at every step of a loop over a cell: four reads through nn.Module.__getattr__ (a miss in
    # the instance dict first) cost 5-10% of a small cell's step, measured with OMP_NUM_THREADS=1
    cell = rnnkit.GRUCell(4, 6)
    reads = []
    slow = nn.Module.__getattr__
    monkeypatch.setattr(nn.Module, "__getattr__", lambda self, name: reads.append(name) or slow(self, name))
    cell._check_weight_shapes()
    assert reads == []
    cell.bias_hh.data = torch.zeros(1)
    with pytest.raises(RuntimeError, match=r"GRUCell parameter bias_hh has shape \(1,\); expected \(18,\)"):
        cell._check_weight_shapes()


def test_a_layer_builds_its_table_of_shapes_once_and_still_checks_every_call(monkeypatch) -> None:
    layer = rnnkit.LSTM(4, 6, num_layers=2, bidirectional=True, proj_size=3)
    built = []
    table = type(layer)._parameter_shapes
    monkeypatch.setattr(type(layer), "_parameter_shapes", lambda self: built.append(1) or table(self))
    x = torch.randn(5, 3, 4)
    for _ in range(3):
        layer(x)
    assert len(built) == 1  # it was built at every call: 3% of a small layer's call
    layer.weight_hr_l1_reverse.data = torch.zeros(3, 5)  # after the table was built
    with pytest.raises(
        RuntimeError, match=r"parameter weight_hr_l1_reverse has shape \(3, 5\); expected \(3, 6\)"
    ):
        layer(x)


@pytest.mark.parametrize(
    ("build", "x"),
    [
        (lambda: rnnkit.LSTM(5, 4, num_layers=2), torch.randn(3, 2, 5)),
        (lambda: rnnkit.GRUCell(5, 4), torch.randn(2, 5)),
    ],
)
def test_the_shape_check_stands_aside_under_jit_trace(build, x) -> None:
    # under jit.trace each size comparison warned "Converting a tensor to a Python boolean"
    import inspect
    import warnings

    from rnnkit.nn import cells, layers

    checks = [layers.RecurrentBase._check_weight_shapes, cells._CellBase._check_weight_shapes]
    spans = {}
    for check in checks:
        source, first = inspect.getsourcelines(check)
        spans[inspect.getsourcefile(check)] = range(first, first + len(source))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.jit.trace(build(), (x,), check_trace=False)
    assert not [w for w in caught if w.lineno in spans.get(w.filename, ())]
