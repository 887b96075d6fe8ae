"""Multi-step forecasts (``--horizon H``) checked against numbers computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster
from rnnkit.forecast.backtest import fold_splits
from rnnkit.forecast.evaluate import Evaluation
from rnnkit.utils.errors import RnnkitError

TINY = {"epochs": 1, "hidden_size": 4, "device": "cpu", "threads": 1, "show_progress": False}


def wavy_frame(n: int = 120) -> pd.DataFrame:
    """Business days, a positive random walk plus a weekly wave: every baseline has something to do."""
    rng = np.random.default_rng(0)
    y = 100 + np.cumsum(rng.normal(size=n)) + 5 * np.sin(2 * np.pi * np.arange(n) / 5)
    return pd.DataFrame({"Date": pd.bdate_range("2024-01-01", periods=n), "Close": y})


@pytest.mark.parametrize("stride", [1, 2])
def test_a_stride_shorter_than_the_horizon_says_so(stride):
    # a block of 2 rows holds no 3-step forecast: the error named the series too short (0 test windows)
    with pytest.raises(
        RnnkitError, match=rf"^--stride {stride} is shorter than --horizon 3: .* use --stride 3"
    ):
        fold_splits(200, 3, 0.1, 0.2, stride=stride, horizon=3)
    with pytest.raises(RnnkitError, match=rf"^stride={stride} is shorter than horizon=3"):
        Forecaster(window=5, horizon=3, **TINY).backtest(wavy_frame(), folds=3, stride=stride)


def test_too_many_folds_for_the_horizon_say_so():
    # 40 test rows in 20 blocks of 2 rows: none holds the 3 steps of a forecast
    with pytest.raises(
        RnnkitError, match=r"^--folds 20 cut the 40 test rows into blocks of 2 rows, shorter "
    ):
        fold_splits(200, 20, 0.1, 0.2, horizon=3)
    assert len(fold_splits(200, 13, 0.1, 0.2, horizon=3)) == 13  # the advice: --folds 13 or fewer


def test_a_series_with_no_test_row_is_too_short_not_too_many_folds():
    # a one-row series said "--folds 1 is more than the 0 test rows allow": no folds count would do
    with pytest.raises(RnnkitError, match=r"^series too short for a backtest: its 1 row leaves no test rows"):
        fold_splits(1, 1, 0.1, 0.2)
    with pytest.raises(
        RnnkitError, match=r"^--folds 3 is more than the 2 test rows allow; use --folds 2 or fewer$"
    ):
        fold_splits(10, 3, 0.1, 0.2)


def test_the_panel_backtest_says_it_once():
    frame = wavy_frame()
    long = pd.concat([frame.assign(sym="A"), frame.assign(sym="B", Close=frame.Close * 2)])
    with pytest.raises(RnnkitError, match=r"^stride=2 is shorter than horizon=3: "):
        Forecaster(window=5, horizon=3, id_column="sym", **TINY).backtest(long, folds=2, stride=2)


def test_backtest_folds_score_the_forecasts_inside_their_blocks():
    frame = wavy_frame()
    out = Forecaster(window=5, horizon=3, **TINY).backtest(frame, folds=2, stride=5)
    folds = out[out.fold != "all"]
    # a block of 5 rows holds the forecasts of 3 origins (5 - 3 + 1), the last ending at the last date
    assert folds.samples.tolist() == [3, 3]
    assert folds.test_end.tolist() == [frame.Date.iloc[-6], frame.Date.iloc[-1]]
    assert folds.test_start.tolist() == [frame.Date.iloc[-10], frame.Date.iloc[-5]]


@pytest.fixture(scope="module")
def three_step_run(tmp_path_factory):
    """``forecast train --horizon 3`` on :func:`wavy_frame`: its files, stdout and the data."""
    from rnnkit.cli import main

    folder = tmp_path_factory.mktemp("multistep")
    frame = wavy_frame(200)
    data = folder / "wavy.csv"
    frame.to_csv(data, index=False, date_format="%Y-%m-%d")
    out = folder / "run"
    args = ["forecast", "train", "--data", str(data), "--out", str(out), "--horizon", "3", "--window", "10"]
    assert (
        main([*args, "--epochs", "1", "--hidden", "4", "--threads", "1", "--device", "cpu", "--no-progress"])
        == 0
    )
    return out, frame


def test_train_scores_step_h_against_the_truth_by_hand(three_step_run):
    out, frame = three_step_run
    import json

    metrics = json.loads((out / "metrics.json").read_text())
    pred = pd.read_csv(out / "predictions.csv", parse_dates=["date"])
    y, dates = frame.Close.to_numpy(), pd.DatetimeIndex(frame.Date)
    rows = dates.get_indexer(pred.date)
    assert (rows >= 0).all()
    np.testing.assert_allclose(pred.actual, y[rows])  # each row's date is its target's date
    np.testing.assert_allclose(pred["last"], y[rows - 3])  # seen 3 rows before it
    np.testing.assert_allclose(pred.naive, y[rows - 3])
    np.testing.assert_allclose(pred.seasonal_naive, y[rows - 5])  # weekly season of business days
    train_end = 200 - 40 - 20
    scale = np.mean(np.abs(np.diff(y[:train_end])))  # MASE: the training part's one-step naive MAE
    for name, column in [("model", "model"), ("naive", "naive"), ("linear AR", "linear_AR")]:
        err = pred[column] - pred.actual
        got = metrics["metrics"][name]
        assert got["MAE"] == pytest.approx(np.mean(np.abs(err)))
        assert got["RMSE"] == pytest.approx(np.sqrt(np.mean(err**2)))
        assert got["MAPE"] == pytest.approx(100 * np.mean(np.abs(err) / pred.actual.abs()))
        assert got["sMAPE"] == pytest.approx(
            100 * np.mean(2 * np.abs(err) / (pred.actual.abs() + pred[column].abs()))
        )
        assert got["MASE"] == pytest.approx(np.mean(np.abs(err)) / scale)
    inside = (pred.actual >= pred["model_q0.1"]) & (pred.actual <= pred["model_q0.9"])
    assert metrics["interval"] == [0.1, 0.9]
    assert len(metrics["coverage_by_step"]) == 3
    assert metrics["coverage_by_step"][-1] == pytest.approx(inside.mean())  # the printed line's share


def test_the_naive_forecast_is_named_for_its_step():
    from dataclasses import replace

    from helpers_forecast import make_evaluation

    from rnnkit.forecast.evaluate import MODEL, NAIVE

    ev = make_evaluation(horizon=3)
    losing = replace(ev, rows={MODEL: {"MAE": 0.9}, NAIVE: {"MAE": 0.8}})
    assert losing.verdict().startswith(
        "The model does NOT beat the naive forecast (3 steps ahead = today): 3-step"
    )
    one = replace(losing, horizon=1)
    assert "(tomorrow = today): one-step" in one.verdict()


def test_mape_says_which_actuals_it_leaves_out():
    from rnnkit.forecast.evaluate import metric_notes
    from rnnkit.forecast.metrics import mape

    actual, pred = np.array([0.0, 2.0, 4.0, 0.0]), np.array([1.0, 1.0, 5.0, 0.0])
    assert mape(actual, pred) == pytest.approx(100 * (1 / 2 + 1 / 4) / 2)  # the two actuals not 0
    assert metric_notes(actual) == [
        "MAPE leaves out the 2 of 4 test actuals that are 0 (no percentage of 0); the other metrics count them"
    ]
    assert metric_notes(np.zeros(3)) == [
        "MAPE is undefined: every one of the 3 test actuals is 0 (no percentage of 0)"
    ]
    assert metric_notes(actual[1:3]) == []


def test_percentage_errors_of_actuals_that_cross_zero_are_left_out_and_said_so():
    # a walk around zero printed MAPE 20.28 and sMAPE 18.32: percentages of values passing through 0
    from rnnkit.forecast.evaluate import metric_notes
    from rnnkit.forecast.metrics import crosses_zero, fmt, mape, smape

    actual, pred = np.array([-3.0, -0.01, 0.02, 4.0]), np.array([-2.5, 0.5, 0.0, 3.0])
    assert crosses_zero(actual) and math.isnan(mape(actual, pred)) and math.isnan(smape(actual, pred))
    assert fmt(mape(actual, pred)) == "-"
    assert metric_notes(actual) == [
        "MAPE and sMAPE are left out: the test actuals cross zero (-3 to 4), where a percentage of the "
        "value means nothing; MAE and MASE compare the forecasters"
    ]
    negative = -np.array([3.0, 2.0, 4.0])  # one sign throughout: a percentage of |y| still means something
    assert not crosses_zero(negative) and mape(negative, negative - 1) == pytest.approx(
        100 * (1 / 3 + 1 / 2 + 1 / 4) / 3
    )


def _scored(name: str, model_mae: float, naive_mae: float, scale: float, n: int = 10) -> Evaluation:
    from dataclasses import replace

    from helpers_forecast import make_evaluation

    from rnnkit.forecast.evaluate import LINEAR, MODEL, NAIVE

    ev = make_evaluation(n=n)
    rows = {
        f: {"MAE": mae, "MASE": mae / scale if scale else float("nan")}
        for f, mae in ((MODEL, model_mae), (NAIVE, naive_mae), (LINEAR, naive_mae))
    }
    return replace(ev, rows=rows)


def test_a_series_without_a_mase_scale_is_left_out_of_the_pool_and_said():
    # series B's training part is constant: MASE has no scale (nan), which made the pooled MASE, the
    # verdict ('MASE nan vs nan, +nan%') and B's outcome (a loss, though its MAE beat naive's) nonsense
    from rnnkit.forecast.panel_scores import SeriesScores

    scores = SeriesScores.from_evaluations(
        {"A": [_scored("A", 0.9, 1.0, 1.0)], "B": [_scored("B", 0.06, 0.08, 0)]}
    )
    assert scores.pooled["model"] == pytest.approx(0.9) and scores.unscaled == ["B"]
    assert scores.outcomes == {"A": "win", "B": "win"}  # B on its MAE
    text = scores.verdict()
    assert text.startswith(
        "The global model beats the naive forecast pooled over the series (MASE 0.9 vs 1, -10.00%)"
    )
    assert "(MASE leaves out B: a training part that never changes gives no scale;" in text
    assert "nan" not in text
    _, rows = scores.table()
    assert rows[1][-3:] == ["-", "-", "-"] and rows[-1][-3:] == ["0.9", "1", "1"]
    assert rows[-1][1] == rows[0][1]  # the pooled row counts the samples its MASE pools: A's alone
    # a model whose scores are NaN (a run that diverged) on a series with a scale is no unscaled series
    broken = SeriesScores.from_evaluations(
        {"A": [_scored("A", math.nan, 1.0, 1.0)], "C": [_scored("C", 0.9, 1.0, 1.0)]}
    )
    assert broken.unscaled == [] and "training part that never changes" not in broken.verdict()
    alone = SeriesScores.from_evaluations({"B": [_scored("B", 0.06, 0.08, 0)]})
    assert alone.verdict().startswith("The global model has no pooled MASE: no series has a training part")


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        # twice a month, the 15th and the month's end: pandas infers no frequency for it
        (pd.date_range("2024-01-15", periods=12, freq="SME"), ["2024-07-15", "2024-07-31", "2024-08-15"]),
        (pd.date_range("2024-01-01", periods=12, freq="SMS"), ["2024-07-01", "2024-07-15", "2024-08-01"]),
        (
            pd.date_range("2023-01-31", periods=14, freq="ME").delete(5),
            ["2024-03-31", "2024-04-30", "2024-05-31"],
        ),
        (pd.bdate_range("2024-01-01", periods=30).delete(10), ["2024-02-12", "2024-02-13", "2024-02-14"]),
        (pd.date_range("2020-03-31", periods=12, freq="QE"), ["2023-03-31", "2023-06-30", "2023-09-30"]),
    ],
)
def test_future_dates_keep_the_calendar(dates, expected):
    from rnnkit.forecast.nextstep import future_dates

    assert [d.strftime("%Y-%m-%d") for d in future_dates(dates, 3)] == expected


def test_the_backtest_table_prints_no_mase_as_a_dash():
    from rnnkit.forecast.backtest import BacktestResult
    from rnnkit.forecast.evaluate import pool
    from rnnkit.forecast.windows import Split

    evaluations = [_scored("f1", 0.06, 0.08, 0), _scored("f2", 0.5, 0.6, 1.0)]
    splits = [Split(50, 60, 70), Split(60, 70, 80)]
    _, rows = BacktestResult(evaluations, splits, pool(evaluations)).table()
    assert rows[0][-2:] == ["-", "-"] and rows[1][-2:] == ["0.5", "0.6"]  # was 'nan'
    assert rows[-1][-2:] == ["-", "-"]  # a fold without a scale leaves the pooled MASE without one


def test_the_coverage_line_names_its_step_and_the_notes_are_printed(capsys, monkeypatch):
    # with --horizon 3 the coverage line is step 3's (as the table and predictions.csv are) and did not
    # say so; MAPE's note reached metrics.json but never the command's output
    from dataclasses import replace

    from helpers_forecast import make_evaluation

    from rnnkit.forecast.cli import _echo_evaluation
    from rnnkit.forecast.evaluate import coverage_line

    ev = make_evaluation(horizon=3)
    monkeypatch.setattr(Evaluation, "table", lambda self: (["forecaster"], []))  # not what is tested here
    monkeypatch.setattr(Evaluation, "verdict", lambda self: "")
    assert coverage_line(ev).endswith("of test actuals at step 3 (nominal 80%)")
    assert "at step" not in coverage_line(replace(ev, horizon=1))
    _echo_evaluation(replace(ev, notes=["MAPE leaves out the 2 of 90 test actuals that are 0"]), "x")
    out = capsys.readouterr().out
    assert coverage_line(ev) in out and "note: MAPE leaves out the 2 of 90" in out


def test_a_constant_validation_part_is_said_as_such_by_the_schedule():
    # 'no validation part to choose on' was printed for a file whose validation part exists but never
    # changes (naive exact there)
    from rnnkit.forecast.data import load_series
    from rnnkit.forecast.forecaster import Hyper
    from rnnkit.forecast.prepare import prepare
    from rnnkit.forecast.schedule import resolve_schedule

    frame = pd.DataFrame(
        {"Date": pd.date_range("2024-01-01", periods=120), "Close": np.r_[np.arange(60.0), [59.0] * 60]}
    )
    series = load_series(frame)
    _, why = resolve_schedule(Hyper(), [prepare(series, 4, 1, "prices")])
    assert why.startswith("plateau schedule: the validation part never changes")


def test_an_exact_tie_with_the_linear_ar_is_said_as_one():
    # both exact on a constant test part: "It does not beat the linear autoregression (MAE 0)."
    from dataclasses import replace

    from helpers_forecast import make_evaluation

    from rnnkit.forecast.evaluate import LINEAR

    ev = make_evaluation()
    tied = replace(ev, rows={**ev.rows, LINEAR: {"MAE": 0.4}})
    assert tied._against_ar(0.4) == " It ties the linear autoregression (MAE 0.4)."
    assert tied._against_ar(0.5).startswith(" The linear autoregression beats the model")
    assert tied._against_ar(0.3).startswith(" It beats")
    # a model blended all the way to the AR differs from it by float32 rounding only: a tie, not a win
    # or a loss decided by the last bits (within 0.05%, as against naive)
    assert tied._against_ar(0.4 * (1 + 3e-7)) == " It ties the linear autoregression (MAE 0.4)."
    assert tied._against_ar(0.4 * (1 - 3e-7)) == " It ties the linear autoregression (MAE 0.4)."
    assert tied._against_ar(0.4 * 1.001).startswith(" The linear autoregression beats the model")
    zero = replace(ev, rows={**ev.rows, LINEAR: {"MAE": 0.0}})
    assert zero._against_ar(0.0).startswith(" It ties") and zero._against_ar(0.1).startswith(
        " The linear autoregression beats the model"
    )
