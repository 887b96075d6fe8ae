"""Dates written with a month's name, as spreadsheets write them, are read with one format."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.forecast.dates import parse_date_column
from rnnkit.utils.errors import RnnkitError

MONTHS = pd.date_range("2010-01-01", periods=30, freq="MS")


def _read(dates: pd.DatetimeIndex, fmt: str, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "fit no single format; each was read on its own"
        return parse_date_column(pd.Series(dates.strftime(fmt)), "Month", "x.csv", **kw)


@pytest.mark.parametrize("fmt", ["%b-%Y", "%b %Y", "%B %Y", "%Y-%b"])
def test_month_and_year(fmt):
    # 'Jan-2010' was read cell by cell, with the warning that the dates fit no single format
    parsed = _read(MONTHS, fmt)
    assert parsed.dates.equals(MONTHS) and parsed.fmt == fmt and parsed.warnings == []


def test_excels_month_and_two_digit_year_is_read_with_a_note():
    # 'Jan-10' (Excel's mmm-yy) was refused as a date of year 1 ("have no year (read as year 1)")
    parsed = _read(MONTHS, "%b-%y")
    assert parsed.dates.equals(MONTHS)
    assert parsed.notes == [
        "dates in column 'Month' read as months of two-digit years ('%b-%y'): 'Jan-10' is 2010-01-01"
    ]
    quarters = pd.date_range("2000-01-01", periods=12, freq="QS")
    assert _read(quarters, "%b %y").dates.equals(quarters)


def test_a_daily_column_without_years_is_not_read_as_months():
    days = pd.date_range("2024-01-01", periods=31)  # Jan-01 ... Jan-31: not January 2001 to 2031
    with pytest.raises(RnnkitError, match="have no year"):
        parse_date_column(pd.Series(days.strftime("%b-%d")), "Date", "x.csv")


@pytest.mark.parametrize("fmt", ["%d-%b-%y", "%d %b %Y", "%b %d, %Y", "%d %B %Y"])
def test_days_with_a_month_name_whatever_dayfirst_says(fmt, tmp_path):
    days = pd.date_range("2023-12-20", periods=40)
    assert _read(days, fmt).dates.equals(days)
    assert _read(days, fmt, dayfirst=False).dates.equals(days)  # a month's name needs no reading
    path = tmp_path / "d.csv"
    pd.DataFrame({"Date": days.strftime(fmt), "Close": range(40)}).to_csv(path, index=False)
    assert load_series(str(path)).dates.equals(days)


@pytest.mark.parametrize(
    ("fmt", "start"), [("%d-%b-%y", "1950-01-01"), ("%b-%y", "1950-01-01"), ("%d/%m/%y", "1965-06-01")]
)
def test_a_two_digit_year_is_in_the_century_a_spreadsheet_gives_it(fmt, start):
    """Python's strptime reads 00-68 as 20yy: a spreadsheet's daily '01-Jan-50' became 2050-01-01, with no
    word. Excel and LibreOffice read 30-99 as 19yy and 00-29 as 20yy; so does rnnkit."""
    freq = "MS" if fmt == "%b-%y" else "D"
    dates = pd.date_range(start, periods=40, freq=freq)
    assert parse_date_column(pd.Series(dates.strftime(fmt)), "Date", "x.csv").dates.equals(dates)
    recent = pd.date_range("2029-01-01", periods=3, freq=freq)  # 29 stays in this century
    assert parse_date_column(pd.Series(recent.strftime(fmt)), "Date", "x.csv", date_format=fmt).dates.equals(
        recent
    )


def test_a_month_missing_from_excels_month_and_two_digit_year_is_still_read():
    """Jan-10, Feb-10, Apr-10 ... (March missing) was refused as dates 'with no year (read as year 1)'."""
    months = MONTHS.delete(2)
    parsed = _read(months, "%b-%y")
    assert parsed.dates.equals(months)
    yearless = pd.Series(["Jan-10", "Jan-11", "Jan-12", "Jan-13"])  # 10 to 13 January: a step of a year
    with pytest.raises(RnnkitError, match="have no year"):
        parse_date_column(yearless, "Month", "x.csv")
