"""Layer-level bad input: each mistake raises one RnnkitError that names what is wrong."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

import rnnkit
from rnnkit.nn import make_layer
from rnnkit.utils.errors import RnnkitError

KINDS = ["rnn", "lstm", "gru"]


def _one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_rank(kind: str) -> None:
    layer = make_layer(kind, 3, 4)
    with pytest.raises(RnnkitError, match=r"rank 3 \(batched\) or 2 \(unbatched\); got rank 4") as exc:
        layer(torch.randn(2, 2, 2, 3))
    _one_line(exc)
    with pytest.raises(RnnkitError, match="got rank 1"):
        layer(torch.randn(3))
    with pytest.raises(RnnkitError, match="expects a tensor or PackedSequence input; got list"):
        layer([[1.0, 2.0, 3.0]])


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_feature_size(kind: str) -> None:
    with pytest.raises(RnnkitError, match="expects input feature size 3; got 5"):
        make_layer(kind, 3, 4)(torch.randn(6, 2, 5))


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_state_shape(kind: str) -> None:
    layer = make_layer(kind, 3, 4, num_layers=2)
    bad = torch.zeros(1, 2, 4)  # one layer's worth for a two-layer stack
    state = (bad, bad) if kind == "lstm" else bad
    with pytest.raises(
        RnnkitError, match=r"initial state h_0 has shape \(1, 2, 4\); expected \(2, 2, 4\)"
    ) as exc:
        layer(torch.randn(6, 2, 3), state)
    _one_line(exc)
    if kind == "lstm":
        with pytest.raises(RnnkitError, match=r"must be a pair \(h_0, c_0\)"):
            layer(torch.randn(6, 2, 3), torch.zeros(2, 2, 4))
        good = torch.zeros(2, 2, 4)
        with pytest.raises(RnnkitError, match=r"c_0 has shape \(2, 2, 5\)"):
            layer(torch.randn(6, 2, 3), (good, torch.zeros(2, 2, 5)))


@pytest.mark.parametrize("kind", KINDS)
def test_state_shape_message_names_the_layout_it_expects(kind: str) -> None:
    layer = make_layer(kind, 3, 4)
    batched = torch.zeros(1, 1, 4)
    with pytest.raises(
        RnnkitError,
        match=r"expected \(1, 4\) \(num_layers \* num_directions, hidden_size\) for an unbatched input",
    ):
        layer(torch.randn(6, 3), (batched, batched) if kind == "lstm" else batched)
    if kind == "lstm":
        projected = rnnkit.LSTM(3, 4, proj_size=2)
        with pytest.raises(
            RnnkitError,
            match=r"h_0 has shape \(1, 2, 4\); expected \(1, 2, 2\) \(num_layers \* num_directions, N, proj_size\)",
        ):
            projected(torch.randn(6, 2, 3), (torch.zeros(1, 2, 4), torch.zeros(1, 2, 4)))


@pytest.mark.parametrize("kind", KINDS)
def test_lengths_longer_than_the_sequence_or_zero(kind: str) -> None:
    layer = make_layer(kind, 3, 4)
    x = torch.randn(6, 3, 3)
    with pytest.raises(RnnkitError, match="lengths go up to 7, longer than the sequence length 6"):
        layer(x, lengths=torch.tensor([7, 2, 3]))
    with pytest.raises(RnnkitError, match="lengths must be at least 1; got 0 at batch index 1"):
        layer(x, lengths=torch.tensor([6, 0, 3]))
    with pytest.raises(RnnkitError, match="1-D tensor of 3 values"):
        layer(x, lengths=torch.tensor([6, 2]))
    with pytest.raises(RnnkitError, match="lengths must be integers"):
        layer(x, lengths=torch.tensor([6.0, 2.0, 3.0]))


@pytest.mark.parametrize("kind", KINDS)
def test_unsorted_lengths_with_enforce_sorted(kind: str) -> None:
    layer = make_layer(kind, 3, 4)
    x = torch.randn(6, 3, 3)
    with pytest.raises(RnnkitError, match="not sorted in decreasing order and enforce_sorted=True"):
        layer(x, lengths=torch.tensor([2, 6, 3]), enforce_sorted=True)
    out = layer(x, lengths=torch.tensor([6, 3, 2]), enforce_sorted=True)[0]  # sorted is fine
    assert out.shape == (6, 3, 4)


def test_unknown_backend_cell_nonlinearity_init() -> None:
    with pytest.raises(RnnkitError, match="unknown backend 'cudnn'; known: auto, reference, native, triton"):
        rnnkit.LSTM(3, 4, backend="cudnn")
    with pytest.raises(RnnkitError, match="unknown cell 'transformer'; known: rnn, lstm, gru"):
        make_layer("transformer", 3, 4)
    with pytest.raises(RnnkitError, match="unknown nonlinearity 'sigmoid'; known: tanh, relu"):
        rnnkit.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(
        RnnkitError, match="unknown recurrent_init 'eye'; known: default, identity, orthogonal"
    ):
        rnnkit.GRU(3, 4, recurrent_init="eye")
    with pytest.raises(RnnkitError, match=r"dropout must be a number in \[0, 1\]; got 1.5"):
        rnnkit.GRU(3, 4, dropout=1.5)
    with pytest.raises(RnnkitError, match="num_layers must be a positive integer; got 0"):
        rnnkit.LSTM(3, 4, num_layers=0)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_nan_or_inf_with_check_finite(kind: str, bad: float) -> None:
    x = torch.randn(5, 2, 3)
    x[2, 1, 0] = bad
    with pytest.raises(RnnkitError, match="input contains NaN or infinite values") as exc:
        make_layer(kind, 3, 4, check_finite=True)(x)
    _one_line(exc)
    out = make_layer(kind, 3, 4)(x)[0]  # without the check it runs (a NaN flows through)
    assert bool(torch.isnan(out).any()) == (bad != bad)
    h0 = torch.full((1, 2, 4), bad)
    with pytest.raises(RnnkitError, match="initial state contains NaN or infinite values"):
        make_layer(kind, 3, 4, check_finite=True)(torch.randn(5, 2, 3), (h0, h0) if kind == "lstm" else h0)
    # a padded step is not input (packing never reads it): NaN padding passes the check
    padded = torch.randn(5, 2, 3)
    padded[3:, 1] = bad
    out = make_layer(kind, 3, 4, check_finite=True)(padded, lengths=torch.tensor([5, 3]))[0]
    assert bool(torch.isfinite(out).all())
    with pytest.raises(RnnkitError, match="input contains NaN"):
        make_layer(kind, 3, 4, check_finite=True)(padded, lengths=torch.tensor([5, 4]))


def test_explicit_backend_that_cannot_run_raises_clearly() -> None:
    lstm = rnnkit.LSTM(3, 4, backend="native")
    with pytest.raises(
        RnnkitError, match="backend 'native' cannot run this call: .*do not return gate activations"
    ):
        lstm(torch.randn(5, 2, 3), return_gates=True)
    assert lstm(torch.randn(5, 2, 3))[0].shape == (5, 2, 4)  # without gates it runs


@pytest.mark.skipif(
    torch.cuda.is_available() or os.environ.get("TRITON_INTERPRET", "0") not in ("", "0"),
    reason="checks the message when no GPU (and no Triton interpreter) is present",
)
def test_triton_without_gpu_raises_clearly() -> None:
    with pytest.raises(RnnkitError, match="backend 'triton'"):
        rnnkit.GRU(3, 4, backend="triton")(torch.randn(5, 2, 3))


def test_wrong_dtype_and_packed_with_lengths() -> None:
    with pytest.raises(
        RnnkitError, match=r"input is torch.float64 on cpu, but its weights are torch.float32"
    ):
        rnnkit.LSTM(3, 4)(torch.randn(5, 2, 3, dtype=torch.float64))
    packed = torch.nn.utils.rnn.pack_padded_sequence(torch.randn(5, 2, 3), torch.tensor([5, 3]))
    with pytest.raises(RnnkitError, match="both a PackedSequence and lengths"):
        rnnkit.GRU(3, 4)(packed, lengths=torch.tensor([5, 3]))
    with pytest.raises(RnnkitError, match="lengths need a batched"):
        rnnkit.GRU(3, 4)(torch.randn(5, 3), lengths=torch.tensor([5]))


@pytest.mark.parametrize("part", [0, 1])
def test_a_cells_state_pair_holding_none_is_refused_as_torch_and_the_layers_do(part: int) -> None:
    """``LSTMCell(x, (h, None))`` ran with a zero ``c_0`` (and ``(None, c)`` with a zero ``h_0``):
    a state the caller forgot to carry, replaced silently. torch.nn's cell fails on it and rnnkit's
    LSTM layer refuses it; now the cells do too, naming the part."""
    from rnnkit.nn import make_cell
    from rnnkit.utils.errors import InputTypeError

    x, h = torch.randn(2, 3), torch.randn(2, 4)
    pair = [h, h.clone()]
    pair[part] = None
    name = ("h_0", "c_0")[part]
    with pytest.raises(AttributeError):
        torch.nn.LSTMCell(3, 4)(x, tuple(pair))
    for cell in (rnnkit.LSTMCell(3, 4), make_cell("lstm", 3, 4)):
        with pytest.raises(InputTypeError, match=f"LSTMCell state {name} must be a tensor; got NoneType"):
            cell(x, tuple(pair))
    with pytest.raises(InputTypeError, match="c_0 must be a tensor"):
        rnnkit.LSTM(3, 4)(x.unsqueeze(0), (h.unsqueeze(0), None))
    assert rnnkit.LSTMCell(3, 4)(x)[1].shape == (2, 4)  # no state at all: zeros, as torch.nn


@pytest.mark.parametrize(
    "lengths",
    [[[2], [1, 2]], [None, 1], ["2", "1"], np.array(["2", "1"]), [2, object()]],
    ids=["ragged", "none", "strings", "numpy-strings", "object"],
)
def test_lengths_that_are_not_integers_name_the_argument(lengths: object) -> None:
    """A list of lengths torch cannot read raised torch's own error ("Could not infer dtype of
    NoneType", "expected sequence of length 1 at dim 1"), which names no argument."""
    from rnnkit.utils.errors import InputTypeError

    with pytest.raises(InputTypeError, match=r"^LSTM lengths must be integers, one per sequence; got "):
        rnnkit.LSTM(3, 4)(torch.randn(2, 2, 3), lengths=lengths)
