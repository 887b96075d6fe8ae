"""Walk-forward backtest with an expanding window: K models, each tested on the block after its data.

The last ``test`` fraction of rows is cut into ``K`` consecutive blocks. Fold ``k`` trains on every row
before block ``k`` (its last ``val`` fraction of the series held out for early stopping), fits its own
scalers and linear AR on those training rows, and is scored on block ``k``::

    rows:   | train ............................ | val | block 1 | block 2 | ... | block K |
    fold 1: | train                              | val | test    |
    fold 2: | train                                        | val | test    |
    ...

So every forecast is made by a model that saw only the past, and the training window grows fold by fold.
With ``stride`` the blocks are ``stride`` rows each, the last one ending at the last row (so the
folds may reach back before the test part). Folds are labelled by the dates they test, and
``--predict auto`` is decided per fold on that fold's validation rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from rnnkit.forecast.blend import scored_step_weight
from rnnkit.forecast.choose import Choice
from rnnkit.forecast.data import Series
from rnnkit.forecast.dates import show_date
from rnnkit.forecast.evaluate import (
    MODEL,
    NAIVE,
    SCORED,
    Evaluation,
    against_baselines,
    against_naive,
    all_linear_ar,
    beaten_by,
    count_beaten,
    count_outcomes,
    evaluate,
    pool,
    pooled_rounding,
    scored_in_all,
)
from rnnkit.forecast.metrics import fmt
from rnnkit.forecast.panel import prepare_global, train_global
from rnnkit.forecast.settings import ForecastSettings
from rnnkit.forecast.windows import Split
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.progress import progress
from rnnkit.utils.wording import plural

FORECASTERS = SCORED
BOUND_KEYS = ("train_end", "test_start", "test_end")
# backtest.json says how to read each fold's bounds: its row numbers and its dates name the same rows.
BOUNDS = (
    "inclusive: train_end is the last training row, test_start the first test row and test_end the last; "
    "rows count from 0 in time order, and each fold's dates are the dates of those rows"
)


def fold_splits(
    n_rows: int,
    folds: int,
    val: float,
    test: float,
    stride: int | None = None,
    horizon: int = 1,
    *,
    advise: bool = True,
    check: Callable[[list[Split]], object] | None = None,
) -> list[Split]:
    """The ``K`` expanding-window splits; block ``k``'s test rows are ``[val_end, n_rows)`` of its split.

    A fold scores the forecasts whose ``horizon`` targets all lie in its block, so a block holds
    ``rows - horizon + 1`` of them and needs at least ``horizon`` rows (:func:`check_blocks`). ``advise``:
    more folds than test rows end in the folds count that fits (``use --folds 6 or fewer``), and a
    ``--test`` too small for one test row in ``a larger --test``; the long-format backtest says its own
    (:func:`~rnnkit.forecast.panel.too_short`). ``check``: what else the folds need (the window's
    rows: :func:`backtest` prepares each fold), run on the splits that advice names before it is
    given; its error (``series too short: ...``) is then said instead, since following the advice
    would end in it."""
    if folds < 1:
        raise RnnkitError(f"--folds must be at least 1 (got {folds})")
    base = Split.by_fraction(n_rows, val, test)
    n_val = base.val_end - base.train_end
    if stride is not None:
        if stride < 1:
            raise RnnkitError(f"--stride must be at least 1 (got {stride})")
        check_stride(stride, horizon)
        first = n_rows - folds * stride
        if first - n_val < 1:
            raise RnnkitError(f"--folds {folds} x --stride {stride} rows leave no training rows of {n_rows}")
        bounds = first + stride * np.arange(folds + 1)
    else:
        bounds = np.linspace(base.val_end, n_rows, folds + 1).round().astype(int)
    test_rows = n_rows - base.val_end
    if np.any(np.diff(bounds) < 1):
        if test_rows < 1:  # no test row at all: the series, or a --test too small for it, is the trouble
            if advise and _larger_test_fits(n_rows, val, horizon, check):
                raise RnnkitError(
                    f"--test {test} leaves no test rows of the {plural(n_rows, 'row')} to forecast; "
                    "use a larger --test"
                )
            leave = "leaves" if n_rows == 1 else "leave"
            raise RnnkitError(
                f"series too short for a backtest: its {plural(n_rows, 'row')} {leave} no test rows to forecast"
            )
        allow = "allows" if test_rows == 1 else "allow"
        advice = f"; {_folds_advice(n_rows, val, test, horizon, check)}" if advise else ""
        raise RnnkitError(f"--folds {folds} is more than the {plural(test_rows, 'test row')} {allow}{advice}")
    if stride is None:
        shortest = int(np.diff(bounds).min())
        if shortest < horizon:
            check_blocks(
                folds,
                test_rows,
                shortest,
                horizon,
                _folds_advice(n_rows, val, test, horizon, check) if advise else "",
            )
    return [
        Split(train_end=int(s) - n_val, val_end=int(s), n_rows=int(e))
        for s, e in zip(bounds[:-1], bounds[1:], strict=True)
    ]


def _folds_advice(
    n_rows: int, val: float, test: float, horizon: int, check: Callable[[list[Split]], object] | None
) -> str:
    """:func:`fewer_folds` for the test rows of ``n_rows``, once ``check`` passes the folds it names
    (its error otherwise: the advice would lead there)."""
    test_rows = n_rows - Split.by_fraction(n_rows, val, test).val_end
    fewer = test_rows // horizon
    if fewer >= 1 and check is not None:
        check(fold_splits(n_rows, fewer, val, test, None, horizon, advise=False))
    return fewer_folds(test_rows, horizon)


def _larger_test_fits(
    n_rows: int, val: float, horizon: int, check: Callable[[list[Split]], object] | None
) -> bool:
    """Whether a ``--test`` of ``horizon`` rows would give ``n_rows`` one fold that ``check`` passes: the
    rows suffice and the test fraction, not the series, is short (unknown without ``check``)."""
    test = horizon / n_rows
    if check is None or val + test >= 1:
        return False
    try:
        check(fold_splits(n_rows, 1, val, test, None, horizon, advise=False))
    except RnnkitError:
        return False
    return True


def check_stride(stride: int, horizon: int) -> None:
    """A block of ``--stride`` rows must hold one forecast's ``horizon`` steps (else it scores none:
    the error would otherwise say the series is too short)."""
    if stride < horizon:
        raise RnnkitError(
            f"--stride {stride} is shorter than --horizon {horizon}: a fold scores the forecasts whose "
            f"{horizon} steps all lie in its block of --stride rows, so a block of {stride} holds none; "
            f"use --stride {horizon} or more"
        )


def check_blocks(folds: int, test_rows: int, shortest: int, horizon: int, advice: str) -> None:
    """The ``folds`` blocks cut from ``test_rows`` (the shortest ``shortest`` rows) must each hold one
    forecast's ``horizon`` steps; ``advice`` (:func:`fewer_folds`, or none) ends the refusal."""
    if shortest < horizon:
        raise RnnkitError(
            f"--folds {folds} cut the {plural(test_rows, 'test row')} into blocks of {plural(shortest, 'row')}, "
            f"shorter than --horizon {horizon}: a fold scores the forecasts whose {horizon} steps all lie in "
            f"its block" + (f"; {advice}" if advice else "")
        )


