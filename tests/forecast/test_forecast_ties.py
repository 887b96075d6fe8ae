"""A tie with naive (a difference that prints as 0.0%, the verdict's rule) is neither a win nor a loss:
``beats_naive`` is false and ``ties_naive`` true in ``metrics.json``, and the backtests count wins, ties
and losses apart, for folds and for series."""

from __future__ import annotations

import json

import pytest
from helpers_forecast import make_evaluation, price_frame, write_csv

import rnnkit.forecast.backtest as backtest_module
import rnnkit.forecast.pipeline as pipeline_module
from rnnkit.cli import main
from rnnkit.forecast.backtest import BacktestResult
from rnnkit.forecast.evaluate import LINEAR, MODEL, NAIVE, TIE_DECIMALS, Evaluation, naive_outcome, pool
from rnnkit.forecast.panel_backtest import PanelBacktest, PanelFold
from rnnkit.forecast.panel_scores import POOLED_DECIMALS, SeriesScores
from rnnkit.forecast.pipeline import write_outputs
from rnnkit.forecast.windows import Split

TINY = ["--epochs", "2", "--hidden", "4", "--quiet", "--device", "cpu", "--threads", "1"]


def _scored(model_mae: float, naive_mae: float = 1.0) -> Evaluation:
    """A plottable evaluation whose model and naive MAE (and MASE, at scale 1) are the given ones."""
    ev = make_evaluation(n=30)
    ev.rows = {
        MODEL: {"MAE": model_mae, "MASE": model_mae},
        NAIVE: {"MAE": naive_mae, "MASE": naive_mae},
        LINEAR: {"MAE": 1.1, "MASE": 1.1},
    }
    return ev


def test_the_tie_rule_is_the_verdicts():
    assert (TIE_DECIMALS, POOLED_DECIMALS) == (1, 2)
    assert naive_outcome(0.9996, 1.0) == "tie"  # -0.04% prints as -0.0%: no win
    assert naive_outcome(1.0004, 1.0) == "tie"
    assert naive_outcome(0.999, 1.0) == "win" and naive_outcome(1.001, 1.0) == "loss"
    assert naive_outcome(0.99996, 1.0, POOLED_DECIMALS) == "tie"
    assert naive_outcome(0.9996, 1.0, POOLED_DECIMALS) == "win"
    assert naive_outcome(0.0, 0.0) == "tie" and naive_outcome(0.1, 0.0) == "loss"  # naive exact


@pytest.mark.parametrize(
    ("model_mae", "beats", "ties", "verdict"),
    [
        (0.9996, False, True, "The model ties the naive forecast"),
        (1.0004, False, True, "The model ties the naive forecast"),
        (0.99, True, False, "The model beats the naive forecast"),
        (1.01, False, False, "The model does NOT beat the naive forecast"),
    ],
)
def test_metrics_json_says_a_tie_is_no_win(tmp_path, model_mae, beats, ties, verdict):
    ev = _scored(model_mae)
    assert (ev.beats_naive, ev.ties_naive) == (beats, ties)
    files = write_outputs(ev, tmp_path, "tie", {})
    metrics = json.loads(files["metrics"].read_text())
    assert metrics["beats_naive"] is beats and metrics["ties_naive"] is ties
    assert metrics["verdict"].startswith(verdict)


def test_backtest_counts_wins_ties_and_losses_of_folds():
    evs = [_scored(m) for m in (0.9, 0.9996, 0.95, 1.2, 0.8)]  # win, tie, win, loss, win
    res = BacktestResult(evs, [Split(10, 12, 14)] * 5, pool(evs))
    assert (res.wins, res.ties, res.losses) == (3, 1, 1)
    # then every other baseline, as forecast eval judges it: the pooled linear AR, and the folds it wins
    assert res.verdict().endswith(
        "; it wins 3, ties 1 and loses 1 of 5 folds. It beats the linear autoregression over all folds "
        "(MAE 1.1). The linear autoregression beats the model in 1 of 5 folds."
    )
    saved = res.to_dict()
    assert (saved["wins"], saved["ties"], saved["losses"]) == (3, 1, 1)
    assert [f["beats_naive"] for f in saved["folds"]] == [True, False, True, False, True]
    assert [f["ties_naive"] for f in saved["folds"]] == [False, True, False, False, False]


def _scores(mase: dict[str, float]) -> SeriesScores:
    rows = {
        name: {
            MODEL: {"MAE": m, "MASE": m},
            NAIVE: {"MAE": 1.0, "MASE": 1.0},
            LINEAR: {"MAE": 1.0, "MASE": 1.0},
        }
        for name, m in mase.items()
    }
    pooled = {f: sum(r[f]["MASE"] for r in rows.values()) / len(rows) for f in (MODEL, NAIVE, LINEAR)}
    return SeriesScores(rows, dict.fromkeys(rows, 10), pooled)


