"""Months written as six-digit ``YYYYMM`` numbers (``201501``), as Kenneth French's factor files and many
statistics offices write them: read as the months' first days, with a note. They were refused ("holds
numbers such as 201501, not dates ... write dates like 2020-01-31, or YYYYMMDD numbers")."""

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

MONTHS = pd.date_range("1999-06-01", periods=30, freq="MS")  # across a year's end and 2000


def _csv(tmp_path, cells):
    path = tmp_path / "ff.csv"
    path.write_text("date,Mkt-RF\n" + "".join(f"{c},{0.5 + i % 3}\n" for i, c in enumerate(cells)))
    return path


def test_yyyymm_numbers_are_months(tmp_path):
    series = load_series(_csv(tmp_path, MONTHS.strftime("%Y%m")))
    assert list(series.dates) == list(MONTHS)
    assert (
        "read the numbers in date column 'date' as YYYYMM months (the first of each month): 199906 is 1999-06-01"
        in series.notes
    )


def test_a_dataframe_of_yyyymm_integers_reads_the_same():
    frame = pd.DataFrame({"date": [int(m) for m in MONTHS.strftime("%Y%m")], "Mkt-RF": range(30)})
    assert list(load_series(frame).dates) == list(MONTHS)


def test_six_digits_that_are_no_months_are_still_refused(tmp_path):
    """A 13th month is no YYYYMM: the column is one error line, as before."""
    with pytest.raises(RnnkitError, match=r"holds numbers such as 201501, not dates"):
        load_series(_csv(tmp_path, [str(201501 + i) for i in range(30)]))
