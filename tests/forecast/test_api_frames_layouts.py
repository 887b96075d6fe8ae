"""A user's DataFrame read as the series it holds, whatever its layout: the dates (time zone and
daylight-saving hours kept) and the values come out as the frame holds them, or one RnnkitError says
what to change; rows are never reordered without a word."""

from __future__ import annotations

import decimal
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnkit.forecast.checks import as_data
from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

ZONES = [None, "UTC", "Asia/Seoul", "Europe/Berlin"]
# daily, business days (a stock's), hourly, month starts and ends
FREQS = ["D", "B", "h", "MS", "ME"]
# starts a few days before Berlin's spring and autumn clock changes, so that hourly runs cross them
STARTS = ["2024-03-29", "2024-10-25 18:00", "2023-12-30"]


@st.composite
def dated_values(draw: st.DrawFn) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Increasing dates of one calendar and time zone, and positive values, one per date."""
    n = draw(st.integers(min_value=3, max_value=60))
    dates = pd.date_range(draw(st.sampled_from(STARTS)), periods=n, freq=draw(st.sampled_from(FREQS)))
    zone = draw(st.sampled_from(ZONES))
    if zone is not None:  # the same wall-clock times, read in that zone (the clock change's hour skipped)
        dates = pd.date_range(dates[0], periods=n, freq=dates.freq, tz=zone)
    values = np.round(draw(st.lists(st.floats(1.0, 1e6), min_size=n, max_size=n)), 3)
    return dates, np.asarray(values)


LAYOUTS = {
    "date column": lambda d, v: pd.DataFrame({"date": d, "sales": v}),
    "DatetimeIndex": lambda d, v: pd.DataFrame({"sales": v}, index=d),
    "named DatetimeIndex": lambda d, v: pd.DataFrame({"sales": v}, index=d.rename("when")),
    "Series": lambda d, v: pd.Series(v, index=d, name="sales"),
    "index repeating the column": lambda d, v: pd.DataFrame({"date": d, "sales": v}).set_index(
        "date", drop=False
    ),
    "unrelated integer index": lambda d, v: pd.DataFrame(
        {"date": d, "sales": v}, index=np.arange(len(d)) * 7
    ),
    # Timestamps of one zone in an object column (a list, an apply): read as text, a clock change's two
    # offsets made them UTC, the zone dropped
    "object column of Timestamps": lambda d, v: pd.DataFrame(
        {"date": pd.Series(list(d), dtype=object), "sales": v}
    ),
    "newest first": lambda d, v: pd.DataFrame({"date": d, "sales": v}).iloc[::-1],
    "newest first, index reset": lambda d, v: (
        pd.DataFrame({"date": d, "sales": v}).iloc[::-1].reset_index(drop=True)
    ),
    "id and date index": lambda d, v: pd.DataFrame(
        {"sales": v}, index=pd.MultiIndex.from_arrays([["A"] * len(d), d], names=["id", "date"])
    ),
}


def _read(data: object):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_series(as_data(data, "fit"))


@pytest.mark.parametrize("layout", list(LAYOUTS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=dated_values())
def test_every_layout_reads_the_same_dates_and_values(layout, data):
    dates, values = data
    given = LAYOUTS[layout](dates, values)
    kept = given.copy(deep=True)
    series = _read(given)
    if isinstance(given, pd.Series):
        pd.testing.assert_series_equal(given, kept)
    else:  # the user's frame as it was: no column added or converted, no attrs left behind
        pd.testing.assert_frame_equal(given, kept)
        assert given.attrs == {}
    assert series.columns == ["sales"]
    # the same instants in the same zone: no offset dropped, no local time moved across a clock change
    assert str(series.dates.tz) == str(dates.tz)
    pd.testing.assert_index_equal(series.dates, dates, check_names=False, exact=False)
    np.testing.assert_array_equal(series.target, values)


@pytest.mark.parametrize(
    "written",
    [
        pytest.param(lambda d: d.strftime("%Y-%m-%d %H:%M:%S"), id="ISO text"),
        pytest.param(lambda d: d.astype("datetime64[s]"), id="datetime64[s]"),
        pytest.param(lambda d: np.array(list(d.to_pydatetime()), dtype=object), id="Python datetimes"),
        pytest.param(lambda d: pd.Categorical(d.strftime("%Y-%m-%d %H:%M")), id="categorical text"),
    ],
)
@settings(max_examples=15, deadline=None)
@given(data=dated_values())
def test_dates_written_in_other_types_read_as_the_same_dates(written, data):
    dates, values = data
    local = dates.tz_localize(None)  # text and datetime64 hold wall-clock times
    if local.has_duplicates:  # Berlin's autumn hour, twice on the clock: no naive column can hold it
        return
    series = _read(pd.DataFrame({"date": written(local), "sales": values}))
    pd.testing.assert_index_equal(series.dates, local, check_names=False, exact=False)
    np.testing.assert_array_equal(series.target, values)


@pytest.mark.parametrize(
    "index",
    [
        pytest.param(pd.period_range("2000-01", periods=30, freq="M"), id="monthly periods"),
        pytest.param(pd.period_range("2000Q1", periods=30, freq="Q"), id="quarterly periods"),
        pytest.param(pd.period_range("2024-01-01", periods=30, freq="D"), id="daily periods"),
    ],
)
def test_periods_are_read_as_their_first_moments(index):
    values = np.arange(30, dtype=float) + 1
    for data in (pd.DataFrame({"sales": values}, index=index), pd.Series(values, index=index)):
        series = _read(data)
        pd.testing.assert_index_equal(series.dates, index.to_timestamp(), check_names=False, exact=False)
        np.testing.assert_array_equal(series.target, values)


N = 20
DAYS = pd.date_range("2024-01-01", periods=N)
NUMBERS = np.arange(N, dtype=float) + 100.5


@pytest.mark.parametrize(
    "column",
    [
        pytest.param(NUMBERS.astype("float32"), id="float32"),
        pytest.param(pd.array(NUMBERS, dtype="Float64"), id="Float64"),
        pytest.param(pd.array(NUMBERS.astype(int), dtype="Int64"), id="Int64"),
        pytest.param(pd.array(NUMBERS.astype(np.uint32)), id="uint32"),
        pytest.param([str(x) for x in NUMBERS], id="numeric text (object)"),
        pytest.param(pd.array([str(x) for x in NUMBERS], dtype="string"), id="string dtype"),
        pytest.param([decimal.Decimal(str(x)) for x in NUMBERS], id="Decimal"),
        pytest.param(pd.Categorical(NUMBERS), id="category of numbers"),
        pytest.param(pd.arrays.SparseArray(NUMBERS), id="sparse"),
        pytest.param(NUMBERS.astype("float16"), id="float16"),
        pytest.param(pd.Series(list(NUMBERS), dtype=object), id="object column of floats"),
    ],
)
def test_every_numeric_dtype_reads_as_its_float64_values(column):
    series = _read(pd.DataFrame({"date": DAYS, "sales": column}))
    expected = pd.Series(column).astype(str).astype(float).to_numpy()
    np.testing.assert_array_equal(series.target, expected)
    assert series.target.dtype == np.float64


@pytest.mark.parametrize(
    ("column", "said"),
    [
        pytest.param(pd.array([*NUMBERS[:5], None, *NUMBERS[6:]], dtype="Float64"), "row 5", id="Float64 NA"),
        pytest.param(pd.array([*range(5), None, *range(6, N)], dtype="Int64"), "row 5", id="Int64 NA"),
        pytest.param(np.where(np.arange(N) == 3, np.inf, NUMBERS), "infinite", id="inf"),
        pytest.param(np.full(N, np.nan), "no numeric column", id="all NaN"),
        pytest.param(NUMBERS > 110, "true/false", id="bool"),
        pytest.param(pd.to_timedelta(NUMBERS, unit="s"), "durations", id="durations"),
    ],
)
def test_values_that_are_no_numbers_to_forecast_are_refused_in_one_line(column, said):
    with pytest.raises(RnnkitError, match=said) as err:
        _read(pd.DataFrame({"date": DAYS, "sales": column}))
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("frame", "said"),
    [
        pytest.param(pd.DataFrame({"sales": NUMBERS}), "no date column", id="RangeIndex, no dates"),
        pytest.param(
            pd.DataFrame({"sales": NUMBERS}, index=np.arange(N) * 0.5), "no date column", id="float index"
        ),
        pytest.param(
            pd.DataFrame([NUMBERS], columns=pd.MultiIndex.from_arrays([["a"] * N, range(N)])),
            "several levels",
            id="MultiIndex columns",
        ),
        pytest.param(
            pd.DataFrame({"date": DAYS, "a": NUMBERS, "b": NUMBERS}), "target", id="two value columns"
        ),
        pytest.param(
            pd.DataFrame({"date": DAYS[:1], "sales": NUMBERS[:1]}).iloc[:0], "no rows", id="no rows"
        ),
        pytest.param(
            pd.DataFrame({"date": DAYS.append(DAYS[[4]]), "sales": np.r_[NUMBERS, 1.0]}),
            "duplicated date",
            id="duplicate date",
        ),
    ],
)
def test_frames_without_one_dated_series_are_refused_in_one_line(frame, said):
    with pytest.raises(RnnkitError, match=said) as err:
        _read(frame)
    assert "\n" not in str(err.value)


def test_a_series_without_dates_is_refused_naming_what_to_pass():
    with pytest.raises(RnnkitError, match="DatetimeIndex"):
        as_data(pd.Series(NUMBERS), "fit")


@settings(max_examples=40, deadline=None)
@given(order=st.permutations(range(8)))
def test_rows_out_of_order_are_refused_never_sorted_in_silence(order):
    frame = pd.DataFrame({"date": DAYS[:8], "sales": NUMBERS[:8]}).iloc[list(order)]
    if order in (list(range(8)), list(range(7, -1, -1))):  # oldest or newest first: read, in time order
        series = _read(frame)
        assert series.dates.is_monotonic_increasing
        np.testing.assert_array_equal(series.target, NUMBERS[:8])
        return
    with pytest.raises(RnnkitError, match="sort the rows by date"):
        _read(frame)


TEXT = pd.DataFrame({"Date": DAYS.strftime("%d/%m/%Y"), "sales": NUMBERS})


@pytest.mark.parametrize(
    ("frame", "zone"),
    [
        # the pandas idiom: the index read from the text column, which stays (it was refused as "different")
        pytest.param(TEXT.set_index(pd.to_datetime(TEXT["Date"], dayfirst=True)), None, id="day-first text"),
        pytest.param(
            TEXT.set_index(pd.to_datetime(TEXT["Date"], dayfirst=True).dt.tz_localize("Asia/Seoul")),
            "Asia/Seoul",
            id="zoned index beside wall-clock text",
        ),
        pytest.param(
            TEXT.assign(Date=DAYS.to_period("D")).set_index(DAYS), None, id="periods beside an index"
        ),
    ],
)
def test_an_index_read_from_the_date_column_beside_it_gives_the_indexs_dates(frame, zone):
    series = _read(frame)
    expected = DAYS if zone is None else DAYS.tz_localize(zone)
    pd.testing.assert_index_equal(series.dates, expected, check_names=False, exact=False)
    np.testing.assert_array_equal(series.target, NUMBERS)


@pytest.mark.parametrize("index_name", [None, "date", "DATE"])
def test_an_index_of_other_dates_than_a_date_column_is_refused_not_chosen_in_silence(index_name):
    # an unnamed DatetimeIndex (read as "date") beside a "Date" column of other days: the index was read
    frame = pd.DataFrame(
        {"Date": DAYS + pd.Timedelta(days=100), "sales": NUMBERS}, index=DAYS.rename(index_name)
    )
    advice = "read the column with date_column='Date'" if index_name is None else "rename the index"
    with pytest.raises(
        RnnkitError, match=f"index and its column 'Date' hold different values; drop one, or {advice}$"
    ):
        _read(frame)


def test_a_date_column_the_user_names_wins_over_an_unnamed_index_of_other_days():
    # refused even with date_column='Date', advising to "rename the index" it has no name to rename
    frame = pd.DataFrame({"Date": DAYS + pd.Timedelta(days=100), "sales": NUMBERS}, index=DAYS)
    series = load_series(frame, target="sales", date_column="Date")
    pd.testing.assert_index_equal(series.dates, DAYS + pd.Timedelta(days=100), check_names=False, exact=False)
    named = frame.rename_axis("when")  # a named index stays the user's: both are columns then, no conflict
    assert load_series(named, target="sales", date_column="Date").dates[0] == DAYS[0] + pd.Timedelta(days=100)


WEEKS = pd.date_range("2024-01-07", periods=N, freq="W", name="when")


@pytest.mark.parametrize(
    "columns",
    [
        # calendar features beside the dates: a column named month or day was read as the dates
        pytest.param({"month": WEEKS.month}, id="month"),
        pytest.param({"day": WEEKS.day}, id="day"),
        pytest.param({"time": WEEKS.strftime("%H:%M")}, id="time text"),
        # year and month parts were joined into dates of their own, the index's days dropped
        pytest.param({"Year": WEEKS.year, "Month": WEEKS.month}, id="year and month parts"),
    ],
)
def test_a_datetime_index_dates_the_rows_beside_calendar_columns(columns):
    for index in (WEEKS, pd.MultiIndex.from_arrays([["A"] * N, WEEKS])):  # named, and an unnamed level
        series = load_series(pd.DataFrame({**columns, "sales": NUMBERS}, index=index), target="sales")
        pd.testing.assert_index_equal(series.dates, WEEKS, check_names=False)
        np.testing.assert_array_equal(series.target, NUMBERS)


def test_dates_in_the_index_and_in_a_date_column_are_refused_until_one_is_named():
    frame = pd.DataFrame({"ds": WEEKS + pd.Timedelta(days=100), "sales": NUMBERS}, index=WEEKS)
    with pytest.raises(RnnkitError, match=r"dates in its index \('when'\) and in its column 'ds'"):
        _read(frame)
    chosen = load_series(frame, date_column="ds")
    assert chosen.dates[0] == WEEKS[0] + pd.Timedelta(days=100)


def test_index_levels_that_repeat_a_column_are_that_column():
    # set_index(["id", "date"], drop=False): pandas' "cannot insert date, already exists" came through
    frame = pd.DataFrame({"id": "A", "date": DAYS, "sales": NUMBERS}).set_index(["id", "date"], drop=False)
    series = _read(frame)
    pd.testing.assert_index_equal(series.dates, DAYS, check_names=False, exact=False)
    np.testing.assert_array_equal(series.target, NUMBERS)
    other = frame.assign(date=DAYS + pd.Timedelta(days=1))
    with pytest.raises(RnnkitError, match="index level 'date' and its column 'date' hold different values"):
        _read(other)
