"""What a demanding analyst checks after ``forecast train`` (QA session 21): the ONNX export gives
``forecast predict``'s numbers, intervals included."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import price_frame, write_csv

from rnnkit.cli import main

ort = pytest.importorskip("onnxruntime", reason="onnxruntime is in the dev extra")
pytest.importorskip("onnxscript", reason="torch's ONNX exporter needs onnxscript (dev extra)")

TINY = ["--epochs", "1", "--hidden-size", "4", "--quiet", "--device", "cpu", "--threads", "1"]


@pytest.mark.parametrize(
    ("predict", "more"),
    [
        ("returns", []),
        ("log-returns", []),
        ("differences", []),
        ("prices", []),
        ("log-returns", ["--ensemble", "2", "--features", "Volume"]),  # members averaged; a feature's changes
    ],
)
def test_onnx_quantiles_are_predicts_with_the_calibrated_intervals(
    tmp_path: Path, capsys: pytest.CaptureFixture, predict: str, more: list[str]
) -> None:
    """A serving program that follows the export's line (scale in, run, unscale, to the series' units)
    gets every quantile predict gives: the calibrated interval, not only the median. The graph was the
    raw network, whose intervals lacked the conformal offsets predict adds. An ensemble with a feature
    too: its features changed as config.json's feature_changes says."""
    from rnnkit.forecast.data import load_series
    from rnnkit.forecast.forecaster import TrainedModel
    from rnnkit.forecast.nextstep import forecast_next
    from rnnkit.forecast.prepare import latest_window
    from rnnkit.forecast.windows import to_price

    csv = write_csv(tmp_path / "prices.csv", price_frame(160))
    run = tmp_path / "run"
    train = [
        "forecast",
        "train",
        "--data",
        str(csv),
        "--out",
        str(run),
        "--predict",
        predict,
        "--horizon",
        "2",
        *more,
    ]
    assert main([*train, *TINY]) == 0
    fc = TrainedModel.load(run / "model")
    assert (
        fc.interval_offsets is not None and np.abs(fc.interval_offsets).max() > 1e-3
    )  # calibration moved it
    out = tmp_path / "net.onnx"
    capsys.readouterr()
    assert main(["forecast", "export", "--model", str(run / "model"), "--out", str(out)]) == 0
    assert "calibrated intervals included" in capsys.readouterr().out

    config = json.loads((run / "model" / "config.json").read_text())
    series = load_series(str(csv), "Adj Close", config["columns"][1:], None, "error")
    changes = tuple(config["feature_changes"])  # what a serving program takes each feature's changes by
    x = latest_window(series, config["window"], config["predict"], fc.in_scaler, changes)  # (1, W, C)
    scaled = ort.InferenceSession(str(out)).run(None, {"x": x})[0].astype(np.float64)  # (1, H, Q)
    std, mean = (np.asarray(config["target_scaler"][k])[None, :, None] for k in ("std", "mean"))
    got = to_price(scaled * std + mean, np.array([series.target[-1]]), config["predict"])[0]  # (H, Q)
    want = forecast_next(fc, series).quantiles
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def _daily_model(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """A tiny model of a daily series (calendar days) and the frame it was trained on."""
    frame = price_frame(160)[["Date", "Close"]]
    frame["Date"] = pd.date_range("2020-01-01", periods=160, freq="D").strftime("%Y-%m-%d")
    csv = write_csv(tmp_path / "daily.csv", frame)
    run = tmp_path / "run"
    assert main(["forecast", "train", "--data", str(csv), "--out", str(run), *TINY]) == 0
    return run, frame


def _predict_warnings(run: Path, csv: Path, capsys: pytest.CaptureFixture) -> list[str]:
    capsys.readouterr()
    assert main(["forecast", "predict", "--model", str(run), "--data", str(csv), "--threads", "1"]) == 0
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("rnnkit: warning:")]


