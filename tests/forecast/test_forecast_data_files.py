"""What the CSV reader makes of real-world files (audit bugs 6, 10, 11, 17): ids kept as written, the
file's real line numbers, ';'-separated files, and true counts for --missing fill/drop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import write_csv

from rnnkit.forecast.data import load_series
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError

DAYS = pd.bdate_range("2020-01-01", periods=60)


def _plain(n: int = 60) -> pd.DataFrame:
    return pd.DataFrame({"Date": DAYS[:n].strftime("%Y-%m-%d"), "Close": 100.0 + np.arange(n) * 0.1})


def _long(ids) -> pd.DataFrame:
    return pd.concat([_plain().assign(symbol=i) for i in ids])[["symbol", "Date", "Close"]]


def test_ids_are_read_as_written(tmp_path):
    path = write_csv(tmp_path / "zero.csv", _long(["007", "08"]))
    assert [s.name for s in load_panel(path, "symbol")] == ["007", "08"]
    collide = write_csv(tmp_path / "collide.csv", _long(["01", "1"]))
    panel = load_panel(collide, "symbol")  # two series, not one with every date twice
    assert [s.name for s in panel] == ["01", "1"] and all(len(s) == 60 for s in panel)


def test_error_lines_count_blank_lines(tmp_path):
    lines = _plain().to_csv(index=False).splitlines()
    lines[30] = lines[30].split(",")[0] + ",abc"  # file line 31
    text = "\n".join(lines[:10] + ["", ""] + lines[10:20] + [""] + lines[20:]) + "\n"
    path = tmp_path / "blank.csv"
    path.write_text(text)
    with pytest.raises(RnnkitError) as info:
        load_series(path)
    assert "line 34 holds 'abc'" in str(info.value)  # 31 + the 3 blank lines above it
    assert text.splitlines()[33].endswith(",abc")
    lines = _plain().to_csv(index=False).splitlines()
    dup = lines[:10] + [""] + lines[10:] + [lines[5]]
    path.write_text("\n".join(dup) + "\n")
    with pytest.raises(RnnkitError, match=r"duplicated date\(s\) \(line 63 "):
        load_series(path)


def test_blank_lines_alone_read_as_before(tmp_path):
    lines = _plain().to_csv(index=False).splitlines()
    path = tmp_path / "b.csv"
    path.write_text("\n".join(lines[:5] + [""] + lines[5:]) + "\n\n")
    series = load_series(path)
    assert len(series) == 60 and (series.dates == DAYS).all()


def test_semicolon_separated_file_is_read(tmp_path):
    path = tmp_path / "semi.csv"
    _plain().to_csv(path, index=False, sep=";")
    series = load_series(path)
    assert len(series) == 60 and series.columns == ["Close"]
    assert any("';'-separated" in n for n in series.notes)
    eu = tmp_path / "eu.csv"
    _plain().to_csv(eu, index=False, sep=";", decimal=",")
    assert np.allclose(load_series(eu).target, _plain()["Close"])


def test_missing_fill_counts_only_the_values_it_filled(tmp_path):
    frame = _plain()
    frame["Close"] = frame["Close"].astype(object)
    frame.loc[[0, 1, 2, 59], "Close"] = np.nan
    path = write_csv(tmp_path / "edges.csv", frame)
    series = load_series(path, missing="fill")
    note = series.notes[-1]
    assert "filled 1 missing value(s)" in note and "dropped 3 leading row(s)" in note
    assert "the last row (2020-03-24) holds carried-forward values" in note


def test_missing_drop_drops_a_row_with_an_empty_date(tmp_path):
    frame = _plain()
    frame.loc[5, "Date"] = np.nan
    path = write_csv(tmp_path / "nodate.csv", frame)
    with pytest.raises(RnnkitError, match="--missing drop drops such rows"):
        load_series(path)
    series = load_series(path, missing="drop")
    assert len(series) == 59 and any(
        "dropped 1 row(s) with an empty date (line 7)" in n for n in series.notes
    )


def test_a_cell_of_spaces_is_missing_not_non_numeric(tmp_path):
    path = tmp_path / "spaces.csv"
    lines = _plain().to_csv(index=False).splitlines()
    lines[10] = lines[10].split(",")[0] + ",   "
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RnnkitError, match="1 missing value"):
        load_series(path)
    assert "filled 1 missing value" in load_series(path, missing="fill").notes[-1]
