"""``Forecaster.backtest`` on long data gives the ids as ``predict`` does: as the user's column holds them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster

TINY = {"epochs": 2, "hidden_size": 4, "device": "cpu", "threads": 1}


@pytest.fixture(scope="module")
def long() -> pd.DataFrame:
    """Two daily series in long format, ids 7 and 12 (integers, as a database key is)."""
    rng = np.random.default_rng(0)
    dates = pd.date_range("2024-01-01", periods=40)
    parts = [
        pd.DataFrame({"store": key, "date": dates, "sales": 50.0 + 10 * k + np.cumsum(rng.normal(size=40))})
        for k, key in enumerate((7, 12))
    ]
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def forecaster() -> Forecaster:
    return Forecaster(window=5, horizon=2, id_column="store", **TINY)


def test_integer_ids_stay_integers_and_merge_with_the_data(forecaster, long):
    out = forecaster.backtest(long, folds=2, stride=4)
    # they were the text '7' and '12': a merge with the data matched no row (or raised: int64 and str)
    assert out["store"].tolist() == [7, 12, 7, 12, 7, 12, "pooled"]
    # the recipe forecast.md and the docstring give for the ids' own dtype without the pooled row
    assert out.iloc[:-1].astype({"store": long["store"].dtype})["store"].dtype == long["store"].dtype
    series_rows = out[out["store"] != "pooled"]
    merged = series_rows.merge(long.drop_duplicates("store")[["store"]], on="store")
    assert len(merged) == len(series_rows)
    assert set(forecaster.fit(long).predict(long)["store"]) == set(series_rows["store"])


def test_categorical_ids_stay_categorical_with_the_pooled_row_a_category(forecaster, long):
    as_category = long.astype({"store": "category"})
    out = forecaster.backtest(as_category, folds=2, stride=4)
    assert isinstance(out["store"].dtype, pd.CategoricalDtype)
    assert list(out["store"].cat.categories) == [7, 12, "pooled"]
    assert out["store"].tolist() == [7, 12, 7, 12, 7, 12, "pooled"]
    # the recipe for the ids' own dtype: a category it lacks ('pooled') would turn NaN in silence, so the
    # values are checked, not only the categories
    restored = out.iloc[:-1].astype({"store": as_category["store"].dtype})["store"]
    assert list(restored.cat.categories) == [7, 12]
    assert restored.tolist() == [7, 12, 7, 12, 7, 12] and not restored.isna().any()


def test_a_csv_files_ids_are_its_text(forecaster, long, tmp_path):
    path = tmp_path / "long.csv"
    long.to_csv(path, index=False)
    out = forecaster.backtest(path, folds=2, stride=4)
    assert out["store"].tolist() == ["7", "12", "7", "12", "7", "12", "pooled"]
