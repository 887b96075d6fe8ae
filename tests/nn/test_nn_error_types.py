"""Bad input raises an error that is both RnnkitError and the built-in exception torch.nn raises for it.

Each case is run on torch.nn and on rnnkit; rnnkit's error must be an instance of torch's exception
type (so ``except RuntimeError`` written for torch.nn still catches it) and of RnnkitError (so the
command line prints one line), and its message must say what was expected and what was given.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn

import rnnkit
from rnnkit.utils.errors import DtypeError, InputTypeError, RnnkitError, ShapeError

LAYERS = {"rnn": (rnnkit.RNN, nn.RNN), "lstm": (rnnkit.LSTM, nn.LSTM), "gru": (rnnkit.GRU, nn.GRU)}
CELLS = {
    "rnn": (rnnkit.RNNCell, nn.RNNCell),
    "lstm": (rnnkit.LSTMCell, nn.LSTMCell),
    "gru": (rnnkit.GRUCell, nn.GRUCell),
}


def _state(kind: str, shape: tuple[int, ...]):
    return (torch.zeros(shape), torch.zeros(shape)) if kind == "lstm" else torch.zeros(shape)


# (name, call on a layer built as Layer(3, 4, num_layers=2), the words the message must contain)
LAYER_CASES: list[tuple[str, Callable, tuple[str, ...]]] = [
    ("rank 4", lambda k, m: m(torch.randn(2, 2, 2, 3)), ("rank 3", "got rank 4")),
    ("feature size", lambda k, m: m(torch.randn(5, 2, 7)), ("feature size 3", "got 7")),
    ("state shape", lambda k, m: m(torch.randn(5, 2, 3), _state(k, (1, 2, 4))), ("(2, 2, 4)", "(1, 2, 4)")),
    ("state batch", lambda k, m: m(torch.randn(5, 2, 3), _state(k, (2, 3, 4))), ("(2, 2, 4)", "(2, 3, 4)")),
    ("state size", lambda k, m: m(torch.randn(5, 2, 3), _state(k, (2, 2, 5))), ("(2, 2, 4)", "(2, 2, 5)")),
    ("dtype", lambda k, m: m(torch.randn(5, 2, 3, dtype=torch.float64)), ("float64", "float32")),
    ("empty sequence", lambda k, m: m(torch.randn(0, 2, 3)), ("at least one step", "(0, 2, 3)")),
]


@pytest.mark.parametrize("backend", ["reference", "native", "auto"])
@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize(("case", "call", "words"), LAYER_CASES, ids=[c[0] for c in LAYER_CASES])
def test_layer_errors_are_torchs_type_too(kind: str, backend: str, case: str, call, words) -> None:
    ours_cls, theirs_cls = LAYERS[kind]
    with pytest.raises(Exception) as theirs:
        call(kind, theirs_cls(3, 4, num_layers=2))
    with pytest.raises(RnnkitError) as ours:
        call(kind, ours_cls(3, 4, num_layers=2, backend=backend))
    assert isinstance(ours.value, type(theirs.value)), (case, type(theirs.value), type(ours.value))
    message = str(ours.value)
    assert "\n" not in message
    for word in words:
        assert word in message, (case, message)


@pytest.mark.parametrize("kind", sorted(CELLS))
def test_cell_errors_are_torchs_type_too(kind: str) -> None:
    ours_cls, theirs_cls = CELLS[kind]
    cases = [
        lambda m: m(torch.randn(2, 2, 3)),  # rank 3: ValueError in torch
        lambda m: m(torch.randn(2, 5)),  # feature size: RuntimeError
        lambda m: m(torch.randn(2, 3), _state(kind, (3, 4))),  # state batch: RuntimeError
        lambda m: m(torch.randn(2, 3), _state(kind, (1, 2, 4))),  # state rank: ValueError
    ]
    for call in cases:
        with pytest.raises(Exception) as theirs:
            call(theirs_cls(3, 4))
        with pytest.raises(RnnkitError) as ours:
            call(ours_cls(3, 4))
        assert isinstance(ours.value, type(theirs.value)), (type(theirs.value), type(ours.value))


def test_the_error_classes_are_both_kinds() -> None:
    assert issubclass(ShapeError, RuntimeError) and issubclass(ShapeError, RnnkitError)
    assert issubclass(InputTypeError, TypeError) and issubclass(InputTypeError, RnnkitError)
    with pytest.raises(TypeError, match="expects a tensor or PackedSequence input; got list"):
        rnnkit.GRU(3, 4)([[1.0, 2.0, 3.0]])
    with pytest.raises(TypeError, match=r"must be a pair \(h_0, c_0\)"):
        rnnkit.LSTM(3, 4)(torch.randn(5, 2, 3), torch.zeros(1, 2, 4))
    with pytest.raises(RuntimeError, match="lengths go up to 9, longer than the sequence length 5"):
        rnnkit.GRU(3, 4)(torch.randn(5, 2, 3), lengths=torch.tensor([9, 2]))
    with pytest.raises(TypeError, match="input_size must be an int; got float"):
        rnnkit.LSTM(3.0, 4)
    with pytest.raises(TypeError):
        nn.LSTM(3.0, 4)


def _pair_or_one(kind: str, shape: tuple[int, ...], dtype=torch.float32, device="cpu"):
    one = torch.zeros(shape, dtype=dtype, device=device)
    return (one, one) if kind == "lstm" else one


# (name, call on a cell built as Cell(3, 4)): torch.nn raises RuntimeError for each
CELL_DTYPE_DEVICE_CASES: list[tuple[str, Callable]] = [
    ("input float64", lambda k, m: m(torch.randn(2, 3, dtype=torch.float64))),
    ("input int64", lambda k, m: m(torch.ones(2, 3, dtype=torch.int64))),
    ("unbatched input float64", lambda k, m: m(torch.randn(3, dtype=torch.float64))),
    ("state float64", lambda k, m: m(torch.randn(2, 3), _pair_or_one(k, (2, 4), torch.float64))),
    ("state float16", lambda k, m: m(torch.randn(2, 3), _pair_or_one(k, (2, 4), torch.float16))),
    ("unbatched state float64", lambda k, m: m(torch.randn(3), _pair_or_one(k, (4,), torch.float64))),
    ("input on meta", lambda k, m: m(torch.randn(2, 3, device="meta"))),
    ("state on meta", lambda k, m: m(torch.randn(2, 3), _pair_or_one(k, (2, 4), device="meta"))),
]


@pytest.mark.parametrize("kind", sorted(CELLS))
@pytest.mark.parametrize(
    ("case", "call"), CELL_DTYPE_DEVICE_CASES, ids=[c[0] for c in CELL_DTYPE_DEVICE_CASES]
)
def test_cell_dtype_and_device_errors_are_runtime_errors(kind: str, case: str, call) -> None:
    """torch.nn's cells raise RuntimeError for an input or state of another dtype or device; so does rnnkit."""
    ours_cls, theirs_cls = CELLS[kind]
    with pytest.raises(RuntimeError) as theirs:
        call(kind, theirs_cls(3, 4))
    assert type(theirs.value) is RuntimeError  # what torch 2.x raises: checked, not assumed
    with pytest.raises(RnnkitError) as ours:
        call(kind, ours_cls(3, 4))
    assert isinstance(ours.value, RuntimeError) and isinstance(ours.value, DtypeError), (
        case,
        type(ours.value),
    )
    message = str(ours.value)
    assert "\n" not in message and ours_cls.__name__ in message


