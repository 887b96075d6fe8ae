"""Numbers in scientific notation with a decimal comma (a German spreadsheet's 1,23E+03) are read."""

from __future__ import annotations

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.forecast.numbers import read_numbers


def test_a_semicolon_file_of_decimal_comma_exponents(tmp_path):
    # it was "column 'Wert' of x.csv is not numeric: line 2 holds '1,003E+03' (30 such value(s))"
    days = pd.date_range("2024-01-01", periods=30)
    rows = [f"{d:%d.%m.%Y};1,{3 + k:03d}E+03" for k, d in enumerate(days)]  # 1,003E+03 is 1003
    path = tmp_path / "x.csv"
    path.write_text("\r\n".join(["Datum;Wert", *rows]) + "\r\n")
    series = load_series(str(path))
    assert series.values[:3].ravel().tolist() == [1003.0, 1004.0, 1005.0]
    assert series.dates.equals(days)


@pytest.mark.parametrize(
    ("cell", "value"), [("1,23E-05", 1.23e-05), ("-1,5E2", -150.0), ("2E3", 2000.0), ("(1,5e+2)", -150.0)]
)
def test_exponents_with_a_decimal_comma(cell, value):
    out, _ = read_numbers(pd.Series([cell, "1,0"], name="x"), decimal=",")
    assert out[0] == pytest.approx(value)


@pytest.mark.parametrize("cell", ["1.234,5E3", "1E3%", "2E3K", "1,5E"])
def test_an_exponent_with_thousands_a_percent_or_a_multiplier_is_no_number(cell):
    assert read_numbers(pd.Series([cell, "1,0"], name="x"), decimal=",") is None
