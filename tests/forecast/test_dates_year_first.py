"""Two-digit years first (``23.01.02`` for 2 January 2023, as Korean, Japanese and Chinese dates are often
written): every such value also reads day first (23 January 2002), so the year-first reading is a third
candidate, decided by the rows as day first and month first are. Read day first alone, a daily file
became one date a year (2002, 2003, ...) in silence, or an error about the order that named no remedy."""

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.forecast.dates import dayfirst_of, parse_date_column


def _csv(tmp_path, fmt, days):
    dates = pd.date_range("2023-01-02", periods=days)
    rows = [f"{d.strftime(fmt)},{i + 1}" for i, d in enumerate(dates)]
    path = tmp_path / "prices.csv"
    path.write_text("Date,Close\n" + "\n".join(rows) + "\n")
    return path, dates


@pytest.mark.parametrize("fmt", ["%y.%m.%d", "%y/%m/%d", "%y-%m-%d"])
def test_a_daily_file_of_two_digit_years_first_reads_as_its_days(tmp_path, fmt):
    path, dates = _csv(tmp_path, fmt, 60)
    series = load_series(path)
    assert list(series.dates) == list(dates)
    assert any(f"read as '{fmt}'" in note and "the only reading" in note for note in series.notes)


def test_a_month_of_two_digit_years_first_is_no_silent_choice(tmp_path):
    """23/01/02 ... 23/01/26: day first, 25 yearly dates from 2002; year first, 25 days of January
    2023. Both are in time order and evenly spaced: a warning names both and the option for each. (Past
    day 29 the day-first years go back to 1930, as in a spreadsheet, and the tie is gone.)"""
    path, _ = _csv(tmp_path, "%y/%m/%d", 25)
    series = load_series(path)
    (warning,) = series.warnings
    assert "read as '%d/%m/%y' (day first)" in warning
    assert "also read as '%y/%m/%d' (two-digit year first)" in warning
    assert "pass --date-format '%y/%m/%d' to read them so, or --dayfirst to keep this reading" in warning
    assert list(load_series(path, date_format="%y/%m/%d").dates)[-1] == pd.Timestamp("2023-01-26")


def test_dayfirst_given_keeps_year_first_out():
    parsed = parse_date_column(pd.Series(["23/01/02", "24/01/02"]), "Date", "x.csv", dayfirst=True)
    assert list(parsed.dates) == [pd.Timestamp("2002-01-23"), pd.Timestamp("2002-01-24")]


def test_a_year_first_format_is_neither_day_nor_month_first():
    assert dayfirst_of("%y.%m.%d") is None
    assert dayfirst_of("%d.%m.%y") is True


def test_three_readings_that_all_fit_are_each_named():
    """10.03.24 09:51 (24 March 2010) reads month first, day first and year first; a day of 5-minute
    readings is in time order and evenly spaced all three ways. The warning named day first alone, so
    the one remedy it gave read the dates wrong again."""
    dates = pd.date_range("2010-03-24 09:51", periods=40, freq="5min")
    parsed = parse_date_column(pd.Series(dates.strftime("%y.%m.%d %H:%M")), "Date", "x.csv")
    (warning,) = parsed.warnings
    assert (
        "also read as '%d.%m.%y %H:%M' (day first) and as '%y.%m.%d %H:%M' (two-digit year first)" in warning
    )
    assert "all 3 readings are in time order and evenly spaced" in warning
    assert (
        "pass --dayfirst (or --date-format '%d.%m.%y %H:%M') or --date-format '%y.%m.%d %H:%M' to read"
        in warning
    )
    again = parse_date_column(pd.Series(dates.strftime("%y.%m.%d %H:%M")), "Date", "x.csv", "%y.%m.%d %H:%M")
    assert list(again.dates) == list(dates)


def test_the_page_says_a_year_first_reading_without_options():
    """The forecast page has no options: its words for the year-first warning named --date-format and
    --dayfirst (the page's rewriting expected '--dayfirst (or --date-format ...)' only)."""
    from rnnkit.forecast.python_words import page_message

    for days, fmt, freq in ((25, "%y/%m/%d", "D"), (40, "%y.%m.%d %H:%M", "5min")):
        dates = pd.date_range("2010-03-24" if freq == "5min" else "2023-01-02", periods=days, freq=freq)
        (warning,) = parse_date_column(pd.Series(dates.strftime(fmt)), "Date", "x.csv").warnings
        page = page_message(warning, "Close")
        assert "--" not in page and page.endswith("write the dates as YYYY-MM-DD (e.g. 2024-01-31)"), page
