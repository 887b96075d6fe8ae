"""fit, predict and backtest on the DataFrames pandas users have: time zones and clock changes kept in
what they return, the returned frames' columns and types, data that differ from the fitted data said."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnkit.forecast import Forecaster
from rnnkit.forecast.backtest import BOUND_KEYS
from rnnkit.utils.errors import RnnkitError

TINY = {"epochs": 1, "hidden_size": 4, "device": "cpu", "threads": 1}


def frame(dates: pd.DatetimeIndex, seed: int = 0) -> pd.DataFrame:
    """A positive random walk on ``dates``."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"date": dates, "sales": 100 + np.cumsum(rng.normal(size=len(dates)))})


SEOUL = frame(pd.date_range("2024-01-01", periods=60, tz="Asia/Seoul"))
# hourly in Berlin across the spring clock change (02:00 does not exist on 2024-03-31)
BERLIN = frame(pd.date_range("2024-03-29", periods=80, freq="h", tz="Europe/Berlin"))


@pytest.fixture(scope="module")
def seoul() -> Forecaster:
    return Forecaster(window=5, horizon=3, quantiles=[0.9, 0.1, 0.25], **TINY).fit(SEOUL)


def test_predict_returns_its_columns_in_order_with_the_datas_time_zone(seoul):
    out = seoul.predict(SEOUL)
    assert list(out.columns) == ["date", "step", "forecast", "q0.1", "q0.25", "q0.5", "q0.9"]
    assert isinstance(out.index, pd.RangeIndex) and len(out) == 3
    assert str(out["date"].dt.tz) == "Asia/Seoul"
    expected = pd.date_range(SEOUL["date"].iloc[-1], periods=4, freq="D")[1:]
    pd.testing.assert_index_equal(pd.DatetimeIndex(out["date"]), expected, check_names=False, exact=False)
    assert out["step"].tolist() == [1, 2, 3] and out["step"].dtype == np.int64
    quantiles = out[["q0.1", "q0.25", "q0.5", "q0.9"]].to_numpy()
    assert quantiles.dtype == np.float64 and np.isfinite(quantiles).all()
    assert (np.diff(quantiles, axis=1) >= 0).all()  # the levels' columns in order, their values too
    np.testing.assert_array_equal(out["forecast"], out["q0.5"])


def test_predict_horizon_gives_the_first_steps_of_the_full_forecast(seoul):
    full, two = seoul.predict(SEOUL), seoul.predict(SEOUL, horizon=2)
    pd.testing.assert_frame_equal(two, full.iloc[:2])


def test_the_same_instants_in_another_zone_are_forecast_in_that_zone(seoul):
    utc = seoul.predict(SEOUL.assign(date=SEOUL["date"].dt.tz_convert("UTC")))
    seoul_out = seoul.predict(SEOUL)
    assert str(utc["date"].dt.tz) == "UTC"
    assert (utc["date"] == seoul_out["date"]).all()  # the same moments
    np.testing.assert_allclose(utc["forecast"], seoul_out["forecast"])


def test_predict_says_when_the_data_are_not_the_fitted_data(seoul):
    with pytest.warns(UserWarning, match="no column 'sales'; using 'units'"):
        renamed = seoul.predict(SEOUL.rename(columns={"sales": "units"}))
    np.testing.assert_allclose(renamed["forecast"], seoul.predict(SEOUL)["forecast"])
    hourly = SEOUL.assign(date=pd.date_range("2024-01-01", periods=len(SEOUL), freq="h", tz="Asia/Seoul"))
    with pytest.warns(UserWarning, match="dates are hourly, the model's training data were daily"):
        seoul.predict(hourly)
    with pytest.raises(RnnkitError, match="several numeric columns"):
        seoul.predict(SEOUL.rename(columns={"sales": "units"}).assign(price=1.0))


@pytest.mark.parametrize(
    ("data", "said"),
    [
        pytest.param(
            SEOUL.iloc[:4],
            "DataFrame has 4 rows; the model's window needs 6",
            id="fewer rows than the window",
        ),
        pytest.param(SEOUL.assign(sales=np.inf), "infinite values", id="inf"),
        pytest.param(SEOUL[["sales"]], "no date column", id="no dates"),
        pytest.param(
            pd.Series(SEOUL["sales"].to_numpy()), "only with a DatetimeIndex", id="Series without dates"
        ),
        pytest.param(SEOUL.assign(sales=np.nan), "column .sales. of DataFrame is empty", id="all NaN"),
        pytest.param(
            SEOUL.iloc[::2].iloc[[0, 2, 1, *range(3, 30)]], "sort the rows by date", id="rows out of order"
        ),
    ],
)
def test_predict_refuses_data_it_cannot_forecast_from_in_one_line(seoul, data, said):
    with pytest.raises(RnnkitError, match=said) as err:
        seoul.predict(data)
    assert "\n" not in str(err.value) and "--" not in str(err.value)  # the Python API's words


