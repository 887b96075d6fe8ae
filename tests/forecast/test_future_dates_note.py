"""Dates after today are read, with one note naming the last one (never an error): a two-digit year 28 is
2028 as spreadsheets read it, and the note says how to write 1928 instead."""

from __future__ import annotations

import pandas as pd
import pytest

from rnnkit.cli import main
from rnnkit.forecast import future_dates
from rnnkit.forecast.data import load_series
from rnnkit.forecast.panel import load_panel

TODAY = pd.Timestamp("2026-12-07")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(future_dates, "today", lambda: TODAY)


def write(path, dates, values=None) -> str:
    values = values if values is not None else [100 + (i * 7) % 5 for i in range(len(dates))]
    path.write_text("Date,Close\n" + "".join(f"{d},{v}\n" for d, v in zip(dates, values, strict=True)))
    return str(path)


def months(start: str, n: int, fmt: str) -> list[str]:
    return [f"{d:{fmt}}" for d in pd.date_range(start, periods=n, freq="MS")]


def test_two_digit_years_after_today_are_read_with_a_note_on_four_digits(tmp_path):
    path = write(tmp_path / "old.csv", months("1926-01-01", 30, "%d/%m/%y"))  # 1926-1928, written short
    series = load_series(path)
    assert series.dates[-1] == pd.Timestamp("2028-06-01")  # as Excel reads it: the note says so
    future = [note for note in series.notes if "after today" in note]
    assert future == [
        "old.csv: the last date in column 'Date', line 31 ('01/06/28'), is read as 2028-06-01, after today "
        "(2026-12-07): a two-digit year 00-29 is read as 2000-2029, as spreadsheets read it; if 1928 is "
        "meant, write the years with four digits (1928, not 28)"
    ]


def test_four_digit_dates_after_today_get_a_shorter_note_and_past_ones_none(tmp_path):
    plan = load_series(write(tmp_path / "plan.csv", months("2026-01-01", 24, "%Y-%m-%d")))
    assert [n for n in plan.notes if "after today" in n] == [
        "plan.csv: the last date in column 'Date', line 25 ('2027-12-01'), is read as 2027-12-01, after today "
        "(2026-12-07); check the dates if the series should end by today"
    ]
    today = load_series(write(tmp_path / "past.csv", months("2024-12-07", 24, "%Y-%m-%d")))
    assert not [n for n in today.notes if "after today" in n]  # 2026-11-07 is past


def test_a_newest_first_file_names_its_first_line(tmp_path):
    path = write(tmp_path / "new.csv", months("2026-01-01", 24, "%Y-%m-%d")[::-1])
    notes = [n for n in load_series(path).notes if "after today" in n]
    assert len(notes) == 1 and "line 2 ('2027-12-01')" in notes[0]


def test_a_long_file_says_it_once(tmp_path):
    rows = [
        f"{s},{d},{100 + i % 3}" for s in "AB" for i, d in enumerate(months("2026-01-01", 24, "%Y-%m-%d"))
    ]
    path = tmp_path / "long.csv"
    path.write_text("symbol,Date,Close\n" + "\n".join(rows) + "\n")
    notes = [n for s in load_panel(path, "symbol") for n in s.notes if "after today" in n]
    assert len(notes) == 1 and notes[0].startswith("long.csv: the last date")


def test_the_command_line_prints_it_as_a_note_and_trains(tmp_path, capsys):
    path = write(tmp_path / "old.csv", months("1925-01-01", 60, "%d/%m/%y"), [100 + i % 7 for i in range(60)])
    args = ["--epochs", "2", "--hidden", "4", "--device", "cpu", "--threads", "1", "--window", "4"]
    assert main(["forecast", "train", "--data", path, "--out", str(tmp_path / "run"), *args]) == 0
    assert "note: old.csv: the last date in column 'Date'" in capsys.readouterr().out
