"""A Yahoo Finance history page saved as CSV: starred column names, dividend and split rows among prices."""

from __future__ import annotations

import pytest

from rnnkit.forecast.data import load_series

HEADER = "Date,Open,High,Low,Close*,Adj Close**,Volume"
ROWS = [
    f'"May {day:02d}, 2023",{100 + day}.5,{102 + day}.0,{99 + day}.0,{101 + day}.0,{98 + day}.25,"1,{day:03d}"'
    for day in range(31, 0, -1)  # newest first, as the page lists them
]


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "AAPL.csv"
    rows = [
        *ROWS[:10],
        '"May 21, 2023",0.24 Dividend',
        *ROWS[10:20],
        '"May 11, 2023",2:1 Stock Splits',
        *ROWS[20:],
    ]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def test_the_adjusted_close_is_the_target_and_event_rows_are_dropped_with_a_note(page):
    # it was "has several numeric columns (High, Low, Close*, Adj Close**, Volume)", and with --target
    # 'Adj Close**' "1 duplicated date(s) (line 13 (2023-05-21)); keep one row per date"
    series = load_series(str(page), features=["open", "volume"])
    assert len(series) == 31
    assert series.values[-1].tolist() == [129.25, 131.5, 1031.0]  # Adj Close**, Open, Volume of May 31
    assert series.values[20].tolist() == [119.25, 121.5, 1021.0]  # May 21: the price row, not the dividend
    assert series.notes[0] == (
        "AAPL.csv lists 2 dividend or split row(s) among its prices, as a Yahoo Finance page does (line 12: "
        "'0.24 Dividend'); ignored them"
    )


def test_the_close_named_with_its_star_or_without(page):
    assert load_series(str(page), target="Close").values[-1].tolist() == [132.0]
    assert load_series(str(page), target="Close*").values[-1].tolist() == [132.0]
