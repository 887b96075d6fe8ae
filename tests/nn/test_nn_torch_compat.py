"""torch.nn compatibility at the edges: empty batches, argument types and order, dropout=1, size-0 cells."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import rnnkit
from rnnkit.utils.errors import RnnkitError

LAYERS = [(rnnkit.RNN, nn.RNN), (rnnkit.LSTM, nn.LSTM), (rnnkit.GRU, nn.GRU)]
BACKENDS = ["reference", "native", "auto"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("ours", "theirs"), LAYERS)
def test_empty_batch_runs_forward_and_backward_with_torchs_shapes(ours, theirs, backend: str) -> None:
    for batch_first in (False, True):
        layer = ours(3, 4, 2, bidirectional=True, batch_first=batch_first, backend=backend)
        twin = theirs(3, 4, 2, bidirectional=True, batch_first=batch_first)
        x = torch.zeros((0, 5, 3) if batch_first else (5, 0, 3), requires_grad=True)
        out, state = layer(x)
        want_out, want_state = twin(x)
        assert out.shape == want_out.shape
        states = state if isinstance(state, tuple) else (state,)
        want_states = want_state if isinstance(want_state, tuple) else (want_state,)
        assert [s.shape for s in states] == [s.shape for s in want_states]
        out.sum().backward()
        assert x.grad is not None and x.grad.shape == x.shape
        # lengths for an empty batch: an empty tensor
        assert layer(x, lengths=torch.zeros(0, dtype=torch.long))[0].shape == want_out.shape


@pytest.mark.parametrize(("ours", "theirs"), LAYERS)
@pytest.mark.parametrize("name", ["bias", "batch_first", "bidirectional"])
@pytest.mark.parametrize("value", [1, "False", None])
def test_non_bool_flags_raise_type_error_at_construction(ours, theirs, name: str, value: object) -> None:
    with pytest.raises(TypeError, match=f"{name} must be a bool"):
        ours(3, 4, **{name: value})
    with pytest.raises(RnnkitError):
        ours(3, 4, **{name: value})
    if name != "bidirectional":  # torch checks bias and batch_first; rnnkit checks all three
        with pytest.raises(TypeError):
            theirs(3, 4, **{name: value})


@pytest.mark.parametrize(("ours", "theirs"), LAYERS)
def test_dropout_accepts_the_closed_interval_and_refuses_outside(ours, theirs) -> None:
    layer = ours(3, 4, 2, dropout=1)
    twin = theirs(3, 4, 2, dropout=1)
    assert layer.dropout == twin.dropout == 1.0
    twin.load_state_dict(layer.state_dict())
    x = torch.randn(5, 2, 3)
    layer.eval(), twin.eval()
    torch.testing.assert_close(layer(x)[0], twin(x)[0], rtol=1e-4, atol=1e-5)
    layer.train()
    out = layer(x)[0]  # training: every output of layer 0 dropped, layer 1 sees only its biases
    assert out.shape == (5, 2, 4)
    for bad in (-0.1, 1.5, True, "0.5"):
        with pytest.raises(ValueError, match="dropout must be a number in \\[0, 1\\]"):
            ours(3, 4, 2, dropout=bad)


def test_dropout_with_one_layer_warns_as_torch_does() -> None:
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        rnnkit.LSTM(3, 4, dropout=0.5)


def test_positional_arguments_follow_torchs_order() -> None:
    lstm = rnnkit.LSTM(10, 20, 2, False, True, 0.5, True)
    assert (lstm.num_layers, lstm.bias, lstm.batch_first, lstm.dropout, lstm.bidirectional) == (
        2, False, True, 0.5, True,
    )  # fmt: skip
    assert set(lstm.state_dict()) == set(nn.LSTM(10, 20, 2, False, True, 0.5, True).state_dict())
    rnn = rnnkit.RNN(10, 20, 2, "relu", False, True, 0.25, True)
    assert (rnn.nonlinearity, rnn.bias, rnn.batch_first, rnn.dropout, rnn.bidirectional) == (
        "relu", False, True, 0.25, True,
    )  # fmt: skip
    gru = rnnkit.GRU(10, 20, 3, True, True, 0.0, True, None, torch.float64)
    assert gru.weight_hh_l2_reverse.dtype == torch.float64 and gru.batch_first


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(rnnkit.RNNCell, nn.RNNCell), (rnnkit.LSTMCell, nn.LSTMCell), (rnnkit.GRUCell, nn.GRUCell)],
)
def test_cells_accept_size_zero_like_torch(ours, theirs) -> None:
    for input_size, hidden_size in ((3, 0), (0, 4), (0, 0)):
        cell, twin = ours(input_size, hidden_size), theirs(input_size, hidden_size)
        twin.load_state_dict(cell.state_dict())
        x = torch.randn(2, input_size)
        got, want = cell(x), twin(x)
        got = got if isinstance(got, tuple) else (got,)
        want = want if isinstance(want, tuple) else (want,)
        for g, w in zip(got, want, strict=True):
            torch.testing.assert_close(g, w)
    assert ours(3, 4, bias=1).bias_ih is not None  # torch.nn's cells do not type-check bias either
    with pytest.raises(ValueError, match="hidden_size must be a non-negative integer"):
        ours(3, -1)


@pytest.mark.parametrize(("ours", "theirs"), LAYERS)
def test_signatures_are_explicit_and_start_with_torchs(ours, theirs) -> None:
    import inspect

    params = inspect.signature(ours).parameters
    assert all(p.kind is not inspect.Parameter.VAR_KEYWORD for p in params.values())
    torch_order = ["input_size", "hidden_size", "num_layers"]
    torch_order += ["nonlinearity"] if ours is rnnkit.RNN else []
    torch_order += ["bias", "batch_first", "dropout", "bidirectional"]
    torch_order += ["proj_size"] if ours is rnnkit.LSTM else []
    torch_order += ["device", "dtype"]
    positional = [n for n, p in params.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert positional == torch_order
    assert {"backend", "recurrent_init", "check_finite"} <= set(params)
    assert params["backend"].default == "auto"
    # the docstring is written out in the class body, with every argument documented
    source = inspect.getsource(ours)
    assert '    r"""A multi-layer' in source and "__doc__ =" not in source
    for name in params:
        assert f"        {name}:" in ours.__doc__, name


