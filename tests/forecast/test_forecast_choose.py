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
    assert set(choice.val_mae) == {"returns", "log-returns", "differences", "prices"}
    assert choice.val_mae["prices"] < choice.val_mae["returns"]


def test_stocks_stay_on_returns():
    for name in ("ibm", "aapl", "msft"):
        choice = choose_predict(load_series(name), 4, 1)
        assert choice.predict == "returns", (name, choice.reason)


def test_a_trend_rules_out_levels_and_nonpositive_rules_out_returns():
    trend = seasonal() + np.linspace(0, 80, 400)  # validation values above anything in training
    choice = choose_predict(_series(trend), 14, 1)
    # an additive trend and season: a change type, and differences, whose swings do not grow with the level
    assert choice.predict == "differences" and "outside the training range" in choice.reason
    mean_zero = choose_predict(_series(seasonal() - 50.0), 14, 1)
    assert mean_zero.predict == "prices" and set(mean_zero.val_mae) == {"differences", "prices"}
    assert "levels are 6% better than differences" in mean_zero.reason
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


def random_walk_through_zero(n: int = 600, seed: int = 3) -> np.ndarray:
    """A random walk with drift that starts below zero and ends far above anything in training."""
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.normal(0.15, 1.0, n)) - 40.0


def test_a_random_walk_through_zero_is_predicted_in_differences():
    # before differences, a target with values <= 0 could only be predicted in levels, which a
    # wandering series leaves: on a 1,500-day walk the model lost to naive by 29%
    values = random_walk_through_zero()
    assert values.min() < 0 < values.max()
    choice = choose_predict(_series(values), 14, 1)
    assert choice.predict == "differences"
    assert "outside the training range" in choice.reason and "returns are undefined" in choice.reason
    assert set(choice.val_mae) == {"differences", "prices"}
    no_val = choose_predict(_series(values), 14, 1, val=0.0)
    assert no_val.predict == "differences" and "no validation part" in no_val.reason


def test_differences_replace_returns_only_when_clearly_better():
    # an additive season on a level that grows tenfold: its swings do not grow with the level, so
    # relative returns distort them and differences do not
    n = 800
    t = np.arange(n)
    rng = np.random.default_rng(1)
    week = np.array([0.0, 4.0, 8.0, 6.0, 12.0, -12.0, -14.0])
    values = 20.0 + 0.5 * t + week[t % 7] + 0.3 * rng.standard_normal(n)
    choice = choose_predict(_series(values), 14, 1)
    assert choice.predict == "differences", choice.reason
    best_return = min(choice.val_mae["returns"], choice.val_mae["log-returns"])
    assert choice.val_mae["differences"] < 0.98 * best_return
    assert "differences are" in choice.reason and "better than" in choice.reason
    for name in ("ibm", "aapl", "msft"):  # a random walk in relative terms: returns, as before
        assert choose_predict(load_series(name), 4, 1).predict == "returns"


def test_a_model_in_differences_trains_predicts_and_evaluates_on_a_series_through_zero(tmp_path, capsys):
    frame = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=600), "y": random_walk_through_zero()})
    path = write_csv(tmp_path / "walk.csv", frame)
    out = tmp_path / "run"
    args = ["forecast", "train", "--data", str(path), "--out", str(out), "--window", "14"]
    assert main([*args, "--epochs", "2", "--hidden", "4", "--quiet", "--device", "cpu"]) == 0
    assert "target transform: predict differences:" in capsys.readouterr().out
    config = json.loads((out / "model" / "config.json").read_text())
    assert config["predict"] == "differences"
    model = str(out / "model")
    assert main(["forecast", "predict", "--model", model, "--data", str(path), "--horizon", "1"]) == 0
    said = capsys.readouterr().out
    last = frame["y"].iloc[-1]
    point = float(said.split(": y ")[1].split()[0])
    assert abs(point - last) < 5.0, said  # a change from the last value, not a level from training
    assert main(["forecast", "eval", "--model", model, "--data", str(path)]) == 0
    assert "naive" in capsys.readouterr().out


def test_a_panel_chooses_differences_for_its_series_through_zero_and_forecasts_it(tmp_path, capsys):
    dates = pd.date_range("2020-01-01", periods=600)
    walk = pd.DataFrame({"date": dates, "y": random_walk_through_zero(), "id": "walk"})
    season = pd.DataFrame({"date": dates, "y": seasonal(600), "id": "season"})
    path = write_csv(tmp_path / "long.csv", pd.concat([walk, season]))
    out = tmp_path / "run"
    args = ["forecast", "train", "--data", str(path), "--id-column", "id", "--out", str(out)]
    assert (
        main([*args, "--window", "14", "--epochs", "2", "--hidden", "4", "--quiet", "--device", "cpu"]) == 0
    )
    assert "walk: predict differences:" in capsys.readouterr().out
    config = json.loads((out / "model" / "config.json").read_text())
    assert config["series_transforms"] == {"walk": "differences", "season": "prices"}
    assert main(["forecast", "predict", "--model", str(out / "model"), "--data", str(path)]) == 0
    said = capsys.readouterr().out
    point = float(said.split("walk y ")[1].split()[0])
    assert abs(point - walk["y"].iloc[-1]) < 5.0, said


def test_each_change_type_is_compared_with_the_one_chosen_so_far():
    # the module docstring's rule 4: log-returns 1% better than returns leave returns chosen, and
    # differences 2.2% better than returns replace them, though only 1.2% better than log-returns
    from rnnkit.forecast.choose import _decide

    maes = {"returns": 1.0, "log-returns": 0.99, "differences": 0.978, "prices": 2.0}
    chosen = _decide(maes, outside=0.5, persistence=1.0, unit="MAE")
    assert chosen.predict == "differences"
    assert "log-returns are better than returns, but not by 2%; differences are 2% better than returns" in (
        chosen.reason
    )
    # rule 3: levels are compared with that change type, not with the best of all
    levels = _decide({**maes, "prices": 0.95}, outside=0.0, persistence=1.0, unit="MAE")
    assert levels.predict == "prices" and "levels are 3% better than differences" in levels.reason
