"""``Forecaster.predict`` warns as ``forecast predict`` does when the data do not look like the
training data: another calendar, or another series (it said nothing in Python)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster
from rnnkit.utils.errors import RnnkitError


def _daily(n: int = 200) -> pd.DataFrame:
    dates = pd.date_range("2023-01-01", periods=n, freq="D")
    values = 50 + 5 * np.sin(np.arange(n) / 3.0) + np.arange(n) * 0.05
    return pd.DataFrame({"date": dates, "sales": values})


def _said(fc: Forecaster, frame: pd.DataFrame) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fc.predict(frame)
    return [str(w.message) for w in caught]


def test_predict_warns_of_another_calendar_or_another_series_and_not_of_its_own_data():
    frame = _daily()
    fc = Forecaster(window=4, horizon=1, epochs=1, hidden=4, device="cpu").fit(frame)
    assert not any("training data" in m for m in _said(fc, frame))
    weekly = frame.iloc[::7].reset_index(drop=True)
    assert any("the model's training data were daily" in m for m in _said(fc, weekly)), _said(fc, weekly)
    other = frame.assign(sales=frame["sales"] + 10)
    assert any("another series, or values revised since training" in m for m in _said(fc, other))


def test_a_value_too_far_for_float32_in_the_window_is_one_line_not_infinite_intervals():
    # 1e300 among values near 50 (a mistyped number) became inf in the float32 window: a finite point
    # forecast with intervals from -inf to inf, and nothing said
    frame = _daily()
    fc = Forecaster(window=4, horizon=2, epochs=1, hidden=4, device="cpu").fit(frame)
    typo = frame.copy()
    typo.loc[len(typo) - 1, "sales"] = 1e300
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "another series, or values revised": the warning comes first
        # refused as it is read, 1e12 times the rest (tests/forecast/test_numeric_column_placeholders.py),
        # before the float32 check of the window (forecast/prepare.py) meets it
        with pytest.raises(RnnkitError, match=r"holds 1e\+300, far outside its other values"):
            fc.predict(typo)
    near = frame.copy()
    near.loc[len(near) - 1, "sales"] = 1e10  # far, but within float32 after scaling: forecast as it is
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isfinite(fc.predict(near)[["q0.1", "q0.9"]].to_numpy()).all()


def test_predict_on_data_without_a_fitted_feature_says_to_give_that_column():
    # it said "name the column with features=": a setting that changes nothing until the next fit
    frame = _daily().assign(temp=lambda d: np.cos(np.arange(len(d)) / 5))
    fc = Forecaster(window=4, horizon=1, epochs=1, hidden=4, device="cpu", target="sales", features=["temp"])
    fc.fit(frame)
    with pytest.raises(RnnkitError) as caught:
        fc.predict(frame.drop(columns=["temp"]))
    assert str(caught.value) == (
        "DataFrame has no feature column 'temp' (columns: date, sales); the model was fitted with it: give "
        "data holding a column of that name (rename yours so)"
    )
    with pytest.raises(RnnkitError, match=r"no feature column 'tmp' .*; name the column with features=$"):
        Forecaster(window=4, horizon=1, epochs=1, target="sales", features=["tmp"]).fit(frame)
