"""A Forecaster after its settings change (``fc.horizon = 10``), and what a short series lacks for fit: said, never silent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster
from rnnkit.utils.errors import RnnkitError

TINY = {"epochs": 2, "hidden_size": 4, "device": "cpu", "threads": 1}


@pytest.fixture()
def series() -> pd.Series:
    rng = np.random.default_rng(0)
    return pd.Series(
        50 + np.cumsum(rng.normal(size=60)), index=pd.date_range("2024-01-01", periods=60), name="y"
    )


def test_predict_forecasts_the_forecasters_horizon_or_says_it_cannot(series):
    fc = Forecaster(window=5, horizon=3, **TINY).fit(series)
    fc.horizon = 2
    assert list(fc.predict(series)["step"]) == [1, 2]  # was 3 rows: the model's horizon, not the one set
    fc.horizon = 10
    with pytest.raises(RnnkitError, match=r"horizon=10 is beyond the model.s trained horizon of 3 step"):
        fc.predict(series)  # was 3 rows, without a word
    assert len(fc.predict(series, horizon=3)) == 3  # the argument still wins


def test_repr_says_which_settings_the_fitted_model_does_not_have(series):
    fc = Forecaster(window=5, horizon=3, **TINY).fit(series)
    assert repr(fc).endswith("; fitted)")
    fc.window, fc.hyper.hidden_size = 7, 8
    assert repr(fc).startswith("Forecaster(window=7, horizon=3")
    assert repr(fc).endswith("; fitted with window=5, hidden_size=4; fit again to use the settings above)")
    assert repr(fc.fit(series)).endswith("; fitted)")


def test_a_short_series_is_told_what_fit_lacks_and_what_to_change(series):
    # 25 rows: val=0.1 leaves 2 validation rows, shorter than horizon=3. The message asked for "1 test
    # window", which fit does not keep, and gave no advice.
    with pytest.raises(RnnkitError) as caught:
        Forecaster(window=5, horizon=3, **TINY).fit(series[:25])
    text = str(caught.value)
    assert "15 training and 0 validation windows for window=5 horizon=3; need at least 8 and 1" in text
    assert "test" not in text
    assert text.endswith(
        "its validation part, 2 rows, is shorter than horizon=3: give more rows, or a larger val="
    )
    Forecaster(window=5, horizon=3, val=0.2, **TINY).fit(series[:25])  # the advice works


def test_a_backtest_whose_test_part_is_shorter_than_the_horizon_is_told_to_grow_it(series):
    fc = Forecaster(window=2, horizon=3, **TINY)
    with pytest.raises(RnnkitError) as caught:
        fc.backtest(series[:30], folds=1, test=0.05)  # 2 test rows, a horizon of 3
    # it said "use folds=0 or fewer", a value folds= refuses
    assert "folds=0" not in str(caught.value)
    assert str(caught.value).endswith(
        "the test part needs 3 rows or more: give more rows, a larger test=, or stride=3"
    )
    assert len(fc.backtest(series[:30], folds=1, stride=3)) == 2  # the advice works: one fold and "all"
