"""Random DataFrames of the kinds pandas users build (columns of many dtypes and names, indexes of dates,
periods, ids, repeated labels, rows in any order) read as a series or refused in one RnnkitError line:
never another exception from deep inside pandas, never a series out of time order."""

from __future__ import annotations

import decimal
import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnkit.forecast.checks import as_data
from rnnkit.forecast.data import load_series
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError

NAMES = ["date", "Date", "ds", "when", "month", "y", "sales", "Close", "0", "id"]


def _column(kind: str, n: int, rng: np.random.Generator, dates: pd.DatetimeIndex) -> object:
    """A column of ``n`` values of one kind, as users' frames hold them."""
    numbers = np.round(100 + np.cumsum(rng.normal(size=n)), 2)
    gaps = rng.random(n) < 0.2
    return {
        "float": numbers,
        "float with NaN": np.where(gaps, np.nan, numbers),
        "Int64 with NA": pd.array(
            [None if g else int(x) for g, x in zip(gaps, numbers, strict=True)], dtype="Int64"
        ),
        "numeric text": [f"{x:.2f}" for x in numbers],
        "junk text": [f"x{k}" for k in range(n)],
        "Decimal": [decimal.Decimal(f"{x:.2f}") for x in numbers],
        "category": pd.Categorical(numbers),
        "bool": numbers > 100,
        "inf": np.where(gaps, np.inf, numbers),
        "dates": dates,
        "zoned dates": dates.tz_localize("Europe/Berlin", nonexistent="shift_forward", ambiguous="NaT"),
        "date text": dates.strftime("%d/%m/%Y"),
        "object Timestamps": pd.Series(list(dates.tz_localize("Asia/Seoul")), dtype=object),
        "month numbers": dates.month,
        "all NaN": np.full(n, np.nan),
        "dates with a gap": pd.Series(dates).where(~gaps),
        "huge": numbers * 1e300,
    }[kind]


KINDS = [
    "float",
    "float with NaN",
    "Int64 with NA",
    "numeric text",
    "junk text",
    "Decimal",
    "category",
    "bool",
    "inf",
    "dates",
    "zoned dates",
    "date text",
    "object Timestamps",
    "month numbers",
    "all NaN",
    "dates with a gap",
    "huge",
]
INDEXES = [
    "range",
    "dates",
    "zoned dates",
    "periods",
    "repeated label",
    "text",
    "id and date",
    "reversed dates",
]


def _index(kind: str, n: int, dates: pd.DatetimeIndex) -> pd.Index:
    return {
        "range": pd.RangeIndex(n),
        "dates": dates,
        "zoned dates": dates.tz_localize("UTC"),
        "Berlin dates": pd.date_range(
            dates[0] if n else "2024-01-01", periods=n, freq=dates.freq, tz="Europe/Berlin"
        ),
        "date text": pd.Index(dates.strftime("%Y-%m-%d %H:%M")),
        "periods": dates.to_period("D"),
        "repeated label": pd.Index([0] * n),
        "text": pd.Index([f"r{k}" for k in range(n)]),
        "id and date": pd.MultiIndex.from_arrays([["A"] * n, dates], names=["id", "date"]),
        "reversed dates": dates[::-1],
    }[kind]


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    """A frame of a few columns of random kinds and names, half the time beside a clean value column
    (so that reading succeeds often enough to check what it gives), under a random index, in a random order."""
    n = draw(st.integers(min_value=1, max_value=12))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    start = draw(st.sampled_from(["2024-03-28", "2024-10-25", "2023-12-30"]))
    dates = pd.date_range(start, periods=n, freq=draw(st.sampled_from(["D", "h", "B", "MS"])))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    columns = {name: _column(draw(st.sampled_from(KINDS)), n, rng, dates) for name in names}
    if draw(st.booleans()):
        columns = {"value": _column("float", n, rng, dates), **columns}
    frame = pd.DataFrame(columns, index=_index(draw(st.sampled_from(INDEXES)), n, dates))
    if n > 1 and draw(st.booleans()):  # rows in another order: shuffled or newest first
        frame = frame.iloc[rng.permutation(n) if draw(st.booleans()) else np.arange(n)[::-1]]
    return frame


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=frames(), missing=st.sampled_from(["error", "fill", "drop"]), series=st.booleans())
def test_a_random_frame_is_a_series_in_time_order_or_one_line(frame, missing, series):
    data = frame.iloc[:, 0] if series else frame  # a Series: its name is the values' column
    target = "value" if "value" in frame and not series else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read = load_series(as_data(data, "fit"), missing=missing, target=target)
    except RnnkitError as exc:
        message = str(exc)
        assert message and "\n" not in message
        return
    assert read.dates.is_monotonic_increasing and read.dates.is_unique
    assert read.values.dtype == np.float64 and np.isfinite(read.values).all()
    assert len(read.values) == len(read.dates) >= 1


@st.composite
def long_frames(draw: st.DrawFn) -> pd.DataFrame:
    """Several series in long format: an id column (text, numbers, categories, a gap), dates, values."""
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    parts = []
    for key in draw(st.lists(st.sampled_from(["A", "B", "7", "07"]), min_size=1, max_size=3, unique=True)):
        n = draw(st.integers(min_value=0, max_value=8))
        dates = pd.date_range(draw(st.sampled_from(["2024-03-28", "2024-10-25"])), periods=n, freq="D")
        # zoned dates as values too: beside an empty id, panel._full_id_column's to_datetime raised on
        # their two offsets (a clock change), a traceback from the CLI
        values = {"sales": _column(draw(st.sampled_from(KINDS)), n, rng, dates)}
        parts.append(pd.DataFrame({"id": key, "date": dates, **values}))
    frame = pd.concat(parts, ignore_index=draw(st.booleans()))
    ids = draw(st.sampled_from(["text", "numbers", "category", "a gap"]))
    if ids == "numbers":
        frame["id"] = frame["id"].map({"A": 1, "B": 2, "7": 7, "07": 8})
    elif ids == "category":
        frame["id"] = frame["id"].astype("category")
    elif ids == "a gap" and len(frame):
        frame.loc[frame.index[0], "id"] = None
    if len(frame) > 1 and draw(st.booleans()):
        frame = frame.iloc[rng.permutation(len(frame))]
    layout = draw(st.sampled_from(["columns", "id and date index", "id index", "date index"]))
    if layout == "id and date index":
        frame = frame.set_index(["id", "date"])
    elif layout != "columns":
        frame = frame.set_index(layout.split()[0])
    return frame


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=long_frames(), missing=st.sampled_from(["error", "fill", "drop"]))
def test_a_random_long_frame_is_series_in_time_order_or_one_line(frame, missing):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            panel = load_panel(frame, "id", missing=missing)
    except RnnkitError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert len({s.name for s in panel}) == len(panel) >= 1
    for series in panel:
        assert series.dates.is_monotonic_increasing and series.dates.is_unique
        assert np.isfinite(series.values).all() and len(series.values) == len(series.dates) >= 1
