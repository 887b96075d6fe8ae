"""A series with a long gap (a year missing from daily rows) says so: windows join the rows around it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rnnkit.forecast.data import load_series


def _notes(dates: pd.DatetimeIndex, tmp_path) -> list[str]:
    path = tmp_path / "gap.csv"
    pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Close": np.arange(len(dates)) + 100.0}).to_csv(
        path, index=False
    )
    return load_series(str(path)).notes


def test_a_year_missing_from_a_daily_file_is_named(tmp_path):
    # more dates skipped than rows kept: it was taken for an irregular series and said nothing
    dates = pd.date_range("2020-01-01", periods=60).append(pd.date_range("2021-03-01", periods=60))
    assert _notes(dates, tmp_path) == [
        "gap.csv has 1 long gap(s) in its daily calendar (365 dates from 2020-03-01 to 2021-02-28); each row "
        "is one step, so windows join the rows on either side of a gap as if they were adjacent (if the "
        "series changed over the gap, keep only the rows after it)"
    ]


def test_a_business_day_series_closed_for_a_year_is_named_but_not_its_holidays(tmp_path):
    days = pd.bdate_range("2020-01-01", periods=60).append(pd.bdate_range("2021-03-01", periods=60))
    (note,) = _notes(days.delete([5, 80]), tmp_path)  # two holidays beside the long gap
    assert note.startswith(
        "gap.csv has 1 long gap(s) in its business daily calendar (243 dates from 2020-03-25"
    )
    assert _notes(pd.bdate_range("2020-01-01", periods=120).delete([10, 11, 12, 50]), tmp_path) == []


def test_monthly_rows_missing_for_years_and_irregular_rows(tmp_path):
    months = pd.date_range("2000-01-01", periods=30, freq="MS").append(
        pd.date_range("2010-01-01", periods=30, freq="MS")
    )
    (note,) = _notes(months, tmp_path)
    assert "(90 dates from 2002-07-01 to 2009-12-01)" in note
    rng = np.random.default_rng(0)  # rows on random days: many long steps, no calendar to speak of
    steps = pd.to_timedelta(np.cumsum(rng.integers(1, 40, 60)), "D")
    # from 2020: from 2024 they ran into 2027, after today, and that has its note
    assert _notes(pd.DatetimeIndex(pd.Timestamp("2020-01-01") + steps), tmp_path) == []