@pytest.mark.parametrize("rows", [1, 2])
def test_fitting_a_row_or_two_is_refused_as_too_short(rows):
    # one row raised an IndexError from deep inside (the median step between no two dates)
    with pytest.raises(RnnkitError, match="series too short"):
        Forecaster(window=5, horizon=3, **TINY).fit(SEOUL.iloc[:rows])


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(SEOUL, id="Asia/Seoul daily"),
        pytest.param(BERLIN, id="Europe/Berlin hourly over the clock change"),
        pytest.param(frame(pd.date_range("2024-01-01", periods=60, freq="100ms")), id="tenths of a second"),
    ],
)
def test_backtest_fold_dates_are_the_series_own_dates(data):
    out = Forecaster(window=5, horizon=2, **TINY).backtest(data, folds=2, stride=6)
    dates = pd.DatetimeIndex(data["date"])
    folds = out[out["fold"] != "all"]
    for column in BOUND_KEYS:
        # tz kept (it was dropped: the local times of the CLI's text), sub-seconds kept (they were cut off)
        assert str(out[column].dt.tz) == str(dates.tz)
        assert folds[column].isin(dates).all()
        assert out.loc[out["fold"] == "all", column].isna().all()
    assert folds["test_end"].iloc[-1] == dates[-1]  # the last fold ends at the last row
    assert (folds["test_start"] > folds["train_end"]).all()


def test_a_long_frames_backtest_gives_each_series_its_own_dates_in_its_zone():
    # store 2 ends 10 days before store 1: each fold row's dates are its own series'
    long = pd.concat(
        [SEOUL.assign(store=1), SEOUL.iloc[:-10].assign(store=2, sales=SEOUL["sales"] + 10)],
        ignore_index=True,
    )
    out = Forecaster(window=5, horizon=2, id_column="store", **TINY).backtest(long, folds=2, stride=6)
    folds = out[out["fold"] != "all"]
    assert folds["fold"].tolist() == ["1", "1", "2", "2"] and folds["store"].astype(str).tolist() == [
        "1",
        "2",
        "1",
        "2",
    ]
    # the last fold ends at each series' last day
    assert folds["test_end"].iloc[2:].tolist() == [SEOUL["date"].iloc[-1], SEOUL["date"].iloc[-11]]
    assert (
        folds["test_end"].iloc[:2] == folds["test_start"].iloc[2:].to_numpy() - pd.Timedelta(days=1)
    ).all()
    assert str(out["train_end"].dt.tz) == "Asia/Seoul"


def test_a_long_frame_with_one_id_too_short_names_it():
    long = pd.concat([SEOUL.assign(store="big"), SEOUL.iloc[:4].assign(store="tiny")], ignore_index=True)
    with pytest.raises(RnnkitError, match=r"tiny \(4 rows\); drop it from the data"):
        Forecaster(window=5, horizon=3, id_column="store", **TINY).fit(long)


def test_a_long_frame_dated_by_its_index_beside_a_month_column():
    # the month column (a feature the user keeps) was read as the dates: "holds numbers such as 1"
    long = pd.concat(
        [SEOUL.assign(store=k, sales=SEOUL["sales"] + 10 * k) for k in (1, 2)], ignore_index=True
    )
    long = long.rename(columns={"date": "when"}).assign(month=lambda f: f["when"].dt.month)
    fc = Forecaster(window=5, horizon=2, id_column="store", target="sales", **TINY)
    out = fc.fit(long.set_index(["store", "when"])).predict(long.set_index(["store", "when"]))
    assert out["store"].tolist() == [1, 1, 2, 2]
    assert (out["date"].iloc[:2] > SEOUL["date"].iloc[-1]).all() and str(out["date"].dt.tz) == "Asia/Seoul"


class OtherLibraryFrame:
    """A table of another library (polars is not installed here): what the API sees of one, its
    ``to_pandas()``."""

    def __init__(self, frame: pd.DataFrame | None) -> None:
        self.frame = frame

    def to_pandas(self) -> pd.DataFrame:
        if self.frame is None:
            raise ModuleNotFoundError("pa.Table requires 'pyarrow' module to be installed")
        return self.frame


OtherLibraryFrame.__module__, OtherLibraryFrame.__name__ = "polars.dataframe.frame", "DataFrame"


def test_another_librarys_frame_is_read_as_its_pandas_frame(seoul):
    # it was refused as "(got DataFrame)"
    pd.testing.assert_frame_equal(seoul.predict(OtherLibraryFrame(SEOUL)), seoul.predict(SEOUL))
    with pytest.raises(RnnkitError, match=r"could not read the polars.DataFrame .*'pyarrow'.*pass a pandas"):
        seoul.predict(OtherLibraryFrame(None))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n=st.integers(min_value=6, max_value=40),
    freq=st.sampled_from(["D", "B", "h", "MS", "ME", "W"]),
    start=st.sampled_from(["2024-03-29", "2024-10-25 18:00", "2023-12-30"]),
    zone=st.sampled_from([None, "UTC", "Asia/Seoul", "Europe/Berlin"]),
)
def test_predict_dates_continue_the_datas_calendar_in_its_zone(seoul, n, freq, start, zone):
    dates = pd.date_range(start, periods=n, freq=freq, tz=zone)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # another calendar than the fitted data's: said, and forecast
        out = seoul.predict(frame(dates))
    expected = pd.date_range(dates[-1], periods=4, freq=freq)[1:]  # across a clock change too
    pd.testing.assert_index_equal(pd.DatetimeIndex(out["date"]), expected, check_names=False, exact=False)


def test_a_stock_series_with_market_holidays_is_read_and_forecast_on_business_days(seoul):
    days = pd.bdate_range("2024-11-01", "2025-01-10", tz="Asia/Seoul")
    holidays = pd.DatetimeIndex(["2024-12-25", "2025-01-01"]).tz_localize("Asia/Seoul")
    stock = frame(days.difference(holidays))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one day apart at the median, as the fitted data: nothing to say
        out = seoul.predict(stock)
    assert [str(d.date()) for d in out["date"]] == ["2025-01-13", "2025-01-14", "2025-01-15"]  # Fri -> Mon
