"""A second header row of units under the column names (``,EUR``; ``(yyyy-mm-dd),(°C),(mm)``) is one
line naming it. It was read as the first row of data: "column 'Sales' is not numeric: line 2 holds 'EUR'
...; leave missing values empty", or "no numeric column to forecast; name one with --target"."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers_forecast import refused_training

from rnnkit.forecast.data import load_series

DAYS = pd.date_range("2024-03-04", periods=30, freq="D")


def _train(tmp_path, text: str, capsys) -> list[str]:
    return refused_training(tmp_path / "units.csv", text, capsys)


def test_a_unit_under_one_column(tmp_path, capsys):
    rows = "".join(f"{d:%Y-%m-%d},{100 + i}.5\n" for i, d in enumerate(DAYS))
    assert _train(tmp_path, "Date,Sales\n,EUR\n" + rows, capsys) == [
        "rnnkit: error: units.csv: line 2 ('EUR') holds no number where the lines below hold numbers (column "
        "'Sales'): a second header row, of units? Delete it (a unit can go in the column's name: 'Sales (EUR)')"
    ]


def test_units_under_every_column_of_a_semicolon_file(tmp_path, capsys):
    rows = "".join(f"{d:%d.%m.%Y};{i % 7},5;{i % 3}\n" for i, d in enumerate(DAYS))
    err = _train(tmp_path, "Datum;Temp;Regen\n(TT.MM.JJJJ);(°C);(mm)\n" + rows, capsys)
    assert err[-1] == (
        "rnnkit: error: units.csv: line 2 ('(TT.MM.JJJJ)', '(°C)', '(mm)') holds no number where the lines "
        "below hold numbers (column 'Temp'): a second header row, of units? Delete it (a unit can go in the "
        "column's name: 'Temp (°C)')"
    )


@pytest.mark.parametrize("gap", ["n/a", "NA", "#N/A"])
def test_a_first_row_with_a_missing_value_is_data(tmp_path, gap):
    months = pd.date_range("2020-01-01", periods=30, freq="MS")
    rows = [f"{m:%b %Y},{100 + i}" for i, m in enumerate(months)]
    rows[0] = f"{months[0]:%b %Y},{gap}"
    path = tmp_path / "gap.csv"
    path.write_text("Month,Sales\n" + "\n".join(rows) + "\n")
    series = load_series(path, missing="drop")
    assert series.dates[0] == months[1] and len(series.dates) == 29


@pytest.mark.parametrize("first", ["\u22120.3", "USD 5.00", "(EUR 2.10)", "+ 4.5"])
def test_a_first_row_of_a_number_the_reader_reads_is_data(tmp_path, first):
    # a Unicode minus or a currency code starts a number as the reader reads it: 'Jan 2015,−0.3' was
    # "a second header row, of units?" (the file trained before the check came)
    months = pd.date_range("2015-01-01", periods=30, freq="MS")
    cells = [first, *(("USD " if "USD" in first else "") + f"{1 + i / 10:.2f}" for i in range(29))]
    cells = [c if "EUR" not in first or i == 0 else f"(EUR {i}.10)" for i, c in enumerate(cells)]
    path = tmp_path / "first.csv"
    path.write_text("Month,Rate\n" + "".join(f"{m:%b %Y},{c}\n" for m, c in zip(months, cells, strict=True)))
    series = load_series(path)
    assert len(series.dates) == 30 and series.dates[0] == months[0]


@pytest.mark.parametrize("unit", ["EUR 1000", "1 000 EUR", "€ 1.000", "USD 1,000,000"])
@pytest.mark.parametrize("date_cell", ["", "Unit"])
def test_a_currency_and_its_scale_is_a_units_row(tmp_path, capsys, unit, date_cell):
    # 'EUR 1000' (thousands of euros, as statistics offices write a unit) starts as a number does: it was
    # read as a first value of 1000 (or refused for its empty date, and read so with --missing drop)
    months = pd.date_range("2020-01-01", periods=30, freq="MS")
    rows = "".join(f"{m:%Y-%m},{100 + i}.5\n" for i, m in enumerate(months))
    assert _train(tmp_path, f'Date,Value\n{date_cell},"{unit}"\n' + rows, capsys)[-1] == (
        f"rnnkit: error: units.csv: line 2 ({f'{date_cell!r}, ' if date_cell else ''}{unit!r}) writes a unit "
        f"({unit!r}: a currency and its scale) where the lines below hold numbers (column 'Value'): a second "
        f"header row, of units? Delete it (a unit can go in the column's name: 'Value ({unit})')"
    )


def test_a_first_amount_written_as_the_rows_below_is_data(tmp_path):
    months = pd.date_range("2020-01-01", periods=30, freq="MS")
    rows = "".join(f"{m:%Y-%m},USD {1000 + 10 * i}\n" for i, m in enumerate(months))
    path = tmp_path / "usd.csv"
    path.write_text("Date,Value\n" + rows)
    series = load_series(path)
    assert series.values[0, 0] == 1000 and len(series.dates) == 30
