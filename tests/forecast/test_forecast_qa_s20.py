"""Session 20 QA of reading forecast data and of the advice a short series gets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster
from rnnkit.utils.errors import RnnkitError


def _long(lengths: dict[str, int]) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "id": name,
                    "date": pd.date_range("2020-01-01", periods=n),
                    "y": rng.normal(size=n).cumsum() + 50,
                }
            )
            for name, n in lengths.items()
        ],
        ignore_index=True,
    )


def test_a_series_short_of_validation_rows_is_not_told_to_lower_the_window():
    # "...or a larger val=; 1 of 3 series too short: C (25 rows); drop it from the data, or lower window="
    # though no window lengthens a validation part shorter than the horizon
    with pytest.raises(RnnkitError) as info:
        Forecaster(window=5, horizon=3, epochs=1, id_column="id").fit(_long({"A": 80, "B": 80, "C": 25}))
    said = str(info.value)
    assert said.endswith("or a larger val=; 1 of 3 series too short: C (25 rows); drop it from the data"), (
        said
    )


def test_a_series_a_shorter_window_fits_is_still_told_so():
    with pytest.raises(RnnkitError) as info:
        Forecaster(window=10, horizon=1, epochs=1, id_column="id").fit(_long({"A": 80, "B": 80, "C": 20}))
    assert str(info.value).endswith("drop it from the data, or lower window="), str(info.value)