def fewer_folds(test_rows: int, horizon: int) -> str:
    """What to do when the folds are too many for ``test_rows`` test rows: the most folds whose blocks
    each hold one forecast's ``horizon`` steps (``use --folds 6 or fewer``), or, when not even one does
    ("--folds 0 or fewer"), that the test part itself must grow."""
    fewer = test_rows // horizon
    if fewer >= 1:
        return f"use --folds {fewer} or fewer"
    return (
        f"the test part needs {horizon} rows or more: give more rows, a larger --test, or --stride {horizon}"
    )


@dataclass
class BacktestResult:
    """Per-fold evaluations and the pooled, sample-weighted MAE and MASE of each forecaster."""

    evaluations: list[Evaluation]
    splits: list[Split]
    pooled: dict[str, dict[str, float]] = field(default_factory=dict)
    dates: pd.DatetimeIndex | None = None  # the series' dates, to label the folds
    choices: list[Choice] = field(default_factory=list)
    # each fold's linear blend (``info["linear_blend"]`` of its model; --linear-blend): what the model
    # column of that fold is, the network, a blend or the linear AR
    blends: list[dict | None] = field(default_factory=list)
    # the forecasters in the table, the CSV and pooled: the seasonal naive too where every fold has one
    forecasters: tuple[str, ...] = FORECASTERS

    def fold_dates(self, k: int) -> tuple[str, str, str]:
        """``(last training date, first test date, last test date)`` of fold ``k`` (0-based)."""
        return split_dates(self.splits[k], self.dates)

    def to_frame(self) -> pd.DataFrame:
        """One row per fold plus ``all``: dates, samples, MAE and MASE of each forecaster, the transform."""
        rows = []
        for k, ev in enumerate(self.evaluations):
            train_end, start, end = self.fold_dates(k)
            row = {"fold": str(k + 1), "train_end": train_end, "test_start": start, "test_end": end}
            row["samples"] = len(ev.actual)
            row["predict"] = self.choices[k].predict if self.choices else ""
            row["weight_on_network"] = scored_step_weight(self.blends[k] if self.blends else None)
            for f in self.forecasters:
                row[f"MAE {f}"] = ev.rows[f]["MAE"]
                row[f"MASE {f}"] = ev.rows[f]["MASE"]
            rows.append(row)
        pooled = {"fold": "all", "samples": sum(len(ev.actual) for ev in self.evaluations)}
        for f in self.forecasters:
            pooled[f"MAE {f}"] = self.pooled[f]["MAE"]
            pooled[f"MASE {f}"] = self.pooled[f]["MASE"]
        return pd.DataFrame([*rows, pooled])

    @property
    def wins(self) -> int:
        """Folds in which the model beats naive (by more than a tie, as each fold's verdict says)."""
        return sum(ev.beats_naive for ev in self.evaluations)

    @property
    def ties(self) -> int:
        """Folds in which the model ties naive (a difference that prints as 0.0%): no win, no loss."""
        return sum(ev.ties_naive for ev in self.evaluations)

    @property
    def losses(self) -> int:
        """Folds in which naive beats the model."""
        return len(self.evaluations) - self.wins - self.ties

    def table(self) -> tuple[list[str], list[list[str]]]:
        headers = [
            "fold",
            "test dates",
            "samples",
            *(f"MAE {f}" for f in self.forecasters),
            "model MASE",
            "naive MASE",
        ]
        rows = []
        for k, ev in enumerate(self.evaluations, start=1):
            r = ev.rows
            rows.append(
                [str(k), "{1} to {2}".format(*self.fold_dates(k - 1)), str(len(ev.actual))]
                + [fmt(r[f]["MAE"]) for f in self.forecasters]
                + [fmt(r[MODEL]["MASE"]), fmt(r[NAIVE]["MASE"])]
            )
        p = self.pooled
        rows.append(
            ["all", "", str(sum(len(ev.actual) for ev in self.evaluations))]
            + [fmt(p[f]["MAE"]) for f in self.forecasters]
            + [fmt(p[MODEL]["MASE"]), fmt(p[NAIVE]["MASE"])]  # '-' for no MASE (a constant training part)
        )
        return headers, rows

    def verdict(self) -> str:
        k = len(self.evaluations)
        m, n = self.pooled[MODEL]["MAE"], self.pooled[NAIVE]["MAE"]
        if n == 0:  # a constant series: naive is exact, no relative difference to give
            word, rel = ("does NOT beat" if m > 0 else "ties"), "naive is exact"
        else:
            word, rel = against_naive(m, n)
        head = f"The model {word} the naive forecast over all folds (MAE {m:.4g} vs {n:.4g}, {rel})"
        # then every other baseline of the table, as forecast eval's verdict judges it: a model ahead of
        # naive read green while the linear AR of the same folds was 700 times better
        return (
            f"{head}; it {count_outcomes([ev.outcome for ev in self.evaluations])} of {k} folds."
            + against_baselines(
                self.pooled, "MAE", where=" over all folds", tie=self._rounding, is_ar=self._is_ar
            )
            + count_beaten([ev.beaten_by for ev in self.evaluations], "folds", on="in")
        )

    @property
    def beaten_by(self) -> list[str]:
        """The baselines beside naive whose pooled MAE beats the model's (:func:`beaten_by`): the
        verdict's win over naive is then no win. Float32 rounding is a tie (its resolution pooled over
        the folds), and a model that is the linear AR in every fold (its blend's weight 0) ties it."""
        return beaten_by(self.pooled, "MAE", tie=self._rounding, is_ar=self._is_ar)

    @property
    def _rounding(self) -> float:
        """The float32 resolution of the pooled MAE (:func:`pooled_rounding`): a smaller difference ties."""
        return pooled_rounding(self.evaluations, "MAE")

    @property
    def _is_ar(self) -> bool:
        """The model is the linear AR in every fold (:func:`all_linear_ar`), so over all of them."""
        return all_linear_ar(self.evaluations)

    def to_dict(self) -> dict:
        return {
            "bounds": BOUNDS,
            "folds": [
                {
                    **dict(zip(BOUND_KEYS, split_rows(s), strict=True)),
                    "dates": dict(zip(BOUND_KEYS, self.fold_dates(k), strict=True)),
                    "predict": self.choices[k].to_dict() if self.choices else None,
                    "linear_blend": self.blends[k] if self.blends else None,
                    **ev.to_dict(),
                }
                for k, (s, ev) in enumerate(zip(self.splits, self.evaluations, strict=True))
            ],
            "pooled": self.pooled,
            "wins": self.wins,
            "ties": self.ties,
            "losses": self.losses,
            "beaten_by": self.beaten_by,  # baselines beside naive that beat the model over all folds
            "verdict": self.verdict(),
        }


