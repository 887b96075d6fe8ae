"""Session 20 QA of reading forecast data and of the advice a short series gets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast import Forecaster
from rnnkit.forecast.checks import as_data
from rnnkit.forecast.data import load_series
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


def test_a_column_named_year_of_integer_years_is_the_date_column(tmp_path):
    # "years.csv has no date column (columns: year, y)" though --date-column year reads it
    csv = tmp_path / "years.csv"
    pd.DataFrame({"year": range(1980, 2020), "y": np.arange(40) + 10.0}).to_csv(csv, index=False)
    series = load_series(csv)
    assert series.columns == ["y"] and series.dates[0] == pd.Timestamp("1980-01-01")
    assert series.dates[-1] == pd.Timestamp("2019-01-01")
    assert "read the numbers in date column 'year' as years" in series.notes
    text = load_series(pd.DataFrame({"Year": [str(y) for y in range(1980, 2020)], "y": np.arange(40.0)}))
    assert text.dates[0] == pd.Timestamp("1980-01-01")


def test_a_year_column_repeated_by_months_says_each_row_needs_its_own_date():
    # year,week,y read the years as dates and said only "pass --id-column 'week'": 12 series of 10 rows
    rows = [
        (y, m, float(k)) for k, (y, m) in enumerate((y, m) for y in range(2000, 2010) for m in range(1, 13))
    ]
    # a year and a month column are now joined into monthly dates (test_forecast_date_parts.py)
    assert load_series(pd.DataFrame(rows, columns=["year", "mon", "y"])).dates[13] == pd.Timestamp(
        "2001-02-01"
    )
    frame = pd.DataFrame(rows, columns=["year", "week", "y"])  # weeks are no date part rnnkit joins
    with pytest.raises(RnnkitError) as info:
        load_series(frame, target="y")
    assert str(info.value).endswith(
        "(a long file with several series? pass --id-column 'week'; several rows a year (months, weeks)? "
        "'year' holds only their years: give each row its own date in one column (e.g. 2000-03-01))"
    ), str(info.value)
    with pytest.raises(RnnkitError) as info:  # no column looks like ids: the years alone are the advice
        load_series(frame.drop(columns="week"))
    assert str(info.value).endswith(
        "keep one row per date (several rows a year (months, weeks)? 'year' holds "
        "only their years: give each row its own date in one column (e.g. 2000-03-01))"
    ), str(info.value)
    dates = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=30), "y": np.arange(30.0)})
    with pytest.raises(RnnkitError) as info:  # dates that are no years: as before
        load_series(pd.concat([dates, dates.iloc[[5]]]).sort_values("date", kind="stable"))
    assert str(info.value).endswith("keep one row per date"), str(info.value)


def test_integer_columns_that_are_not_named_years_or_hold_no_years_are_not_dates():
    for frame in (
        pd.DataFrame({"y": np.arange(1980, 2020), "x": np.arange(40.0)}),  # counts that look like years
        pd.DataFrame({"year": np.arange(1, 41), "y": np.arange(40.0)}),  # a year column of no years
        pd.DataFrame({"year": np.arange(1980, 2020) + 0.5, "y": np.arange(40.0)}),
    ):
        with pytest.raises(RnnkitError, match="has no date column"):
            load_series(frame)


@pytest.mark.parametrize(
    ("name", "index_name"),
    [("ds", "ds"), ("date", "date"), ("Date", None), ("DATE", "date"), ("Date", "DATE")],
)
def test_a_series_named_like_its_index_is_the_values_over_the_dates(name, index_name):
    # "the DataFrame's index and its column 'ds' hold different values" for a Series, no DataFrame passed;
    # a Series named Date over unnamed dates: "'date' is the date column; it cannot be the target"
    values = np.arange(40) + 10.0
    data = pd.Series(values, index=pd.date_range("2020-01-01", periods=40, name=index_name), name=name)
    frame = as_data(data, "fit")
    series = load_series(frame)
    assert series.columns == [name] and np.array_equal(series.target, values)
    assert series.dates[0] == pd.Timestamp("2020-01-01")


def test_repeated_index_labels_give_row_numbers_by_position():
    # set_index([0] * n): every message said "line 2"; a label repeated gives its position too
    frame = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=30), "y": np.arange(30) + 1.0})
    frame.loc[20, "date"] = frame.loc[19, "date"]
    with pytest.raises(RnnkitError, match=r"row 0 at position 20 \(2020-01-20, as row 0 at position 19\)"):
        load_series(frame.set_index(pd.Index([0] * 30)))
    frame = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=30), "y": list(range(30))}).astype(
        object
    )
    frame.loc[7, "y"] = "n/a?"
    with pytest.raises(RnnkitError, match="row 3 at position 7 holds"):
        load_series(frame.set_index(pd.Index([3] * 30)))


def test_an_empty_date_in_a_frame_of_parsed_dates_is_named_not_a_traceback():
    # NaT in a datetime64 column: ValueError "Unknown format code 'd' for object of type 'float'"
    frame = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=30), "y": np.arange(30) + 1.0})
    frame.loc[20, "date"] = pd.NaT
    with pytest.raises(RnnkitError, match=r"date column 'date' has 1 empty value\(s\): row 20 \(NaT\)"):
        load_series(frame)
    assert len(load_series(frame, missing="drop")) == 29