def test_many_series_count_ties_apart_for_series_and_folds():
    scores = _scores({"A": 0.9, "B": 0.99996, "C": 1.1})  # win, tie (-0.004% prints as -0.00%), loss
    assert (scores.wins, scores.ties, scores.losses) == (1, 1, 1)
    assert scores.verdict().endswith(
        "; it beats naive on 1 of 3 series, ties it on 1 and loses on 1. It ties the linear autoregression "
        "pooled over the series (MASE 1). The linear autoregression beats the model on 1 of 3 series (C)."
    )
    assert {k: scores.to_dict()[k] for k in ("wins", "ties", "losses")} == {"wins": 1, "ties": 1, "losses": 1}
    folds = [PanelFold({}, {}, {}, _scores({"A": m})) for m in (0.99996, 0.9, 1.1, 0.8)]
    res = PanelBacktest(folds, {}, scores)
    assert (
        "; it wins 2, ties 1 and loses 1 of 4 folds (pooled); over all folds it beats naive on 1 of 3 "
        in (res.verdict())
    )


def _tie_first(real):
    """``evaluate``, with the first evaluation's model made to tie naive (-0.04%, which was a win)."""
    calls = []

    def patched(*args, **kwargs):
        ev = real(*args, **kwargs)
        if not calls:
            for key in ("MAE", "MASE"):
                ev.rows[MODEL][key] = ev.rows[NAIVE][key] * 0.9996
        calls.append(ev)
        return ev

    return patched


def test_cli_backtest_prints_and_saves_the_tie(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(backtest_module, "evaluate", _tie_first(backtest_module.evaluate))
    csv = write_csv(tmp_path / "prices.csv", price_frame(160))
    out = tmp_path / "bt"
    assert main(["forecast", "backtest", "--data", str(csv), "--folds", "2", "--out", str(out), *TINY]) == 0
    text = capsys.readouterr().out
    saved = json.loads((out / "backtest.json").read_text())
    assert saved["ties"] == 1 and saved["wins"] + saved["losses"] == 1
    assert f"it wins {saved['wins']}, ties 1 and loses {saved['losses']} of 2 folds." in text
    first = saved["folds"][0]
    assert first["beats_naive"] is False and first["ties_naive"] is True
    assert first["verdict"].startswith("The model ties the naive forecast")


def test_cli_train_saves_ties_naive(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(pipeline_module, "evaluate", _tie_first(pipeline_module.evaluate))
    csv = write_csv(tmp_path / "prices.csv", price_frame(160))
    out = tmp_path / "run"
    assert main(["forecast", "train", "--data", str(csv), "--out", str(out), *TINY]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["beats_naive"] is False and metrics["ties_naive"] is True
    assert metrics["verdict"].startswith("The model ties the naive forecast")
    assert "The model ties the naive forecast" in capsys.readouterr().out


def test_a_model_ahead_on_mae_but_behind_on_rmse_says_so():
    """The verdict judged on MAE alone ("beats the naive forecast", "beats the linear autoregression")
    sat beside a table where the model's RMSE was the worst of the three (glucose: 6.971 against 6.777
    and 6.825); a student reading both saw a contradiction. It now says where RMSE disagrees, and why."""
    from dataclasses import replace

    from helpers_forecast import make_evaluation

    from rnnkit.forecast.evaluate import LINEAR, MODEL, NAIVE

    ev = make_evaluation()
    rows = {MODEL: {"MAE": 3.185, "RMSE": 6.971}, NAIVE: {"MAE": 3.964, "RMSE": 6.777}}
    rows[LINEAR] = {"MAE": 3.307, "RMSE": 6.825}
    said = replace(ev, rows=rows).verdict()
    assert said.endswith(
        "It beats the linear autoregression (MAE 3.307). On one-step RMSE, which weighs large errors more, its "
        "6.971 is behind naive's 6.777 (+2.9%) and the linear autoregression's 6.825 (+2.1%): its point "
        "forecast is the median, which aims at the absolute error."
    )
    # a multi-step verdict names its step, as its MAE sentence does
    assert (
        " On 3-step RMSE, which weighs large errors more, its 6.971"
        in replace(ev, rows=rows, horizon=3).verdict()
    )
    rows[LINEAR] = {"MAE": 3.0, "RMSE": 6.0}  # behind the AR on MAE: RMSE is said of naive alone
    assert "behind naive's 6.777 (+2.9%):" in replace(ev, rows=rows).verdict()
    rows[NAIVE] = {"MAE": 3.964, "RMSE": 7.5}  # ahead on both: nothing more said
    assert "RMSE" not in replace(ev, rows=rows).verdict()
