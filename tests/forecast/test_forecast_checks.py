"""The Python API's arguments are checked like the command line's options (audit bugs 7, 9)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import price_frame

from rnnkit.forecast import Forecaster
from rnnkit.forecast.options import parse_quantiles
from rnnkit.utils.errors import RnnkitError

TINY = {"epochs": 2, "hidden_size": 4, "device": "cpu", "threads": 1}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return price_frame(120)[["Date", "Close"]]


@pytest.fixture(scope="module")
def fitted(frame) -> Forecaster:
    return Forecaster(horizon=3, **TINY).fit(frame)


def _one_line(call, match: str) -> None:
    with pytest.raises(RnnkitError) as info:
        call()
    assert "\n" not in str(info.value) and match in str(info.value), str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"window": "4"}, "window must be an integer between 1 and 100000 (got '4')"),
        ({"window": 4.5}, "window must be an integer"),
        ({"window": True}, "window must be an integer"),
        ({"batch_size": 0}, "batch_size must be an integer between 1"),
        ({"quantiles": [0.5, 1.5]}, "quantiles must be distinct numbers between 0 and 1"),
        ({"quantiles": "a,b"}, "quantiles must be numbers between 0 and 1"),
        ({"quantiles": 0.5}, "quantiles must be numbers between 0 and 1"),
        ({"seed": -1}, "seed must be an integer between 0"),
        ({"dropout": 2}, "dropout must be a number in [0, 1)"),
        ({"hidden_size": 0}, "hidden_size must be an integer"),
        ({"epochs": 0}, "epochs must be an integer"),
        ({"val": 1.0}, "val must be a number in [0, 1)"),
        ({"transform": "diff"}, "transform must be one of"),
        ({"missing": "zero"}, "missing must be one of"),
        ({"features": 3}, "features must be column names"),
    ],
)
def test_bad_arguments_are_one_line_rnnkit_errors(kwargs, match):
    _one_line(lambda: Forecaster(**{**TINY, **kwargs}), match)


def test_quantiles_as_a_string_and_without_the_median():
    assert Forecaster(quantiles="0.1,0.5,0.9").hyper.quantiles == (0.1, 0.5, 0.9)
    assert Forecaster(quantiles=[0.9, 0.1]).hyper.quantiles == (0.1, 0.5, 0.9)  # 0.5 added
    assert parse_quantiles("0.1,0.9") == (0.1, 0.5, 0.9)
    assert parse_quantiles("0.05,0.5,0.95") == (0.05, 0.5, 0.95)


def test_point_forecast_is_the_median_with_quantiles_without_it(frame):
    fc = Forecaster(quantiles=[0.1, 0.9], **TINY).fit(frame)
    out = fc.predict(frame)
    assert list(out.columns) == ["date", "step", "forecast", "q0.1", "q0.5", "q0.9"]
    assert np.allclose(out["forecast"], out["q0.5"]) and (out["forecast"] < out["q0.9"]).all()


def test_features_as_one_string(frame):
    fc = Forecaster(features="Close", **TINY)
    assert fc.features == ("Close",)
    assert Forecaster(features="open, high").features == ("open", "high")


@pytest.mark.parametrize("horizon", [2.5, "2", True])
def test_predict_horizon_must_be_an_integer(fitted, frame, horizon):
    _one_line(lambda: fitted.predict(frame, horizon=horizon), "horizon must be an integer >= 1")


def test_fit_takes_a_series_with_a_datetime_index(frame, fitted):
    series = frame.set_index(pd.to_datetime(frame["Date"]))["Close"]
    fc = Forecaster(**TINY).fit(series)
    assert fc.model_.columns == ["Close"]
    out = fitted.predict(series)
    assert len(out) == 3 and out["date"].iloc[0] > series.index[-1]


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (np.arange(50.0), "fit() takes a DataFrame"),
        (None, "fit() takes a DataFrame"),
        (pd.Series(np.arange(50.0)), "fit() takes a Series only with a DatetimeIndex"),
    ],
)
def test_fit_refuses_what_it_cannot_read(data, match):
    _one_line(lambda: Forecaster(**TINY).fit(data), match)


def test_backtest_arguments_are_checked(frame):
    _one_line(lambda: Forecaster(**TINY).backtest(frame, folds="2"), "folds must be an integer")
    _one_line(lambda: Forecaster(**TINY).backtest(frame, test=0), "test must be a number in (0, 1)")
