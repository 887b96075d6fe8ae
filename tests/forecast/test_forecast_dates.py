"""Dates read with one format, in time order, or an error naming the lines (issue 13, item 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import price_frame, write_csv

from rnnkit.cli import main
from rnnkit.forecast.baselines import season_candidate
from rnnkit.forecast.data import load_series
from rnnkit.forecast.dates import parse_date_column, spacing, time_order
from rnnkit.forecast.nextstep import future_dates
from rnnkit.utils.errors import RnnkitError

DAYS = pd.date_range("2024-01-01", "2024-03-22", freq="D")  # ends on 22/03/2024


def _frame(dates, n=None) -> pd.DataFrame:
    n = len(dates) if n is None else n
    return pd.DataFrame({"Date": list(dates)[:n], "Close": 100.0 + np.sin(np.arange(n))})


def test_day_first_file_is_read_day_first_not_cell_by_cell(tmp_path):
    path = write_csv(tmp_path / "dmy.csv", _frame(DAYS.strftime("%d/%m/%Y")))
    series = load_series(path)
    assert series.dates[0] == pd.Timestamp("2024-01-01") and series.dates[-1] == pd.Timestamp("2024-03-22")
    assert (series.dates[1:] - series.dates[:-1] == pd.Timedelta(days=1)).all()  # none scrambled


def test_a_column_in_two_formats_is_an_error_naming_its_lines(tmp_path):
    dates = list(DAYS.strftime("%d/%m/%Y"))
    dates[0] = "01/15/2024"  # month first: the rest of the file is day first
    path = write_csv(tmp_path / "mixed.csv", _frame(dates))
    with pytest.raises(RnnkitError, match=r"line 14 \('13/01/2024'\).*--date-format or --dayfirst"):
        load_series(path)


def test_ambiguous_dates_warn_and_dayfirst_or_format_decides(tmp_path):
    days = DAYS[:10]  # no day above 12: 01/02/2024 reads both ways, and both readings are in order
    path = write_csv(tmp_path / "amb.csv", _frame(days.strftime("%d/%m/%Y")))
    series = load_series(path)
    assert series.dates[1] == pd.Timestamp("2024-02-01") and "--dayfirst" in series.warnings[0]
    assert load_series(path, dayfirst=True).dates[1] == pd.Timestamp("2024-01-02")
    assert load_series(path, date_format="%d/%m/%Y").dates[-1] == pd.Timestamp("2024-01-10")
    with pytest.raises(RnnkitError, match=r"do not match --date-format '%Y-%m-%d': line 2 \('01/01/2024'\)"):
        load_series(path, date_format="%Y-%m-%d")


def test_newest_first_is_accepted_and_said_disorder_names_the_lines(tmp_path):
    path = write_csv(tmp_path / "rev.csv", _frame(DAYS.strftime("%Y-%m-%d")[::-1]))
    series = load_series(path)
    assert series.dates[-1] == pd.Timestamp("2024-03-22") and "newest date first" in series.notes[0]
    assert series.target[-1] == 100.0  # the first row of the file is now the last
    shuffled = list(DAYS.strftime("%Y-%m-%d"))
    shuffled[5], shuffled[40] = shuffled[40], shuffled[5]
    path = write_csv(tmp_path / "shuf.csv", _frame(shuffled))
    with pytest.raises(
        RnnkitError, match=r"neither in ascending nor in descending order: line 8 \(2024-01-07\)"
    ):
        load_series(path)


def test_cli_dayfirst_file_forecasts_after_its_real_last_day(tmp_path, capsys):
    frame = price_frame(120)
    frame["Date"] = pd.to_datetime(frame["Date"]).dt.strftime("%d/%m/%Y")
    path = write_csv(tmp_path / "eu.csv", frame)
    out = tmp_path / "run"
    args = ["forecast", "train", "--data", str(path), "--out", str(out), "--dayfirst"]
    assert main([*args, "--epochs", "1", "--hidden", "4", "--quiet", "--device", "cpu"]) == 0
    last = pd.bdate_range("2020-01-01", periods=120)[-1].strftime("%Y-%m-%d")
    assert f"on {last}" in capsys.readouterr().out
    bad = write_csv(
        tmp_path / "bad.csv", frame.assign(Date=frame["Date"].where(frame.index != 30, "2020-02-30"))
    )
    assert main(["forecast", "train", "--data", str(bad), "--out", str(tmp_path / "b"), "--epochs", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("rnnkit: error: ") and "line 32 ('2020-02-30')" in err


def test_offsets_that_change_with_daylight_saving_are_read_as_utc(tmp_path):
    stamps = ["2024-03-31T00:30:00+01:00", "2024-03-31T01:30:00+01:00", "2024-03-31T03:30:00+02:00"]
    path = write_csv(tmp_path / "dst.csv", _frame(stamps))
    hour = load_series(path).dates[2]
    assert (hour.tz_convert(None) if hour.tzinfo else hour) == pd.Timestamp("2024-03-31 01:30")  # UTC
    parsed = parse_date_column(pd.Series(stamps), "d", "x.csv")  # the parser alone: UTC, not a traceback
    assert str(parsed.dates.tz) == "UTC" and parsed.dates[2] == pd.Timestamp("2024-03-31T01:30:00Z")


def test_daily_dates_across_a_daylight_saving_change_stay_the_local_days(tmp_path):
    """One local time of day under two offsets is a calendar series: in UTC, a summer midnight was 22:00
    the day before, so a weekday series had Sundays, forecasts landed on Saturdays and the season was 7."""
    days = pd.bdate_range("2023-03-01", periods=60)
    offsets = ["+01:00" if d < pd.Timestamp("2023-03-26") else "+02:00" for d in days]
    stamps = [f"{d:%Y-%m-%d}T00:00:00{o}" for d, o in zip(days, offsets, strict=True)]
    frame = pd.DataFrame({"Date": stamps, "Close": 100 + np.arange(60.0) % 7})
    series = load_series(write_csv(tmp_path / "eu.csv", frame))
    assert series.dates.tz is None and series.dates[-1] == days[-1]  # the last day as written
    assert any("read them as the local dates written" in n for n in series.notes)
    assert season_candidate(series.dates) == 5
    assert future_dates(series.dates, 1)[0] == days[-1] + pd.offsets.BDay(1)  # a Monday, not a Saturday


def test_a_duplicated_date_outside_pythons_calendar_is_named_not_a_traceback():
    """pandas reads year 0 (Python's datetime cannot hold it, so strftime fails); the error that names
    the duplicated line must still be the one-line RnnkitError (found by the hypothesis CSV test)."""
    year_zero = pd.DatetimeIndex([np.datetime64("0000-03-01", "s")] * 2)
    with pytest.raises(RnnkitError, match=r"line 3 \(0000-03-01, as line 2\)"):
        time_order(year_zero, "f.csv")


# A regular series that skips dates of its own calendar says so ------------------------------------------------
def _gapped(freq: str, periods: int, skipped: list[int]) -> list[str]:
    dates = pd.date_range("2024-01-01", periods=periods, freq=freq).delete(skipped)
    return load_series(pd.DataFrame({"date": dates, "y": np.arange(len(dates)) + 1.0})).notes


def test_skipped_days_months_and_hours_are_noted():
    # the rows were taken as consecutive steps without a word: a window reached across a missing week
    assert _gapped("D", 60, [10, 20, 58]) == [
        "DataFrame skips 3 date(s) of its daily calendar (2024-01-11, 2024-01-21, 2024-02-28); each row is one "
        "step, so windows reach across them (add those rows, with --missing fill, to keep the steps even)"
    ]
    assert _gapped("MS", 40, [5, 6, 7, 8])[0].startswith(
        "DataFrame skips 4 date(s) of its monthly calendar (2024-06-01, 2024-07-01, 2024-08-01 ...)"
    )
    assert "skips 1 date(s) of its hourly calendar (2024-01-01 10:00:00)" in _gapped("h", 60, [10])[0]


def test_complete_business_day_and_irregular_series_say_nothing():
    assert _gapped("D", 60, []) == []
    assert _gapped("B", 60, [10, 30]) == []  # holidays are a business-day series' own gaps
    irregular = pd.DatetimeIndex(
        pd.Timestamp("2024-01-01") + pd.to_timedelta(np.cumsum([1, 2, 3, 5] * 10), "D")
    )
    assert load_series(pd.DataFrame({"date": irregular, "y": np.arange(40.0)})).notes == []
    assert all(load_series(name).notes == [] for name in ("ibm", "glucose", "unemployment"))


@pytest.mark.parametrize(
    ("freq", "words"),
    [("2D", "every 2 days"), ("30min", "every 30 minutes"), ("2W", "every 2 weeks"), ("2h", "every 2 hours"),
     ("2QE", "every 2 quarters"), ("s", "every second"), ("15s", "every 15 seconds")],
)  # fmt: skip
def test_a_multiple_of_a_calendar_is_said_in_words_not_pandas_codes(freq: str, words: str) -> None:
    """A predict warning said "dates are every 2D" and "every 30min": pandas' frequency codes."""
    assert spacing(pd.date_range("2024-01-01", periods=20, freq=freq)) == words


def test_an_even_step_no_calendar_names_is_said_in_words_in_the_index_own_unit():
    """Pins the words of an even step in an index of another unit than nanoseconds (spacing's last branch
    read the steps as nanoseconds; pandas names these steps first, so this pins rather than proves)."""
    from rnnkit.forecast.dates import spacing

    seconds = pd.DatetimeIndex(["2024-01-01 00:00:00", "2024-01-01 00:00:07", "2024-01-01 00:00:14"]).as_unit(
        "s"
    )
    assert spacing(seconds) == "every 7 seconds"
    assert spacing(pd.date_range("2024-01-01", periods=5, freq="90min")) == "every 90 minutes"
