"""A checked series turned into scaled windows and targets for one chronological split.

The scalers are fitted here and only here, on training rows: the input scaler on input rows before
``split.train_end``, the target scaler on the targets of training samples. Validation and test data
never influence them (a unit test changes the test part and checks the scalers do not move).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import chain

import numpy as np

from rnnkit.forecast.data import Series
from rnnkit.forecast.dates import show_date
from rnnkit.forecast.windows import (
    Scaler,
    Split,
    check_positive,
    check_predict,
    cumulative_targets,
    feature_changes,
    first_input_row,
    gather_windows,
    step_inputs,
    window_ends,
)
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.wording import plural

MIN_TRAIN_SAMPLES = 8
MOST_ROWS_SEARCHED = 100_000  # a short series is told the fewest rows that fit only up to this many
SHORTER_WINDOW = "a shorter --window"  # said only where one fits (panel.too_short reads it)


@dataclass
class Prepared:
    """Everything the model, the baselines and the metrics need for one split.

    Attributes:
        series, window, horizon, predict, split: what it was built from.
        ends: ``(N,)`` end row of each sample.
        inputs: ``(T, C)`` unscaled one-step inputs (row 0 NaN in the returns modes).
        x: ``(N, W, C)`` scaled input windows, float32.
        z: ``(N, H)`` unscaled cumulative targets; ``z_scaled`` the same scaled, float32.
        train, val, test: ``(N,)`` boolean masks.
        in_scaler, out_scaler: fitted on training data only.
        changes: each feature column's one-step change (:func:`~rnnkit.forecast.windows.feature_changes`).
    """

    series: Series
    window: int
    horizon: int
    predict: str
    split: Split
    ends: np.ndarray
    inputs: np.ndarray
    x: np.ndarray
    z: np.ndarray
    z_scaled: np.ndarray
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    in_scaler: Scaler
    out_scaler: Scaler
    changes: tuple[str, ...] = ()

    @property
    def y(self) -> np.ndarray:
        """``(T,)`` the target in price units."""
        return self.series.target

    def actual(self, mask: np.ndarray) -> np.ndarray:
        """``(n, H)`` true prices ``y_{t+1..t+H}`` of the masked samples."""
        ends = self.ends[mask]
        return self.y[ends[:, None] + np.arange(1, self.horizon + 1)[None, :]]

    def last(self, mask: np.ndarray) -> np.ndarray:
        """``(n,)`` the last seen price ``y_t`` of the masked samples."""
        return self.y[self.ends[mask]]


def prepare(
    series: Series,
    window: int,
    horizon: int,
    predict: str,
    val: float = 0.1,
    test: float = 0.2,
    split: Split | None = None,
    scalers: tuple[Scaler, Scaler] | None = None,
    need_test: bool = True,
    changes: tuple[str, ...] | None = None,
) -> Prepared:
    """Build windows, targets, masks and training-only scalers.

    Args:
        series: a checked series (target in column 0).
        window, horizon: input length ``W`` and the number of steps ahead ``H``.
        predict: ``returns|log-returns|differences|prices``.
        val, test: fractions of rows at the end (used when ``split`` is None).
        split: explicit row ranges (the backtest passes one per fold).
        scalers: ``(input, target)`` scalers of a trained model; None fits them on training rows.
        changes: a trained model's feature changes (its ``feature_changes``); None decides them here.
        need_test: False for a final fit on every row (``Forecaster.fit``): no test part is needed.
    """
    check_predict(predict)
    check_positive(series.target, series.columns[0], predict, trained=scalers is not None)
    n = len(series)
    fractions = None if split is not None else (val, test)  # a split of fractions grows with the rows
    split = split or Split.by_fraction(n, val, test)
    need = first_input_row(predict) + window + horizon
    if n < need + MIN_TRAIN_SAMPLES:
        raise RnnkitError(
            f"series too short: {series.name} has {plural(n, 'row')}; --window {window} and --horizon {horizon} "
            f"need at least {need + MIN_TRAIN_SAMPLES} rows before any test set; "
            f"{_advice(n, window, horizon, predict, split, need_test, fractions)}"
        )
    ends = window_ends(n, window, horizon, predict)  # (N,)
    train, val_mask, test_mask = split.masks(ends, horizon)
    n_train, n_val, n_test = int(train.sum()), int(val_mask.sum()), int(test_mask.sum())
    if not _enough(n_train, n_val, n_test, split, need_test):
        # only the parts this split has: a final fit (Forecaster.fit) keeps no test part and --val 0 no
        # validation part, and asking for a window of either misleads
        parts = [("training", n_train, MIN_TRAIN_SAMPLES)]
        parts += [("validation", n_val, 1)] if split.val_end > split.train_end else []
        parts += [("test", n_test, 1)] if need_test else []
        left = f"{_listed([f'{k} {part}' for part, k, _ in parts])} windows"
        need_text = _listed([str(fewest) for _, _, fewest in parts])
        raise RnnkitError(
            f"series too short: {series.name} has {plural(n, 'row')}, which leave {left} for --window {window} "
            f"--horizon {horizon}; need at least {need_text}; "
            f"{_advice(n, window, horizon, predict, split, need_test, fractions, n_train >= MIN_TRAIN_SAMPLES)}"
        )
    # a trained model's own feature changes; None decides them on this series (a fresh fit)
    changes = feature_changes(series.values) if changes is None else tuple(changes)
    inputs = step_inputs(series.values, predict, changes, series.columns, _date_of(series))  # (T, C)
    first = first_input_row(predict)
    z = cumulative_targets(series.target, ends, horizon, predict)  # (N, H)
    if scalers is None:
        in_scaler = Scaler.fit(inputs[first : split.train_end])  # training rows only
        out_scaler = Scaler.fit(z[train])  # training targets only
    else:
        in_scaler, out_scaler = scalers
    scaled = _fits_float32(in_scaler.transform(inputs), series, _date_of(series))
    x = gather_windows(scaled, ends, window).astype(np.float32)  # (N, W, C)
    return Prepared(
        series=series,
        window=window,
        horizon=horizon,
        predict=predict,
        split=split,
        ends=ends,
        inputs=inputs,
        x=x,
        z=z,
        z_scaled=out_scaler.transform(z).astype(np.float32),
        train=train,
        val=val_mask,
        test=test_mask,
        in_scaler=in_scaler,
        out_scaler=out_scaler,
        changes=changes,
    )


def _listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _enough(n_train: int, n_val: int, n_test: int, split: Split, need_test: bool) -> bool:
    """Enough training windows, a validation window where there is a validation part, a test window
    where one is needed."""
    has_val = split.val_end > split.train_end
    return n_train >= MIN_TRAIN_SAMPLES and (n_val >= 1 or not has_val) and (n_test >= 1 or not need_test)


def _fits(n: int, window: int, horizon: int, predict: str, split: Split, need_test: bool) -> bool:
    """Whether ``prepare`` accepts ``n`` rows cut by ``split`` (the checks of ``prepare``, nothing built)."""
    if n < first_input_row(predict) + window + horizon + MIN_TRAIN_SAMPLES:
        return False
    train, val, test = split.masks(window_ends(n, window, horizon, predict), horizon)
    return _enough(int(train.sum()), int(val.sum()), int(test.sum()), split, need_test)


def _fewest_rows(
    window: int, horizon: int, predict: str, fractions: tuple[float, float], need_test: bool
) -> int | None:
    """The fewest rows that ``window`` and ``horizon`` accept when the split is ``(val, test)`` fractions
    of the rows; None beyond :data:`MOST_ROWS_SEARCHED` (a tiny fraction can ask for millions of rows,
    and each count tried costs its rows)."""
    val, test = fractions
    start = first_input_row(predict) + window + horizon + MIN_TRAIN_SAMPLES
    # every part grows with the rows: the training part must hold about ``start`` rows (its share is
    # small when --val and --test are large), the test part ``horizon`` rows, and the validation part
    # ``horizon`` rows, or none at all (a fraction of a few rows rounds to 0); rounding moves a part by a
    # row or so, so the search runs between what the parts need less and plus two rows
    needs = [(start, 1.0 - val - test), *([(horizon, test)] if need_test else [])]
    low = max(start, int(max((rows - 2) / share for rows, share in needs)))
    high = (
        int(max((rows + 2) / share for rows, share in [*needs, *([(horizon, val)] if val > 0 else [])])) + 2
    )
    if val > 0:  # no validation part below 0.5 / val rows; above, one that holds the horizon
        counts = chain(range(low, int(0.5 / val) + 1), range(max(low, int((horizon - 1) / val)), high + 1))
    else:
        counts = range(low, high + 1)
    for n in counts:
        if n > MOST_ROWS_SEARCHED:
            return None
        if _fits(n, window, horizon, predict, Split.by_fraction(n, val, test), need_test):
            return n
    return None


def _advice(
    n: int,
    window: int,
    horizon: int,
    predict: str,
    split: Split,
    need_test: bool,
    fractions: tuple[float, float] | None,
    train_ok: bool = False,
) -> str:
    """What makes a too-short series fit, and only what does: a shorter ``--window`` when one fits these
    rows as they are split; with enough training windows (``train_ok``), a larger ``--val``/``--test``
    where that part is shorter than the horizon (no window lengthens it); the fewest rows when the split
    is fractions (it grows with the rows), else more rows."""
    if any(_fits(n, w, horizon, predict, split, need_test) for w in range(window - 1, 0, -1)):
        return f"give more rows, or {SHORTER_WINDOW}"
    fewest = _fewest_rows(window, horizon, predict, fractions, need_test) if fractions else None
    rows = f"give at least {fewest} rows" if fewest is not None and fewest > n else "give more rows"
    if not train_ok:
        return rows
    val_rows, test_rows = split.val_end - split.train_end, split.n_rows - split.val_end
    parts = [("validation", "--val", val_rows)] if 0 < val_rows < horizon else []
    parts += [("test", "--test", test_rows)] if need_test and test_rows < horizon else []
    if not parts:
        return rows
    said = "; ".join(
        f"its {part} part, {plural(k, 'row')}, is shorter than --horizon {horizon}" for part, _, k in parts
    )
    return f"{said}: {rows}, or a larger {' or '.join(opt for _, opt, _ in parts)}"


def pooled_prepared(preps: list[Prepared]) -> Prepared:
    """The samples of every series in one :class:`Prepared` (what training reads: windows, targets, masks).

    Its ``series``, scalers and ``ends`` are the first series' and stand for nothing pooled; only
    ``x``, ``z``, ``z_scaled`` and the masks are concatenated (each series' ``z_scaled`` is on its own
    target scaler, whatever its transform). One series: ``preps[0]`` itself.
    """
    if len(preps) == 1:
        return preps[0]
    cat = np.concatenate
    return replace(
        preps[0],
        x=cat([p.x for p in preps]),
        z=cat([p.z for p in preps]),
        z_scaled=cat([p.z_scaled for p in preps]),
        train=cat([p.train for p in preps]),
        val=cat([p.val for p in preps]),
        test=cat([p.test for p in preps]),
    )


def latest_window(
    series: Series, window: int, predict: str, in_scaler: Scaler, changes: tuple[str, ...] | None = None
) -> np.ndarray:
    """``(1, W, C)`` the scaled window ending at the last row, for a forecast beyond the data.

    ``changes``: the model's feature changes, saved when it was trained; None (a folder saved before
    they were) decides them on the whole of ``series``, as it then did. Only the rows the window reads
    are transformed, so an old value elsewhere in the file changes nothing."""
    check_positive(series.target, series.columns[0], predict, trained=True)  # a saved model's transform
    need = first_input_row(predict) + window
    if len(series) < need:
        # "needs 5" beside a window of 4 read as a miscount: a change needs the row before it too
        why = f" ({window} {predict}, each from the row before it)" if need > window else ""
        raise RnnkitError(
            f"series too short: {series.name} has {plural(len(series), 'row')}; the model's window needs {need}{why}"
        )
    changes = feature_changes(series.values) if changes is None else changes
    tail = series.values[-need:]  # (need, C): the window's rows and the one its first change starts from
    row_name = _date_of(series, first=len(series) - need)
    inputs = in_scaler.transform(step_inputs(tail, predict, changes, series.columns, row_name))  # (need, C)
    inputs = _fits_float32(inputs, series, row_name)
    return gather_windows(inputs, np.array([need - 1]), window).astype(np.float32)


FLOAT32_MAX = float(np.finfo(np.float32).max)  # 3.4e38: the network computes in float32


def _fits_float32(scaled: np.ndarray, series: Series, row_name: Callable[[int], str]) -> np.ndarray:
    """``scaled`` ``(T, C)``, the model's inputs after scaling, when every finite value fits in float32;
    else one line naming the first row that does not. A value like 1e300 among values near 10 (a
    mistyped number) became inf in float32: the point forecast came out finite and its intervals
    -inf to inf, with no word."""
    with np.errstate(invalid="ignore"):
        far = np.isfinite(scaled) & (np.abs(scaled) > FLOAT32_MAX)  # (T, C)
    if far.any():
        row, col = (int(i[0]) for i in np.nonzero(far))
        raise RnnkitError(
            f"{series.name}: the value read on {row_name(row)} is too far from the rest for the model's "
            f"32-bit arithmetic ({scaled[row, col]:.3g} times their spread); check it for a mistyped number"
        )
    return scaled


def _date_of(series: Series, first: int = 0) -> Callable[[int], str]:
    """Names row ``i`` of ``series.values[first:]`` by its date, for a message about its value."""
    return lambda i: show_date(series.dates[first + i])
