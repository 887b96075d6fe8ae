"""A month and its year in digits (``01.2015``, ``01/2015``, ``1-2015``, ``2015/01``), as a spreadsheet
writes a monthly column (Excel's ``MM.YYYY`` in German, ``MM/YYYY`` in French or Brazilian exports): pandas
guesses no format for them, so ``01/2015`` was read cell by cell with a warning to check the dates, and
``01.2015`` in a file of decimal commas was no date column at all (``has no date column``), or, named
``month``, 15 values that "are not dates"."""

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series

MONTHS = pd.date_range("2015-01-01", periods=40, freq="MS")


def _write(tmp_path, header: str, cells: list[str], sep: str = ",", values: list[str] | None = None):
    values = values or [f"{100 + i}.5" for i in range(len(cells))]
    path = tmp_path / "monthly.csv"
    path.write_text(header + "\n" + "".join(f"{c}{sep}{v}\n" for c, v in zip(cells, values, strict=True)))
    return path


@pytest.mark.parametrize("fmt", ["%m/%Y", "%m-%Y", "%Y/%m", "{m}/%Y"])
def test_month_year_dates_read_with_one_format(tmp_path, fmt):
    cells = [d.strftime(fmt).replace("{m}", str(d.month)) for d in MONTHS]
    series = load_series(_write(tmp_path, "month,sales", cells))
    assert list(series.dates) == list(MONTHS)
    assert not series.warnings


def test_a_german_export_of_months_with_decimal_commas(tmp_path):
    """``Monat;Umsatz`` with ``01.2015;1.234,50``: the first column is found by its content."""
    cells = [d.strftime("%m.%Y") for d in MONTHS]
    values = [f"1.{200 + i},50" for i in range(len(cells))]
    series = load_series(_write(tmp_path, "Monat;Umsatz", cells, ";", values))
    assert list(series.dates) == list(MONTHS)
    assert series.values[0, 0] == 1200.5
    assert not series.warnings


def test_dayfirst_does_not_exclude_a_month_without_a_day(tmp_path):
    cells = [d.strftime("%m/%Y") for d in MONTHS]
    assert list(load_series(_write(tmp_path, "month,sales", cells), dayfirst=True).dates) == list(MONTHS)


def test_a_dataframe_of_month_year_text_reads_the_same():
    frame = pd.DataFrame({"Monat": [d.strftime("%m.%Y") for d in MONTHS], "sales": range(40)})
    assert list(load_series(frame).dates) == list(MONTHS)