def test_predict_warns_when_the_data_step_by_another_calendar(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A daily model given weekly rows read each week as one day and dated its forecasts a week apart,
    silently; now a warning names both calendars. The training file and a file extended by new days
    (with a skipped day: still daily) get none."""
    run, frame = _daily_model(tmp_path)
    assert _predict_warnings(run, tmp_path / "daily.csv", capsys) == []
    more = pd.DataFrame({"Date": ["2020-06-10", "2020-06-12"], "Close": [101.0, 102.0]})
    extended = write_csv(tmp_path / "extended.csv", pd.concat([frame, more]))
    assert _predict_warnings(run, extended, capsys) == []
    weekly = write_csv(tmp_path / "weekly.csv", frame.iloc[::7])
    (warning,) = _predict_warnings(run, weekly, capsys)
    assert "weekly.csv's dates are weekly, the model's training data were daily" in warning


def test_predict_and_eval_warn_when_the_values_are_not_the_training_data(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Another series' file over the same dates (here the training values times 1.5) was forecast
    without a word; now predict and eval say that its value on the training data's last date differs."""
    run, frame = _daily_model(tmp_path)
    other = write_csv(tmp_path / "other.csv", frame.assign(Close=frame["Close"] * 1.5))
    last = frame["Close"].iloc[-1]
    (warning,) = _predict_warnings(run, other, capsys)
    assert f"is {1.5 * last:.4f}, the model's training data had {last:.4f}" in warning
    assert "on 2020-06-08" in warning
    out = tmp_path / "eval"
    assert main(["forecast", "eval", "--model", str(run), "--data", str(other), "--out", str(out)]) == 0
    assert "another series, or values revised since training" in capsys.readouterr().err


def test_the_model_card_says_how_the_interval_held(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """train prints the interval's test coverage beside the table; the model card, which says the model
    forecasts quantiles, left it out. Now its verdict carries the same numbers as the printed line."""
    csv = write_csv(tmp_path / "prices.csv", price_frame(160))
    run = tmp_path / "run"
    capsys.readouterr()
    shown = [arg for arg in TINY if arg != "--quiet"]  # the printed lines are compared
    assert main(["forecast", "train", "--data", str(csv), "--out", str(run), *shown]) == 0
    printed = [line for line in capsys.readouterr().out.splitlines() if "interval holds" in line]
    assert printed and printed[0].startswith("model 10%-90% interval holds ")
    card = (run / "model" / "README.md").read_text()
    assert f"Its {printed[0].removeprefix('model ')}." in card


def test_backtest_of_a_seasonal_series_scores_the_seasonal_naive(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Every fold found the weekly season and scored the seasonal naive (backtest.json had it), but the
    table, backtest.csv and the pooled scores left it out: the model 'beat naive' beside no sign of the
    baseline four times better. Now it is a column, pooled as the sample-weighted mean of the folds."""
    n = 240
    rng = np.random.default_rng(0)
    sales = 100 + 10 * np.sin(2 * np.pi * np.arange(n) / 7) + np.cumsum(rng.normal(0, 1, n))
    days = pd.date_range("2023-01-01", periods=n, freq="D").strftime("%Y-%m-%d")
    csv = write_csv(tmp_path / "weekly_season.csv", pd.DataFrame({"date": days, "sales": sales}))
    out = tmp_path / "bt"
    args = ["forecast", "backtest", "--data", str(csv), "--folds", "2", "--stride", "10", "--out", str(out)]
    assert main([*args, *[a for a in TINY if a != "--quiet"]]) == 0
    assert "MAE seasonal naive" in capsys.readouterr().out
    frame = pd.read_csv(out / "backtest.csv")
    folds, pooled = frame[frame["fold"] != "all"], frame[frame["fold"] == "all"].iloc[0]
    want = np.average(folds["MAE seasonal naive"], weights=folds["samples"])
    assert pooled["MAE seasonal naive"] == pytest.approx(want, rel=1e-12)
    assert pooled["MAE seasonal naive"] < pooled["MAE naive"]  # the baseline that matters here


def test_predict_json_holds_the_printed_forecasts(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """predict had no --json (No such option), so a program had to parse its lines; now the file holds
    each step's date, forecast and quantiles, the numbers the lines print, ordered lo <= point <= hi."""
    run, _ = _daily_model(tmp_path)
    out = tmp_path / "next.json"
    capsys.readouterr()
    args = [
        "forecast",
        "predict",
        "--model",
        str(run),
        "--data",
        str(tmp_path / "daily.csv"),
        "--json",
        str(out),
    ]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    (forecast,) = json.loads(out.read_text())["forecasts"]
    assert forecast["target"] == "Close" and forecast["last_date"] == "2020-06-08"
    (step,) = forecast["steps"]
    assert step["date"] == "2020-06-09" and step["step"] == 1
    assert step["q0.1"] <= step["forecast"] == step["q0.5"] <= step["q0.9"]
    assert lines[0].startswith(f"forecast 2020-06-09 (+1): Close {step['forecast']:.4f} ")
    assert f"80% interval {step['q0.1']:.4f} to {step['q0.9']:.4f}" in lines[0]


def _calendar_warnings(trained: pd.DatetimeIndex, given: pd.DatetimeIndex) -> list[str]:
    from rnnkit.forecast.data import Series
    from rnnkit.forecast.nextstep import data_warnings, trained_data_marks

    def series(dates: pd.DatetimeIndex) -> Series:
        return Series("given", dates, np.arange(1.0, len(dates) + 1)[:, None], ["Close"])

    return data_warnings({**trained_data_marks(series(trained)), "last_value": None}, series(given))


def test_rows_twice_or_half_the_models_step_are_another_calendar() -> None:
    """Rows every 2 days for a daily model and half-hourly rows for an hourly one were forecast silently
    (their step was exactly on the tolerance's bounds); a short business-day file across a weekend
    (Thursday, Friday, Monday: a median of 2 days) is still no other calendar."""
    daily = pd.date_range("2024-01-01", periods=200)
    (warning,) = _calendar_warnings(daily, pd.date_range("2024-01-01", periods=40, freq="2D"))
    assert "given's dates are every 2 days, the model's training data were daily" in warning
    hourly = pd.date_range("2024-01-01", periods=200, freq="h")
    assert len(_calendar_warnings(hourly, pd.date_range("2024-01-01", periods=40, freq="30min"))) == 1
    business = pd.bdate_range("2024-01-01", periods=200)
    assert _calendar_warnings(business, business[3:6]) == []  # Thursday, Friday, Monday
    assert _calendar_warnings(business, business[-20:]) == []
    assert _calendar_warnings(daily, daily.delete(100)) == []  # a skipped day: still daily
