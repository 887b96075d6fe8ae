"""Multi-step forecasts (``--horizon H``) checked against numbers computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster
from rnnkit.forecast.backtest import fold_splits
from rnnkit.utils.errors import RnnkitError

TINY = {"epochs": 1, "hidden_size": 4, "device": "cpu", "threads": 1, "show_progress": False}


def wavy_frame(n: int = 120) -> pd.DataFrame:
    """Business days, a positive random walk plus a weekly wave: every baseline has something to do."""
    rng = np.random.default_rng(0)
    y = 100 + np.cumsum(rng.normal(size=n)) + 5 * np.sin(2 * np.pi * np.arange(n) / 5)
    return pd.DataFrame({"Date": pd.bdate_range("2024-01-01", periods=n), "Close": y})


@pytest.mark.parametrize("stride", [1, 2])
def test_a_stride_shorter_than_the_horizon_says_so(stride):
    # a block of 2 rows holds no 3-step forecast: the error named the series too short (0 test windows)
    with pytest.raises(
        RnnkitError, match=rf"^--stride {stride} is shorter than --horizon 3: .* use --stride 3"
    ):
        fold_splits(200, 3, 0.1, 0.2, stride=stride, horizon=3)
    with pytest.raises(RnnkitError, match=rf"^stride={stride} is shorter than horizon=3"):
        Forecaster(window=5, horizon=3, **TINY).backtest(wavy_frame(), folds=3, stride=stride)


def test_too_many_folds_for_the_horizon_say_so():
    # 40 test rows in 20 blocks of 2 rows: none holds the 3 steps of a forecast
    with pytest.raises(
        RnnkitError, match=r"^--folds 20 cut the 40 test rows into blocks of 2 row\(s\), shorter "
    ):
        fold_splits(200, 20, 0.1, 0.2, horizon=3)
    assert len(fold_splits(200, 13, 0.1, 0.2, horizon=3)) == 13  # the advice: --folds 13 or fewer


def test_the_panel_backtest_says_it_once():
    frame = wavy_frame()
    long = pd.concat([frame.assign(sym="A"), frame.assign(sym="B", Close=frame.Close * 2)])
    with pytest.raises(RnnkitError, match=r"^stride=2 is shorter than horizon=3: "):
        Forecaster(window=5, horizon=3, id_column="sym", **TINY).backtest(long, folds=2, stride=2)


def test_backtest_folds_score_the_forecasts_inside_their_blocks():
    frame = wavy_frame()
    out = Forecaster(window=5, horizon=3, **TINY).backtest(frame, folds=2, stride=5)
    folds = out[out.fold != "all"]
    # a block of 5 rows holds the forecasts of 3 origins (5 - 3 + 1), the last ending at the last date
    assert folds.samples.tolist() == [3, 3]
    assert folds.test_end.tolist() == [frame.Date.iloc[-6], frame.Date.iloc[-1]]
    assert folds.test_start.tolist() == [frame.Date.iloc[-10], frame.Date.iloc[-5]]
