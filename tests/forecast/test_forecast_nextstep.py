"""Forecast lines: dates that follow the calendar, a true percentage change, readable numbers
(audit bugs 5, 8, 15)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast.baselines import season_candidate
from rnnkit.forecast.nextstep import NextForecast, future_dates, percent_change, show_value


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (
            pd.date_range("2000-01-31", "2024-12-31", freq="ME"),
            ["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30"],
        ),
        (
            pd.date_range("1950-03-31", "1999-12-31", freq="QE"),
            ["2000-03-31", "2000-06-30", "2000-09-30", "2000-12-31"],
        ),
        (
            pd.date_range("1800-01-01", "1999-01-01", freq="YS"),
            ["2000-01-01", "2001-01-01", "2002-01-01", "2003-01-01"],
        ),
        (
            pd.date_range("1990-12-31", "1999-12-31", freq="YE"),
            ["2000-12-31", "2001-12-31", "2002-12-31", "2003-12-31"],
        ),
        (
            pd.date_range("2000-01-01", "2024-12-01", freq="MS"),
            ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"],
        ),
        (
            pd.date_range("2020-01-15", periods=24, freq="MS") + pd.Timedelta(days=14),
            ["2022-02-15", "2022-03-15", "2022-04-15", "2022-05-15"],
        ),
        (
            pd.bdate_range("2024-01-01", "2024-03-01"),
            ["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07"],
        ),
    ],
)
def test_future_dates_follow_the_calendar(dates, expected):
    assert [d.strftime("%Y-%m-%d") for d in future_dates(dates, 4)] == expected


def test_month_end_with_an_old_gap_still_continues_by_month_end():
    dates = pd.date_range("2000-01-31", "2024-12-31", freq="ME").delete(5)
    assert [d.strftime("%Y-%m-%d") for d in future_dates(dates, 2)] == ["2025-01-31", "2025-02-28"]


def test_business_days_keep_the_time_of_day():
    # a close stamped 16:00: bdate_range normalised the forecast dates to midnight
    dates = pd.bdate_range("2023-01-02", periods=30) + pd.Timedelta(hours=16)
    got = [str(d) for d in future_dates(dates, 2)]
    assert got == ["2023-02-13 16:00:00", "2023-02-14 16:00:00"]


def test_timezone_aware_dates_continue_in_their_zone_without_warnings():
    dates = pd.bdate_range("2023-03-01", periods=40, tz="Europe/Berlin")  # a daylight-saving change inside
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "no explicit representation of timezones" warned each call
        got = future_dates(dates, 2)
        assert season_candidate(dates) == 5
    assert [str(d) for d in got] == ["2023-04-26 00:00:00+02:00", "2023-04-27 00:00:00+02:00"]


def test_percent_change_is_relative_to_the_size_of_the_last_value():
    assert percent_change(3.8162, -13.6257) == "+128.01%"  # up from -13.6 to +3.8 is a rise
    assert percent_change(-15.0, -10.0) == "-50.00%"
    assert percent_change(101.0, 100.0) == "+1.00%"
    assert percent_change(1.0, 0.0) == "change n/a"


def _next(point: float, last: float) -> NextForecast:
    return NextForecast(
        target="Close",
        last_date=pd.Timestamp("2024-01-02"),
        last=last,
        dates=pd.DatetimeIndex(["2024-01-03"]),
        quantiles=np.array([[point * 0.9, point, point * 1.1]]),
        levels=[0.1, 0.5, 0.9],
        point=np.array([point]),
    )


def test_forecast_line_sign_and_zero_last_value():
    (line,) = _next(3.8162, -13.6257).lines()
    assert "Close 3.8162 (+128.01%)" in line
    (line,) = _next(1.0, 0.0).lines()
    assert "nan" not in line and "(change n/a)" in line


def test_huge_values_print_with_significant_digits():
    (line,) = _next(8.63341e301, 8.63743e301).lines()
    assert len(line) < 200 and "8.63341e+301 (-0.05%)" in line and "last 8.63743e+301" in line
    assert show_value(175.2552) == "175.2552" and show_value(0.0) == "0.0000"
