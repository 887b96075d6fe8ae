"""Forecasts beyond the end of the data: the latest window in, the next ``H`` steps out.

Used by ``rnnkit forecast predict`` (and at the end of ``train``); imports no training code.

A model forecasts at most the ``H`` steps it was trained for (``--horizon``), all at once (direct
multi-step). A longer ``--horizon`` at prediction time is refused with one line naming the trained
horizon, rather than forecast recursively: feeding the model's own medians back as if they were
observed treats them as certain, so the quantiles of every later step come out too narrow, and the
model never saw its own errors as inputs in training. A model trained with ``--horizon N`` learns steps
``1..N`` directly and calibrates each step's interval on validation data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rnnkit.forecast.data import Series
from rnnkit.forecast.dates import (
    inferred_offset,
    median_spacing,
    show_date,
    spacing,
    timedelta_words,
    usual_step,
)
from rnnkit.forecast.forecaster import TrainedModel
from rnnkit.forecast.prepare import latest_window
from rnnkit.utils.errors import RnnkitError


@dataclass
class NextForecast:
    """The next ``H`` steps after the last row.

    Attributes:
        last_date, last: the last seen date and target value.
        dates: ``(H,)`` the dates forecast (business days for weekday-only daily data).
        quantiles: ``(H, Q)`` forecasts in price units; ``levels`` the ``Q`` quantile levels.
        point: ``(H,)`` the median (point) forecasts.
    """

    target: str
    last_date: pd.Timestamp
    last: float
    dates: pd.DatetimeIndex
    quantiles: np.ndarray
    levels: list[float]
    point: np.ndarray

    def lines(self) -> list[str]:
        """One line per step: ``2013-03-04  IBM close 201.3  (80% interval 197.2 to 205.1; last ...)``."""
        out = []
        for i, day in enumerate(self.dates):
            text = (
                f"forecast {show_date(day, seconds=False)} (+{i + 1}): {self.target} "
                f"{show_value(self.point[i])} ({percent_change(self.point[i], self.last)})"
            )
            if len(self.levels) >= 2:
                width = self.levels[-1] - self.levels[0]
                text += (
                    f", {width:.0%} interval {show_value(self.quantiles[i, 0])} to "
                    f"{show_value(self.quantiles[i, -1])}"
                )
            text += f"; last {show_value(self.last)} on {show_date(self.last_date, seconds=False)}"
            out.append(text)
        return out

    def to_dict(self) -> dict:
        """The forecast for programs (``forecast predict --json``): each step's date, point forecast and
        quantiles (``q0.1``, as ``predictions.csv`` names them), in the series' units, dated as printed."""
        steps = [
            {
                "step": i + 1,
                "date": show_date(day, seconds=False),
                "forecast": float(self.point[i]),
                **{f"q{level:g}": float(self.quantiles[i, k]) for k, level in enumerate(self.levels)},
            }
            for i, day in enumerate(self.dates)
        ]
        last_date = show_date(self.last_date, seconds=False)
        return {"target": self.target, "last_date": last_date, "last": self.last, "steps": steps}


def show_value(value: float) -> str:
    """A forecast or value for a line: 4 decimals (``175.2552``), or 6 significant digits when that
    would print more than 12 digits or hide a tiny value (``8.63343e+301``, ``1.2e-07``)."""
    value = float(value)
    if not np.isfinite(value) or value == 0 or 1e-4 <= abs(value) < 1e12:
        return f"{value:.4f}"
    return f"{value:.6g}"


def percent_change(value: float, last: float) -> str:
    """The change from ``last`` in percent of ``|last|`` (a rise is ``+`` whatever the sign of
    ``last``); ``n/a`` when ``last`` is 0 (no percentage of nothing)."""
    if last == 0 or not np.isfinite(last) or not np.isfinite(value):
        return "change n/a"
    with np.errstate(over="ignore", invalid="ignore"):
        change = 100.0 * (float(value) - float(last)) / abs(float(last))
    return f"{change:+.2f}%" if np.isfinite(change) else "change n/a"


def future_dates(dates: pd.DatetimeIndex, horizon: int) -> pd.DatetimeIndex:
    """The next ``horizon`` dates, following the calendar of the series.

    Weekday-only daily data continue on business days. Otherwise the frequency pandas infers
    (:func:`pandas.infer_freq`, over every date, else over the latest ones: a gap long ago does not
    matter) continues the series with its offset, so month ends stay month ends (``MonthEnd``), quarters
    quarters (``QuarterEnd``) and years years; twice-monthly dates (the 15th and the month's end, or
    the 1st and the 15th), which pandas does not infer, stay so. Monthly data on one day of the month (the 15th) keep
    that day; a series with no regular frequency continues by its median spacing.
    """
    if len(dates) < 2:
        raise RnnkitError("need at least two dates to tell the spacing of the series")
    spacing = median_spacing(dates)
    last = dates[-1]
    if pd.Timedelta(hours=20) <= spacing <= pd.Timedelta(days=1, hours=4) and (dates.day_of_week < 5).all():
        # at the series' time of day (a close at 16:00 stays at 16:00; bdate_range would normalise it)
        return pd.DatetimeIndex([last + pd.offsets.BDay(i) for i in range(1, horizon + 1)])
    offset = _inferred_offset(dates)
    if offset is not None:
        return pd.DatetimeIndex([last + offset * i for i in range(1, horizon + 1)])
    if pd.Timedelta(days=27) <= spacing <= pd.Timedelta(days=32) and (dates.day == last.day).all():
        # the same day of every month (the 15th: no pandas frequency names it)
        return pd.DatetimeIndex([last + pd.DateOffset(months=i) for i in range(1, horizon + 1)])
    return pd.DatetimeIndex([last + spacing * i for i in range(1, horizon + 1)])


