"""A model blended all the way to the linear AR (--linear-blend on, weight 0) is that AR up to float32
rounding, and no verdict may say the AR beats it: on 1000 + 10 sin(2 pi t / 23), whose AR errs by 3e-08,
``forecast backtest`` chose weight 0 in both folds yet said 'The linear autoregression beats the model over
all folds: MAE 3.162e-08 vs the model's 1.176e-07 (+272.0%)' (``beaten_by: ['linear AR']``), and
``forecast train`` the same. A difference below the float32 resolution of the values scored is a tie
(:func:`~rnnkit.forecast.evaluate.baseline_outcome`, sized by what the network computes since
test_forecast_ar_tie_by_level.py), for the words and the JSON alike. And one fold or
one series no longer says the AR's win twice ('over all folds: ...' then 'in 1 of 1 folds')."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from helpers_forecast import make_evaluation

from rnnkit.cli import main
from rnnkit.forecast.backtest import BacktestResult
from rnnkit.forecast.evaluate import (
    LINEAR,
    LOSS,
    MODEL,
    NAIVE,
    TIE,
    WIN,
    baseline_outcome,
    count_beaten,
    naive_outcome,
    pool,
    rounding_tie,
)
from rnnkit.forecast.panel_scores import SeriesScores
from rnnkit.forecast.windows import Split


def _rows(model: float, ar: float, naive: float) -> dict[str, dict[str, float]]:
    return {
        MODEL: {"MAE": model, "MASE": model},
        NAIVE: {"MAE": naive, "MASE": naive},
        LINEAR: {"MAE": ar, "MASE": ar},
    }


def test_the_rule_ties_rounding_against_a_near_exact_ar_and_keeps_a_real_loss():
    rounding = _rows(1.176e-07, 3.162e-08, 1.759)  # the backtest's pooled scores
    assert naive_outcome(1.176e-07, 3.162e-08) == LOSS  # +272% of the AR's own error alone
    tie = rounding_tie(1000.0)  # values about 1000: 2.4e-04
    assert naive_outcome(1.176e-07, 3.162e-08, tie=tie) == TIE
    assert baseline_outcome(rounding, LINEAR, tie=tie) == TIE
    # 9265f754's case: the AR 681 times better is still a loss, and a clear win still a win
    assert baseline_outcome(_rows(3.172, 0.004658, 3.182), LINEAR, tie=rounding_tie(100.0)) == LOSS
    assert baseline_outcome(_rows(3.0, 3.1, 3.182), LINEAR, tie=rounding_tie(100.0)) == WIN
    line = _rows(0.0006, 1e-11, 3.0)  # a network alone on a line about 930: no tie
    assert baseline_outcome(line, LINEAR, tie=rounding_tie(930.0)) == LOSS
    assert baseline_outcome(_rows(2e-06, 1e-06, 1.0), LINEAR, tie=rounding_tie(100.0)) == TIE  # rounding
    assert baseline_outcome({MODEL: {"MAE": 0.1}, LINEAR: {"MAE": 0.05}}, LINEAR) == LOSS  # no naive score


def test_one_series_words_and_json_agree_on_the_tie():
    # values about 100, the network computing at about their size (its model_level)
    ev = replace(make_evaluation(), rows=_rows(7.903e-08, 3.596e-08, 1.744), model_level=100.0)
    assert ev.beaten_by == [] and ev.to_dict()["beaten_by"] == []
    assert ev.verdict().endswith(" It ties the linear autoregression (MAE 3.596e-08).")


def _fold(model: float, ar: float, naive: float = 1.75):
    ev = make_evaluation(n=30)
    ev.rows = _rows(model, ar, naive)
    ev.model_level = 100.0  # the network computing at about the values' size
    return ev


def test_a_backtest_of_the_ar_itself_ties_it_over_all_folds_and_in_each():
    evs = [_fold(7.903e-08, 3.596e-08), _fold(1.562e-07, 2.729e-08)]
    res = BacktestResult(evs, [Split(10, 12, 14)] * 2, pool(evs))
    assert res.beaten_by == [] and [ev.beaten_by for ev in evs] == [[], []]
    assert "beats the model" not in res.verdict()
    assert res.verdict().endswith(" It ties the linear autoregression over all folds (MAE 3.163e-08).")
    assert res.to_dict()["beaten_by"] == []


def test_one_fold_or_one_series_says_the_ars_win_once():
    one = [_fold(1.8, 0.003, naive=1.83)]
    said = BacktestResult(one, [Split(10, 12, 14)], pool(one)).verdict()
    assert said.endswith(
        "loses 0 of 1 folds. The linear autoregression beats the model over all folds: MAE 0.003 vs the "
        "model's 1.8 (the model's is 600 times as large)."
    )
    assert said.count("The linear autoregression beats the model") == 1
    assert count_beaten([[LINEAR]], "folds", on="in") == ""
    assert (
        count_beaten([[LINEAR], []], "folds", on="in")
        == " The linear autoregression beats the model in 1 of 2 folds."
    )
    rows = {"A": _rows(0.5, 0.001, 1.0)}
    scores = SeriesScores(rows, {"A": 10}, {f: r["MASE"] for f, r in rows["A"].items()})
    assert scores.verdict().count("The linear autoregression beats the model") == 1


def _sinlong(path: Path) -> Path:
    t = np.arange(600)
    days = pd.date_range("2020-01-01", periods=600, freq="D").strftime("%Y-%m-%d")
    pd.DataFrame({"date": days, "value": 1000 + 10 * np.sin(2 * np.pi * t / 23)}).to_csv(path, index=False)
    return path


TINY = ["--epochs", "2", "--hidden-size", "8", "--device", "cpu", "--threads", "1", "--quiet"]


def test_cli_train_and_backtest_with_the_default_blend_do_not_say_the_ar_beats_itself(tmp_path, capsys):
    csv = _sinlong(tmp_path / "sinlong.csv")
    out = tmp_path / "bt"
    assert main(["forecast", "backtest", "--data", str(csv), "--folds", "2", "--out", str(out), *TINY]) == 0
    said = capsys.readouterr().out
    saved = json.loads((out / "backtest.json").read_text())
    assert all(f["linear_blend"]["weight_on_network"] == [0.0] for f in saved["folds"])  # the AR itself
    # the AR itself is said to be it (test_forecast_ar_tie_by_level.py), not to tie it
    assert "beats the model" not in said and "The model is the linear autoregression over all folds" in said
    assert saved["beaten_by"] == [] and all(f["beaten_by"] == [] for f in saved["folds"])
    run = tmp_path / "run"
    assert main(["forecast", "train", "--data", str(csv), "--out", str(run), *TINY]) == 0
    said = capsys.readouterr().out
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["linear_blend"]["weight_on_network"] == [0.0]
    assert "beats the model" not in said and "The model is the linear autoregression here" in said
    assert metrics["beaten_by"] == [] and "beats the model" not in metrics["verdict"]
