"""Do a series' changes grow with its level? The test that tells returns from differences.

Returns (``y_{t+h} / y_t - 1``) describe a series whose moves are a share of where it stands: a stock moves
about 1% a day at 50 or at 500. Differences (``y_{t+h} - y_t``) describe one whose moves have a size of their
own: a weekly season of fixed amplitude on a rising trend, an unemployment rate that moves a tenth of a point
at 4% or at 9%. On such a series, returns make the same swing look smaller as the level rises, and a model
fitted on early rows meets a different series on later ones.

The test follows Guerrero (1993), who chose a Box-Cox power the same way: cut the training rows into ``B``
blocks of equal length, and in each block ``b`` take the mean level ``m_b`` and the spread ``s_b`` (standard
deviation) of the one-step changes. Then fit by least squares

    log s_b = a + beta * log m_b,    b = 1..B

``beta`` near 1: the changes grow in proportion to the level (multiplicative, returns); ``beta`` near 0:
they do not (additive, differences). The slope's standard error says whether the data can tell: a series
whose level hardly moves cannot, and its error is large. :func:`changes_scale` gives ``beta`` and its error;
:attr:`ScaleSlope.additive` is the confident "no": ``beta + 2 se`` below :data:`ADDITIVE_BELOW`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BLOCKS = 20  # blocks of the training rows (fewer when a block would be shorter than MIN_BLOCK)
MIN_BLOCK = 5  # rows per block: the spread of fewer changes is mostly noise
MIN_BLOCKS = 8  # a slope through fewer points says too little to act on
ADDITIVE_BELOW = 0.5  # beta + 2 se below this: the changes do not grow with the level


@dataclass(frozen=True)
class ScaleSlope:
    """``beta`` of ``log s_b = a + beta log m_b`` over ``blocks`` blocks, with its standard error ``se``."""

    slope: float
    se: float
    blocks: int

    @property
    def additive(self) -> bool:
        """True when the data say, with about 97.5% confidence, that the changes do not grow with the level."""
        return self.slope + 2 * self.se < ADDITIVE_BELOW

    def words(self) -> str:
        """One clause for a reason line, e.g. ``the changes do not grow with the level (slope 0.06 ± 0.14 ...)``."""
        verb = "do not grow" if self.additive else "may grow"
        return (
            f"the changes {verb} with the level (slope {self.slope:.2f} ± {2 * self.se:.2f} of their log spread "
            f"on the log level, over {self.blocks} blocks of the training rows)"
        )


def _slope_and_se(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope of ``y`` on ``x`` (with an intercept) and its standard error (``n - 2`` degrees)."""
    xc = x - x.mean()
    sxx = float(xc @ xc)
    slope = float(xc @ (y - y.mean())) / sxx
    resid = y - y.mean() - slope * xc
    return slope, float(np.sqrt(resid @ resid / (len(x) - 2) / sxx))


def changes_scale(train: np.ndarray) -> ScaleSlope | None:
    """The scale test of the module docstring on the training rows of a positive series.

    Args:
        train: ``(T,)`` the target's training values, all > 0.

    Returns:
        The slope and its error, or None where the test cannot be made: too few rows for
        :data:`MIN_BLOCKS` blocks of :data:`MIN_BLOCK`, a block whose changes are all equal (a log spread
        of minus infinity), or blocks that all share one mean level.
    """
    y = np.asarray(train, dtype=np.float64)
    blocks = min(BLOCKS, len(y) // MIN_BLOCK)
    if blocks < MIN_BLOCKS or not (y > 0).all():
        return None
    rows = len(y) // blocks
    y = y / y.max()  # the slope does not depend on the unit, and squares of 1e200 would overflow
    parts = y[len(y) - blocks * rows :].reshape(blocks, rows)  # the newest rows, in equal blocks
    spread = np.diff(parts, axis=1).std(axis=1, ddof=1)
    level = parts.mean(axis=1)
    if (spread <= 0).any() or np.ptp(np.log(level)) == 0:
        return None
    slope, se = _slope_and_se(np.log(level), np.log(spread))
    return ScaleSlope(slope, se, blocks)
