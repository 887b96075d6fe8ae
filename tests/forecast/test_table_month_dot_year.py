"""``01.2015`` in a comma-separated file (Excel's ``MM.YYYY`` in German): pandas read the column as the
numbers 1.2015, 2.2015, ... (and ``10.2020`` as 10.202; Korean ``2015.10`` as 2015.1), so the monthly column was "no date column", or,
named with ``--date-column``, "numbers, not dates". Only a column whose every cell is ``MM.YYYY`` is read
as text; numbers such as ``1.5`` or ``2.25`` stay numbers."""

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.forecast.table import read_table

MONTHS = pd.date_range("2015-01-01", periods=40, freq="MS")


def _write(tmp_path, header: str, rows: list[str]):
    path = tmp_path / "monthly.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("header", ["Monat,Wert", "Datum,Wert", "month,sales"])
def test_month_dot_year_in_a_comma_separated_file(tmp_path, header):
    rows = [f"{d:%m.%Y},{100 + i}.5" for i, d in enumerate(MONTHS)]
    series = load_series(_write(tmp_path, header, rows))
    assert list(series.dates) == list(MONTHS)  # October 2015 included, which a float reads as 10.2015
    assert series.values[0, 0] == 100.5
    assert not series.warnings


def test_year_dot_month_as_korean_statistics_write_it(tmp_path):
    rows = [f"{d:%Y.%m},{100 + i}" for i, d in enumerate(MONTHS)]  # 2015.10: October, not 2015.1
    series = load_series(_write(tmp_path, "시점,값", rows))
    assert list(series.dates) == list(MONTHS)
    assert not series.warnings


def test_named_with_date_column(tmp_path):
    rows = [f"{i},{d.month}.{d.year},{100 + i}" for i, d in enumerate(MONTHS)]  # 1.2015: no leading zero
    series = load_series(_write(tmp_path, "n,Zeitraum,Wert", rows), target="Wert", date_column="Zeitraum")
    assert list(series.dates) == list(MONTHS)


def test_numbers_with_a_dot_stay_numbers(tmp_path):
    rows = [
        f"{d:%Y-%m-%d},{v},{12 - i % 12}.2015"
        for i, (d, v) in enumerate(zip(MONTHS, [1.5, 2.25] * 20, strict=True))
    ]
    rows[-1] = rows[-1].rsplit(",", 1)[0] + ",13.2015"  # one cell no month: the column is numbers
    frame = read_table(_write(tmp_path, "Date,rate,other", rows))
    assert frame["rate"].tolist()[:2] == [1.5, 2.25]
    assert frame["other"].dtype == float
    assert frame["other"].iloc[-1] == 13.2015


def test_a_rate_near_one_point_two_stays_numbers(tmp_path):
    # EUR/USD with four decimals (1.1987, 1.2048) fits MM.YYYY but names January alone, in years over
    # centuries: it was read as text, and a file without a date column then said "no numeric column"
    rates = [f"{1.2 + 0.005 * ((i * 7) % 5 - 2) + i * 1e-4:.4f}" for i in range(40)]
    path = _write(tmp_path, "Date,Rate", [f"{d:%Y-%m-%d},{r}" for d, r in zip(MONTHS, rates, strict=True)])
    frame = read_table(path)
    assert frame["Rate"].dtype == float and frame["Rate"].iloc[0] == float(rates[0])
    alone = tmp_path / "rates.csv"
    alone.write_text("A,B\n" + "".join(f"{r},{2 * float(r):.3f}\n" for r in rates))
    assert read_table(alone)["A"].dtype == float


@pytest.mark.parametrize("form", ["{m:02d}.{y}", "{y}.{m:02d}"])
def test_a_yearly_series_stamped_with_one_padded_month_is_dates(tmp_path, form):
    # 01.1990, 01.1991, ...: one month of the year, but written with its zero as no number is
    years = range(1990, 2030)
    rows = [form.format(m=1, y=y) + f",{100 + i}.5" for i, y in enumerate(years)]
    series = load_series(_write(tmp_path, "Monat,Wert", rows))
    assert list(series.dates) == [pd.Timestamp(y, 1, 1) for y in years]
