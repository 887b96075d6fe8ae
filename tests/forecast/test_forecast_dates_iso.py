"""ISO dates are never read day first, and a long-format file has one date format (audit bugs 3, 4, 16)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import write_csv

from rnnkit.forecast import Forecaster
from rnnkit.forecast.data import load_series
from rnnkit.forecast.dates import parse_date_column
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError

MONTHS = pd.date_range("2000-01-01", periods=60, freq="MS")


def _frame(dates) -> pd.DataFrame:
    return pd.DataFrame({"Date": list(dates), "Close": 100.0 + np.sin(np.arange(len(dates)))})


def test_dayfirst_does_not_apply_to_iso_dates(tmp_path):
    path = write_csv(tmp_path / "m.csv", _frame(MONTHS.strftime("%Y-%m-%d")))
    for dayfirst in (True, None, False):
        series = load_series(path, dayfirst=dayfirst)
        assert series.dates[-1] == pd.Timestamp("2004-12-01"), dayfirst
        assert not series.warnings  # no "also read as '%Y-%d-%m'" (bug 16)
    days = pd.bdate_range("2020-01-01", periods=60)
    daily = write_csv(tmp_path / "d.csv", _frame(days.strftime("%Y-%m-%d")))
    assert (load_series(daily, dayfirst=True).dates == days).all()
    slashes = write_csv(tmp_path / "s.csv", _frame(MONTHS.strftime("%Y/%m/%d")))
    assert (load_series(slashes, dayfirst=True).dates == MONTHS).all()


def test_dayfirst_still_reads_day_month_dates_day_first():
    raw = pd.Series(MONTHS.strftime("%d/%m/%Y"))
    assert parse_date_column(raw, "Date", "x.csv", dayfirst=True).fmt == "%d/%m/%Y"
    assert parse_date_column(raw, "Date", "x.csv", dayfirst=False).fmt == "%m/%d/%Y"


def test_short_iso_file_has_no_ambiguity_warning():
    parsed = parse_date_column(pd.Series(MONTHS[:5].strftime("%Y-%m-%d")), "Date", "x.csv")
    assert parsed.fmt == "%Y-%m-%d" and not parsed.warnings


def test_python_api_dayfirst_on_an_iso_frame():
    frame = _frame(MONTHS.strftime("%Y-%m-%d"))
    (series,) = Forecaster(dayfirst=True)._load(frame)
    assert series.dates[-1] == pd.Timestamp("2004-12-01")


def _long_dayfirst(tmp_path):
    a = pd.bdate_range("2018-01-01", periods=60)
    c = pd.date_range("2018-01-01", periods=30, freq="MS")
    frame = pd.concat(
        [
            pd.DataFrame({"symbol": "AAA", "Date": a.strftime("%d/%m/%Y"), "Close": np.linspace(1, 2, 60)}),
            pd.DataFrame({"symbol": "CCC", "Date": c.strftime("%d/%m/%Y"), "Close": np.linspace(1, 2, 30)}),
        ]
    )
    return write_csv(tmp_path / "long.csv", frame), a, c


def test_long_format_reads_one_date_format_for_the_whole_file(tmp_path):
    path, a, c = _long_dayfirst(tmp_path)
    panel = load_panel(path, "symbol")
    assert (panel[0].dates == a).all()
    assert (panel[1].dates == c).all()  # CCC's days are all 1: read day first like AAA, not month first
    assert not any(s.warnings for s in panel)


def test_long_format_whose_series_disagree_is_one_line_naming_the_rows(tmp_path):
    a = pd.bdate_range("2018-01-01", periods=40)
    frame = pd.concat(
        [
            pd.DataFrame({"symbol": "AAA", "Date": a.strftime("%d/%m/%Y"), "Close": np.linspace(1, 2, 40)}),
            pd.DataFrame({"symbol": "BBB", "Date": a.strftime("%m/%d/%Y"), "Close": np.linspace(1, 2, 40)}),
        ]
    )
    path = write_csv(tmp_path / "mixed.csv", frame)
    with pytest.raises(RnnkitError) as info:
        load_panel(path, "symbol")
    text = str(info.value)
    assert "\n" not in text and "one format for every series" in text and "line 13 ('16/01/2018')" in text
