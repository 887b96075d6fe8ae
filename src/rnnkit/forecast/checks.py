"""Checks of the Python API's arguments, with the command line's ranges and one-line messages.

The command line checks its options through click (``--window`` is an integer in ``1..100000``);
:class:`~rnnkit.forecast.api.Forecaster` takes Python values, so a string window or a zero batch
size would otherwise end deep in numpy or torch. Here each argument is checked by type and range
(the ranges of :data:`rnnkit.utils.limits.OPTION_LIMITS`), and a mistake is one
:class:`~rnnkit.utils.errors.RnnkitError` line naming the argument: ``window must be an integer >= 1
(got '4')``.

Quantile levels are normalised here for both: the point forecast is the median, so 0.5 is always
among them (added when missing).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.limits import OPTION_LIMITS, Range
from rnnkit.utils.whole import is_whole

MEDIAN = 0.5


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:30] + "..."


def is_int(value: object) -> bool:
    return is_whole(value)


def is_number(value: object) -> bool:
    return (is_int(value) or isinstance(value, float | np.floating)) and math.isfinite(float(value))


def check_int(name: str, value: object, lo: int, hi: int | None = None, none_ok: bool = False) -> None:
    """An integer in ``[lo, hi]`` (None allowed with ``none_ok``), else a one-line error."""
    if value is None and none_ok:
        return
    span = f">= {lo}" if hi is None else f"between {lo} and {hi}"
    if not is_int(value) or value < lo or (hi is not None and value > hi):
        raise RnnkitError(f"{name} must be an integer {span} (got {_shown(value)})")


def check_float(name: str, value: object, rng: Range, hi_open: bool = False) -> None:
    """A finite number in ``rng`` (and below its top with ``hi_open``), else a one-line error."""
    left = "(" if rng.min_open else "["
    right = ")" if hi_open else "]"
    inside = is_number(value) and rng.contains(float(value)) and not (hi_open and float(value) >= rng.hi)
    if not inside:
        raise RnnkitError(
            f"{name} must be a number in {left}{rng.lo:g}, {rng.hi:g}{right} (got {_shown(value)})"
        )


def quantile_levels(levels: object, name: str = "quantiles") -> tuple[float, ...]:
    """Sorted distinct levels in (0, 1), with 0.5 added when missing (the point forecast is the median).

    ``levels``: numbers, or a comma-separated string (``"0.1,0.9"``, as ``--quantiles`` takes them).
    """
    if isinstance(levels, str):
        if levels.strip() and not all(q.strip() for q in levels.split(",")):  # 0.1,,0.9: a level lost
            raise RnnkitError(
                f"{name} has an empty item between commas (got {levels!r}); expected e.g. 0.1,0.5,0.9"
            )
        try:
            values = [float(q) for q in levels.split(",") if q.strip()]
        except ValueError:
            raise RnnkitError(
                f"{name} must be numbers between 0 and 1, comma-separated (got {levels!r})"
            ) from None
    elif isinstance(levels, Sequence | np.ndarray) and all(is_number(q) for q in levels):
        values = [float(q) for q in levels]
    else:
        raise RnnkitError(f"{name} must be numbers between 0 and 1 (got {_shown(levels)})")
    if not values or any(not 0 < q < 1 for q in values) or len(set(values)) != len(values):
        raise RnnkitError(f"{name} must be distinct numbers between 0 and 1 (got {_shown(levels)})")
    return tuple(sorted({*values, MEDIAN}))


def check_settings(settings: Any) -> None:
    """Every setting of a :class:`~rnnkit.forecast.settings.ForecastSettings` built from Python values;
    quantiles normalised in place (:func:`quantile_levels`)."""
    from rnnkit.forecast.choose import AUTO
    from rnnkit.forecast.config_schema import MAX_ENSEMBLE
    from rnnkit.forecast.options import MONITOR_CHOICES
    from rnnkit.forecast.windows import PREDICT_CHOICES
    from rnnkit.nn.names import CELL_TYPES
    from rnnkit.train.config import LR_SCHEDULES
    from rnnkit.utils.device import check_device_name

    lim = OPTION_LIMITS
    h = settings.hyper
    check_int("window", settings.window, 1, int(lim["--window", "int"].hi))
    check_int("horizon", settings.horizon, 1, int(lim["--horizon", "int"].hi))
    check_int("seed", settings.seed, 0, int(lim["--seed", "int"].hi))
    check_float("val", settings.val, Range(0.0, 1.0, float), hi_open=True)
    choice("transform", settings.predict, (AUTO, *PREDICT_CHOICES))
    check_device_name(settings.device)
    choice("cell", h.cell, CELL_TYPES)
    check_int("hidden_size", h.hidden_size, 1, int(lim["--hidden-size", "int"].hi))
    check_int("num_layers", h.num_layers, 1, int(lim["--num-layers", "int"].hi))
    check_int("batch_size", h.batch_size, 1, int(lim["--batch-size", "int"].hi))
    check_int("epochs", h.epochs, 1, int(lim["--epochs", "int"].hi), none_ok=True)
    check_int("max_steps", h.max_steps, 1, int(lim["--max-steps", "int"].hi))
    check_int("patience", h.patience, 1, int(lim["--patience", "int"].hi))
    check_int("ensemble", h.ensemble, 1, MAX_ENSEMBLE)
    check_int("aux_steps", h.aux_steps, 0, int(lim["--aux-steps", "int"].hi))
    check_threads(h.threads)
    check_float("dropout", h.dropout, Range(0.0, 1.0, float), hi_open=True)
    check_float("lr", h.lr, lim["--lr", "float"])
    check_float("input_noise", h.input_noise, lim["--input-noise", "float"])
    choice("lr_schedule", h.lr_schedule, ("auto", *LR_SCHEDULES))
    choice("monitor", h.monitor, MONITOR_CHOICES)
    for name in ("calibrate", "linear_blend"):  # "no" is a true string: it would switch it on unsaid
        setattr(h, name, check_switch(name, getattr(h, name)))
    h.quantiles = quantile_levels(h.quantiles)


def check_threads(threads: object) -> None:
    """``threads``: None (the policy of :mod:`rnnkit.utils.threads`) or 1 to ``--threads``' bound. Checked
    on its own too before a verb that only predicts runs on it: ``fc.hyper.threads = 0`` set after
    ``__init__`` reached torch, whose RuntimeError is no one-line message."""
    check_int("threads", threads, 1, int(OPTION_LIMITS["--threads", "int"].hi), none_ok=True)


def check_switch(name: str, value: object) -> bool:
    """An on/off setting as a bool: True or False (numpy's too), anything else refused in one line."""
    if not isinstance(value, bool | np.bool_):
        raise RnnkitError(f"{name} must be True or False (got {_shown(value)})")
    return bool(value)


def choice(name: str, value: object, choices: Sequence[str]) -> None:
    if not isinstance(value, str) or value not in choices:
        raise RnnkitError(f"{name} must be one of {', '.join(choices)} (got {_shown(value)})")


def column_names(name: str, value: object) -> tuple[str, ...]:
    """Column names: a sequence of strings, or one string (``"Close"``, or ``"open,high"`` as
    ``--features`` takes it)."""
    if isinstance(value, str):
        if value.strip() and not all(v.strip() for v in value.split(",")):  # open,,high: a name lost
            raise RnnkitError(
                f"{name} has an empty item between commas (got {value!r}); expected e.g. open,high"
            )
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise RnnkitError(f"{name} must be column names, a list of strings (got {_shown(value)})")


def as_data(data: object, verb: str) -> pd.DataFrame | str | Path:
    """What ``fit``/``predict``/``backtest`` read: a DataFrame, a CSV path or a bundled name; a
    :class:`pandas.Series` with a DatetimeIndex, or a long panel's with named levels (id, date), becomes a
    frame (its name the values' column)."""
    if isinstance(data, pd.DataFrame | str | Path):
        return data
    if isinstance(data, pd.Series):
        if isinstance(data.index, pd.MultiIndex) and None not in data.index.names:
            # a long panel's values by (id, date), as groupby(["id", "date"]).sum() gives them: its levels
            # are the frame's columns (the id column and the dates)
            return data.to_frame(str(data.name) if data.name is not None else "value")
        if not isinstance(data.index, pd.DatetimeIndex | pd.PeriodIndex):
            raise RnnkitError(
                f"{verb}() takes a Series only with a DatetimeIndex or PeriodIndex (the dates), or with named "
                f"levels such as (id, date); this one has a {type(data.index).__name__}: pass a DataFrame "
                "with a date column"
            )
        from rnnkit.forecast.columns import has_column

        frame = data.to_frame(str(data.name) if data.name is not None else "value")
        dates = str(data.index.name) if data.index.name is not None else "date"
        if has_column(frame, dates):  # named as the values are (ds over ds; Date over unnamed dates), as
            # column names compare (without case): the index is the dates, under a date column's name
            dates = next(name for name in ("date", "ds") if not has_column(frame, name))
        return frame.rename_axis(dates)
    raise RnnkitError(
        f"{verb}() takes a DataFrame (a date column or a DatetimeIndex), a Series with a DatetimeIndex, "
        f"a CSV path or a bundled name (got {type(data).__name__})"
    )


def check_horizon_arg(horizon: object) -> None:
    if horizon is not None and not is_int(horizon):
        raise RnnkitError(f"horizon must be an integer >= 1 (got {_shown(horizon)})")
