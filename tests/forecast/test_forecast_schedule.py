"""``--lr-schedule auto``: constant rate where the linear AR beats naive on validation, plateau otherwise."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from helpers_forecast import write_csv

from rnnkit.cli import main
from rnnkit.forecast.data import Series, load_series
from rnnkit.forecast.forecaster import Hyper
from rnnkit.forecast.prepare import prepare
from rnnkit.forecast.schedule import LEARNABLE, ar_over_naive, resolve_schedule


def _series(values: np.ndarray, name: str = "s") -> Series:
    dates = pd.date_range("2020-01-01", periods=len(values), freq="D")
    return Series(name, dates, values[:, None].astype(np.float64), ["y"])


def weekly(n: int = 400, seed: int = 0) -> np.ndarray:
    """A weekly pattern around 50 plus small noise: the AR on 7 levels beats naive by far."""
    rng = np.random.default_rng(seed)
    week = np.array([0.0, 1.0, 2.0, 1.5, 3.0, -3.0, -3.5])
    return 50.0 + week[np.arange(n) % 7] + 0.3 * rng.standard_normal(n)


def walk(n: int = 400, seed: int = 1) -> np.ndarray:
    """A random walk: nothing beats naive."""
    rng = np.random.default_rng(seed)
    return 100.0 * np.exp(np.cumsum(0.01 * rng.standard_normal(n)))


def test_learnable_series_gets_a_constant_rate_and_a_longer_patience():
    prep = prepare(_series(weekly()), 7, 1, "prices")
    ratio = ar_over_naive([prep])
    assert ratio is not None and ratio < 0.5
    hyper, reason = resolve_schedule(Hyper(), [prep])
    assert (hyper.lr_schedule, hyper.patience) == ("constant", 30)
    assert reason.startswith("constant learning rate, patience 30") and f"{ratio:.0%} of naive's" in reason


def test_random_walk_and_a_stock_keep_the_plateau_schedule():
    for series in (_series(walk()), load_series("msft")):
        prep = prepare(series, 4, 1, "returns")
        assert ar_over_naive([prep]) > LEARNABLE
        hyper, reason = resolve_schedule(Hyper(patience=7), [prep])
        assert (hyper.lr_schedule, hyper.patience) == ("plateau", 7) and "little to learn" in reason


def test_given_schedule_is_kept_and_no_validation_part_is_safe():
    prep = prepare(_series(weekly()), 7, 1, "prices")
    hyper, reason = resolve_schedule(Hyper(lr_schedule="cosine"), [prep])
    assert (hyper.lr_schedule, hyper.patience) == ("cosine", 10) and reason.startswith("--lr-schedule cosine")
    no_val = prepare(_series(weekly()), 7, 1, "prices", val=0.0)
    assert resolve_schedule(Hyper(), [no_val])[0].lr_schedule == "plateau"


def test_many_series_decide_on_the_sample_weighted_mean_ratio():
    short = prepare(_series(weekly(200), "a"), 7, 1, "prices")
    long = prepare(_series(walk(600), "b"), 7, 1, "prices")
    ra, rb = ar_over_naive([short]), ar_over_naive([long])
    weights = np.array([short.val.sum(), long.val.sum()])
    assert ar_over_naive([short, long]) == np.average([ra, rb], weights=weights)


def test_train_prints_and_saves_the_schedule(tmp_path, capsys):
    path = write_csv(tmp_path / "w.csv", pd.DataFrame({"date": pd.date_range("2020-01-01", periods=300),
                                                       "value": weekly(300)}))  # fmt: skip
    out = tmp_path / "run"
    tiny = ["--epochs", "2", "--hidden", "4", "--quiet", "--device", "cpu", "--window", "7"]
    assert main(["forecast", "train", "--data", str(path), "--out", str(out), *tiny]) == 0
    assert "training schedule: constant learning rate, patience 30" in capsys.readouterr().out
    assert json.loads((out / "metrics.json").read_text())["schedule"].startswith("constant learning rate")
