"""Backtest refusals of too many folds in words that agree with their numbers, and with the way out: the
single-series "--folds 2 is more than the 1 test rows allow" gave no advice (the horizon's refusal says
"use --folds 13 or fewer") and "the 1 test rows", and a series with no test row said "its 1 row(s) leave"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnnkit.cli import main
from rnnkit.forecast.api import Forecaster
from rnnkit.forecast.backtest import fold_splits
from rnnkit.utils.errors import RnnkitError

TINY = ["--window", "2", "--hidden-size", "4", "--epochs", "1", "--device", "cpu", "--quiet"]


def _csv(tmp_path: Path, rows: int) -> Path:
    days = pd.date_range("2021-01-01", periods=rows, freq="D").strftime("%Y-%m-%d")
    frame = pd.DataFrame({"Date": days, "Close": 100 + np.arange(rows, dtype=float)})
    frame.to_csv(path := tmp_path / f"s{rows}.csv", index=False)
    return path


def test_more_folds_than_test_rows_say_how_many_fit(tmp_path, one_line_error):
    argv = ["forecast", "backtest", "--data", str(_csv(tmp_path, 60)), "--folds", "20"]
    assert main([*argv, "--out", str(tmp_path / "out"), *TINY]) == 2
    said = "--folds 20 is more than the 12 test rows allow; use --folds 12 or fewer"
    assert one_line_error() == f"rnnkit: error: {said}"
    assert not (tmp_path / "out").exists()
    # one test row, in words (the command says 6 rows are too short for --window 2 first: the advice
    # would end there; test_forecast_backtest_advice_leads.py)
    with pytest.raises(
        RnnkitError, match=r"^--folds 2 is more than the 1 test row allows; use --folds 1 or fewer$"
    ):
        fold_splits(6, 2, 0.1, 0.2)


def test_the_advice_fits_and_the_api_says_it_in_its_own_words(tmp_path):
    assert len(fold_splits(60, 12, 0.1, 0.2)) == 12  # "use --folds 12 or fewer" is a count that fits
    frame = pd.read_csv(_csv(tmp_path, 60))
    with pytest.raises(
        RnnkitError, match=r"^folds=20 is more than the 12 test rows allow; use folds=12 or fewer$"
    ):
        Forecaster(window=2, hidden_size=4, epochs=1).backtest(frame, folds=20)


def test_too_many_folds_for_a_horizon_longer_than_the_test_part_say_the_test_part_must_grow():
    with pytest.raises(RnnkitError) as exc:
        fold_splits(10, 3, 0.1, 0.2, horizon=3)  # 2 test rows: not one block of 3
    assert str(exc.value) == (
        "--folds 3 is more than the 2 test rows allow; the test part needs 3 rows or more: give more rows, "
        "a larger --test, or --stride 3"
    )


@pytest.mark.parametrize(("rows", "said"), [(1, "its 1 row leaves"), (2, "its 2 rows leave")])
def test_a_series_with_no_test_row_counts_its_rows_in_words(rows, said):
    with pytest.raises(RnnkitError) as exc:
        fold_splits(rows, 1, 0.1, 0.2)
    assert str(exc.value) == f"series too short for a backtest: {said} no test rows to forecast"


def test_blocks_of_one_row_are_one_row():
    with pytest.raises(RnnkitError, match=r"^--folds 40 cut the 40 test rows into blocks of 1 row, shorter "):
        fold_splits(200, 40, 0.1, 0.2, horizon=2)
