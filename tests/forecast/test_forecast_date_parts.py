"""Dates split into year, month (and day) columns, as statistics offices publish them, joined into one."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers_forecast import write_csv

from rnnkit.cli import main
from rnnkit.forecast.data import load_series
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError


def _year_month(years=range(2000, 2005), month=lambda m: m) -> pd.DataFrame:
    rows = [(y, month(m), 100.0 + 12 * (y - 2000) + m) for y in years for m in range(1, 13)]
    return pd.DataFrame(rows, columns=["Year", "Month", "Value"])


def test_year_and_month_columns_are_monthly_dates_with_a_note(tmp_path):
    # it was "several numeric columns (Year, Value)", then "date column 'Month' holds numbers such as 1"
    series = load_series(write_csv(tmp_path / "ym.csv", _year_month()))
    assert list(series.dates[:3]) == list(pd.to_datetime(["2000-01-01", "2000-02-01", "2000-03-01"]))
    assert series.columns == ["Value"] and len(series) == 60
    assert "read the columns 'Year' and 'Month' as monthly dates (the first of each month)" in series.notes


@pytest.mark.parametrize(
    "spell",
    [
        lambda m: pd.Timestamp(2000, m, 1).strftime("%b"),
        lambda m: pd.Timestamp(2000, m, 1).strftime("%B").upper(),
    ],
)
def test_month_names_and_a_day_column_are_read_too(tmp_path, spell):
    series = load_series(_year_month(month=spell))
    assert series.dates[13] == pd.Timestamp("2001-02-01")
    frame = pd.DataFrame(
        {"year": [2020] * 40, "month": [3] * 31 + [4] * 9, "day": [*range(1, 32), *range(1, 10)]}
    )
    frame["y"] = range(40)
    daily = load_series(frame)
    assert daily.dates[31] == pd.Timestamp("2020-04-01")
    assert "read the columns 'year', 'month' and 'day' as dates" in daily.notes


def test_a_day_that_is_no_date_names_its_line(tmp_path):
    frame = pd.DataFrame({"year": [2001] * 3, "month": [2, 2, 3], "day": [28, 30, 1], "v": [1.0, 2.0, 3.0]})
    with pytest.raises(RnnkitError, match=r"bad.csv: line 3: year 2001, month 2, day 30 is no date"):
        load_series(write_csv(tmp_path / "bad.csv", frame))


def test_parts_are_left_alone_where_a_date_column_exists_or_is_named_or_a_part_is_no_part(tmp_path):
    dated = _year_month().assign(Date=pd.date_range("2010-01-01", periods=60, freq="MS"))
    assert load_series(dated, target="Value").dates[0] == pd.Timestamp("2010-01-01")
    with pytest.raises(RnnkitError, match="date column 'Month' holds numbers"):
        load_series(_year_month(), target="Value", date_column="Month")
    not_months = _year_month().assign(Month=lambda f: f["Month"] + 1)  # 2..13: no month column
    with pytest.raises(RnnkitError, match="date column 'Month' holds numbers"):
        load_series(not_months, target="Value")


def test_a_long_file_with_year_and_month_trains_one_model_per_id(tmp_path, capsys):
    parts = [_year_month().assign(store=name) for name in ("a", "b")]
    path = write_csv(tmp_path / "long.csv", pd.concat(parts))
    panel = load_panel(path, "store")
    assert [s.name for s in panel] == ["a", "b"] and panel[0].dates[12] == pd.Timestamp("2001-01-01")
    out = tmp_path / "run"
    args = ["forecast", "train", "--data", str(path), "--id-column", "store", "--out", str(out)]
    assert main([*args, "--epochs", "1", "--hidden", "4", "--quiet", "--device", "cpu"]) == 0
    assert "note: read the columns 'Year' and 'Month' as monthly dates" in capsys.readouterr().out
    assert main(["forecast", "predict", "--model", str(out / "model"), "--data", str(path)]) == 0
    assert "2005-01-01" in capsys.readouterr().out  # the month after the last, December 2004


@pytest.mark.parametrize("spell", [lambda q: q, lambda q: f"Q{q}", lambda q: f"q{q}"])
def test_year_and_quarter_columns_are_quarterly_dates(spell):
    frame = pd.DataFrame(
        [(y, spell(q), float(4 * y + q)) for y in range(2000, 2010) for q in range(1, 5)],
        columns=["Year", "Quarter", "GDP"],
    )
    series = load_series(frame)
    assert list(series.dates[3:6]) == list(pd.to_datetime(["2000-10-01", "2001-01-01", "2001-04-01"]))
    assert (
        "read the columns 'Year' and 'Quarter' as quarterly dates (the first day of each quarter)"
        in series.notes
    )
    whole = pd.DataFrame(
        {"Quarter": [f"{y}Q{q}" for y in range(2000, 2010) for q in range(1, 5)], "GDP": range(40)}
    )
    assert load_series(whole).dates[4] == pd.Timestamp("2001-01-01")  # a quarter column of whole dates


def _bls(tmp_path, annual: bool):
    rows = []
    for i, month in enumerate(pd.date_range("2020-01-01", periods=36, freq="MS")):
        rows.append(f"CUUR0000SA0,{month.year},M{month.month:02d},{month.year} {month:%b},{250 + i / 4:.3f},")
        if annual and month.month == 12:
            rows.append(f"CUUR0000SA0,{month.year},M13,{month.year} Annual,251.000,")
    path = tmp_path / "bls.csv"
    path.write_text("Series ID,Year,Period,Label,Value,Footnotes\n" + "\n".join(rows) + "\n")
    return path


def test_the_bls_year_and_period_columns_are_monthly_dates(tmp_path):
    # Period (M01..M12) is named as a whole date: it was "36 value(s) in date column 'Period' have no year"
    series = load_series(_bls(tmp_path, annual=False))
    assert list(series.dates) == list(pd.date_range("2020-01-01", periods=36, freq="MS"))
    assert series.columns == ["Value"] and series.values[1, 0] == 250.25
    assert "read the columns 'Year' and 'Period' as monthly dates (the first of each month)" in series.notes


def test_the_bls_annual_average_is_named_as_no_month(tmp_path):
    with pytest.raises(RnnkitError) as caught:
        load_series(_bls(tmp_path, annual=True))
    assert str(caught.value) == (
        "bls.csv: lines 14, 27, 40 of column 'Period' hold M13, the year's average (as the BLS writes it), not "
        "a month; delete those rows (or download without annual averages)"
    )


def _bls_steps(tmp_path, letter: str, steps: int, annual: bool):
    """A BLS download of quarters (Q01..Q04) or half years (S01..S02), with each year's average (Q05,
    S03) after its last step when ``annual``."""
    rows = []
    for year in range(2015, 2024):
        for step in range(1, steps + 1 + annual):
            rows.append(f"CIU1010000000000A,{year},{letter}{step:02d},{100 + 10 * (year - 2015) + step}.0,")
    path = tmp_path / "bls.csv"
    path.write_text("series_id,year,period,value,footnote_codes\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("letter", "steps", "freq", "how"),
    [
        ("Q", 4, "QS", "quarterly dates (the first day of each quarter)"),
        ("S", 2, "6MS", "half-yearly dates (the first day of each half)"),
    ],
)
def test_the_bls_quarters_and_half_years_are_dates(tmp_path, letter, steps, freq, how):
    # Q01..Q04 (the employment cost index) were "36 value(s) in date column 'period' are not dates"
    series = load_series(_bls_steps(tmp_path, letter, steps, annual=False))
    assert list(series.dates) == list(pd.date_range("2015-01-01", periods=9 * steps, freq=freq))
    assert series.columns == ["value"] and series.values[1, 0] == 102.0
    assert f"read the columns 'year' and 'period' as {how}" in series.notes


@pytest.mark.parametrize(("letter", "steps", "unit"), [("Q", 4, "quarter"), ("S", 2, "half year")])
def test_the_bls_annual_average_after_quarters_is_named(tmp_path, letter, steps, unit):
    # Q05 (S03) is the year's average: as M13, a row no period has, named rather than read or dropped
    with pytest.raises(RnnkitError) as caught:
        load_series(_bls_steps(tmp_path, letter, steps, annual=True))
    lines = ", ".join(str(2 + (steps + 1) * k + steps) for k in range(3))
    assert str(caught.value) == (
        f"bls.csv: lines {lines} and 6 more of column 'period' hold {letter}{steps + 1:02d}, the year's "
        f"average (as the BLS writes it), not a {unit}; delete those rows (or download without annual "
        "averages)"
    )


def test_the_bls_annual_period_alone_is_yearly_dates(tmp_path):
    # A01 (an annual series) was "several numeric columns (Year, Value)", and with --target "not dates"
    rows = "".join(f"CUUR0000SA0,{year},A01,{200 + year - 2000}.5\n" for year in range(2000, 2024))
    path = tmp_path / "bls.csv"
    path.write_text("Series ID,Year,Period,Value\n" + rows)
    series = load_series(path)
    assert list(series.dates) == list(pd.date_range("2000-01-01", periods=24, freq="YS"))
    assert series.columns == ["Value"] and series.values[1, 0] == 201.5
    assert "read the columns 'Year' and 'Period' as yearly dates (the first day of each year)" in series.notes


def test_the_bls_annual_period_among_months_is_named(tmp_path):
    # A01 after each December is the year's figure, as M13 is: it was "6 value(s) ... are not dates"
    lines = _bls(tmp_path, annual=True).read_text().replace(",M13,", ",A01,")
    path = tmp_path / "bls.csv"
    path.write_text(lines)
    with pytest.raises(RnnkitError) as caught:
        load_series(path)
    assert str(caught.value) == (
        "bls.csv: lines 14, 27, 40 of column 'Period' hold A01, the year's figure (as the BLS writes it), not "
        "a month; delete those rows (or download without annual averages)"
    )
