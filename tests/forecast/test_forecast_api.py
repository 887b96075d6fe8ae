"""The Python API: ``from rnnkit.forecast import Forecaster`` on DataFrames (issue 13, item 6)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import price_frame

from rnnkit.forecast import Forecaster
from rnnkit.utils.errors import RnnkitError

TINY = {"epochs": 2, "hidden_size": 4, "device": "cpu"}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return price_frame(200)


@pytest.fixture(scope="module")
def fitted(frame) -> Forecaster:
    return Forecaster(window=5, horizon=3, **TINY).fit(frame)


def test_fit_predict_returns_point_and_quantile_columns(fitted, frame):
    assert fitted.choice_ is not None and fitted.choice_.reason.startswith("predict ")
    out = fitted.predict(frame)
    assert list(out.columns) == ["date", "step", "forecast", "q0.1", "q0.5", "q0.9"]
    assert list(out["step"]) == [1, 2, 3]
    assert out["date"].iloc[0] == pd.bdate_range(frame["Date"].iloc[-1], periods=2)[-1]
    assert (out["q0.1"] <= out["forecast"]).all() and (out["forecast"] <= out["q0.9"]).all()
    np.testing.assert_allclose(out["forecast"], out["q0.5"])
    assert len(fitted.predict(frame, horizon=2)) == 2
    with pytest.raises(
        RnnkitError,
        match=r"horizon=4 is beyond the model.s trained horizon of 3 step.*train with horizon=4 to",
    ):
        fitted.predict(frame, horizon=4)


def test_save_load_round_trip_and_a_csv_path(fitted, frame, tmp_path):
    folder = fitted.save_pretrained(tmp_path / "m")
    again = Forecaster.from_pretrained(folder)
    pd.testing.assert_frame_equal(again.predict(frame), fitted.predict(frame))
    card = (folder / "README.md").read_text()
    assert "fitted from Python" in card and "last 10% of the rows" in card and "Forecaster.backtest" in card
    assert again.save_pretrained(tmp_path / "again").joinpath("README.md").read_text() == card  # it travels
    assert again.transform == fitted.model_.transform and again.window == 5
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    pd.testing.assert_frame_equal(again.predict(path), fitted.predict(frame))


def test_a_datetime_index_frame_and_the_close_fallback(fitted, frame):
    indexed = frame.set_index(pd.DatetimeIndex(pd.to_datetime(frame["Date"]), name=None)).drop(columns="Date")
    pd.testing.assert_frame_equal(fitted.predict(indexed), fitted.predict(frame))
    only_close = frame[["Date", "Close"]]  # the model was trained on Adj Close; this file has Close
    assert len(fitted.predict(only_close)) == 3


def test_backtest_is_a_frame_with_folds_labelled_by_dates(frame):
    out = Forecaster(window=5, **TINY).backtest(frame, folds=2, stride=15)
    assert list(out["fold"]) == ["1", "2", "all"]
    dates = pd.bdate_range("2020-01-01", periods=200)
    assert list(out["test_start"][:2]) == [dates[170], dates[185]] and out["test_end"].iloc[1] == dates[199]
    assert pd.api.types.is_datetime64_any_dtype(out["train_end"]) and pd.isna(out["test_end"].iloc[-1])
    assert {"MAE model", "MASE naive", "MAE linear AR"} <= set(out.columns)
    assert out["samples"].iloc[-1] == 30


def test_errors_are_one_line_rnnkit_errors(frame):
    with pytest.raises(RnnkitError, match="unknown Forecaster setting"):
        Forecaster(hiden=8)
    with pytest.raises(RnnkitError, match="not fitted yet"):
        Forecaster().predict(frame)
    with pytest.raises(RnnkitError, match="no target column 'nope'.*with target=$"):
        Forecaster(target="nope", **TINY).fit(frame)


def test_from_pretrained_trains_again_as_the_model_was_trained(frame, tmp_path):
    # from_pretrained kept the architecture only: fit and backtest then trained with the default
    # epochs, lr, calibration, ... (and fc.hyper said so), not as the saved model was trained
    settings = {"epochs": 1, "lr": 0.01, "calibrate": False, "batch_size": 16, "lr_schedule": "cosine"}
    fc = Forecaster(window=5, hidden_size=4, device="cpu", monitor="val_loss", input_noise=0.1, **settings)
    folder = fc.fit(frame).save_pretrained(tmp_path / "m")
    again = Forecaster.from_pretrained(folder)
    assert again.hyper == fc.hyper
    assert again.fit(frame).model_.interval_offsets is None  # not calibrated, as saved


def test_an_index_that_repeats_the_date_column(fitted, frame):
    # df.set_index("Date", drop=False) raised pandas' "ValueError: cannot insert Date, already exists"
    expected = fitted.predict(frame)
    dated = frame.assign(Date=pd.to_datetime(frame["Date"]))
    for both in (frame.set_index("Date", drop=False), dated.set_index("Date", drop=False)):
        pd.testing.assert_frame_equal(fitted.predict(both), expected)
    shifted = dated.set_index("Date", drop=False).assign(Date=lambda d: d["Date"] + pd.Timedelta(days=1))
    with pytest.raises(RnnkitError, match="index and its column 'Date' hold different values"):
        fitted.predict(shifted)


def test_repr_names_the_quantiles_and_the_id_column():
    text = repr(Forecaster(id_column="symbol", quantiles="0.05,0.95"))
    assert "quantiles='0.05,0.5,0.95'" in text and "id_column='symbol'" in text and "not fitted" in text


def test_a_fitted_repr_says_what_auto_chose():
    """After fit the repr said transform='auto', while the same model saved and loaded says 'returns'."""
    fitted = Forecaster(window=4, hidden_size=4, epochs=1, device="cpu").fit(price_frame(120))
    assert fitted.choice_ is not None
    assert f"transform='auto' (chose {fitted.choice_.predict!r})" in repr(fitted) and "; fitted)" in repr(
        fitted
    )
    assert "chose" not in repr(Forecaster())
