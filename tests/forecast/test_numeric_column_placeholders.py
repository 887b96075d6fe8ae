"""A value that stands for a missing one (NOAA's -9999, a survey's 999, netCDF's fill 9.96921e36) or a
typo of absurd size (1e300 among prices near 1000) is one line naming it and the fix. They were read as
observations: every other window looked flat beside them, and ``forecast train`` printed a forecast of
7.7e296 (+7e296%) without a word."""

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError


def _temperatures(n: int = 120) -> np.ndarray:
    return 12.0 + 10.0 * np.sin(np.arange(n) / 20.0) + np.random.default_rng(0).normal(size=n)


def _csv(tmp_path, values: np.ndarray):
    dates = pd.date_range("2023-01-01", periods=len(values))
    path = tmp_path / "x.csv"
    path.write_text(
        "DATE,TMAX\n" + "".join(f"{d:%Y-%m-%d},{v:.15g}\n" for d, v in zip(dates, values, strict=True))
    )
    return path


@pytest.mark.parametrize("code", [-9999.0, 9999.9, 999.0, 9.969209968386869e36])
def test_a_missing_value_code_far_outside_the_column_is_named(tmp_path, code):
    values = _temperatures()
    values[[30, 77]] = code
    with pytest.raises(RnnkitError) as exc:
        load_series(_csv(tmp_path, values))
    message = str(exc.value)
    assert message.startswith(
        f"column 'TMAX' of x.csv: line 32 holds {code:.15g}, far outside its other values"
    )
    assert "2 such value(s)" in message and "Leave missing values empty (see --missing)" in message


def test_a_typo_of_absurd_size_is_named_in_a_dataframe():
    frame = pd.DataFrame({"Close": 1000.0 + np.arange(60.0)}, index=pd.date_range("2024-01-01", periods=60))
    frame.iloc[20, 0] = 1e300
    with pytest.raises(
        RnnkitError, match=r"row 2024-01-21 holds 1e\+300, far outside its other values \(1000 to 1059"
    ):
        load_series(frame)


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(990.0 + np.arange(20.0), id="999-among-its-neighbours"),
        pytest.param(np.full(30, 9999.0), id="a-constant-9999"),
        pytest.param(1e298 * (1.0 + np.arange(40.0) / 100), id="all-huge"),
        pytest.param(np.r_[np.zeros(30), 10.0 ** np.arange(1, 11)], id="zeros-then-growth"),
    ],
)
def test_values_that_belong_to_their_column_are_read(tmp_path, values):
    assert len(load_series(_csv(tmp_path, values)).values) == len(values)
