"""Absurd numbers in a column (a percent change of 300 or 400 digits, a DataFrame's ``10**400``): one
line each, naming the cell shortly; a DataFrame's Python integer beyond float64 raised pandas'
OverflowError, and a file's 400-digit cell was echoed whole into the message."""

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

DAYS = pd.date_range("2020-01-01", periods=40, freq="D")
CHANGES = [f"{v:.2f}%" for v in np.sin(np.arange(40))]


def _file(tmp_path, cell: str):
    cells = list(CHANGES)
    cells[20] = cell
    path = tmp_path / "changes.csv"
    path.write_text(
        "Date,Close,Change %\n"
        + "".join(f"{d:%Y-%m-%d},{100 + i},{c}\n" for i, (d, c) in enumerate(zip(DAYS, cells, strict=True)))
    )
    return path


@pytest.mark.parametrize("option", [{"target": "Change %"}, {"features": ["Change %"]}])
def test_a_400_digit_percent_change_is_one_short_line(tmp_path, option):
    with pytest.raises(RnnkitError) as caught:
        load_series(_file(tmp_path, "1" + "0" * 400 + "%"), **option)
    assert str(caught.value) == (
        "column 'Change %' of changes.csv holds infinite values (inf, or beyond 1.8e308): line 22 holds "
        "'1000000000000000000...000000%' (1 such value(s)); write the number it stands for, or leave the "
        "cell empty (see --missing)"
    )


def test_a_300_digit_percent_change_is_far_outside_the_others(tmp_path):
    with pytest.raises(RnnkitError, match=r"line 22 holds 1e\+300, far outside its other values"):
        load_series(_file(tmp_path, "9" * 300 + "%"), target="Change %")


@pytest.mark.parametrize("sign", [1, -1])
@pytest.mark.parametrize("target", ["chg", None])
def test_a_dataframe_integer_beyond_float64_is_one_line(sign, target):
    values: list[object] = [1.0 + i / 10 for i in range(40)]
    values[20] = sign * 10**400
    with pytest.raises(RnnkitError) as caught:
        load_series(pd.DataFrame({"Date": DAYS, "chg": values}), target=target)
    assert str(caught.value).startswith(
        "column 'chg' of DataFrame holds infinite values (inf, or beyond 1.8e308): row 20 holds "
        + ("10000000000000000000...00000000" if sign > 0 else "-1000000000000000000...00000000")
    )
