"""A weekday in brackets after each date (``2024/03/04(Mon)``, Japanese ``2024/03/04(月)``, Korean
``2024-03-04 (월)``): no format reads them, so such a file was "40 value(s) in date column 'Date' are not
dates; give the format with --date-format". The weekday is dropped with a note, and a date whose
weekday is another day's, in brackets or written out (``Monday, 2 January 2024``, a Tuesday), is one line
naming it (a long date's was read past: ``%A`` checks nothing)."""

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

DAYS = pd.date_range("2024-03-04", periods=30, freq="D")


def _write(tmp_path, cells: list[str]):
    path = tmp_path / "days.csv"
    path.write_text(
        "Date,Visitors\n" + "".join(f"{c},{100 + i}\n" for i, c in enumerate(cells)), encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    "cell",
    [
        lambda d: f"{d:%Y/%m/%d}({d:%a})",
        lambda d: f"{d:%Y/%m/%d}({'月火水木金土日'[d.weekday()]})",
        lambda d: f"{d:%d.%m.%Y} ({d:%A})",
    ],
)
def test_a_weekday_in_brackets_is_dropped(tmp_path, cell):
    series = load_series(_write(tmp_path, [cell(d) for d in DAYS]))
    assert list(series.dates) == list(DAYS)
    assert "without their weekdays" in " ".join(series.notes)
    assert not series.warnings


def test_a_weekday_before_a_time(tmp_path):
    cells = [f"{d:%Y-%m-%d} ({'월화수목금토일'[d.weekday()]}) 09:30" for d in DAYS]
    assert list(load_series(_write(tmp_path, cells)).dates) == list(DAYS + pd.Timedelta("9h30min"))


def test_a_weekday_of_another_day_is_named(tmp_path):
    cells = [f"{d:%Y/%m/%d}({d:%a})" for d in DAYS]
    cells[5] = "2024/03/09(Fri)"
    with pytest.raises(RnnkitError) as caught:
        load_series(_write(tmp_path, cells))
    assert str(caught.value) == (
        "days.csv: line 7 of date column 'Date' ('2024/03/09(Fri)') names a weekday that 2024-03-09 is not "
        "(a Saturday); correct the date or its weekday"
    )


def test_a_first_column_of_them_is_the_date_column(tmp_path):
    path = tmp_path / "jp.csv"
    rows = "".join(f"{d:%Y/%m/%d}({'月火水木金土日'[d.weekday()]}),{100 + i}\n" for i, d in enumerate(DAYS))
    path.write_text("日付,来場者\n" + rows, encoding="utf-8")
    assert list(load_series(path).dates) == list(DAYS)


LONG = pd.date_range("2024-01-01", periods=30, freq="D")


def _write_quoted(tmp_path, cells: list[str]):
    """A file whose dates hold commas (``Monday, 1 January 2024``), quoted as spreadsheets write them."""
    path = tmp_path / "days.csv"
    pd.DataFrame({"Date": cells, "Visitors": range(100, 100 + len(cells))}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("cell", "wrong", "line"),
    [
        (lambda d: f"{d:%A}, {d.day} {d:%B %Y}", "Monday, 2 January 2024", 3),  # Excel's long date
        (lambda d: f"{d:%A}, {d.day} {d:%B %Y}", "Tuesday, 1 January 2024", 2),  # the first row
        (lambda d: f"{d:%a}, {d:%d %b %Y}", "Mon, 06 Jan 2024", 7),
        (lambda d: f"{d:%a} {d:%Y-%m-%d}", "Mon 2024-01-03", 4),
        (lambda d: f"{d:%d.%m.%Y} ({d:%A})", "03.01.2024 (Monday)", 4),  # day first, in brackets
    ],
)
def test_a_written_weekday_of_another_day_is_named(tmp_path, cell, wrong, line):
    # each was read without a word (the first row's: "24 value(s) ... are not dates in the format of line 2")
    cells = [cell(d) for d in LONG]
    cells[line - 2] = wrong
    with pytest.raises(RnnkitError) as caught:
        load_series(_write_quoted(tmp_path, cells))
    date = LONG[line - 2]
    assert str(caught.value) == (
        f"days.csv: line {line} of date column 'Date' ({wrong!r}) names a weekday that {date:%Y-%m-%d} is "
        f"not (a {date:%A}); correct the date or its weekday"
    )


def test_a_weekday_of_another_day_is_named_under_a_date_format(tmp_path):
    cells = [f"{d:%A}, {d.day} {d:%B %Y}" for d in LONG]
    cells[1] = "Monday, 2 January 2024"
    with pytest.raises(RnnkitError, match=r"line 3 of date column 'Date' \('Monday, 2 January 2024'\) names"):
        load_series(_write_quoted(tmp_path, cells), date_format="%A, %d %B %Y")


def test_a_long_dates_weekday_in_another_language_is_checked(tmp_path):
    weekdays = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
    cells = [f"{weekdays[d.weekday()]}, {d.day} de enero de 2024" for d in LONG]
    cells[0] = "martes, 1 de enero de 2024"
    with pytest.raises(RnnkitError) as caught:
        load_series(_write_quoted(tmp_path, cells))
    assert str(caught.value).startswith(
        "days.csv: line 2 of date column 'Date' ('martes, 1 de enero de 2024') names a weekday that "
        "2024-01-01 is not (a Monday)"
    )


