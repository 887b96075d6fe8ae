"""Conformal calibration of the model's intervals on the validation part (conformalized quantile
regression, Romano, Patterson and Candes 2019).

For a pair of quantile levels ``(lo, hi)`` with nominal coverage ``1 - a = hi - lo``, each validation
sample ``i`` and step ``h`` gets the conformity score::

    s_i = max(q_lo(x_i) - z_i, z_i - q_hi(x_i))        (> 0 when z_i falls outside the interval)

and the offset ``d_h`` is the ``ceil((n + 1)(1 - a))``-th smallest score of the ``n`` samples. The
calibrated interval is ``[q_lo - d_h, q_hi + d_h]``: wider when the raw interval covered too little on
validation, narrower (``d_h < 0``) when it covered too much. With exchangeable data the calibrated
interval covers at least ``1 - a`` of new samples; on a time series that is an approximation, checked
on the test part (the coverage line of every run). The median (point forecast) is never moved.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def symmetric_pairs(levels: Sequence[float]) -> list[tuple[int, int]]:
    """Index pairs ``(k, Q-1-k)`` of sorted levels, one below the point forecast (the level nearest 0.5)
    and one above it, outermost first: ``(0.1, 0.9)`` etc. The point forecast is in no pair, so
    calibration never moves it (``0.1, 0.5, 0.9, 0.95`` pairs 0.1 with 0.95 only; 0.9 stays raw)."""
    if not len(levels):
        return []
    q, mid = len(levels), point_index(levels)
    return [(k, q - 1 - k) for k in range(min(mid, q - 1 - mid))]


def point_index(quantiles: Sequence[float]) -> int:
    """Index of the quantile nearest 0.5: the point forecast (the median when it is among them)."""
    return min(range(len(quantiles)), key=lambda k: abs(quantiles[k] - 0.5))


_EPS32 = float(np.finfo(np.float32).eps)


def conformal_offsets(pred: np.ndarray, z: np.ndarray, levels: Sequence[float]) -> np.ndarray:
    """Offsets ``(H, P)`` for the ``P`` symmetric pairs, in the units of ``pred`` and ``z``.

    Inputs: ``pred`` ``(n, H, Q)`` quantile forecasts on validation samples, ``z`` ``(n, H)`` the truth.

    Each offset is the conformal order statistic plus float32's rounding of the values it came from
    (``eps_32 * max |value|`` per step): the network's outputs and the scaled targets are float32, and
    the sample that sets the offset lies exactly on the bound, so against its float64 actual it fell
    outside by 1e-7 on about half the steps (15 of 18 validation samples covered where the rank
    promises 16).
    """
    n, horizon, _ = pred.shape
    pairs = symmetric_pairs(levels)
    out = np.zeros((horizon, len(pairs)))
    if n == 0:
        return out
    for p, (lo, hi) in enumerate(pairs):
        alpha = 1.0 - (levels[hi] - levels[lo])
        rank = min(math.ceil((n + 1) * (1.0 - alpha)), n)  # 1-based order statistic
        scores = np.maximum(pred[:, :, lo] - z, z - pred[:, :, hi])  # (n, H)
        out[:, p] = np.sort(scores, axis=0)[rank - 1]
    size = np.maximum(np.abs(z).max(axis=0), np.abs(pred).max(axis=(0, 2)))  # (H,)
    return out + (_EPS32 * size)[:, None]


def apply_offsets(pred: np.ndarray, offsets: np.ndarray, levels: Sequence[float]) -> np.ndarray:
    """Widen (or narrow) each pair of ``pred`` ``(N, H, Q)`` by ``offsets`` ``(H, P)``; re-sorted.

    A pair narrowed past the point forecast stops at it (the point forecast never moves), and the
    quantiles are sorted on each side of it so that none cross."""
    out = pred.copy()
    pairs = symmetric_pairs(levels)
    for p, (lo, hi) in enumerate(pairs):
        out[:, :, lo] -= offsets[None, :, p]
        out[:, :, hi] += offsets[None, :, p]
    if pairs:
        mid = point_index(levels)
        point = out[:, :, mid : mid + 1]  # (N, H, 1), never moved
        out[:, :, :mid] = np.minimum(out[:, :, :mid], point)
        out[:, :, mid + 1 :] = np.maximum(out[:, :, mid + 1 :], point)
    return np.sort(out, axis=-1)  # sorted within each side: the point forecast stays in its place