def test_cell_dtype_messages_name_both_dtypes() -> None:
    with pytest.raises(
        RuntimeError, match=r"LSTMCell input is torch.float64 on cpu, but its weights are torch.float32"
    ):
        rnnkit.LSTMCell(5, 7)(torch.randn(3, 5, dtype=torch.float64))
    with pytest.raises(
        RuntimeError, match=r"GRUCell state hx is torch.float64 on cpu; expected torch.float32 on cpu"
    ):
        rnnkit.GRUCell(5, 7)(torch.randn(3, 5), torch.zeros(3, 7, dtype=torch.float64))
    with pytest.raises(RuntimeError, match=r"LSTMCell state c_0 is torch.float64"):  # torch.nn would promote
        rnnkit.LSTMCell(5, 7)(torch.randn(3, 5), (torch.zeros(3, 7), torch.zeros(3, 7, dtype=torch.float64)))
    h = rnnkit.RNNCell(5, 7, dtype=torch.float64)(torch.randn(3, 5, dtype=torch.float64))  # matching: fine
    assert h.dtype == torch.float64


# (name, call on a layer built as Layer(3, 4), torch.nn's exception type)
LAYER_DTYPE_DEVICE_CASES: list[tuple[str, Callable, type]] = [
    ("input float64", lambda k, m: m(torch.randn(5, 2, 3, dtype=torch.float64)), ValueError),
    (
        "state float64",
        lambda k, m: m(torch.randn(5, 2, 3), _pair_or_one(k, (1, 2, 4), torch.float64)),
        RuntimeError,
    ),
    (
        "state float16",
        lambda k, m: m(torch.randn(5, 2, 3), _pair_or_one(k, (1, 2, 4), torch.float16)),
        RuntimeError,
    ),
    (
        "unbatched state float64",
        lambda k, m: m(torch.randn(5, 3), _pair_or_one(k, (1, 4), torch.float64)),
        RuntimeError,
    ),
]  # (another device: RuntimeError in torch.nn and rnnkit; the meta device cannot stand in for a GPU here)


