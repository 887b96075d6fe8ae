"""Walk-forward backtest of a global model over many series (``forecast backtest --id-column``).

Fold ``k`` cuts every series as the one-series backtest does (:func:`~rnnkit.forecast.backtest.fold_splits`
on that series' own rows: the last ``test`` fraction in ``K`` blocks, or blocks of ``stride`` rows
ending at its last row), trains one fresh global model on every series' rows before its block ``k``
(each series' transform chosen, and its scalers fitted, on that fold's rows only) and scores each series
on its block ``k`` beside that series' own baselines. Then:

- per fold: the pooled MASE of the model, naive and linear AR over the series (and of the seasonal
  naive where every series of the fold has a season);
- per series: its folds pooled (sample-weighted MAE in its units, and MASE; the seasonal naive where
  every fold of the series has a season);
- overall: the pooled MASE over every series and fold (the seasonal naive where every series has one).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from rnnkit.forecast.backtest import check_stride, fewer_folds, fold_splits, split_dates
from rnnkit.forecast.blend import scored_step_weight
from rnnkit.forecast.choose import Choice
from rnnkit.forecast.data import Series
from rnnkit.forecast.evaluate import (
    LOSS,
    MODEL,
    NAIVE,
    SCORED,
    SEASONAL,
    TIE,
    WIN,
    Evaluation,
    against_naive,
    count_outcomes,
    naive_outcome,
)
from rnnkit.forecast.metrics import fmt
from rnnkit.forecast.panel import prepare_global, score_panel, too_short, train_global
from rnnkit.forecast.panel_scores import POOLED_DECIMALS, SCORED_SEASONAL, SeriesScores
from rnnkit.forecast.settings import ForecastSettings
from rnnkit.forecast.windows import Split
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.progress import progress
from rnnkit.utils.wording import plural


def _succeeds(step: Callable[[], object]) -> bool:
    try:
        step()
    except RnnkitError:
        return False
    return True


def _fewer(
    short: list[tuple[Series, str]],
    folds: int,
    stride: int | None,
    horizon: int,
    fits: Callable[[Series, int, int | None], bool],
    window: bool = False,
) -> str:
    """The options whose lower values are shown to give every too-short series enough rows (for
    :func:`too_short`): ``--folds`` where one fold fits them all, ``--stride`` where the shortest
    stride (``horizon``) does, and ``--window`` for ``too_short`` to keep where the messages say a
    shorter one fits. Advice that cannot help (lower --folds at --folds 1, or for a series too short
    for any fold) is not given."""
    names = []
    if folds > 1 and all(fits(series, 1, stride) for series, _ in short):
        names.append("--folds")
    if stride is not None and stride > horizon and all(fits(series, folds, horizon) for series, _ in short):
        names.append("--stride")
    names += ["--window"] if window else []
    return " or ".join(names)


def _fewer_for_all(
    panel: list[Series],
    folds: int,
    val: float,
    test: float,
    stride: int | None,
    horizon: int,
    fits: Callable[[Series, int, int | None], bool],
    first: str,
) -> str:
    """When every series is too short for the folds: ``; use --folds 4 or fewer`` for the fewest test rows
    of any series (:func:`~rnnkit.forecast.backtest.fewer_folds`), where that count fits every series;
    else nothing (the advice would lead to another refusal). ``first``: the series the message names."""
    if stride is not None:
        return ""
    rows = {s.name: len(s) - Split.by_fraction(len(s), val, test).val_end for s in panel}
    fewest = min(rows, key=rows.__getitem__)  # the first of the series with the fewest test rows
    fewer = rows[fewest] // horizon
    if not 1 <= fewer < folds or not all(fits(series, fewer, None) for series in panel):
        return ""
    # the first message names the first series; the count is another's when that one has fewer test rows
    whose = "" if fewest == first else f" (series {fewest} has {plural(rows[fewest], 'test row')})"
    return f"; {fewer_folds(rows[fewest], horizon)}{whose}"


def _series_fold_splits(
    panel: list[Series], folds: int, val: float, test: float, stride: int | None, horizon: int
) -> tuple[dict[str, list[Split]], list[tuple[Series, str]]]:
    """Each series' fold splits by name, and the series too short for them with their messages."""
    if stride is not None:
        check_stride(stride, horizon)  # the settings, not a series, are wrong: said once, naming none
    per_series, short = {}, []
    for series in panel:
        try:
            # one series' folds count may not fit the others: too_short says what helps them all
            per_series[series.name] = fold_splits(
                len(series), folds, val, test, stride, horizon, advise=False
            )
        except RnnkitError as exc:
            short.append((series, f"series {series.name}: {exc}"))
    return per_series, short


