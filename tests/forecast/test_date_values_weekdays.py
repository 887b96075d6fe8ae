"""A weekday in brackets after each date (``2024/03/04(Mon)``, Japanese ``2024/03/04(月)``, Korean
``2024-03-04 (월)``): no format reads them, so such a file was "40 value(s) in date column 'Date' are not
dates; give the format with --date-format". The weekday is dropped with a note, and a year-first date
whose weekday is another day's is one line naming it."""

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
