"""Point-forecast metrics, all in price units.

With actual ``y``, forecast ``f``, error ``e = f - y`` over ``n`` test samples, last seen value ``y_t``:

    MAE   = mean |e|
    RMSE  = sqrt(mean e^2)
    MAPE  = 100 * mean |e| / |y|                      (percent, over the samples with y != 0: no percentage
                                                      of 0; NaN when every y is 0)
    sMAPE = 100 * mean 2 |e| / (|y| + |f|)            (percent, 0..200)
    (both NaN when the actuals cross zero: a percentage of a value passing through 0 means nothing, and
    one actual of 0.01 would outweigh the rest; :func:`crosses_zero`)
    MASE  = MAE / mean_{i in train} |y_i - y_{i-1}|   (Hyndman & Koehler 2006: scaled by the in-sample
                                                      one-step naive error, so MASE < 1 beats that;
                                                      NaN when the training part never changes)
    direction accuracy = share of samples with sign(f - y_t) == sign(y - y_t), over samples where the
        actual value moved; a forecast of "no change" counts as a miss, and a forecaster that never
        calls a direction (the naive one) gets NaN, shown as "-".
"""

from __future__ import annotations

import math

import numpy as np

METRIC_NAMES = ("MAE", "RMSE", "MAPE", "sMAPE", "MASE", "dir_acc")


def mae(actual: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean(np.abs(pred - actual)))


def rmse(actual: np.ndarray, pred: np.ndarray) -> float:
    err = pred - actual
    with np.errstate(over="ignore"):
        value = float(np.sqrt(np.mean(err**2)))
    if (math.isinf(value) or (value == 0 and err.any())) and np.isfinite(err).all():
        # squares overflow (values near 1e300) or underflow to 0 (near 1e-297): scale first
        scale = float(np.max(np.abs(err)))
        value = scale * float(np.sqrt(np.mean((err / scale) ** 2)))
    return value


def crosses_zero(actual: np.ndarray) -> bool:
    """Actuals of both signs: no percentage error of them means anything (MAPE and sMAPE are NaN)."""
    return bool(actual.size and np.min(actual) < 0 < np.max(actual))


def mape(actual: np.ndarray, pred: np.ndarray) -> float:
    if crosses_zero(actual):
        return math.nan
    nonzero = actual != 0
    if not nonzero.any():
        return math.nan
    return float(100.0 * np.mean(np.abs(pred - actual)[nonzero] / np.abs(actual[nonzero])))


def smape(actual: np.ndarray, pred: np.ndarray) -> float:
    if crosses_zero(actual):
        return math.nan
    denom = np.abs(actual) + np.abs(pred)
    ok = denom > 0
    if not ok.any():
        return math.nan
    return float(100.0 * np.mean(2.0 * np.abs(pred - actual)[ok] / denom[ok]))


def naive_scale(train_values: np.ndarray) -> float:
    """MASE's denominator: mean absolute one-step change over the training part."""
    if len(train_values) < 2:
        return math.nan
    return float(np.mean(np.abs(np.diff(train_values))))


def mase(actual: np.ndarray, pred: np.ndarray, scale: float) -> float:
    return mae(actual, pred) / scale if scale > 0 else math.nan


def direction_accuracy(actual: np.ndarray, pred: np.ndarray, last: np.ndarray) -> float:
    """Share of correctly called up/down moves; NaN when the forecaster never calls a direction."""
    called = np.sign(pred - last)
    moved = np.sign(actual - last)
    if not called.any():
        return math.nan
    counted = moved != 0
    if not counted.any():
        return math.nan
    return float(np.mean(called[counted] == moved[counted]))


def score(actual: np.ndarray, pred: np.ndarray, last: np.ndarray, scale: float) -> dict[str, float]:
    """All metrics for one forecaster; arrays ``(n,)`` in price units."""
    return {
        "MAE": mae(actual, pred),
        "RMSE": rmse(actual, pred),
        "MAPE": mape(actual, pred),
        "sMAPE": smape(actual, pred),
        "MASE": mase(actual, pred, scale),
        "dir_acc": direction_accuracy(actual, pred, last),
    }


def fmt(value: float, name: str = "") -> str:
    """A metric for a table: ``-`` for NaN, percentages for direction accuracy."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if name == "dir_acc":
        return f"{100 * value:.1f}%"
    return f"{value:.4g}"
