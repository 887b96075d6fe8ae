"""The backtest and many-series verdicts judge the model against every baseline of their tables, as
``forecast eval``'s does (9265f754): on a near-linear series whose linear AR was millions of times
better, ``forecast backtest`` said 'The model beats the naive forecast over all folds (-100.0%)' and
nothing else, and ``--id-column`` runs said the same pooled over the series. A baseline that beats the
model is now said as naive is, by how much, and on how many folds or series; ``backtest.json`` and
``metrics.json`` name it in ``beaten_by`` (and each series' in ``series_beaten_by``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from helpers_forecast import make_evaluation

from rnnkit.cli import main
from rnnkit.forecast.backtest import BacktestResult
from rnnkit.forecast.evaluate import LINEAR, MODEL, NAIVE, SEASONAL, Evaluation, pool
from rnnkit.forecast.panel_scores import SeriesScores
from rnnkit.forecast.windows import Split

TINY = ["--window", "4", "--hidden-size", "8", "--epochs", "2", "--device", "cpu", "--threads", "1"]
TINY += ["--quiet", "--no-linear-blend"]  # the network alone: a blend could be the AR itself


def _fold(model: float, ar: float, seasonal: float | None = None) -> Evaluation:
    ev = make_evaluation(n=30)
    ev.rows = {MODEL: {"MAE": model, "MASE": model}, NAIVE: {"MAE": 3.0, "MASE": 1.0}}
    if seasonal is not None:
        ev.rows[SEASONAL] = {"MAE": seasonal, "MASE": seasonal}
    ev.rows[LINEAR] = {"MAE": ar, "MASE": ar}
    return ev


def test_a_backtest_names_the_linear_ar_that_beats_the_model_over_all_folds_and_in_how_many():
    evs = [_fold(2.0, 0.001), _fold(2.2, 0.001), _fold(2.0, 2.5)]
    res = BacktestResult(evs, [Split(10, 12, 14)] * 3, pool(evs))
    assert res.wins == 3  # naive is beaten in every fold: the verdict used to stop there
    assert res.verdict() == (
        "The model beats the naive forecast over all folds (MAE 2.067 vs 3, -31.1%); it wins 3, ties 0 and "
        "loses 0 of 3 folds. The linear autoregression beats the model over all folds: MAE 0.834 vs the "
        "model's 2.067 (+147.8%). The linear autoregression beats the model in 2 of 3 folds."
    )
    saved = res.to_dict()
    assert saved["beaten_by"] == [LINEAR] and [f["beaten_by"] for f in saved["folds"]] == [[LINEAR]] * 2 + [
        []
    ]
    ahead = [_fold(2.0, 2.5), _fold(2.0, 2.4)]  # the model ahead of the AR: said as eval says it
    won = BacktestResult(ahead, [Split(10, 12, 14)] * 2, pool(ahead))
    assert won.verdict().endswith("of 2 folds. It beats the linear autoregression over all folds (MAE 2.45).")
    assert won.to_dict()["beaten_by"] == []


def test_a_seasonal_naive_that_beats_the_model_in_every_fold_is_named_too():
    evs = [_fold(2.0, 2.5, seasonal=1.0), _fold(2.0, 2.5, seasonal=1.5)]
    res = BacktestResult(
        evs, [Split(10, 12, 14)] * 2, pool(evs, forecasters=(MODEL, NAIVE, SEASONAL, LINEAR))
    )
    assert res.beaten_by == [SEASONAL]
    assert res.verdict().endswith(
        " It beats the linear autoregression over all folds (MAE 2.5). The seasonal naive forecast beats the "
        "model over all folds: MAE 1.25 vs the model's 2 (+60.0%). The seasonal naive forecast beats the "
        "model in 2 of 2 folds."
    )


def _series(model: float, ar: float) -> dict[str, dict[str, float]]:
    return {
        MODEL: {"MAE": model, "MASE": model},
        NAIVE: {"MAE": 1.0, "MASE": 1.0},
        LINEAR: {"MAE": ar, "MASE": ar},
    }


def test_many_series_say_the_linear_ar_beats_the_model_pooled_and_on_which_series():
    rows = {"A": _series(0.5, 0.001), "B": _series(0.5, 0.002), "C": _series(0.5, 0.9)}
    pooled = {f: sum(r[f]["MASE"] for r in rows.values()) / 3 for f in (MODEL, NAIVE, LINEAR)}
    scores = SeriesScores(rows, dict.fromkeys(rows, 10), pooled)
    assert scores.wins == 3
    assert scores.verdict() == (
        "The global model beats the naive forecast pooled over the series (MASE 0.5 vs 1, -50.00%); it beats "
        "naive on 3 of 3 series, ties it on 0 and loses on 0. The linear autoregression beats the model "
        "pooled over the series: MASE 0.301 vs the model's 0.5 (+66.11%). The linear autoregression beats "
        "the model on 2 of 3 series (A, B)."
    )
    saved = scores.to_dict()
    assert saved["beaten_by"] == [LINEAR]
    assert saved["series_beaten_by"] == {"A": [LINEAR], "B": [LINEAR], "C": []}


def test_many_series_beaten_are_named_up_to_five_and_counted_beyond():
    from rnnkit.forecast.evaluate import count_beaten

    beaten = [[LINEAR]] * 7 + [[]]
    said = count_beaten(beaten, "series", [f"s{k}" for k in range(8)])
    assert (
        said == " The linear autoregression beats the model on 7 of 8 series (s0, s1, s2, s3, s4 and 2 more)."
    )
    assert count_beaten([[], []], "folds") == ""


def _days(n: int) -> pd.Index:
    return pd.date_range("2021-01-01", periods=n, freq="D").strftime("%Y-%m-%d")


def _line(n: int, start: float, slope: float) -> np.ndarray:
    return start + slope * np.arange(n) + 0.001 * np.sin(np.arange(n))  # near-linear: the AR is ~exact


def test_cli_backtest_on_a_near_linear_series_says_the_ar_beats_the_model(tmp_path: Path, capsys):
    csv = tmp_path / "line.csv"
    pd.DataFrame({"Date": _days(300), "Adj Close": _line(300, 100, 3)}).to_csv(csv, index=False)
    out = tmp_path / "bt"
    assert main(["forecast", "backtest", "--data", str(csv), "--folds", "2", "--out", str(out), *TINY]) == 0
    said = capsys.readouterr().out
    assert "The model beats the naive forecast over all folds" in said  # 2 epochs: far ahead of naive
    assert "The linear autoregression beats the model over all folds: MAE " in said
    assert "The linear autoregression beats the model in 2 of 2 folds." in said
    saved = json.loads((out / "backtest.json").read_text())
    assert saved["beaten_by"] == [LINEAR] and all(f["beaten_by"] == [LINEAR] for f in saved["folds"])


def test_cli_many_series_on_near_linear_series_say_the_ar_beats_the_model(tmp_path: Path, capsys):
    csv = tmp_path / "long.csv"
    pd.concat(
        [
            pd.DataFrame({"symbol": name, "Date": _days(300), "Close": _line(300, start, slope)})
            for name, start, slope in (("A", 100, 3), ("B", 50, 0.5))
        ]
    ).to_csv(csv, index=False)
    long = ["--data", str(csv), "--id-column", "symbol", *TINY]
    assert main(["forecast", "backtest", *long, "--folds", "2", "--out", str(tmp_path / "bt")]) == 0
    said = capsys.readouterr().out
    assert "The global model beats the naive forecast pooled over every series and fold" in said
    assert "The linear autoregression beats the model pooled over every series and fold: MASE " in said
    assert "The linear autoregression beats the model on 2 of 2 series (A, B)." in said
    saved = json.loads((tmp_path / "bt" / "backtest.json").read_text())
    assert saved["beaten_by"] == [LINEAR] and saved["series_beaten_by"] == {"A": [LINEAR], "B": [LINEAR]}
    assert all(fold["beaten_by"] == [LINEAR] for fold in saved["folds"])  # each fold's pooled MASE
    assert main(["forecast", "train", *long, "--out", str(tmp_path / "run")]) == 0
    said = capsys.readouterr().out
    assert "The linear autoregression beats the model pooled over the series: MASE " in said
    assert "The linear autoregression beats the model on 2 of 2 series (A, B)." in said
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["beaten_by"] == [LINEAR] and metrics["series"]["A"]["beaten_by"] == [LINEAR]
    card = (tmp_path / "run" / "model" / "README.md").read_text()  # the model card's verdict is the same
    assert "The linear autoregression beats the model pooled over the series" in card