def test_a_weekday_beside_a_time_read_as_utc_is_not_checked(tmp_path):
    # Sat, 09 Mar 2024 20:00 -0500 is Sunday 01:00 in UTC, where the file's offsets change (read as UTC)
    hours = pd.date_range("2024-03-09 20:00", periods=30, freq="h", tz="America/New_York")
    series = load_series(_write_quoted(tmp_path, [f"{h:%a, %d %b %Y %H:%M:%S %z}" for h in hours]))
    assert list(series.dates) == list(hours.tz_convert("UTC").tz_localize(None))


@pytest.mark.parametrize(
    "days, written",
    [
        (pd.date_range("2024-01-01", periods=12), "%a %d/%m/%Y"),  # every day at most 12
        (pd.date_range("2023-01-01", periods=12, freq="MS"), "%a %d/%m/%Y"),  # the first of each month
        (pd.date_range("2024-01-01", periods=12), "%d/%m/%Y (%a)"),
        (pd.date_range("2024-01-01", periods=12), "%a %d/%m/%y"),  # a two-digit year: no format guessed
    ],
)
def test_weekdays_pick_day_first_where_either_order_reads(tmp_path, days, written):
    # read month first, 'Tue 02/01/2024' was 'names a weekday that 2024-02-01 is not; correct the date or
    # its weekday': advice that would have damaged a right file
    series = load_series(_write(tmp_path, list(days.strftime(written))))
    assert list(series.dates) == list(days)
    assert any("day first, as its weekdays say" in n and "pass --dayfirst" in n for n in series.notes)


@pytest.mark.parametrize("written", ["%a %d/%m/%y", "%a %m/%d/%y", "%A %d/%m/%y"])
def test_weekdays_before_dates_of_two_digit_years_are_read_past(tmp_path, written):
    # pandas guesses no format for 'Tue 02/01/24' and read each value on its own, some day first: it was
    # 'names a weekday that 2024-02-01 is not', though days above 12 say day first (--date-format read it)
    days = pd.date_range("2024-01-01", periods=40)
    series = load_series(_write(tmp_path, list(days.strftime(written))))
    assert list(series.dates) == list(days) and not series.warnings
    first = days[0].strftime(written)
    assert series.notes[0] == (
        f"read the dates in column 'Date' without their weekdays: {first!r} as {first.split(' ')[1]!r}"
    )


def test_weekdays_that_flip_the_order_keep_the_read_past_note(tmp_path):
    # 'Mon 01/01/24' read past its weekday, then day first as they say: the first note was lost
    days = pd.date_range("2024-01-01", periods=12)
    series = load_series(_write(tmp_path, list(days.strftime("%a %d/%m/%y"))))
    assert list(series.dates) == list(days)
    assert (
        series.notes[0]
        == "read the dates in column 'Date' without their weekdays: 'Mon 01/01/24' as '01/01/24'"
    )
    assert "day first, as its weekdays say" in series.notes[1]


@pytest.mark.parametrize("written", ["%a %m/%d/%y", "%a %m/%d/%Y"])
def test_weekdays_that_confirm_month_first_leave_no_warning(tmp_path, written):
    # every day at most 12: it warned that they also read day first and asked for --dayfirst, which
    # then refused the weekdays
    days = pd.date_range("2024-01-01", periods=12)
    series = load_series(_write(tmp_path, list(days.strftime(written))))
    assert list(series.dates) == list(days) and series.warnings == []
    note = series.notes[-1]
    assert note.startswith("read date column 'Date' as ") and "(month first), as its weekdays say: " in note
    assert "(day first) reads 'Tue 01/02/" in note  # the row whose weekday rules day first out


def test_a_wrong_weekday_before_a_two_digit_year_is_named(tmp_path):
    cells = list(pd.date_range("2024-01-01", periods=40).strftime("%a %d/%m/%y"))
    cells[20] = "Mon 21/01/24"  # a Sunday
    with pytest.raises(
        RnnkitError, match=r"line 22 of date column 'Date' \('Mon 21/01/24'\) names a weekday"
    ):
        load_series(_write(tmp_path, cells))


def test_weekdays_that_fit_neither_order_are_still_named(tmp_path):
    cells = list(pd.date_range("2024-01-01", periods=12).strftime("%a %d/%m/%Y"))
    cells[3] = "Mon 04/01/2024"  # a Thursday day first, a Friday month first
    with pytest.raises(
        RnnkitError, match=r"line 5 of date column 'Date' \('Mon 04/01/2024'\) names a weekday"
    ):
        load_series(_write(tmp_path, cells))


def test_monthfirst_keeps_its_order_against_the_weekdays(tmp_path):
    cells = list(pd.date_range("2024-01-01", periods=12).strftime("%a %d/%m/%Y"))
    with pytest.raises(RnnkitError, match="names a weekday that 2024-02-01 is not"):
        load_series(_write(tmp_path, cells), dayfirst=False)


class _CountingLetters:
    """rnnkit's word pattern, counting the values it is asked about."""

    def __init__(self, pattern):
        self.pattern, self.asked = pattern, 0

    def findall(self, value):
        self.asked += 1
        return self.pattern.findall(value)


def test_weekdays_are_looked_up_once_per_spelling(monkeypatch):
    # an hourly column of 'Mon 01 Jan 2024 00:00' was asked row by row in Python (seconds for a million
    # rows); with its digits set aside it has one spelling per weekday and month
    from rnnkit.forecast import date_values

    counting = _CountingLetters(date_values._LETTERS)
    monkeypatch.setattr(date_values, "_LETTERS", counting)
    hours = pd.date_range("2024-01-01", periods=24 * 60, freq="h")
    days = date_values.written_weekdays(pd.Series(hours.strftime("%a %d %b %Y %H:%M")))
    assert list(days) == list(hours.day_of_week.astype(float))
    assert counting.asked <= 7 * 3  # 60 days: January, February, a day of March