def _prepare_folds(
    panel: list[Series], settings: ForecastSettings, folds: int, stride: int | None
) -> tuple[list[list[Split]], list[tuple[list[Choice], list]]]:
    """Every fold's splits and prepared series, every data check first; a series too short for its
    folds or for a fold's windows is named with every other such series in one error."""
    per_series, short = _series_fold_splits(
        panel, folds, settings.val, settings.test, stride, settings.horizon
    )
    w, h, predict = settings.window, settings.horizon, settings.predict
    prepared: dict[str, list[tuple[list[Choice], list]]] = {}
    for series in panel:
        if series.name not in per_series:
            continue
        try:
            prepared[series.name] = [
                prepare_global([series], w, h, predict, [sp]) for sp in per_series[series.name]
            ]
        except RnnkitError as exc:
            if len(panel) == 1 or not str(exc).startswith("series too short"):
                raise
            short.append((series, str(exc)))
    if short:
        order = {s.name: k for k, s in enumerate(panel)}
        short.sort(key=lambda item: order[item[0].name])

        def fits(series: Series, k: int, s: int | None) -> bool:
            def every_fold() -> None:
                for split in fold_splits(len(series), k, settings.val, settings.test, s, h):
                    prepare_global([series], w, h, predict, [split])

            return _succeeds(every_fold)

        message = too_short(short, len(panel), _fewer(short, folds, stride, h, fits, window=True))
        if len(short) == len(panel):  # every series fails: too_short says the first alone
            message += _fewer_for_all(
                panel, folds, settings.val, settings.test, stride, h, fits, short[0][0].name
            )
        raise RnnkitError(message)
    by_fold = [list(fold) for fold in zip(*per_series.values(), strict=True)]
    fold_prepared = []
    for k in range(len(by_fold)):
        parts = [prepared[s.name][k] for s in panel]
        fold_prepared.append(([c for cs, _ in parts for c in cs], [p for _, ps in parts for p in ps]))
    return by_fold, fold_prepared


@dataclass
class PanelFold:
    """One fold: each series' split, transform and evaluation on its block, and their scores."""

    splits: dict[str, Split]
    choices: dict[str, Choice]
    evaluations: dict[str, Evaluation]
    scores: SeriesScores
    blend: dict | None = None  # the fold's global model's linear blend (--linear-blend), or None


