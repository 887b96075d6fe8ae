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
from rnnkit.utils.errors import InputTypeError, RnnkitError, ShapeError

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