@pytest.mark.parametrize("backend", ["reference", "native", "auto"])
@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize(
    ("case", "call", "torch_type"), LAYER_DTYPE_DEVICE_CASES, ids=[c[0] for c in LAYER_DTYPE_DEVICE_CASES]
)
def test_layer_dtype_and_device_errors_match_torch(
    kind: str, backend: str, case: str, call, torch_type
) -> None:
    ours_cls, theirs_cls = LAYERS[kind]
    with pytest.raises(Exception) as theirs:
        call(kind, theirs_cls(3, 4))
    assert type(theirs.value) is torch_type, (case, type(theirs.value))
    with pytest.raises(RnnkitError) as ours:
        call(kind, ours_cls(3, 4, backend=backend))
    assert isinstance(ours.value, torch_type), (case, type(ours.value))
    if torch_type is ValueError:  # a layer's input dtype: ValueError in torch.nn, not RuntimeError
        assert not isinstance(ours.value, RuntimeError)
    assert "\n" not in str(ours.value)


def test_layer_state_dtype_message() -> None:
    with pytest.raises(
        RuntimeError, match=r"GRU initial state h_0 is torch.float64 on cpu; expected torch.float32"
    ):
        rnnkit.GRU(5, 7)(torch.randn(4, 3, 5), torch.zeros(1, 3, 7, dtype=torch.float64))
    with pytest.raises(RuntimeError, match=r"LSTM initial state c_0 is torch.float64"):
        rnnkit.LSTM(5, 7)(
            torch.randn(4, 3, 5), (torch.zeros(1, 3, 7), torch.zeros(1, 3, 7, dtype=torch.float64))
        )


@pytest.mark.parametrize("kind", ["rnn", "gru"])
@pytest.mark.parametrize("proj_size", [2, 0, -1, 7, 2.0])
def test_proj_size_on_rnn_and_gru_is_a_value_error_as_in_torch(kind: str, proj_size) -> None:
    ours_cls, theirs_cls = LAYERS[kind]
    with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM") as theirs:
        theirs_cls(5, 7, proj_size=proj_size)
    assert type(theirs.value) is ValueError
    with pytest.raises(
        RnnkitError, match=f"proj_size is only supported for LSTM, not {ours_cls.__name__}"
    ) as ours:
        ours_cls(5, 7, proj_size=proj_size)
    assert isinstance(ours.value, ValueError) and not isinstance(ours.value, TypeError)
    with pytest.raises(TypeError):  # other unknown keywords stay a TypeError, as in Python and torch
        ours_cls(5, 7, projection_size=2)
    assert ours_cls(5, 7).extra_repr() == "5, 7"  # no proj_size shown when none is given


def test_the_dtype_error_is_both_kinds() -> None:
    assert issubclass(DtypeError, RuntimeError) and issubclass(DtypeError, RnnkitError)
    assert not issubclass(DtypeError, ShapeError)


@pytest.mark.parametrize("backend", ["reference", "native", "auto"])
def test_where_torchs_type_is_an_accident_ours_is_the_checks(backend: str) -> None:
    """docs/nn.md, Errors: a non-tensor input is a TypeError (torch.nn: AttributeError from ``.dim()``);
    a PackedSequence of another dtype a ValueError and one of another feature size a ShapeError, where
    torch.nn's LSTM skips its checks for a packed input given no state (the kernel fails, or runs)."""
    from torch.nn.utils.rnn import pack_sequence

    ours, theirs = rnnkit.LSTM(4, 5, backend=backend), nn.LSTM(4, 5)
    for bad in (None, torch.randn(3, 2, 4).numpy(), [torch.randn(3, 4)]):
        with pytest.raises(AttributeError):
            theirs(bad)
        with pytest.raises(InputTypeError, match="expects a tensor or PackedSequence input"):
            ours(bad)
    wide = pack_sequence([torch.randn(3, 6), torch.randn(3, 6)])
    assert theirs(wide)[0].data.shape == (6, 5)  # torch.nn: no error, an output
    with pytest.raises(ShapeError, match="feature size 4; got 6"):
        ours(wide)
    double = pack_sequence([torch.randn(3, 4, dtype=torch.float64)])
    with pytest.raises(RuntimeError):
        theirs(double)
    with pytest.raises(ValueError, match="float64"):
        ours(double)
