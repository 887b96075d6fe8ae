"""The forecasts a skeptic asks for, computed on exactly the model's test samples.

- naive: ``f_{t+h} = y_t`` (tomorrow = today); optimal for a random walk.
- seasonal naive: ``f_{t+h} = y_{t+h-km}`` with ``k = ceil(h/m)``: the value one season earlier.
- linear autoregression: least squares on the model's own scaled input window (all channels, plus an
  intercept) to the model's own targets ``z_{t,h}``, fitted on training samples only, mapped to prices the
  same way as the model's output.

How the season ``m`` is decided (:func:`detect_season`): a candidate comes from the spacing of the dates
(sub-daily data: one day, ``m = 86400 s / spacing``; daily: a week, 5 when only weekdays occur, else 7;
weekly: 52; monthly: 12; quarterly: 4). It is used only when the training part holds at least three
seasons and the autocorrelation of its first differences at lag ``m`` is at least ``0.2`` (first
differences, so that a trend or a random walk does not look seasonal). ``--season N`` overrides this.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rnnkit.forecast.dates import median_spacing
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.wording import two_decimals

SEASON_ACF_MIN = 0.2


def naive(y: np.ndarray, ends: np.ndarray, horizon: int) -> np.ndarray:
    """``(N, H)``: the last seen value for every step ahead."""
    return np.repeat(y[ends][:, None], horizon, axis=1)


def seasonal_naive(y: np.ndarray, ends: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """``(N, H)``: ``y_{t+h-km}`` with ``k = ceil(h / m)``, the same point of the last seen season."""
    h = np.arange(1, horizon + 1)  # (H,)
    back = season * np.ceil(h / season).astype(int)  # (H,)
    idx = ends[:, None] + h[None, :] - back[None, :]  # (N, H)
    return y[np.clip(idx, 0, None)]


@dataclass
class LinearAR:
    """``z = [x, 1] @ coef``: ordinary least squares from a flattened window to each horizon's target."""

    coef: np.ndarray  # (W*C + 1, H)

    @staticmethod
    def _design(x: np.ndarray) -> np.ndarray:
        flat = x.reshape(len(x), -1).astype(np.float64)  # (N, W*C)
        return np.concatenate([flat, np.ones((len(x), 1))], axis=1)  # (N, W*C+1)

    @classmethod
    def fit(cls, x: np.ndarray, z: np.ndarray) -> LinearAR:
        """``x`` ``(N, W, C)`` training windows, ``z`` ``(N, H)`` their targets.

        Values beyond 1e150 (whose squares overflow inside the SVD) are fitted divided by a power of two
        ``s``: ``z/s = (x/s) w + b'`` has the same slopes ``w``, and the intercept is ``s b'``."""
        design, target = cls._design(x), z.astype(np.float64)
        size = max(float(np.abs(design).max(initial=0.0)), float(np.abs(target).max(initial=0.0)))
        scale = 2.0 ** math.ceil(math.log2(size)) if math.isfinite(size) and size > 1e150 else 1.0
        design[:, :-1] /= scale  # exact: a power of two
        try:
            coef, *_ = np.linalg.lstsq(design, target / scale, rcond=None)
            coef[-1] *= scale
        except np.linalg.LinAlgError:  # what scaling did not save: the SVD did not converge
            coef = None
        if coef is None or not np.isfinite(coef).all():
            raise RnnkitError(
                "the linear AR baseline cannot be fitted on these values (least squares did not converge: "
                "they are too large); rescale the column (divide it by a power of ten)"
            )
        return cls(coef=coef)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """``(N, W, C)`` -> ``(N, H)`` in target units."""
        return self._design(x) @ self.coef


def season_candidate(dates: pd.DatetimeIndex) -> int | None:
    """The calendar season suggested by the spacing of the dates, or None."""
    if len(dates) < 3:
        return None
    spacing = median_spacing(dates).total_seconds()
    day = 86400.0
    if spacing <= 0:
        return None
    if spacing < 0.9 * day:
        m = int(round(day / spacing))
        return m if m >= 2 else None
    if spacing <= 1.5 * day:
        weekdays_only = bool((dates.day_of_week < 5).all())
        return 5 if weekdays_only else 7
    if 6 * day <= spacing <= 8 * day:
        return 52
    if 27 * day <= spacing <= 32 * day:
        return 12
    if 85 * day <= spacing <= 95 * day:
        return 4
    return None


def lag_autocorrelation(x: np.ndarray, lag: int) -> float:
    """Sample autocorrelation at ``lag`` (the usual estimator with the full-series variance)."""
    x = np.asarray(x, dtype=np.float64)
    if lag >= len(x) or lag < 1:
        return math.nan
    d = x - x.mean()
    with np.errstate(over="ignore", invalid="ignore"):
        denom = float(np.dot(d, d))
        if not math.isfinite(denom) or (denom == 0 and d.any()):
            # squares overflow (values near 1e300) or underflow to 0 (near 1e-297): the ratio does not scale
            d = d / np.max(np.abs(d))
            denom = float(np.dot(d, d))
    if denom == 0 or not math.isfinite(denom):
        return math.nan
    return float(np.dot(d[lag:], d[:-lag]) / denom)


def detect_season(dates: pd.DatetimeIndex, train_values: np.ndarray) -> tuple[int | None, str]:
    """``(m or None, the reason in words)`` from the training part only."""
    m = season_candidate(dates)
    if m is None:
        return None, "no season: the date spacing suggests none"
    if len(train_values) < 3 * m + 1:
        return None, f"no season: candidate {m} needs 3 seasons of training data"
    changes = np.diff(train_values)
    if len(changes) and np.all(changes == changes[0]):
        what = "constant" if changes[0] == 0 else "a straight line"
        return None, f"no season: the training part is {what} (its changes do not vary)"
    acf = lag_autocorrelation(changes, m)
    if math.isnan(acf) or acf < SEASON_ACF_MIN:
        return (
            None,
            f"no season: autocorrelation of changes at lag {m} is {two_decimals(acf)} < {SEASON_ACF_MIN}",
        )
    return m, f"season {m}: autocorrelation of changes at lag {m} is {two_decimals(acf)} >= {SEASON_ACF_MIN}"


def choose_season(
    season: int | None, dates: pd.DatetimeIndex, train_values: np.ndarray
) -> tuple[int | None, str]:
    """``season`` None: detect; 0: none; N >= 2: use N."""
    if season is None:
        return detect_season(dates, train_values)
    if season == 0:
        return None, "no season (--season 0)"
    if season < 2:
        raise RnnkitError(f"--season must be 0 (none) or at least 2 (got {season})")
    if season >= len(train_values):
        raise RnnkitError(f"--season {season} is longer than the training part ({len(train_values)} rows)")
    return season, f"season {season} (--season)"
