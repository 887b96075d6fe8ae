"""The compared variants and the option parsers."""

import pytest
import torch

from rnnkit.explain.models import VARIANTS, TaskModel, make_variant_layer, parse_cells, parse_lengths
from rnnkit.utils.errors import RnnkitError


def test_irnn_starts_from_the_identity_with_zero_biases():
    layer = make_variant_layer("irnn", 3, 5)
    torch.testing.assert_close(layer.weight_hh_l0.detach(), torch.eye(5), rtol=0, atol=0)
    assert float(layer.bias_ih_l0.detach().abs().sum() + layer.bias_hh_l0.detach().abs().sum()) == 0.0
    assert float(layer.weight_ih_l0.detach().abs().sum()) > 0  # input weights keep their random start
    # ReLU: with identity recurrence, no input and zero bias a positive state is carried unchanged.
    h0 = torch.rand(1, 2, 5)
    _, h_n = layer(torch.zeros(20, 2, 3), h0)
    torch.testing.assert_close(h_n, h0, rtol=0, atol=1e-6)


def test_relu_variants_use_relu_and_rnn_uses_tanh():
    assert make_variant_layer("rnn-relu", 2, 4).nonlinearity == "relu"
    assert make_variant_layer("rnn", 2, 4).nonlinearity == "tanh"
    assert VARIANTS["lstm"].cell == "lstm" and VARIANTS["gru"].cell == "gru"


def test_task_model_shapes():
    x = torch.randn(3, 7, 2)
    assert TaskModel("gru", 2, 4)(x).shape == (3,)
    assert TaskModel("lstm", 2, 4, 10, per_step=True)(x).shape == (3, 7, 10)


def test_parse_cells():
    assert parse_cells("rnn, lstm,gru,lstm") == ["rnn", "lstm", "gru"]
    with pytest.raises(
        RnnkitError, match=r"unknown cell 'transformer'; known: rnn, rnn-relu, irnn, lstm, gru"
    ):
        parse_cells("rnn,transformer")
    with pytest.raises(RnnkitError, match="at least one cell"):
        parse_cells(" , ")
    for text in ("rnn,,lstm", "rnn,lstm,", ",rnn"):  # refused, as --lengths 50,,100 is
        with pytest.raises(RnnkitError, match=rf"^bad cell list '{text}': an empty name between commas"):
            parse_cells(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("50,,100", "bad length list"),
        ("50,abc", "not an integer"),
        ("1,100", "at least 2"),
        ("", "bad length"),
    ],
)
def test_parse_lengths_rejects_bad_lists(text, message):
    with pytest.raises(RnnkitError, match=message):
        parse_lengths(text)


def test_parse_lengths():
    assert parse_lengths("50, 100,200,100") == [50, 100, 200]
    assert parse_lengths("1", minimum=1) == [1]