@pytest.mark.parametrize("backend", ["native", "auto"])
def test_torch_compile_runs_the_fused_kernel_outside_the_graph_as_torch_nn(backend: str) -> None:
    # torch cannot compile its own fused CPU LSTM (AOT autograd fails on mkldnn_rnn_layer); torch.nn
    # graph-breaks on nn.LSTM, so rnnkit's native backend does too, and the compiled model trains
    torch.manual_seed(0)
    torch._dynamo.reset()
    model = rnnkit.LSTM(3, 4, 2, backend=backend)  # reads the data itself, as a forecaster's does
    x = torch.randn(6, 2, 3)
    compiled = torch.compile(model, backend="aot_eager")
    got, (h_n, c_n) = compiled(x)
    want, (want_h, want_c) = model(x)
    torch.testing.assert_close(got, want)
    torch.testing.assert_close(c_n, want_c)
    got.sum().backward()
    grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    want.sum().backward()
    for g, p in zip(grads, model.parameters(), strict=True):
        torch.testing.assert_close(g, p.grad)


@pytest.mark.parametrize("layer", [rnnkit.RNN, rnnkit.LSTM, rnnkit.GRU])
def test_torch_compile_fullgraph_takes_the_reference_backend_whole(layer) -> None:
    """No graph break in the reference backend's forward (without lengths, whose values are
    checked): ``fullgraph=True`` compiles. Before, the backend was imported at every call, and
    Dynamo refuses to trace ``importlib.import_module``."""
    torch.manual_seed(0)
    torch._dynamo.reset()
    model = layer(3, 4, 2, bidirectional=True, backend="reference")
    x = torch.randn(6, 2, 3)
    compiled = torch.compile(model, fullgraph=True, backend="eager")
    torch.testing.assert_close(compiled(x)[0], model(x)[0])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("ours", "theirs"), LAYERS)
def test_layers_run_on_the_meta_device_for_shapes_as_torch_nn(ours, theirs, backend: str) -> None:
    # shape inference without memory (torch.nn's layers run on meta; autocast has no meta device type)
    layer = ours(4, 5, 2, bidirectional=True, device="meta", backend=backend)
    twin = theirs(4, 5, 2, bidirectional=True, device="meta")
    x = torch.empty(3, 2, 4, device="meta")
    out, state = layer(x)
    want_out, want_state = twin(x)
    assert out.device.type == "meta" and out.shape == want_out.shape
    states = state if isinstance(state, tuple) else (state,)
    want_states = want_state if isinstance(want_state, tuple) else (want_state,)
    assert [s.shape for s in states] == [s.shape for s in want_states]


@pytest.mark.parametrize(
    "kw", [{}, {"num_layers": 2, "bidirectional": True}, {"bias": False}, {"num_layers": 2, "proj_size": 2}]
)
def test_flat_weights_and_all_weights_as_torch_nn(kw: dict) -> None:
    layer, twin = rnnkit.LSTM(3, 4, **kw), nn.LSTM(3, 4, **kw)
    assert layer._all_weights == twin._all_weights
    assert [w.shape for w in layer._flat_weights] == [w.shape for w in twin._flat_weights]
    # the usual initialiser idiom writes through to the layer's parameters
    for name, weight in zip(layer._flat_weights_names, layer._flat_weights, strict=True):
        assert weight is getattr(layer, name)
        nn.init.zeros_(weight)
    assert layer(torch.randn(2, 1, 3))[0].abs().sum() == 0
    # assigning the list (as code refreshing torch's list after changing weights does) sets the names
    new = [nn.Parameter(torch.ones_like(w)) for w in layer._flat_weights]
    layer._flat_weights = new
    assert all(getattr(layer, n) is w for n, w in zip(layer._flat_weights_names, new, strict=True))
    with pytest.raises(ValueError, match="_flat_weights takes"):
        layer._flat_weights = []