def backtest(
    series: Series, settings: ForecastSettings, *, folds: int = 5, stride: int | None = None
) -> BacktestResult:
    """Train and score one model per fold (see the module docstring for the layout).

    ``settings``: the windows, split (``test`` is the part cut into folds), season, model and run;
    ``folds``, ``stride``: see :func:`fold_splits`.
    """
    # every data check first (each fold's transform and prepared split), then one model per fold:
    # the one-series case of a global model (rnnkit.forecast.panel)
    w, h, predict = settings.window, settings.horizon, settings.predict

    def prepares(splits: list[Split]) -> None:  # advice is given only where following it runs
        for sp in splits:
            prepare_global([series], w, h, predict, [sp])

    splits = fold_splits(len(series), folds, settings.val, settings.test, stride, h, check=prepares)
    prepared = [prepare_global([series], w, h, predict, [sp]) for sp in splits]
    quiet = replace(settings, show_progress=False)  # one bar over the folds, none per fold
    evaluations, blends = [], []
    for fold_choices, preps in progress(prepared, "backtest folds", enabled=settings.show_progress):
        g = train_global([series], fold_choices, preps, quiet)
        evaluations.append(evaluate(preps[0], g.model, season=settings.season))
        blends.append(g.model.info.get("linear_blend"))
    choices = [fold_choices[0] for fold_choices, _ in prepared]
    forecasters = scored_in_all(evaluations)
    return BacktestResult(
        evaluations,
        splits,
        pool(evaluations, forecasters=forecasters),
        dates=series.dates,
        choices=choices,
        blends=blends,
        forecasters=forecasters,
    )


def split_rows(split: Split) -> tuple[int, int, int]:
    """``(last training row, first test row, last test row)`` of a fold: inclusive, from 0 (a
    :class:`Split` keeps end-exclusive bounds)."""
    return split.train_end - 1, split.val_end, split.n_rows - 1


def split_dates(split: Split, dates: pd.DatetimeIndex | None) -> tuple[str, str, str]:
    """``(last training date, first test date, last test date)`` of a fold (row numbers without dates):
    the dates of :func:`split_rows`."""
    train_end, start, end = split_rows(split)
    if dates is None:
        return str(train_end), str(start), str(end)
    return show_date(dates[train_end]), show_date(dates[start]), show_date(dates[end])
