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
from rnnkit.forecast.dates import show_date
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
            change = 100.0 * (self.point[i] / self.last - 1.0) if self.last else float("nan")
            text = f"forecast {show_date(day, seconds=False)} (+{i + 1}): {self.target} {self.point[i]:.4f} ({change:+.2f}%)"
            if len(self.levels) >= 2:
                width = self.levels[-1] - self.levels[0]
                text += f", {width:.0%} interval {self.quantiles[i, 0]:.4f} to {self.quantiles[i, -1]:.4f}"
            text += f"; last {self.last:.4f} on {show_date(self.last_date, seconds=False)}"
            out.append(text)
        return out


def future_dates(dates: pd.DatetimeIndex, horizon: int) -> pd.DatetimeIndex:
    """The next ``horizon`` dates: business days for weekday-only daily data, else the median spacing."""
    if len(dates) < 2:
        raise RnnkitError("need at least two dates to tell the spacing of the series")
    ns = dates.to_numpy().astype("datetime64[ns]").astype(np.int64)
    spacing = pd.Timedelta(int(np.median(np.diff(ns))), unit="ns")
    last = dates[-1]
    if pd.Timedelta(hours=20) <= spacing <= pd.Timedelta(days=1, hours=4) and (dates.dayofweek < 5).all():
        return pd.bdate_range(last + pd.offsets.BDay(1), periods=horizon)
    if pd.Timedelta(days=27) <= spacing <= pd.Timedelta(days=32) and (dates.day == 1).all():
        return pd.DatetimeIndex([last + pd.DateOffset(months=i) for i in range(1, horizon + 1)])
    return pd.DatetimeIndex([last + spacing * i for i in range(1, horizon + 1)])


def check_horizon(horizon: int | None, trained: int, api: bool = False) -> int:
    """``horizon`` steps to forecast (None: the trained ``H``); beyond ``H`` is an error naming ``H``.

    ``api``: word the message for Python (``horizon=``, ``Forecaster(horizon=...)``), not the CLI.
    """
    if horizon is None:
        return trained
    flag, retrain = ("horizon=", "Forecaster(horizon={})") if api else ("--horizon ", "--horizon {}")
    if horizon < 1:
        raise RnnkitError(f"{flag}{horizon}: the horizon must be at least 1")
    if horizon > trained:
        raise RnnkitError(
            f"{flag}{horizon} is beyond the model's trained horizon of {trained} step(s); it forecasts "
            f"steps 1 to {trained} directly, not recursively (fed its own forecasts, its intervals would be "
            f"too narrow); train with {retrain.format(horizon)} to forecast further"
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
    x = latest_window(series, forecaster.window, forecaster.transform, forecaster.in_scaler)  # (1, W, C)
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