def test_lengths_as_a_list_tuple_or_numpy_array_and_an_empty_list_for_an_empty_batch() -> None:
    import numpy as np

    layer = rnnkit.GRU(3, 4)
    x = torch.randn(5, 3, 3)
    want = layer(x, lengths=torch.tensor([5, 2, 4]))[0]
    for lengths in ([5, 2, 4], (5, 2, 4), np.array([5, 2, 4]), np.array([5, 2, 4], dtype=np.int32)):
        torch.testing.assert_close(layer(x, lengths=lengths)[0], want)
    assert layer(torch.randn(5, 0, 3), lengths=[])[0].shape == (
        5,
        0,
        4,
    )  # was 'must be integers; got float32'
    with pytest.raises(TypeError, match="lengths must be integers; got torch.float64"):
        layer(x, lengths=np.array([5.0, 2.0, 4.0]))


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"num_layers": 2, "bias": False, "batch_first": True, "dropout": 0.5, "bidirectional": True},
        {"proj_size": 3, "num_layers": 2, "bidirectional": True},
    ],
)
@pytest.mark.parametrize(("ours", "theirs"), LAYERS)
def test_layer_repr_is_torchs(ours, theirs, kw: dict) -> None:
    if "proj_size" in kw and ours is not rnnkit.LSTM:
        return
    assert repr(ours(5, 6, **kw)) == repr(theirs(5, 6, **kw))  # proj_size right after the sizes


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch's eager quantization points to torchao
@pytest.mark.parametrize(("ours", "theirs"), [(rnnkit.LSTM, nn.LSTM), (rnnkit.GRU, nn.GRU)])
def test_code_that_picks_torch_nn_types_passes_rnnkit_layers_by_and_a_twin_takes_their_weights(
    ours, theirs
) -> None:
    """The difference docs/nn.md states: rnnkit's layers are not subclasses of torch.nn's, so code
    that selects modules by type (an init loop, ``quantize_dynamic``) leaves them as they are; the
    documented way round is a torch.nn twin loaded from the layer's state dict."""
    torch.manual_seed(0)
    layer = ours(3, 8, 2, bidirectional=True)
    assert not isinstance(layer, (nn.RNNBase, theirs))
    model = nn.Sequential(layer)
    quantized = torch.ao.quantization.quantize_dynamic(model, {nn.LSTM, nn.GRU}, dtype=torch.qint8)
    assert type(quantized[0]) is ours  # passed by, still float (with a warning: test_quantization_dynamic.py)
    named = torch.ao.quantization.quantize_dynamic(model, {ours}, dtype=torch.qint8)
    assert type(named[0]) is ours  # torch's default mapping has nn.LSTM and nn.GRU only; rnnkit's has more

    twin = theirs(3, 8, 2, bidirectional=True)
    twin.load_state_dict(layer.state_dict())
    x = torch.randn(5, 2, 3)
    torch.testing.assert_close(twin(x)[0], layer(x)[0])
    q_twin = torch.ao.quantization.quantize_dynamic(nn.Sequential(twin), {theirs}, dtype=torch.qint8)
    assert type(q_twin[0]) is not theirs and q_twin[0].__module__.startswith("torch.ao.nn.quantized")
    torch.testing.assert_close(q_twin[0](x)[0], layer(x)[0], atol=0.05, rtol=0)


@pytest.mark.parametrize(
    ("backend", "kwargs", "reason"),
    [
        ("auto", {}, r"reason: rnnkit's native backend .* build the layer with backend='reference'"),
        (
            "reference",
            {"lengths": torch.tensor([6, 3])},
            r"reason: rnnkit runs a layer given lengths .* torch\.export",
        ),
    ],
)
def test_torch_compile_fullgraph_refusal_says_why_and_what_to_do(
    backend: str, kwargs: dict, reason: str
) -> None:
    """``fullgraph=True`` where rnnkit leaves the graph on purpose: Dynamo's refusal carries rnnkit's
    reason. It said "reason: None" and "Remove the torch.compiler.disable call" (native), or "Avoid
    calling the function disable" (lengths): nothing a user of the layer could act on."""
    torch._dynamo.reset()
    compiled = torch.compile(rnnkit.LSTM(3, 4, backend=backend), fullgraph=True, backend="eager")
    with pytest.raises(torch._dynamo.exc.Unsupported, match=reason):
        compiled(torch.randn(6, 2, 3), **kwargs)
