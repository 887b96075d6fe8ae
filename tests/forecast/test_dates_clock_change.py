"""Local times without an offset repeat an hour when clocks are set back: the duplicate says so."""

from __future__ import annotations

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError


def _load(tmp_path, dates: pd.DatetimeIndex):
    path = tmp_path / "load.csv"
    pd.DataFrame({"time": dates.strftime("%Y-%m-%d %H:%M"), "load": range(len(dates))}).to_csv(
        path, index=False
    )
    return load_series(str(path))


def test_the_repeated_hour_of_a_clock_set_back_names_utc_offsets(tmp_path):
    # it was only "keep one row per date", which drops a real hour
    local = pd.date_range("2024-11-02", periods=60, freq="h", tz="America/New_York").tz_localize(None)
    with pytest.raises(RnnkitError) as info:
        _load(tmp_path, local)
    assert str(info.value) == (
        "load.csv has 1 duplicated date(s) (line 28 (2024-11-03 01:00:00, as line 27)); keep one row per date "
        "(or, if the "
        "clock was set back an hour for daylight saving, write the times in UTC, or each with its UTC offset: "
        "2024-11-03T01:00:00+HH:MM)"
    )


def test_other_duplicates_keep_the_plain_advice(tmp_path):
    days = pd.date_range("2024-11-01", periods=30)
    with pytest.raises(RnnkitError, match=r"keep one row per date$"):
        _load(tmp_path, days.insert(5, days[4]))  # dates without a time of day
    hours = pd.date_range("2024-06-01", periods=60, freq="h")
    with pytest.raises(RnnkitError, match=r"keep one row per date$"):
        _load(tmp_path, hours.insert(5, hours[4]))  # June: no clock changes
