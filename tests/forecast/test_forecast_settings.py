"""One settings object for every forecast entry point: the command line, the API and config.json agree.

The literals below are what ``forecast train`` recorded in ``model/config.json`` (``info.settings``)
before the entry points took a :class:`ForecastSettings` (commit cb10574): a default that changes,
here or on one command, fails a test instead of silently changing what models are trained with.
"""

from __future__ import annotations

import json
from dataclasses import replace

import click
import pytest
from helpers_forecast import price_frame, write_csv

from rnnkit.forecast import cli as forecast_cli
from rnnkit.forecast.api import Forecaster
from rnnkit.forecast.data import READING_KEYS, load_series
from rnnkit.forecast.forecaster import Hyper
from rnnkit.forecast.options import parse_quantiles
from rnnkit.forecast.pipeline import train_settings
from rnnkit.forecast.settings import ForecastSettings

# forecast train --data ibm (no other option): info.settings of its config.json, before the refactor
RECORDED_DEFAULTS = {
    "data": "ibm",
    "target": "Adj Close",
    "features": "",
    # how the data were read (forecast train --config model/config.json reads them so again)
    "date_format": None,
    "dayfirst": None,  # ISO dates: neither day first nor month first
    "missing": "error",
    "decimal": None,  # the file tells its own decimal mark
    "window": 4,
    "horizon": 1,
    "predict": "auto",
    "val": 0.1,
    "test": 0.2,
    "season": None,
    "seed": 0,
    "cell": "lstm",
    "hidden_size": 32,
    "num_layers": 1,
    "dropout": 0.0,
    "quantiles": "0.1,0.5,0.9",
    "ensemble": 1,
    "epochs": None,
    "batch_size": 128,
    "lr": 0.003,
    "lr_schedule": "auto",
    "lr_factor": 0.5,
    "lr_patience": 3,
    "patience": 10,
    "clip_norm": 1.0,
    "max_steps": 3000,
    "patience_growth": 0.25,
    "weight_decay": 0.0,
    "monitor": "val_point",
    "calibrate": True,
    "input_noise": 0.0,
    "aux_steps": 0,
    "linear_blend": True,
}


# what each command takes besides the data options and the settings
NOT_SETTINGS = {"train": {"out", "resume"}, "backtest": {"out", "folds", "stride"}}


def _parsed(command: click.Command, args: list[str]) -> ForecastSettings:
    """The settings a command builds from ``args`` (parsed as typed, nothing trained)."""
    ctx = command.make_context(command.name, args)
    kw = dict(ctx.params)
    forecast_cli._pop_data(kw)
    settings = forecast_cli._settings(kw)
    assert set(kw) == NOT_SETTINGS[command.name]  # a new option is a setting, or named here
    return settings


@pytest.mark.parametrize("command", [forecast_cli.train, forecast_cli.backtest])
def test_the_command_line_defaults_are_the_recorded_defaults(command):
    settings = _parsed(command, [])
    assert settings == ForecastSettings(show_progress=True)
    recorded = train_settings(load_series("ibm"), settings, "ibm")
    assert recorded == RECORDED_DEFAULTS
    assert list(recorded) == list(RECORDED_DEFAULTS)  # the order config.json and run.json keep
    assert (settings.seed, settings.device, settings.show_progress) == (0, "auto", True)


def test_every_option_reaches_the_settings():
    settings = _parsed(
        forecast_cli.train,
        ["--window", "5", "--horizon", "2", "--predict", "returns", "--val", "0.15", "--test", "0.25"]
        + ["--season", "7", "--seed", "3", "--device", "cpu", "--no-progress", "--cell", "gru"]
        + ["--hidden-size", "6", "--num-layers", "2", "--dropout", "0.1", "--epochs", "4"]
        + ["--max-steps", "50", "--lr", "0.01", "--batch-size", "16", "--patience", "2"]
        + ["--lr-schedule", "cosine", "--quantiles", "0.2,0.5,0.8", "--monitor", "val_loss"]
        + ["--no-calibrate", "--ensemble", "2", "--input-noise", "0.2", "--aux-steps", "3"]
        + ["--no-linear-blend"],
    )
    expected = ForecastSettings(
        window=5,
        horizon=2,
        predict="returns",
        val=0.15,
        test=0.25,
        season=7,
        seed=3,
        device="cpu",
        show_progress=False,
        hyper=Hyper(
            cell="gru",
            hidden_size=6,
            num_layers=2,
            dropout=0.1,
            epochs=4,
            max_steps=50,
            lr=0.01,
            batch_size=16,
            patience=2,
            lr_schedule="cosine",
            quantiles=(0.2, 0.5, 0.8),
            monitor="val_loss",
            calibrate=False,
            ensemble=2,
            input_noise=0.2,
            aux_steps=3,
            linear_blend=False,
        ),
    )
    assert settings == expected


def test_settings_are_built_and_read_flat_or_by_parts():
    s = ForecastSettings(window=14, hidden=9, epochs=2, seed=1)  # the old names, too
    assert s.hyper.model.hidden_size == 9 and s.hyper.fit.epochs == 2 and s.hidden_size == 9
    assert (s.window, s.seed, s.test) == (14, 1, 0.2)
    s.num_layers = 2  # set where it lives
    assert s.hyper.model.num_layers == 2 and "num_layers" not in vars(s)
    assert ForecastSettings(**s.flat()) == s
    quiet = replace(s, show_progress=False)
    assert quiet.hyper == s.hyper and quiet.hyper is not s.hyper and not quiet.show_progress
    assert ForecastSettings.setting_names() == Hyper.setting_names() | {
        "window", "horizon", "predict", "val", "test", "season", "seed", "device", "show_progress"
    }  # fmt: skip
    with pytest.raises(TypeError, match="no setting"):
        ForecastSettings(wings=2)


def test_a_model_folder_records_the_settings_that_train_it_again(tmp_path):
    path = write_csv(tmp_path / "p.csv", price_frame(120))
    out = tmp_path / "run"
    args = ["--data", str(path), "--out", str(out), "--cell", "gru", "--window", "5"]
    args += ["--epochs", "1", "--hidden-size", "4", "--no-progress", "--device", "cpu"]
    assert forecast_cli.train.main(args, standalone_mode=False) is None
    recorded = json.loads((out / "model" / "config.json").read_text())["info"]["settings"]
    settings = _parsed(forecast_cli.train, args)
    assert recorded == train_settings(load_series(str(path)), settings, str(path))
    data_options = ("data", "target", "features", *READING_KEYS)
    again = {k: v for k, v in recorded.items() if k not in data_options}
    again["quantiles"] = parse_quantiles(again["quantiles"])
    rebuilt = ForecastSettings(**again)  # what --config model/config.json trains with
    assert replace(rebuilt, device="cpu", show_progress=False) == settings


def test_the_python_api_keeps_its_arguments_in_one_settings_object():
    fc = Forecaster(window=14, horizon=2, transform="returns", val=0.2, seed=5, hidden_size=8)
    assert fc.settings == ForecastSettings(
        window=14, horizon=2, predict="returns", val=0.2, seed=5, show_progress=False, hidden_size=8
    )
    fc.window, fc.hyper.hidden_size = 7, 3  # sklearn-style attributes write the one copy
    assert fc.settings.window == 7 and fc.settings.hidden_size == 3
    default = Forecaster().settings
    assert default == ForecastSettings(show_progress=False)  # the same defaults as the command line
