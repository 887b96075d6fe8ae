"""Loading and checking series: bundled sets, Yahoo-style files and every bad input."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
import torch
from helpers_forecast import price_frame, write_csv
from torch.testing import assert_close

from rnnkit.forecast.checks import as_data
from rnnkit.forecast.data import BUNDLED, load_series
from rnnkit.utils.errors import RnnkitError


def test_bundled_sets_load_with_their_targets():
    ibm = load_series("ibm")
    assert ibm.columns == ["Adj Close"] and len(ibm) == 3270
    assert ibm.dates.is_monotonic_increasing and str(ibm.dates[0].date()) == "2000-03-01"
    for name in BUNDLED:
        series = load_series(name)
        assert len(series) > 500 and np.isfinite(series.values).all()


def test_yahoo_export_defaults_to_adj_close_and_reads_features(tmp_path):
    frame = price_frame(30)
    path = write_csv(tmp_path / "y.csv", frame)
    series = load_series(str(path), features=["open", "volume"])
    assert series.columns == ["Adj Close", "Open", "Volume"]
    assert_close(torch.tensor(series.target), torch.tensor(frame["Adj Close"].to_numpy()), rtol=0, atol=0)


def test_missing_file_lists_the_bundled_sets(tmp_path):
    with pytest.raises(RnnkitError, match="data file not found.*bundled data sets: aapl"):
        load_series(str(tmp_path / "nope.csv"))


def test_no_date_column(tmp_path):
    path = write_csv(tmp_path / "n.csv", pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}))
    with pytest.raises(RnnkitError, match="no date column"):
        load_series(str(path), target="a")


def test_non_numeric_target_names_the_line(tmp_path):
    frame = price_frame(10)
    frame["Adj Close"] = frame["Adj Close"].astype(object)
    frame.loc[3, "Adj Close"] = "abc"
    path = write_csv(tmp_path / "t.csv", frame)
    with pytest.raises(RnnkitError, match=r"'Adj Close' of t.csv is not numeric: line 5 holds 'abc'"):
        load_series(str(path))


def test_missing_values_error_fill_and_drop_report_counts(tmp_path):
    frame = price_frame(20)
    frame.loc[[0, 5, 6], "Adj Close"] = np.nan
    path = write_csv(tmp_path / "m.csv", frame)
    with pytest.raises(RnnkitError, match="3 missing value"):
        load_series(str(path))
    filled = load_series(str(path), missing="fill")
    assert (
        len(filled) == 19
        and "filled 2 missing value" in filled.notes[0]  # row 0 is dropped, not filled
        and "1 leading row" in filled.notes[0]
    )
    assert filled.target[4] == filled.target[5] == filled.target[3]  # rows 5, 6 carry row 4 (after drop)
    dropped = load_series(str(path), missing="drop")
    assert len(dropped) == 17 and "dropped 3 row(s)" in dropped.notes[0]


def test_newest_first_is_reversed_with_a_note_duplicates_are_errors(tmp_path):
    frame = price_frame(12)
    reversed_ = write_csv(tmp_path / "u.csv", frame.iloc[::-1])
    series = load_series(str(reversed_))
    assert series.dates.is_monotonic_increasing and "newest date first" in series.notes[0]
    assert_close(torch.tensor(series.target), torch.tensor(frame["Adj Close"].to_numpy()), rtol=0, atol=0)
    dup = write_csv(tmp_path / "d.csv", pd.concat([frame, frame.iloc[[4]]]))
    with pytest.raises(RnnkitError, match="1 duplicated date"):
        load_series(str(dup))


def test_bad_dates_and_unknown_columns(tmp_path):
    frame = price_frame(6)
    frame.loc[2, "Date"] = "not a date"
    path = write_csv(tmp_path / "b.csv", frame)
    with pytest.raises(RnnkitError, match="are not dates"):
        load_series(str(path))
    good = write_csv(tmp_path / "g.csv", price_frame(6))
    with pytest.raises(RnnkitError, match="no feature column 'nope'"):
        load_series(str(good), features=["nope"])
    with pytest.raises(RnnkitError, match="is empty"):
        load_series(str(write_csv(tmp_path / "e.csv", pd.DataFrame())))


def test_a_title_names_the_target_once():
    from rnnkit.forecast.data import load_series

    assert load_series("glucose").title == "glucose"  # the column is named as the series
    assert load_series("ibm").title == "ibm Adj Close"


# DataFrames as pandas users hold them -------------------------------------------------------------------------
DAYS = pd.date_range("2024-01-01", periods=30)
VALUES = 100.0 + np.arange(30)


def test_a_period_index_is_read_as_the_periods_first_days():
    # "DataFrame has no date column (columns: index, y); name one with --date-column"
    months = pd.period_range("2020-01", periods=30, freq="M")
    series = load_series(pd.DataFrame({"y": VALUES}, index=months))
    assert series.dates[0] == pd.Timestamp("2020-01-01") and series.dates[-1] == pd.Timestamp("2022-06-01")
    np.testing.assert_array_equal(series.target, VALUES)
    # a Series with a PeriodIndex, as fit/predict/backtest take it ("takes a Series only with a DatetimeIndex")
    again = load_series(as_data(pd.Series(VALUES, index=months, name="y"), "fit"))
    assert again.columns == ["y"] and again.dates.equals(series.dates)


def test_column_names_that_are_not_text_are_found_by_their_text():
    # pd.DataFrame({0: dates, 1: values}) ended in a KeyError traceback
    series = load_series(pd.DataFrame({0: DAYS, 1: VALUES}))
    assert series.columns == ["1"] and series.target[0] == 100.0
    with pytest.raises(RnnkitError, match="^the DataFrame's columns have several levels; give it one"):
        load_series(pd.DataFrame({("a", "date"): DAYS, ("a", "y"): VALUES}))
    with pytest.raises(RnnkitError, match="^the DataFrame has several columns named '1'$"):
        load_series(pd.DataFrame([[DAYS[0], 1.0, 2.0]], columns=["date", 1, "1"]))


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(VALUES).astype(str).astype("string"),  # numbers as text
        pd.Series([Decimal(str(v)) for v in VALUES]),  # Decimal objects
    ],
)
def test_numbers_held_as_text_or_decimals_are_the_default_target(column):
    # "DataFrame has no numeric column to forecast; name one with --target"
    series = load_series(pd.DataFrame({"date": DAYS, "y": column}))
    np.testing.assert_array_equal(series.target, VALUES)


def test_durations_are_refused_not_read_as_nanoseconds():
    frame = pd.DataFrame({"date": DAYS, "y": pd.to_timedelta(VALUES, unit="s")})
    for target in (None, "y"):  # the only column, and the one named
        with pytest.raises(
            RnnkitError, match=r"'y' of DataFrame holds durations, not numbers; .*total_seconds"
        ):
            load_series(frame, target=target)  # had been 1e11, the nanoseconds of 100 s


def test_complex_numbers_are_refused_not_cut_to_their_real_part():
    frame = pd.DataFrame({"date": DAYS, "y": np.asarray(VALUES) + 1j})
    with pytest.raises(
        RnnkitError, match=r"'y' of DataFrame holds complex numbers; .*\.real, \.imag or \.abs"
    ):
        load_series(frame, target="y")  # had trained on the real part, the imaginary one dropped in silence
