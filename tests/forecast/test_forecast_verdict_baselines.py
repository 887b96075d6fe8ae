"""The verdict against every baseline in the table, not naive alone: a model 0.3% ahead of naive on a
near-linear series whose linear AR was 700 times better read 'The model beats the naive forecast' with
'It does not beat the linear autoregression (MAE 0.004658)' as a footnote, and the page showed it green.
A baseline that beats the model is now said as naive is, by how much, and the win is no win
(``beaten_by``); forecast eval says so on new data, and says the linear blend it prints was
chosen on the model's own training data."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from helpers_forecast import make_evaluation

from rnnkit.forecast.evaluate import LINEAR, MODEL, NAIVE, SEASONAL


def _scored(model: float, ar: float, seasonal: float = 11.88):
    rows = {MODEL: {"MAE": model}, NAIVE: {"MAE": 3.182}, SEASONAL: {"MAE": seasonal}, LINEAR: {"MAE": ar}}
    return replace(make_evaluation(), rows=rows)


def test_a_linear_ar_far_ahead_is_said_plainly_and_the_win_is_no_win():
    ev = _scored(3.172, 0.004658)  # the page's numbers
    assert ev.beats_naive and ev.beaten_by == [LINEAR]
    assert ev.verdict() == (
        "The model beats the naive forecast: one-step MAE 3.172 vs 3.182 (-0.3%). The linear "
        "autoregression beats the model: MAE 0.004658 vs the model's 3.172 (the model's is 681 times as large)."
    )
    said = ev.to_dict()
    assert said["beaten_by"] == [LINEAR] and said["beats_naive"] is True


def test_a_small_loss_to_a_baseline_says_its_percentage_and_a_seasonal_naive_ahead_is_named():
    ev = _scored(3.172, 3.0, seasonal=3.1)
    assert ev.beaten_by == [LINEAR, SEASONAL]
    assert ev.verdict().endswith(
        " The linear autoregression beats the model: MAE 3 vs the model's 3.172 (+5.7%). The seasonal "
        "naive forecast beats the model: MAE 3.1 vs the model's 3.172 (+2.3%)."
    )


def test_a_model_ahead_of_every_baseline_or_tied_with_the_ar_is_a_win():
    ev = _scored(3.0, 3.1)
    assert ev.beaten_by == []
    assert ev.verdict().endswith(" It beats the linear autoregression (MAE 3.1).")
    # blended all the way to the AR (--linear-blend): the AR up to float32 rounding, a tie, still a win
    tied = _scored(3.0, 3.0001)
    assert tied.beaten_by == [] and tied.verdict().endswith(" It ties the linear autoregression (MAE 3).")
    assert "seasonal" not in tied.verdict()  # a seasonal naive behind the model is left to the table
    assert _scored(3.0, float("nan"), seasonal=float("nan")).beaten_by == []  # no score beats nothing


def _csv(path: Path, values: np.ndarray) -> Path:
    days = pd.date_range("2021-01-01", periods=len(values), freq="D")
    pd.DataFrame({"Date": days.strftime("%Y-%m-%d"), "Adj Close": values}).to_csv(path, index=False)
    return path


def test_forecast_eval_on_a_near_linear_series_says_the_ar_beats_the_model(tmp_path: Path, capsys):
    """The CLI's path: a tiny model of IBM scored on a straight line, as the page scores an upload."""
    from rnnkit.cli import main
    from rnnkit.forecast.data import load_series

    ibm = load_series("ibm")
    train_csv = _csv(tmp_path / "ibm600.csv", ibm.target[-600:])
    run = tmp_path / "run"
    tiny = ["--window", "4", "--hidden-size", "8", "--epochs", "2", "--device", "cpu"]
    assert main(["forecast", "train", "--data", str(train_csv), "--out", str(run), *tiny]) == 0
    line = _csv(tmp_path / "line.csv", 100 + 3 * np.arange(300) + 0.001 * np.sin(np.arange(300)))
    capsys.readouterr()
    out = tmp_path / "eval"
    assert (
        main(["forecast", "eval", "--model", str(run / "model"), "--data", str(line), "--out", str(out)]) == 0
    )
    said = capsys.readouterr().out
    assert "The linear autoregression beats the model: MAE " in said
    assert json.loads((out / "metrics.json").read_text())["beaten_by"] == [LINEAR]
    blend = json.loads((run / "metrics.json").read_text())["linear_blend"]
    if blend:  # the blend line names the data it was chosen on, not the series scored
        assert (
            f"linear blend, chosen in training on the validation part of ibm600.csv: {blend['reason']}"
            in said
        )
