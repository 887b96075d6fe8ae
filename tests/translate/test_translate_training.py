"""``train_translator`` hands its learning-rate schedule to the engine."""

from __future__ import annotations

import math

import pytest
from helpers_translate import TINY_PAIRS

from rnnkit.translate.split import split_pairs
from rnnkit.translate.training import TrainOptions, train_translator
from rnnkit.utils.errors import RnnkitError


def _options(**kw) -> TrainOptions:
    base = dict(embed_size=8, hidden_size=16, vocab_size=40, epochs=3, batch_size=8, beam=1,
                device="cpu", show_progress=False)  # fmt: skip
    return TrainOptions(**{**base, **kw})


def test_cosine_schedule_reaches_the_engine():
    splits = split_pairs(TINY_PAIRS, seed=0)
    result = train_translator(splits, "en", "ko", _options(lr_schedule="cosine", lr=4e-3))
    expected = [4e-3 * (1 + math.cos(math.pi * e / 3)) / 2 for e in range(3)]
    assert [row["lr"] for row in result.history] == pytest.approx(expected, rel=1e-9)


def test_default_is_the_shipped_recipe_and_a_constant_rate_is_not_recorded():
    """The defaults are the shipped model's recipe (docs/RESULTS.md, "Fifth look")."""
    opts = TrainOptions()
    assert (opts.lr_schedule, opts.epochs, opts.vocab_size) == ("cosine", 25, 8000)
    assert (opts.average_last, opts.no_repeat_ngram) == (5, 3)
    splits = split_pairs(TINY_PAIRS, seed=0)
    result = train_translator(splits, "en", "ko", _options(epochs=1, lr_schedule="constant"))
    assert "lr" not in result.history[0]  # the engine records the rate only under a schedule


def test_unknown_schedule_is_a_one_line_error():
    splits = split_pairs(TINY_PAIRS, seed=0)
    with pytest.raises(
        RnnkitError, match="unknown lr schedule 'linear'; choose one of: constant, plateau, cosine"
    ):
        train_translator(splits, "en", "ko", _options(lr_schedule="linear"))


def test_command_line_defaults_are_the_train_options_defaults():
    """``translate train`` declares its options apart from TrainOptions (for a torch-free --help)."""
    from rnnkit.translate.cli import train

    declared = {p.name: p.default for p in train.params}
    defaults = TrainOptions().flat()  # the model config's, the shared FitOptions' and its own
    shared = set(declared) & set(defaults)
    assert {"cell", "epochs", "lr", "lr_schedule", "hidden_size", "vocab_size", "patience"} <= shared
    assert {name: declared[name] for name in shared} == {name: defaults[name] for name in shared}
