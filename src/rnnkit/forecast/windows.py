"""Target transforms, sliding windows, chronological splits and scalers fitted on training rows only.

Alignment (the lecture's example, pinned by a unit test): rows are time steps ``0..T-1``. A sample is
named by its *end* row ``t``, the last row the model sees. Its input is rows ``t-W+1 .. t`` and its
targets are rows ``t+1 .. t+H``. With ``W=4, H=1`` the window of days 1 to 4 predicts day 5.

Targets are *cumulative* from the last seen value ``y_t``, so that every horizon maps back to prices
by one monotone function (quantiles stay quantiles)::

    returns:      z_{t,h} = y_{t+h} / y_t - 1          y_{t+h} = y_t (1 + z)
    log-returns:  z_{t,h} = log(y_{t+h} / y_t)         y_{t+h} = y_t exp(z)
    differences:  z_{t,h} = y_{t+h} - y_t              y_{t+h} = y_t + z
    prices:       z_{t,h} = y_{t+h}                    y_{t+h} = z

``differences`` are the returns of a series that may be zero or negative (a temperature anomaly, a
balance, a spread): like returns they start from "no change" and never leave the range the model was
trained on when the level wanders off it, and they need no positive values.

Inputs are one-step changes of each column (row ``i`` holds ``y_i / y_{i-1} - 1`` for returns,
``y_i - y_{i-1}`` for differences), so row 0 has no input in the change modes (every mode but prices)
and the first sample ends at row ``W``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rnnkit.utils.errors import RnnkitError

PREDICT_CHOICES = ("returns", "log-returns", "differences", "prices")
POSITIVE_ONLY = ("returns", "log-returns")  # the transforms that divide by the last value


def check_predict(kind: str) -> str:
    if kind not in PREDICT_CHOICES:
        raise RnnkitError(f"unknown --predict {kind!r}; choose one of: {', '.join(PREDICT_CHOICES)}")
    return kind


def first_input_row(kind: str) -> int:
    """Row 0 has no previous value to take a return against."""
    return 0 if check_predict(kind) == "prices" else 1


def check_positive(values: np.ndarray, name: str, kind: str, trained: bool = False) -> None:
    """Returns and log-returns need a strictly positive target.

    ``trained``: ``kind`` is a saved model's (``predict``, ``eval``), which has no ``--predict`` to
    change: the message says to train a model on the series in differences or levels instead.
    """
    if kind in POSITIVE_ONLY and (values <= 0).any():
        n = int((values <= 0).sum())
        if trained:
            raise RnnkitError(
                f"the model predicts {kind}, which needs positive values, but {name!r} has {n} value(s) "
                "<= 0, so it cannot forecast this series; train a model on it with --predict differences or "
                "--predict prices"
            )
        raise RnnkitError(
            f"--predict {kind} needs positive values, but {name!r} has {n} value(s) <= 0; use --predict "
            "differences or --predict prices"
        )


FEATURE_CHANGES = ("log-ratio", "difference")  # how a feature column's one-step change is taken


def feature_changes(values: np.ndarray) -> tuple[str, ...]:
    """For each feature column of ``values`` ``(T, C)`` (columns 1..C-1): ``log-ratio`` when every value
    is positive (tames spikes, such as volume's), else ``difference``. Decided once, on the training
    file, and saved with the model: decided again on the file given to ``predict``, one old value <= 0
    there switched a feature to differences and the forecast moved, on a window of the same values."""
    return tuple("log-ratio" if (values[:, c] > 0).all() else "difference" for c in range(1, values.shape[1]))


def step_inputs(
    values: np.ndarray,
    kind: str,
    changes: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    row_name: Callable[[int], str] | None = None,
) -> np.ndarray:
    """One-step changes of every column, the model's inputs.

    Column 0 (the target) uses ``kind``; other columns (features such as volume) use ``changes`` (one
    of :data:`FEATURE_CHANGES` each; None decides them on ``values``, :func:`feature_changes`); in
    ``prices`` mode every column is a level. A feature read as log-ratios with a value <= 0 in
    ``values`` is an error naming it and the value's row (``columns``: the names; ``row_name``: row
    ``i``'s date, for that message).

    Inputs: ``values`` ``(T, C)``. Outputs: ``(T, C)``; row 0 is NaN unless ``kind == "prices"``.
    """
    check_predict(kind)
    if kind == "prices":
        return values.astype(np.float64, copy=True)
    changes = feature_changes(values) if changes is None else tuple(changes)
    out = np.full(values.shape, np.nan)  # (T, C)
    prev, cur = values[:-1], values[1:]  # (T-1, C)
    for c in range(values.shape[1]):
        if c == 0 and kind == "returns":
            out[1:, c] = cur[:, c] / prev[:, c] - 1.0
        elif c == 0 and kind == "differences":
            out[1:, c] = cur[:, c] - prev[:, c]
        elif c == 0:  # log-returns: the target's values are checked positive before (check_positive)
            out[1:, c] = np.log(cur[:, c] / prev[:, c])
        elif changes[c - 1] == "log-ratio":
            if not (values[:, c] > 0).all():
                name = repr(columns[c]) if columns is not None else f"column {c}"
                row = int(np.argmin(values[:, c] > 0))  # the first value <= 0
                at = row_name(row) if row_name is not None else f"row {row}"
                raise RnnkitError(
                    f"feature {name} is {values[row, c]:g} on {at}, where the model reads it: it was trained on its "
                    "log-ratios (every value was positive in its training data), which a value <= 0 has "
                    "none of; give data whose values are positive there, or train again on data holding such values"
                )
            out[1:, c] = np.log(cur[:, c] / prev[:, c])
        else:
            out[1:, c] = cur[:, c] - prev[:, c]
    return out


def window_ends(n_rows: int, window: int, horizon: int, kind: str) -> np.ndarray:
    """``(N,)`` end rows ``t`` of every complete sample: ``first + W - 1 <= t <= T - 1 - H``."""
    if window < 1 or horizon < 1:
        raise RnnkitError(f"--window and --horizon must be at least 1 (got {window} and {horizon})")
    return np.arange(first_input_row(kind) + window - 1, n_rows - horizon)


def gather_windows(inputs: np.ndarray, ends: np.ndarray, window: int) -> np.ndarray:
    """``(T, C)`` inputs -> ``(N, W, C)``: rows ``t-W+1 .. t`` for each end row ``t``."""
    idx = ends[:, None] + np.arange(1 - window, 1)[None, :]  # (N, W)
    return inputs[idx]


def cumulative_targets(y: np.ndarray, ends: np.ndarray, horizon: int, kind: str) -> np.ndarray:
    """``(N, H)`` transformed targets ``z_{t,h}`` for ``h = 1..H``."""
    future = y[ends[:, None] + np.arange(1, horizon + 1)[None, :]]  # (N, H)
    last = y[ends][:, None]  # (N, 1)
    if kind == "returns":
        return future / last - 1.0
    if kind == "log-returns":
        return np.log(future / last)
    if kind == "differences":
        return future - last
    return future


def to_price(z: np.ndarray, last: np.ndarray, kind: str) -> np.ndarray:
    """Invert :func:`cumulative_targets`: ``z`` ``(N, H, ...)`` and ``last`` ``(N,)`` -> prices."""
    shape = (-1,) + (1,) * (z.ndim - 1)
    base = np.asarray(last, dtype=np.float64).reshape(shape)
    if kind == "returns":
        return base * (1.0 + z)
    if kind == "log-returns":
        with np.errstate(
            over="ignore"
        ):  # an exploded forecast is inf, said as such (numpy's warning is noise)
            return base * np.exp(z)
    if kind == "differences":
        return base + z
    return np.asarray(z, dtype=np.float64)


@dataclass(frozen=True)
class Split:
    """Chronological row ranges: train ``[0, train_end)``, validation ``[train_end, val_end)``, test after."""

    train_end: int
    val_end: int
    n_rows: int

    @classmethod
    def by_fraction(cls, n_rows: int, val: float, test: float) -> Split:
        if not 0 < test < 1:
            raise RnnkitError(
                f"--test must be a fraction greater than 0 and below 1 (got {test}): the test part is "
                "what the model is scored on"
            )
        if not 0 <= val < 1:
            raise RnnkitError(f"--val must be a fraction in [0, 1) (got {val})")
        if val + test >= 1:
            raise RnnkitError(
                f"--val {val} and --test {test} leave no rows to train on (val + test must be below 1)"
            )
        n_test = cls.rows_of(n_rows, test)
        n_val = cls.rows_of(n_rows, val)
        return cls(train_end=n_rows - n_test - n_val, val_end=n_rows - n_test, n_rows=n_rows)

    @staticmethod
    def rows_of(n_rows: int, fraction: float) -> int:
        """The rows a fraction of ``n_rows`` holds, rounded (the one rule of every split by fractions)."""
        return int(round(n_rows * fraction))

    def masks(self, ends: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which samples belong to each part: all of a sample's targets ``t+1..t+H`` lie in that part.

        A sample whose targets straddle a boundary belongs to none, so no target is shared.
        """
        first, last = ends + 1, ends + horizon
        train = last < self.train_end
        val = (first >= self.train_end) & (last < self.val_end)
        test = (first >= self.val_end) & (last < self.n_rows)
        return train, val, test


@dataclass
class Scaler:
    """Standardisation ``(x - mean) / std`` per column, fitted on training data only."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> Scaler:
        """``x`` ``(N, C)``; NaN rows are ignored.

        A column is constant when its spread is at most 1e-12 of its size (the size being its largest
        value, or 1 for values below 1): the floor is relative for small values, so that a series of
        1e-15 (a physics user's data in SI units) or of 1e-297 keeps its own spread; with an absolute
        floor of 1e-12 it was "constant", scaled by 1, and the model forecast 1e-4 for it. A constant
        column gets ``std = 1``, its own size below 1, or a millionth of its mean beyond 1e6, so that
        its scaled values stay small where the mean's own rounding is large (a column of 5e303 scaled by
        1 overflowed float32). Squares that overflow (values near 1e300) or underflow (near 1e-297, whose
        squares are 0) are avoided by scaling each column by its largest value first.
        """
        mean = np.nanmean(x, axis=0)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            size = np.nanmax(np.abs(x), axis=0) if len(x) else np.ones(np.shape(x)[1:])
            size = np.where(np.isfinite(size) & (size > 0), size, 1.0)
            std = np.nanstd(x, axis=0)
            odd = ~np.isfinite(std) | (size < 1e-100)  # squares overflow, or underflow to 0
            if odd.any():
                std = np.where(odd, size * np.nanstd(x / size, axis=0), std)
        floor = 1e-12 * np.minimum(size, 1.0)
        constant = np.maximum(1e-6 * np.abs(np.nan_to_num(mean)), np.minimum(size, 1.0))
        std = np.where(std > floor, std, constant)
        return cls(mean=mean, std=std)

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.std

    def inverse(self, x: np.ndarray) -> np.ndarray:
        return x * self.std + self.mean

    def to_dict(self) -> dict[str, list[float]]:
        return {"mean": [float(v) for v in self.mean], "std": [float(v) for v in self.std]}

    @classmethod
    def from_dict(cls, d: dict) -> Scaler:
        return cls(mean=np.asarray(d["mean"], dtype=np.float64), std=np.asarray(d["std"], dtype=np.float64))
