"""Dates with a 12-hour time (``1/1/2024 12:00 AM``, as Excel and many US and Australian exports write
them). pandas' guesser finds a format for ``9:00 AM`` but none for ``12:00 AM``, so a file whose first row
is midnight was read cell by cell: a day-first file of January's first days came out month first (1
January, 1 February, ... 1 June) with only a warning. The 12-hour formats are now candidates like the
24-hour ones, and the rows decide between day first and month first."""

import pandas as pd

from rnnkit.forecast.data import load_series


def _hourly(hours: int) -> pd.DatetimeIndex:
    return pd.date_range("2024-01-01", periods=hours, freq="h")


def _twelve_hour(day_month: str, t: pd.Timestamp) -> str:
    """``01/01/2024 12:00 AM`` with the day and month in the order given (``dm`` or ``md``)."""
    first, second = (t.day, t.month) if day_month == "dm" else (t.month, t.day)
    return f"{first:02d}/{second:02d}/{t.year} {t.hour % 12 or 12}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def test_a_day_first_hourly_file_from_midnight_reads_day_first(tmp_path):
    dates = _hourly(144)  # 1 to 6 January: every day and month is 12 or less, so both readings parse
    path = tmp_path / "meter.csv"
    path.write_text("Date,kWh\n" + "".join(f"{_twelve_hour('dm', t)},{i}\n" for i, t in enumerate(dates)))
    series = load_series(path)
    assert list(series.dates) == list(dates)
    assert not series.warnings
    assert any("read as '%d/%m/%Y %I:%M %p' (day first)" in note for note in series.notes)


def test_a_month_first_file_with_seconds_reads_without_a_warning(tmp_path):
    dates = _hourly(60)
    cells = [dates.strftime("%m/%d/%Y %I:%M:%S %p")[i] for i in range(len(dates))]
    frame = pd.DataFrame({"Date": cells, "kWh": range(len(dates))})
    path = tmp_path / "usage.csv"
    frame.to_csv(path, index=False)
    for source in (path, frame):  # a file and the same table given to the Python API
        series = load_series(source)
        assert list(series.dates) == list(dates)
        assert not series.warnings


def test_a_year_first_file_from_midnight_reads_with_one_format(tmp_path):
    # '2024-01-01 12:00 AM': pandas guesses no format for it, so every row was read on its own, with a
    # warning to check the dates
    dates = _hourly(30)
    path = tmp_path / "iso12.csv"
    cells = [f"{t:%Y/%m/%d} {t.hour % 12 or 12}:00:00 {'AM' if t.hour < 12 else 'PM'}" for t in dates]
    path.write_text("Date,kWh\n" + "".join(f"{c},{i}\n" for i, c in enumerate(cells)))
    for dayfirst in (None, True):
        series = load_series(path, dayfirst=dayfirst)
        assert list(series.dates) == list(dates)
        assert not series.warnings