@dataclass
class PanelBacktest:
    """Every fold of a global model's walk-forward backtest, per series and pooled."""

    folds: list[PanelFold]
    dates: dict[str, pd.DatetimeIndex]
    scores: SeriesScores  # each series over all folds, and pooled over every series and fold

    def fold_dates(self, k: int, name: str) -> tuple[str, str, str]:
        """``(last training date, first test date, last test date)`` of series ``name`` in fold ``k``."""
        return split_dates(self.folds[k].splits[name], self.dates[name])

    def fold_table(self) -> tuple[list[str], list[list[str]]]:
        """One row per fold: its test dates (over the series), samples, pooled MASE, series won/tied/lost."""
        shown = SCORED_SEASONAL if any(SEASONAL in f.scores.pooled for f in self.folds) else SCORED
        # each series tests its own block of its own calendar: the span is the earliest to the latest date
        headers = ["fold", "test dates (all series)", "samples", *(f"MASE {f}" for f in shown)]
        headers.append("series won/tied/lost")
        rows = []
        for k, fold in enumerate(self.folds):
            spans = [self.fold_dates(k, name) for name in fold.splits]
            dates = f"{min(s[1] for s in spans)} to {max(s[2] for s in spans)}"
            sc = fold.scores
            rows.append(
                [str(k + 1), dates, str(sum(sc.samples.values()))]
                + [fmt(sc.pooled.get(f, math.nan)) for f in shown]  # '-': a series of the fold has no season
                + [f"{sc.wins}/{sc.ties}/{sc.losses} of {len(sc.per_series)}"]
            )
        return headers, rows

    def verdict(self) -> str:
        m, n = self.scores.pooled[MODEL], self.scores.pooled[NAIVE]
        folds = count_outcomes(self.fold_outcomes())
        if math.isnan(n):
            head = "The global model has no pooled MASE: no series has a training part that changes"
        else:
            word, rel = against_naive(m, n, decimals=POOLED_DECIMALS)
            head = (
                f"The global model {word} the naive forecast pooled over every series and fold (MASE "
                f"{m:.4g} vs {n:.4g}, {rel})"
            )
        return (
            f"{head}{self.scores.unscaled_note()}; it {folds} of {len(self.folds)} folds (pooled); over all "
            f"folds {self.scores.series_counts()}."
            + self.scores.against_baselines(" pooled over every series and fold")
        )

    def fold_outcomes(self) -> list[str]:
        """Win, tie or loss of each fold's pooled MASE against naive's, by the verdict's rule."""
        return [
            naive_outcome(f.scores.pooled[MODEL], f.scores.pooled[NAIVE], POOLED_DECIMALS) for f in self.folds
        ]

    def to_frame(self, id_column: str = "series") -> pd.DataFrame:
        """One row per fold and series, one per series over all folds (fold ``all``), then the pooled row."""
        seasonal = any(SEASONAL in ev.rows for fold in self.folds for ev in fold.evaluations.values())
        shown = SCORED_SEASONAL if seasonal else SCORED  # empty cells where a series found no season
        rows = []
        for k, fold in enumerate(self.folds):
            for name, ev in fold.evaluations.items():
                train_end, start, end = self.fold_dates(k, name)
                row = {"fold": str(k + 1), id_column: name, "train_end": train_end}
                row |= {"test_start": start, "test_end": end, "samples": len(ev.actual)}
                row["predict"] = fold.choices[name].predict
                row["weight_on_network"] = scored_step_weight(fold.blend)
                rows.append(row | _scores(ev.rows, shown))
        for name, r in self.scores.per_series.items():
            row = {"fold": "all", id_column: name, "samples": self.scores.samples[name]}
            rows.append(row | _scores(r, shown))
        pooled = {"fold": "all", id_column: "pooled", "samples": sum(self.scores.samples.values())}
        rows.append(pooled | {f"MASE {f}": self.scores.pooled.get(f, math.nan) for f in shown})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """Every fold (each series' dates, transform and scores; the fold's pooled MASE, series counts and
        ``outcome`` against naive), the series over all folds, and the counts of the verdict: the
        top-level ``wins``/``ties``/``losses`` count series, ``fold_wins``/``fold_ties``/``fold_losses``
        the folds (on their pooled MASE)."""
        outcomes = self.fold_outcomes()
        return {
            "folds": [
                {
                    "series": {
                        name: {
                            "dates": dict(
                                zip(
                                    ("train_end", "test_start", "test_end"),
                                    self.fold_dates(k, name),
                                    strict=True,
                                )
                            ),
                            "predict": fold.choices[name].to_dict(),
                            **ev.to_dict(),
                        }
                        for name, ev in fold.evaluations.items()
                    },
                    **fold.scores.to_dict(),
                    "outcome": outcomes[k],
                    "linear_blend": fold.blend,
                }
                for k, fold in enumerate(self.folds)
            ],
            **self.scores.to_dict(),
            **{f"fold_{key}": sum(o == one for o in outcomes) for key, one in FOLD_COUNTS},
            "verdict": self.verdict(),
        }


FOLD_COUNTS = (("wins", WIN), ("ties", TIE), ("losses", LOSS))  # backtest.json's fold_wins, ...


def _scores(rows: dict[str, dict[str, float]], shown: tuple[str, ...]) -> dict[str, float]:
    """The ``MAE f`` and ``MASE f`` cells of :meth:`PanelBacktest.to_frame` (NaN, an empty cell, for
    a seasonal naive the series did not have)."""
    missing = {"MAE": math.nan, "MASE": math.nan}
    cells = {}
    for f in shown:
        cells[f"MAE {f}"] = rows.get(f, missing)["MAE"]
        cells[f"MASE {f}"] = rows.get(f, missing)["MASE"]
    return cells


def backtest_panel(
    panel: list[Series], settings: ForecastSettings, *, folds: int = 5, stride: int | None = None
) -> PanelBacktest:
    """Train and score one global model per fold (see the module docstring); ``settings`` and
    ``folds``, ``stride`` as in :func:`rnnkit.forecast.backtest.backtest`."""
    if len({s.name for s in panel}) != len(panel):
        raise RnnkitError("series names must be distinct")
    by_fold, prepared = _prepare_folds(panel, settings, folds, stride)  # every check first
    quiet = replace(settings, show_progress=False)  # one bar over the folds, none per fold
    out = []
    for splits, (choices, preps) in progress(
        list(zip(by_fold, prepared, strict=True)), "backtest folds", enabled=settings.show_progress
    ):
        g = train_global(panel, choices, preps, quiet)
        evaluations = score_panel(g.model, preps, settings.season)
        names = [s.name for s in panel]
        out.append(
            PanelFold(
                dict(zip(names, splits, strict=True)),
                dict(zip(names, choices, strict=True)),
                evaluations,
                SeriesScores.from_evaluations({n: [ev] for n, ev in evaluations.items()}),
                g.model.info.get("linear_blend"),
            )
        )
    per_series = {s.name: [fold.evaluations[s.name] for fold in out] for s in panel}
    return PanelBacktest(out, {s.name: s.dates for s in panel}, SeriesScores.from_evaluations(per_series))
