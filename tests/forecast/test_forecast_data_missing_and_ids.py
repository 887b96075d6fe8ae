"""Session 22 QA: what a user reads about missing values and about a series whose id holds ``/``.

A missing-value error names the file lines of each column's first gaps (the header is line 1; a blank
line and a byte-order mark do not shift them), for one series and for a long file's series; a
DataFrame, which has no lines, is named by its own index labels. A series is named by its id whole.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.cli import main
from rnnkit.forecast.data import load_series
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError

DATES = pd.date_range("2024-01-01", periods=30).strftime("%Y-%m-%d")


def lines_of(frame: pd.DataFrame) -> list[str]:
    return [",".join(frame.columns)] + [
        ",".join("" if pd.isna(v) else str(v) for v in row) for row in frame.itertuples(index=False)
    ]


def one_series(gaps: dict[str, list[int]]) -> pd.DataFrame:
    """30 days of ``sales`` and ``price`` with the values at the given row positions left empty."""
    frame = pd.DataFrame({"date": DATES, "sales": np.arange(30.0) + 10, "price": np.arange(30.0) + 50})
    for column, rows in gaps.items():
        frame.loc[rows, column] = np.nan
    return frame


def error_of(source, **kw) -> str:
    with pytest.raises(RnnkitError) as info:
        load_series(source, **{"target": "sales", **kw})
    return str(info.value)


def test_missing_value_error_names_the_file_line(tmp_path):
    path = tmp_path / "one_missing.csv"
    path.write_text("\n".join(lines_of(one_series({"sales": [3]}))) + "\n")
    message = error_of(path)
    # row position 3 is line 5: the header is line 1
    assert message.startswith("one_missing.csv has 1 missing value(s) ('sales': 1 on line 5); pass --missing")


def test_missing_value_lines_count_blank_lines_and_ignore_a_byte_order_mark(tmp_path):
    text = lines_of(one_series({"sales": [3]}))
    text.insert(2, "")  # a blank line after line 2: the empty value moves to line 6
    path = tmp_path / "blank.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8-sig")
    assert "('sales': 1 on line 6)" in error_of(path)


def test_missing_value_lines_per_column_show_the_first_few_and_how_many_more(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines_of(one_series({"sales": [1, 4, 6, 8, 20], "price": [9]}))) + "\n")
    message = error_of(path, features=["price"])
    assert "has 6 missing value(s) ('sales': 5 on lines 3, 6, 8 and 2 more; 'price': 1 on line 11)" in message


def test_missing_value_lines_of_a_newest_first_file_are_its_own(tmp_path):
    frame = one_series({"sales": [3]}).iloc[::-1]
    path = tmp_path / "newest_first.csv"
    path.write_text("\n".join(lines_of(frame)) + "\n")
    assert "('sales': 1 on line 28)" in error_of(path)  # row position 3 of 30, written 27th after the header


def test_a_dataframe_names_rows_by_its_index_labels_not_lines():
    frame = one_series({"sales": [3]})
    assert "('sales': 1 on row 3)" in error_of(frame)
    assert "('sales': 1 on row 103)" in error_of(frame.set_axis(frame.index + 100))
    dated = frame.set_index(pd.DatetimeIndex(frame.pop("date")))
    assert "DataFrame has 1 missing value(s) ('sales': 1 on row 2024-01-04)" in error_of(dated)


def long_file(tmp_path, ids: list[str], gap: tuple[int, int]) -> str:
    """A long file of the series ``ids`` (30 days each) with one empty ``sales`` (series, day)."""
    parts = []
    for k, name in enumerate(ids):
        part = one_series({"sales": [gap[1]]} if k == gap[0] else {})
        parts.append(part.drop(columns="price").assign(id=name)[["id", "date", "sales"]])
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines_of(pd.concat(parts))) + "\n")
    return str(path)


def test_a_long_files_missing_value_names_the_series_whole_and_the_files_line(tmp_path):
    path = long_file(tmp_path, ["C", "A/B"], (1, 4))
    with pytest.raises(RnnkitError) as info:
        load_panel(path, "id")
    # A/B's day 4 is the 35th row after the header: line 36 (C's 30 rows come first)
    assert str(info.value).startswith("series A/B has 1 missing value(s) ('sales': 1 on line 36); pass")


def test_a_long_files_series_id_is_named_whole_in_other_messages(tmp_path):
    path = long_file(tmp_path, ["a/b/c", "d"], (0, 2))
    panel = load_panel(path, "id", missing="drop")
    assert [s.name for s in panel] == ["a/b/c", "d"]
    assert "series a/b/c: dropped 1 row(s) with 1 missing value(s) ('sales': 1 on line 4)" in panel[0].notes
    text = (tmp_path / "long.csv").read_text().replace("a/b/c,2024-01-05,14.0", "a/b/c,2024-01-05,x")
    (tmp_path / "long.csv").write_text(text)
    with pytest.raises(RnnkitError, match=r"^series a/b/c: column 'sales' of a/b/c is not numeric: line 6 "):
        load_panel(path, "id", missing="drop")


def test_cli_missing_value_error_names_the_series_and_line(tmp_path, capsys):
    path = long_file(tmp_path, ["x/y", "z"], (0, 0))
    code = main(["forecast", "train", "--data", path, "--id-column", "id", "--out", str(tmp_path / "run")])
    assert code != 0
    err = capsys.readouterr().err
    assert "series x/y has 1 missing value(s) ('sales': 1 on line 2); pass --missing fill" in err
    assert "Traceback" not in err


# -- the Python API's seasonal naive (.backtest scores it, as forecast backtest does) -------------------

TINY_FIT = {"epochs": 1, "hidden_size": 4, "threads": 1, "device": "cpu"}
SEASONAL = ["MAE seasonal naive", "MASE seasonal naive"]


def weekly_frame(n: int = 70) -> pd.DataFrame:
    """Days with a strong weekly pattern: a season of 7 is found in them."""
    noise = np.random.default_rng(0).normal(0, 0.5, n)
    values = 50 + 10 * np.sin(2 * np.pi * np.arange(n) / 7) + noise
    return pd.DataFrame({"date": pd.date_range("2024-01-01", periods=n), "sales": values})


def test_backtest_takes_the_season_as_forecast_backtest_does():
    from rnnkit.forecast.api import Forecaster

    fc = Forecaster(**TINY_FIT)
    frame = weekly_frame()
    found = fc.backtest(frame, folds=2, stride=7)  # detected, as without --season
    assert set(SEASONAL) <= set(found.columns)
    assert not set(SEASONAL) & set(fc.backtest(frame, folds=2, stride=7, season=0).columns)  # none
    given = fc.backtest(frame, folds=2, stride=7, season=3)  # a season of 3 is not the weekly one
    assert given["MAE seasonal naive"].iloc[-1] > 2 * found["MAE seasonal naive"].iloc[-1]


@pytest.mark.parametrize("season", [-1, 1.5, True, 100_001])
def test_backtest_refuses_a_season_that_is_no_count_of_steps(season):
    from rnnkit.forecast.api import Forecaster

    with pytest.raises(RnnkitError, match=r"^season must be an integer between 0 and 100000 \(got "):
        Forecaster(**TINY_FIT).backtest(weekly_frame(), folds=2, stride=7, season=season)


def test_a_season_setting_says_backtest_takes_it():
    from rnnkit.forecast.api import Forecaster

    with pytest.raises(RnnkitError) as info:
        Forecaster(season=7)
    assert str(info.value) == (
        "season is not a Forecaster setting: the seasonal naive is scored by .backtest: pass it to "
        ".backtest(df, season=...) (detected by default, 0 for none)"
    )
