"""English dates with ordinal days (``January 1st, 2021``, ``1st January 2021``, ``Jan 5th 2021``, ``the
1st of January 2021``), as reports and spreadsheets' long dates write them: pandas guessed the suffix as
text (``%B %dst, %Y``) and every day but the 1st, 21st and 31st was 'not a date in the format of line 2'.
The suffix is dropped, with a note."""

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

DAYS = pd.date_range("2021-01-01", periods=40)


def _ordinal(day: pd.Timestamp) -> str:
    return f"{day.day}" + {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(
        day.day, "th"
    )


def _write(tmp_path, cells: list[str]):
    path = tmp_path / "days.csv"
    path.write_text(
        "Date,Visitors\n" + "".join(f'"{c}",{i}\n' for i, c in enumerate(cells)), encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    "write, first",
    [
        (lambda d: f"{d:%B} {_ordinal(d)}, {d.year}", "January 1, 2021"),
        (lambda d: f"{_ordinal(d)} {d:%B %Y}", "1 January 2021"),
        (lambda d: f"{d:%b} {_ordinal(d)} {d.year}", "Jan 1 2021"),
        (lambda d: f"the {_ordinal(d)} of {d:%B %Y}", "1 January 2021"),
        (lambda d: f"{d:%A}, {d:%B} {_ordinal(d)}, {d.year}", "Friday, January 1, 2021"),
        # a weekday before the day was '... is %A %dst %B %Y ...; give the format with --date-format'
        (lambda d: f"{d:%A} {_ordinal(d)} {d:%B %Y}", "Friday 1 January 2021"),
        (lambda d: f"{d:%A}, {_ordinal(d)} {d:%B %Y}", "Friday, 1 January 2021"),
        (lambda d: f"{d:%a} {_ordinal(d)} {d:%b %Y}", "Fri 1 Jan 2021"),
        (lambda d: f"{d:%A} the {_ordinal(d)} of {d:%B %Y}", "Friday 1 January 2021"),
    ],
)
def test_ordinal_days_are_read_with_a_note(tmp_path, write, first):
    cells = [write(d) for d in DAYS]
    series = load_series(_write(tmp_path, cells))
    assert list(series.dates) == list(DAYS) and not series.warnings
    assert (
        f"read the ordinal days in date column 'Date' as numbers: {cells[0]!r} as {first!r}" in series.notes
    )


def test_a_bad_date_among_them_is_named_as_written(tmp_path):
    cells = [f"{d:%B} {_ordinal(d)}, {d.year}" for d in DAYS]
    cells[5] = "Januar 6th, 2021"
    with pytest.raises(RnnkitError, match=r"'Januar 6th, 2021'"):
        load_series(_write(tmp_path, cells))


def test_a_weekday_before_an_ordinal_day_is_still_checked(tmp_path):
    # the weekday is kept when the suffix is dropped: 2021-01-06 is a Wednesday, not a Thursday
    cells = [f"{d:%A}, {_ordinal(d)} {d:%B %Y}" for d in DAYS]
    cells[5] = "Thursday, 6th January 2021"
    with pytest.raises(RnnkitError, match=r"'Thursday, 6th January 2021'\) names a weekday that 2021-01-06"):
        load_series(_write(tmp_path, cells))
