"""``caption train`` builds its CaptionConfig from its options in one step (issue 15): nothing trained here."""

from __future__ import annotations

import pytest

from rnnkit.caption import cli as caption_cli
from rnnkit.caption.pipeline import CaptionConfig
from rnnkit.utils.errors import RnnkitError

# what caption train takes besides the settings of its CaptionConfig
NOT_SETTINGS = {"data", "images", "fmt", "out", "cache_dir", "resume", "show_progress"}


def _options(*args: str) -> dict:
    """``caption train``'s settings options as parsed from ``args`` (and the defaults)."""
    ctx = caption_cli.train.make_context("train", ["--data", "d.json", "--out", "m", *args])
    kw = dict(ctx.params)
    assert set(kw) - CaptionConfig.setting_names() == NOT_SETTINGS  # a new option is a setting, or named
    return {k: v for k, v in kw.items() if k not in NOT_SETTINGS}


def _config(*args: str) -> CaptionConfig:
    return caption_cli.train_config(_options(*args))


def test_the_command_line_defaults_are_the_config_defaults():
    assert _config() == CaptionConfig()


def test_every_option_reaches_the_config():
    cfg = _config(
        *("--cell", "gru", "--no-attention", "--inject", "first", "--image-size", "32", "--epochs", "3"),
        *("--lr-schedule", "constant", "--batch-size", "8", "--lr", "0.01", "--hidden-size", "16"),
        *("--embed-size", "8", "--max-train", "40", "--channels", "16", "--augment", "none"),
        *("--attribute-loss", "0", "--word-dropout", "0.2", "--seed", "4", "--device", "cpu"),
    )
    expected = CaptionConfig(
        cell="gru",
        attention=False,
        deep_output=False,  # it reads the attended features: off without attention
        inject="first",
        image_size=32,
        epochs=3,
        lr_schedule="constant",
        batch_size=8,
        lr=0.01,
        hidden_size=16,
        embed_size=8,
        max_train=40,
        channels=16,
        augment="none",
        attribute_loss=0.0,
        word_dropout=0.2,
        seed=4,
        device="cpu",
    )
    assert cfg == expected


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("epochs", 0, "--epochs must be at least 1"),
        ("batch_size", 0, "--batch-size must be at least 1"),
        ("lr", 0.0, "--lr must be positive"),
        ("channels", 8192, "--channels must be at most 4096"),
        ("attribute_loss", -1.0, "--attribute-loss must lie in 0..1000"),
        ("located_loss", 1001.0, "--located-loss must lie in 0..1000"),
        ("attend_loss", -0.5, "--attend-loss must lie in 0..1000"),
        ("repeat_loss", -2.0, "--repeat-loss must lie in 0..1000"),
    ],
)
def test_bad_settings_are_one_line_errors(name, value, message):
    """train_config checks what it is given (on the command line the options' own bounds stop most first)."""
    with pytest.raises(RnnkitError, match=message):
        caption_cli.train_config({**_options(), name: value})


def test_the_options_of_the_sixth_pass_reach_the_config():
    cfg = _config(
        "--located-loss", "2", "--attend-loss", "0.5", "--repeat-loss", "3", "--coverage", "--word-classes"
    )
    assert (cfg.located_loss, cfg.attend_loss, cfg.repeat_loss) == (2.0, 0.5, 3.0)
    assert cfg.coverage and cfg.word_classes


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--coverage", "--no-attention"), "drop --no-attention"),
        (("--word-classes", "--no-attention"), "drop --no-attention"),
        (("--word-classes", "--no-deep-output"), "drop --no-deep-output"),
    ],
)
def test_decoder_options_that_need_attention_say_so(args, message):
    with pytest.raises(RnnkitError, match=message):
        _config(*args)
