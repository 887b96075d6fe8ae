"""One rule for "a whole number" (:mod:`rnnkit.utils.whole`) in every Python argument that is a count.

An int or a NumPy integer (``np.int64`` read from an array) is taken everywhere; a bool, a float (even
``2.0``) and a string are refused everywhere, each place with its own message and exception type, as
before the rule was shared. ``rnnkit.LSTM(np.int64(8), 16)`` was refused ("input_size must be an int;
got int64 8") while ``Decoding(beam=np.int64(3))`` was taken.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

import rnnkit
from rnnkit.caption.captioner import Captioner
from rnnkit.caption.decode import Decoding
from rnnkit.forecast.checks import check_int as forecast_check_int
from rnnkit.forecast.checks import is_int
from rnnkit.nn.validate import check_int as nn_check_int
from rnnkit.train.config import TrainConfig
from rnnkit.translate.translator import as_int, check_decoding
from rnnkit.utils.errors import InputTypeError, RnnkitError
from rnnkit.utils.strict_json import plain
from rnnkit.utils.whole import as_whole, is_whole

NUMPY_INTS = [np.int64(3), np.int32(3), np.uint8(3), np.int16(3)]
NOT_WHOLE = [True, False, np.True_, 2.0, 2.5, np.float64(2.0), "3", None, torch.tensor(3)]
# what is not a whole number, and how the type checks show it
NOT_WHOLE_SHOWN = [
    (True, "bool True"),
    (np.True_, "bool np.True_"),
    (2.0, "float 2.0"),
    (2.5, "float 2.5"),
    ("3", "str '3'"),
]


def _decoding(**given):
    """check_decoding's arguments, the defaults of Translator.translate, with ``given`` replaced."""
    args = {"beam": 2, "n_best": 1, "batch_size": 4, "max_len": None, "alpha": None, "coverage": None}
    return {**args, "no_repeat_ngram": None, **given}


@pytest.mark.parametrize("value", [0, 3, -2, 10**30, *NUMPY_INTS])
def test_ints_and_numpy_integers_are_whole(value):
    assert is_whole(value) and is_int(value)
    assert as_whole(value) == int(value) and type(as_whole(value)) is int  # never np.int64 in a JSON file


@pytest.mark.parametrize("value", NOT_WHOLE, ids=repr)
def test_bools_floats_strings_and_tensors_are_not(value):
    assert not is_whole(value) and not is_int(value)
    assert as_whole(value) is value  # left for the caller's check to name


# --- nn: a TypeError "must be an int", as torch.nn's own for a float size


@pytest.mark.parametrize("value", NUMPY_INTS, ids=repr)
def test_layers_and_cells_take_numpy_integer_sizes(value):
    lstm = rnnkit.LSTM(value, np.int64(4), num_layers=np.int64(2))
    out, (h, c) = lstm(torch.randn(5, 2, 3))
    assert out.shape == (5, 2, 4) and h.shape == (2, 2, 4) and c.shape == (2, 2, 4)
    assert rnnkit.LSTM(3, 4, proj_size=value - 1).proj_size == 2
    assert rnnkit.GRUCell(value, np.int64(4))(torch.randn(2, 3)).shape == (2, 4)
    nn_check_int("hidden_size", value, 1)


@pytest.mark.parametrize(("value", "shown"), NOT_WHOLE_SHOWN)
def test_layers_and_cells_refuse_bools_floats_and_strings_as_before(value, shown):
    with pytest.raises(InputTypeError, match=f"^LSTM input_size must be an int; got {re.escape(shown)}$"):
        rnnkit.LSTM(value, 4)
    with pytest.raises(TypeError, match=f"^GRUCell hidden_size must be an int; got {re.escape(shown)}$"):
        rnnkit.GRUCell(3, value)


def test_a_numpy_integer_below_the_minimum_is_named_as_an_int_would_be():
    with pytest.raises(RnnkitError, match=r"^LSTM hidden_size must be a positive integer; got 0$"):
        rnnkit.LSTM(3, np.int64(0))


# --- forecast: "must be an integer between ..." (RnnkitError)


@pytest.mark.parametrize("value", NUMPY_INTS, ids=repr)
def test_forecast_takes_numpy_integers(value):
    forecast_check_int("window", value, 1, 10)


@pytest.mark.parametrize("value", [True, np.True_, 2.0, 2.5, "3"], ids=repr)
def test_forecast_refuses_bools_floats_and_strings_as_before(value):
    with pytest.raises(
        RnnkitError, match=rf"^window must be an integer between 1 and 10 \(got {re.escape(repr(value))}\)$"
    ):
        forecast_check_int("window", value, 1, 10)


# --- train: "must be a whole number" (RnnkitError)


@pytest.mark.parametrize("value", NUMPY_INTS, ids=repr)
def test_train_config_takes_numpy_integers(value):
    config = TrainConfig(epochs=value, seed=value, lr_patience=value, patience=value)
    config.validate()
    kept = [config.epochs, config.seed, config.lr_patience, config.patience]
    assert kept == [3] * 4 and {type(v) for v in kept} == {int}  # as plain ints: config.json can hold them


@pytest.mark.parametrize("name", ["epochs", "seed", "lr_patience", "checkpoint_every", "patience"])
@pytest.mark.parametrize("value", [True, np.True_, 2.0, 2.5, "3"], ids=repr)
def test_train_config_refuses_bools_floats_and_strings_as_before(name, value):
    shown = repr(plain(value))  # TrainConfig keeps a NumPy value as the Python one: np.True_ is shown True
    with pytest.raises(RnnkitError, match=f"^{name} must be a whole number, got {re.escape(shown)}$"):
        TrainConfig(**{name: value}).validate()


# --- translate: counts as Python ints; "must be an int" (a TypeError too)


@pytest.mark.parametrize("value", NUMPY_INTS, ids=repr)
def test_translate_takes_numpy_integer_counts(value):
    counts = {name: as_int(value) for name in ("beam", "n_best", "batch_size", "max_len")}
    assert all(type(v) is int for v in counts.values())
    check_decoding(**_decoding(**counts, no_repeat_ngram=value))


@pytest.mark.parametrize(("value", "shown"), NOT_WHOLE_SHOWN)
def test_translate_refuses_bools_floats_and_strings_as_before(value, shown):
    assert as_int(value) is value
    with pytest.raises(InputTypeError, match=f"^beam must be an int; got {re.escape(shown)}$"):
        check_decoding(**_decoding(beam=as_int(value)))
    with pytest.raises(InputTypeError, match=f"^no_repeat_ngram must be an int, got {re.escape(shown)}$"):
        check_decoding(**_decoding(no_repeat_ngram=value))


# --- caption: "must be a whole number" (RnnkitError)


@pytest.mark.parametrize("value", NUMPY_INTS, ids=repr)
def test_caption_decoding_takes_a_numpy_integer_beam(value):
    assert Decoding(beam=value).check().beam == value


@pytest.mark.parametrize("value", [True, np.True_, 2.0, 2.5, "3"], ids=repr)
def test_caption_refuses_bools_floats_and_strings_as_before(value):
    with pytest.raises(RnnkitError, match=f"^beam must be a whole number, got {re.escape(repr(value))}$"):
        Decoding(beam=value).check()
    message = f"^batch_size must be a whole number of at least 1, got {re.escape(repr(value))}$"
    with pytest.raises(RnnkitError, match=message):
        Captioner.describe(None, [], batch_size=value)  # refused before the model is used
