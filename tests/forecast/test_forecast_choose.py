"""``--predict auto``: the target transform chosen on the validation part (issue 13, item 1)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import write_csv

from rnnkit.cli import main
from rnnkit.forecast.choose import choose_predict
from rnnkit.forecast.data import Series, load_series
from rnnkit.utils.errors import RnnkitError


def _series(values: np.ndarray) -> Series:
    dates = pd.date_range("2020-01-01", periods=len(values), freq="D")
    return Series("s", dates, values[:, None].astype(np.float64), ["y"])


def seasonal(n: int = 400, seed: int = 0) -> np.ndarray:
    """Stationary: a weekly pattern around a fixed mean, plus noise (levels carry the information)."""
    rng = np.random.default_rng(seed)
    week = np.array([0.0, 1.0, 2.0, 1.5, 3.0, -3.0, -3.5])
    return 50.0 + week[np.arange(n) % 7] + 0.3 * rng.standard_normal(n)


def test_stationary_series_is_predicted_in_levels():
    choice = choose_predict(_series(seasonal()), 4, 1)
    assert choice.predict == "prices" and "levels are" in choice.reason
    assert set(choice.val_mae) == {"returns", "log-returns", "prices"}
    assert choice.val_mae["prices"] < choice.val_mae["returns"]


def test_stocks_stay_on_returns():
    for name in ("ibm", "aapl", "msft"):
        choice = choose_predict(load_series(name), 4, 1)
        assert choice.predict == "returns", (name, choice.reason)


def test_a_trend_rules_out_levels_and_nonpositive_rules_out_returns():
    trend = seasonal() + np.linspace(0, 80, 400)  # validation values above anything in training
    choice = choose_predict(_series(trend), 14, 1)
    assert choice.predict in ("returns", "log-returns") and "outside the training range" in choice.reason
    assert choose_predict(_series(seasonal() - 50.0), 14, 1).predict == "prices"
    assert choose_predict(_series(seasonal()), 14, 1, "returns").reason == "--predict returns"
    with pytest.raises(RnnkitError, match="unknown --predict 'levels'"):
        choose_predict(_series(seasonal()), 14, 1, "levels")


def test_train_prints_and_saves_the_choice(tmp_path, capsys):
    frame = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=400), "y": seasonal()})
    path = write_csv(tmp_path / "s.csv", frame)
    out = tmp_path / "run"
    args = ["forecast", "train", "--data", str(path), "--out", str(out)]
    assert main([*args, "--epochs", "1", "--hidden", "4", "--quiet", "--device", "cpu"]) == 0
    assert "target transform: predict prices: levels are" in capsys.readouterr().out
    config = json.loads((out / "model" / "config.json").read_text())
    assert config["predict"] == "prices" and config["info"]["predict_choice"]["predict"] == "prices"
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["predict_choice"]["reason"].startswith("predict prices")


def test_a_constant_series_says_so_instead_of_comparing_rounding_noise():
    # "returns are 100% better than levels (linear AR validation MAE returns 0, log-returns 0, prices 2.665e-15)"
    dates = pd.date_range("2024-01-01", periods=60)
    series = load_series(pd.DataFrame({"date": dates, "y": np.full(60, 5.0)}))
    choice = choose_predict(series, 4, 1)
    assert choice.reason == (
        f"predict {choice.predict}: the target is constant on the training and validation rows (5), so every "
        "transform forecasts it exactly"
    )
