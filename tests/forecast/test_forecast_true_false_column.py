"""A column of true/false values is no series to forecast (QA, session 23): read as 1 and 0 it trained and
predicted a yes/no series in silence. Refused in one line naming the column, the target and a feature
alike, from a DataFrame and from a CSV file's ``True``/``False`` (or ``true``/``false``) text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers_models import make_forecast
from rnnkit.cli import main
from rnnkit.forecast import Forecaster
from rnnkit.utils.errors import RnnkitError

SAID = "holds true/false values, not numbers"


def _frame(n: int = 30) -> pd.DataFrame:
    dates = pd.date_range("2020-01-01", periods=n, freq="D")
    return pd.DataFrame({"date": dates, "Close": 100 + 10 * np.sin(np.arange(n))})


@pytest.fixture(scope="module")
def forecaster(tmp_path_factory) -> Forecaster:
    return Forecaster.from_pretrained(make_forecast(tmp_path_factory.mktemp("fc") / "m"))


@pytest.mark.parametrize(
    "flags",
    [
        lambda close: close > 100,  # a bool column
        lambda close: (close > 100).astype("boolean"),  # pandas' nullable one
        lambda close: (close > 100).astype(object).where(close.index != 3, None),  # with a gap: object
    ],
)
def test_predict_refuses_a_true_false_target_naming_it(forecaster, flags):
    df = _frame()
    assert len(forecaster.predict(df)) == 1  # numbers: a forecast
    with pytest.raises(RnnkitError, match=f"^column 'Close' of DataFrame {SAID}; if they mean 1 and 0"):
        forecaster.predict(df.assign(Close=flags(df.Close)))


def _csv(tmp_path: Path, **columns: object) -> Path:
    frame = _frame(60)
    path = tmp_path / "series.csv"
    frame.assign(date=frame.date.dt.strftime("%Y-%m-%d"), **columns).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("words", [("True", "False"), ("true", "false")])
def test_train_refuses_a_csv_target_of_true_and_false(tmp_path, one_line_error, words):
    up = _frame(60).Close > 100
    csv = _csv(tmp_path, Close=np.where(up, *words))
    args = ["forecast", "train", "--data", str(csv), "--out", str(tmp_path / "run"), "--epochs", "1"]
    assert main([*args, "--threads", "1"]) == 2
    one_line_error(f"column 'Close' of series.csv {SAID}")
    assert not (tmp_path / "run").exists()


def test_train_refuses_a_true_false_feature(tmp_path, one_line_error):
    csv = _csv(tmp_path, flag=_frame(60).Close > 100)
    args = ["forecast", "train", "--data", str(csv), "--features", "flag", "--out", str(tmp_path / "run")]
    assert main([*args, "--epochs", "1", "--threads", "1"]) == 2
    one_line_error(f"column 'flag' of series.csv {SAID}")