# Calendars pandas.infer_freq never names: twice a month, on the 15th and the month's end (pay days)
# or on the 1st and the 15th. Without them such a series continued by its median spacing, 15 days
# (2024-06-30 was followed by 07-15, 07-30, 08-14).
UNINFERRED = (pd.offsets.SemiMonthEnd(), pd.offsets.SemiMonthBegin())


def _inferred_offset(dates: pd.DatetimeIndex) -> pd.DateOffset | None:
    """The pandas offset of the series' frequency (all dates, else the latest 13 or 5), or None."""
    for tail in (len(dates), 13, 5):
        if tail > len(dates) or tail < 3:
            continue
        offset = inferred_offset(dates[-tail:]) or _uninferred_offset(dates[-tail:])
        if offset is not None:  # never pandas' deprecated string path (it warns)
            return offset
    return None


def _uninferred_offset(dates: pd.DatetimeIndex) -> pd.DateOffset | None:
    """One of :data:`UNINFERRED` when every date is one step of it after the one before, or None."""
    for offset in UNINFERRED:
        if all(a + offset == b for a, b in zip(dates[:-1], dates[1:], strict=True)):
            return offset
    return None


# New data whose usual step (:func:`~rnnkit.forecast.dates.usual_step`) is not strictly between these multiples of the training
# data's step are another calendar (weekly rows for a daily model, rows every 2 days, half-hourly rows for
# an hourly model): each row is one step of the model's own, so its forecasts would be dated and meant
# in the wrong unit. Wide enough for business days against calendar days (a weekend's 3 days is not
# the usual step) and for a month of 28 days against the training data's 31.
SPACING_TOLERANCE = (0.5, 2.0)


def trained_data_marks(series: Series) -> dict:
    """What ``config.json``'s ``info`` keeps of the training data for :func:`data_warnings`: the median
    step between its dates (``step``, a ``pd.Timedelta`` string), its last date and the target's value then."""
    return {
        "last_date": str(series.dates[-1]),
        "step": str(usual_step(series.dates)),  # as the new data's step is taken
        "calendar": spacing(series.dates),  # in words (monthly), or None: irregular
        "last_value": float(series.target[-1]),
    }


def data_warnings(info: dict, series: Series) -> list[str]:
    """Warnings when ``series`` does not look like the data the model was trained on: its dates step
    by another calendar than the training data's (a daily model given weekly rows forecasts days from
    weeks), or its target differs from the training data's on their last date (another series, or
    values revised since). Models saved without the marks of :func:`trained_data_marks` get none."""
    out = []
    if info.get("step") and len(series) >= 2:
        trained, now = pd.Timedelta(info["step"]), usual_step(series.dates)
        if not SPACING_TOLERANCE[0] < now / trained < SPACING_TOLERANCE[1]:
            out.append(
                f"{series.name}'s dates are {_step_words(series.dates, now)}, the model's training data "
                f"were {info.get('calendar') or 'every ' + timedelta_words(trained)}: it reads each row as one of its own steps, so "
                "its forecasts are of the wrong step (give it data on its own calendar, or retrain on this one)"
            )
    last_date, last_value = info.get("last_date"), info.get("last_value")
    if last_date is not None and last_value is not None:
        at = series.dates.get_indexer([pd.Timestamp(last_date)])[0]
        if at >= 0 and not np.isclose(series.target[at], last_value, rtol=1e-9, atol=0.0):
            out.append(
                f"{series.name}'s {series.columns[0]} on {show_date(series.dates[at], seconds=False)} is "
                f"{show_value(series.target[at])}, the model's training data had {show_value(last_value)}: "
                "another series, or values revised since training"
            )
    return out


def _step_words(dates: pd.DatetimeIndex, step: pd.Timedelta) -> str:
    return spacing(dates) or f"every {timedelta_words(step)}"


def check_horizon(horizon: int | None, trained: int) -> int:
    """``horizon`` steps to forecast (None: the trained ``H``); beyond ``H`` is an error naming ``H``
    (in the Python API's words there: :mod:`rnnkit.forecast.python_words`)."""
    if horizon is None:
        return trained
    if horizon < 1:
        raise RnnkitError(f"--horizon {horizon}: the horizon must be at least 1")
    if horizon > trained:
        raise RnnkitError(
            f"--horizon {horizon} is beyond the model's trained horizon of {trained} step(s); it forecasts "
            f"steps 1 to {trained} directly, not recursively (fed its own forecasts, its intervals would be "
            f"too narrow); train with --horizon {horizon} to forecast further"
        )
    return horizon


def forecast_next(
    forecaster: TrainedModel, series: Series, show_progress: bool = False, horizon: int | None = None
) -> NextForecast:
    """Forecast the first ``horizon`` (default all ``H``) steps after the last row of ``series``.

    ``series`` has the columns the model was trained on; ``horizon`` above the trained ``H`` raises
    (see the module docstring for why the model does not forecast recursively).
    """
    steps = check_horizon(horizon, forecaster.horizon)
    x = latest_window(
        series, forecaster.window, forecaster.transform, forecaster.in_scaler, forecaster.feature_changes
    )  # (1, W, C)
    last = float(series.target[-1])
    quant = forecaster.predict_prices(x, np.array([last]), show_progress=show_progress)[0]  # (H, Q)
    return NextForecast(
        target=series.columns[0],
        last_date=series.dates[-1],
        last=last,
        dates=future_dates(series.dates, steps),
        quantiles=quant[:steps],
        levels=[float(q) for q in forecaster.hyper.quantiles],
        point=quant[:steps, forecaster.point_index],
    )
