"""The forecast Python API as a notebook user meets it (QA, session 23): on/off settings and empty
paths refused by name, before any training."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers_models import make_forecast
from rnnkit.forecast import Forecaster
from rnnkit.utils.errors import RnnkitError


def frame(rows: int = 60) -> pd.DataFrame:
    values = 100 + np.cumsum(np.random.default_rng(0).normal(size=rows))
    return pd.DataFrame({"date": pd.date_range("2020-01-01", periods=rows, freq="D"), "Close": values})


def test_show_progress_given_as_a_string_is_refused_not_taken_as_true():
    with pytest.raises(RnnkitError, match=r"show_progress must be True or False \(got 'no'\)"):
        Forecaster(show_progress="no")
    fc = Forecaster(epochs=1)
    fc.show_progress = "no"  # set after construction: checked again by fit, before training
    with pytest.raises(RnnkitError, match="show_progress must be True or False"):
        fc.fit(frame())


@pytest.mark.parametrize("path", ["", "  "])
def test_an_empty_path_is_named_empty_not_read_as_the_current_folder(tmp_path, path):
    fitted = Forecaster.from_pretrained(make_forecast(tmp_path / "m"))
    for call, verb in (
        (Forecaster(epochs=1).fit, "fit"),
        (fitted.predict, "predict"),
        (fitted.backtest, "backtest"),
    ):
        with pytest.raises(RnnkitError, match=rf"^{verb}\(\) was given an empty path"):
            call(path)


def test_forecaster_help_shows_fit_predict_and_backtest_with_an_example():
    doc = Forecaster.__doc__ or ""
    assert ">>> fc = Forecaster(" in doc and ".predict(df, horizon=3)" in doc and ".backtest(df" in doc


def test_predict_after_the_window_changed_warns_that_the_fitted_window_is_used(tmp_path):
    fitted = Forecaster.from_pretrained(make_forecast(tmp_path / "m"))  # window 4, hidden_size 4
    fitted.window, fitted.horizon = 9, 1
    with pytest.warns(UserWarning, match=r"fitted with window=4 and predicts with them") as caught:
        out = fitted.predict(frame())
    (said,) = [w for w in caught if "predicts with them" in str(w.message)]
    assert len(out) == 1 and said.filename == __file__  # pointed at the caller's line
