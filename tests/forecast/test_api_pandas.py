"""The Python API on the DataFrames pandas users have: ids and dates in the index, ids that are numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster
from rnnkit.utils.errors import RnnkitError

TINY = {"epochs": 2, "hidden_size": 4, "device": "cpu", "threads": 1}


@pytest.fixture(scope="module")
def long() -> pd.DataFrame:
    """Two daily series in long format, ids 7 and 12 (integers, as a database key is)."""
    rng = np.random.default_rng(0)
    dates = pd.date_range("2024-01-01", periods=60)
    parts = [
        pd.DataFrame({"store": key, "date": dates, "sales": 50.0 + 10 * k + np.cumsum(rng.normal(size=60))})
        for k, key in enumerate((7, 12))
    ]
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def fitted(long) -> Forecaster:
    return Forecaster(window=5, horizon=2, id_column="store", **TINY).fit(long)


@pytest.mark.parametrize(
    "layout",
    [
        lambda df: df.set_index(["store", "date"]),  # the usual panel index
        lambda df: df.set_index(["date", "store"]),
        lambda df: df.set_index("store"),  # the ids as the index, the dates a column
        lambda df: df.set_index(pd.PeriodIndex(df.pop("date"), freq="D")),  # dates as daily periods
    ],
    ids=["multiindex-id-date", "multiindex-date-id", "id-index", "period-index"],
)
def test_long_format_with_ids_or_dates_in_the_index(fitted, long, layout):
    # the index was dropped: "DataFrame has no id column 'store' (columns: sales)", or no date column
    expected = fitted.predict(long)
    pd.testing.assert_frame_equal(fitted.predict(layout(long.copy())), expected)


def test_predict_gives_the_ids_as_the_users_column_holds_them(fitted, long):
    out = fitted.predict(long)
    assert out["store"].dtype == long["store"].dtype and list(out["store"].unique()) == [7, 12]
    merged = out.merge(long.drop_duplicates("store")[["store"]], on="store")  # failed: int64 and str
    assert len(merged) == len(out)
    as_category = long.astype({"store": "category"})
    assert fitted.predict(as_category)["store"].dtype == as_category["store"].dtype
    in_index = fitted.predict(long.set_index(["store", "date"]))
    assert list(in_index["store"]) == [7, 7, 12, 12]


def test_a_saved_model_reads_the_ids_as_the_data_holds_them(fitted, long, tmp_path):
    again = Forecaster.from_pretrained(fitted.save_pretrained(tmp_path / "m"))
    pd.testing.assert_frame_equal(again.predict(long), fitted.predict(long))
    path = tmp_path / "long.csv"
    long.to_csv(path, index=False)
    assert list(again.predict(path)["store"].unique()) == ["7", "12"]  # a file's ids are its text


def test_a_series_by_id_and_date_as_groupby_gives_it(fitted, long):
    by_id_date = long.groupby(["store", "date"])["sales"].sum()  # a Series with levels (store, date)
    # refused: "takes a Series only with a DatetimeIndex or PeriodIndex (the dates)"
    pd.testing.assert_frame_equal(fitted.predict(by_id_date), fitted.predict(long))
    with pytest.raises(RnnkitError, match=r"duplicated date.*pass id_column='store'"):
        Forecaster(window=5, horizon=2, target="sales", **TINY).fit(by_id_date)  # one series: ids named


def test_backtest_dates_of_an_hourly_series_are_timestamps_when_a_fold_starts_at_midnight():
    rng = np.random.default_rng(0)
    hours = pd.date_range("2024-03-01", periods=60, freq="h")
    series = pd.Series(50 + np.cumsum(rng.normal(size=60)), index=hours, name="load")
    out = Forecaster(window=4, horizon=2, **TINY).backtest(series, folds=2)
    folds = out[out["fold"] != "all"]
    # the first fold starts at midnight, which the command line writes as "2024-03-03": the column was
    # left as text ("2024-03-03" beside "2024-03-03 06:00:00")
    assert folds["test_start"].iloc[0] == pd.Timestamp("2024-03-03 00:00")
    for column in ("train_end", "test_start", "test_end"):
        assert pd.api.types.is_datetime64_dtype(out[column]), column
        assert folds[column].isin(hours).all(), column


@pytest.mark.parametrize("name", ["step", "forecast", "q0.9"])
def test_an_id_column_named_as_a_predict_column_is_refused_before_training(name):
    # it trained, then predict crashed in pandas: "ValueError: cannot insert step, already exists"
    with pytest.raises(RnnkitError, match=rf"id_column '{name}' is the name of a column predict returns"):
        Forecaster(id_column=name, **TINY)
    fc = Forecaster(id_column="store", **TINY)
    fc.id_column = name
    with pytest.raises(RnnkitError, match="rename it in the data"):
        fc.fit("no such file.csv")  # refused before the data are read


def test_a_long_frame_of_concatenated_parts_is_told_by_its_row(long):
    parts = pd.concat([long[long["store"] == 7], long[long["store"] == 12].reset_index(drop=True)])
    parts = parts.astype({"store": "Int64"})
    parts.iloc[65, 0] = pd.NA  # the 66th row: its label 5 repeats, so its position is given too (for .iloc)
    with pytest.raises(RnnkitError, match=r"the id column 'store' is empty on row 5 at position 65$"):
        Forecaster(id_column="store", **TINY).fit(parts)
