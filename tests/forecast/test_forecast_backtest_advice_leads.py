"""Backtest advice that leads somewhere: 'use --folds 2 or fewer' on a 12-row series ended in 'series too
short' at --folds 2 (the series' own message is now said first); a long file whose every series had too
many folds got no advice, and one whose first series allowed 4 folds advised 4 where another allowed 2;
a --test too small for one test row blamed the series' 60 rows, and forecast train said '0 row(s)'."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnnkit.cli import main
from rnnkit.forecast.backtest import fold_splits

TINY = ["--hidden-size", "4", "--epochs", "1", "--device", "cpu", "--quiet"]  # the default --window 4


def _values(rows: int, seed: int = 0) -> np.ndarray:
    return 10 + np.cumsum(np.random.default_rng(seed).normal(0, 0.3, rows))


def _csv(tmp_path: Path, rows: int) -> Path:
    days = pd.date_range("2024-01-01", periods=rows, freq="D").strftime("%Y-%m-%d")
    pd.DataFrame({"date": days, "value": _values(rows)}).to_csv(
        path := tmp_path / f"s{rows}.csv", index=False
    )
    return path


def _long(tmp_path: Path, sizes: dict[str, int]) -> Path:
    parts = []
    for k, (name, rows) in enumerate(sizes.items()):
        days = pd.date_range("2024-01-01", periods=rows, freq="D").strftime("%Y-%m-%d")
        parts.append(pd.DataFrame({"date": days, "id": name, "value": _values(rows, k)}))
    pd.concat(parts).to_csv(path := tmp_path / "long.csv", index=False)
    return path


def _backtest(tmp_path: Path, data: Path, *options: str) -> int:
    out = tmp_path / f"out{len(list(tmp_path.glob('out*')))}"
    return main(["forecast", "backtest", "--data", str(data), *options, "--out", str(out), *TINY])


@pytest.mark.parametrize("rows", [12, 5])
@pytest.mark.parametrize("folds", ["5", "2"])
def test_a_series_too_short_for_the_advised_folds_says_so_first(tmp_path, one_line_error, rows, folds):
    # it said '--folds 5 is more than the 2 test rows allow; use --folds 2 or fewer', and --folds 2 then
    # said the series was too short: one true message for both
    assert _backtest(tmp_path, _csv(tmp_path, rows), "--folds", folds) == 2
    said = one_line_error(f"series too short: s{rows}.csv has {rows} rows; --window 4 and --horizon 1 need")
    assert "--folds" not in said


def test_on_enough_rows_the_advice_is_given_and_following_it_runs(tmp_path, one_line_error):
    data = _csv(tmp_path, 60)
    assert _backtest(tmp_path, data, "--folds", "13") == 2
    assert (
        one_line_error()
        == "rnnkit: error: --folds 13 is more than the 12 test rows allow; use --folds 12 or fewer"
    )
    assert _backtest(tmp_path, data, "--folds", "12") == 0


def test_a_test_part_too_small_for_one_row_names_test_where_the_rows_suffice(tmp_path, one_line_error):
    assert _backtest(tmp_path, _csv(tmp_path, 60), "--test", "0.001") == 2
    assert one_line_error() == (
        "rnnkit: error: --test 0.001 leaves no test rows of the 60 rows to forecast; use a larger --test"
    )
    assert _backtest(tmp_path, _csv(tmp_path, 5), "--test", "0.001") == 2  # no --test would do
    assert (
        one_line_error()
        == "rnnkit: error: series too short for a backtest: its 5 rows leave no test rows to forecast"
    )
    # forecast train's own words for it: '0 rows', not '0 row(s)'
    argv = ["forecast", "train", "--data", str(_csv(tmp_path, 60)), "--test", "0.001"]
    assert main([*argv, "--out", str(tmp_path / "train"), *TINY]) == 2
    said = one_line_error("its test part, 0 rows, is shorter than --horizon 1", "or a larger --test")
    assert "(s)" not in said


def test_the_library_call_without_a_check_keeps_its_advice():
    assert len(fold_splits(60, 12, 0.1, 0.2)) == 12  # no window known: the blocks alone decide


def test_every_long_series_with_too_many_folds_is_advised_a_count_that_fits(tmp_path, one_line_error):
    data = _long(tmp_path, {"A": 60, "B": 60})
    assert _backtest(tmp_path, data, "--id-column", "id", "--folds", "13") == 2
    assert one_line_error() == (
        "rnnkit: error: series A: --folds 13 is more than the 12 test rows allow; use --folds 12 or fewer"
    )


def test_the_advice_over_long_series_is_the_count_every_series_allows(tmp_path, one_line_error):
    data = _long(tmp_path, {"A": 60, "B": 30})
    # A's 12 test rows allow 4 folds of 3 steps, B's 6 only 2: it said 'use --folds 4 or fewer'
    assert _backtest(tmp_path, data, "--id-column", "id", "--folds", "5", "--horizon", "3") == 2
    said = one_line_error("series A: --folds 5 cut the 12 test rows into blocks of 2 rows")
    assert said.endswith("; use --folds 2 or fewer (series B has 6 test rows)")
    # one series short: its message advised 'use --folds 2 or fewer', beside 'lower --folds' for them all
    assert _backtest(tmp_path, data, "--id-column", "id", "--folds", "4", "--horizon", "3") == 2
    said = one_line_error("series B: --folds 4 cut the 6 test rows", "1 of 2 series too short: B (30 rows)")
    assert "use --folds" not in said
    assert _backtest(tmp_path, data, "--id-column", "id", "--folds", "2", "--horizon", "3") == 0


def test_long_series_too_short_for_any_fold_get_no_folds_advice(tmp_path, one_line_error):
    data = _long(tmp_path, {"A": 12, "B": 12})
    assert _backtest(tmp_path, data, "--id-column", "id", "--folds", "5") == 2
    said = one_line_error("series A: --folds 5 is more than the 2 test rows allow")
    assert "use --folds" not in said  # --folds 2 would end in 'series too short' for the window
