"""Scores of many series: each series beside its own baselines, and pooled across the series.

Shared by ``forecast train``, ``eval`` and ``backtest`` with ``--id-column``. Per series, the MAE (in
that series' units) and the MASE of the model, naive, seasonal naive (where the series has a season,
in every part it is scored on) and linear AR; a series scored on several parts (backtest folds) pools
them sample-weighted (:func:`~rnnkit.forecast.evaluate.pool`). Across series only MASE is pooled: MAE
in dollars and MAE in cents do not add up, MASE (MAE over the series' own in-sample one-step naive
MAE) does::

    pooled MASE_f = sum_s n_s * MASE_{f,s} / sum_s n_s        (n_s: test samples of series s)

A series whose training part never changes has no MASE (its scale is 0): it is left out of the pooled
MASE, which says so (:attr:`SeriesScores.unscaled`), and it is won or lost on its MAE. The seasonal
naive is pooled only where every series in the pool has one (each with its own season), as the
one-series backtest pools it only where every fold has one; a series without a season shows ``-``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from rnnkit.forecast.evaluate import (
    LINEAR,
    LOSS,
    MODEL,
    NAIVE,
    SCORED,
    SEASONAL,
    TIE,
    WIN,
    Evaluation,
    against_baselines,
    against_naive,
    all_linear_ar,
    beaten_by,
    count_beaten,
    naive_outcome,
    pool,
    pooled_rounding,
    scored_in_all,
)
from rnnkit.forecast.metrics import fmt

POOLED_DECIMALS = 2
"""Decimals of the many-series verdicts' percentages (MASE, pooled over series whose errors differ by
less than one series' do): a difference that prints as 0 at them (within 0.005%) is a tie, also when
series and folds are counted (:func:`~rnnkit.forecast.evaluate.against_naive`)."""

SCORED_SEASONAL = (MODEL, NAIVE, SEASONAL, LINEAR)
"""The forecasters of a table that has the seasonal naive, in train's order (after naive)."""


@dataclass
class SeriesScores:
    """Per-series MAE and MASE of each forecaster, and the pooled MASE.

    Attributes:
        per_series: series name -> forecaster -> ``{"MAE": ..., "MASE": ...}``; the seasonal naive
            only for a series with a season in every part it was scored on.
        samples: series name -> scored samples.
        pooled: forecaster -> sample-weighted MASE over every series that has one; the seasonal naive
            only where every one of those series has it.
        unscaled: the series without a MASE (a training part that never changes), left out of ``pooled``.
    """

    per_series: dict[str, dict[str, dict[str, float]]]
    samples: dict[str, int]
    pooled: dict[str, float]
    unscaled: list[str] = field(default_factory=list)
    # the float32 resolution of each series' score (its MASE; its MAE where it has none) and of the
    # pooled MASE, below which a difference to a baseline is a tie (Evaluation.rounding)
    rounding: dict[str, float] = field(default_factory=dict)
    pooled_rounding: float = 0.0
    # the series on which the model is the linear AR (Evaluation.is_linear_ar: the blend's weight 0)
    linear_ar: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def from_evaluations(cls, evaluations: dict[str, Sequence[Evaluation]]) -> SeriesScores:
        """``evaluations``: series name -> its evaluations (one, or one per fold)."""
        per_series = {name: pool(evs, forecasters=scored_in_all(evs)) for name, evs in evaluations.items()}
        samples = {name: sum(len(ev.actual) for ev in evs) for name, evs in evaluations.items()}
        # no scale: naive's own MASE is not finite (a model's NaN, a diverged run, is not this)
        unscaled = [s for s, r in per_series.items() if not math.isfinite(r[NAIVE]["MASE"])]
        scaled = [s for s in per_series if s not in unscaled]
        total = sum(samples[s] for s in scaled)
        pooled = {
            f: sum(samples[s] * per_series[s][f]["MASE"] for s in scaled) / total if total else math.nan
            for f in _in_every(per_series, scaled)
        }
        rounding = {
            s: pooled_rounding(evs, "MAE" if s in unscaled else "MASE") for s, evs in evaluations.items()
        }
        pooled_tie = sum(samples[s] * rounding[s] for s in scaled) / total if total else 0.0
        linear_ar = {s: all_linear_ar(evs) for s, evs in evaluations.items()}
        return cls(per_series, samples, pooled, unscaled, rounding, pooled_tie, linear_ar)

    @property
    def forecasters(self) -> tuple[str, ...]:
        """The columns of the table and the CSV: :data:`SCORED`, and the seasonal naive where any
        series has one (in train's order)."""
        return _columns(any(SEASONAL in r for r in self.per_series.values()))

    @property
    def outcomes(self) -> dict[str, str]:
        """Series name -> win, tie or loss of the model's MASE against naive's, by the verdict's rule
        (a difference that prints as 0.00% is a tie); on MAE for a series without a MASE."""
        return {
            name: naive_outcome(r[MODEL][self._metric(name)], r[NAIVE][self._metric(name)], POOLED_DECIMALS)
            for name, r in self.per_series.items()
        }

    def _metric(self, name: str) -> str:
        """What series ``name`` is judged on: its MASE, or its MAE where it has no MASE (no scale)."""
        return "MAE" if name in self.unscaled else "MASE"

    @property
    def beaten_by(self) -> list[str]:
        """The baselines beside naive whose pooled MASE beats the model's, by the verdict's rule
        (:func:`~rnnkit.forecast.evaluate.beaten_by`): a win over naive is then no win."""
        return beaten_by(self._pooled_rows(), "MASE", POOLED_DECIMALS, self.pooled_rounding, self._all_ar)

    @property
    def _all_ar(self) -> bool:
        """The model is the linear AR on every series pooled (its blend's weight 0 on each)."""
        scaled = [s for s in self.per_series if s not in self.unscaled]
        return bool(scaled) and all(self.linear_ar.get(s, False) for s in scaled)

    @property
    def series_beaten_by(self) -> dict[str, list[str]]:
        """Series name -> the baselines beside naive that beat the model on it (MASE; MAE for a series
        without a MASE), by the rule of the series counts."""
        return {
            name: beaten_by(
                r,
                self._metric(name),
                POOLED_DECIMALS,
                self.rounding.get(name, 0.0),
                self.linear_ar.get(name, False),
            )
            for name, r in self.per_series.items()
        }

    def _pooled_rows(self) -> dict[str, dict[str, float]]:
        """:attr:`pooled` as an evaluation's rows (forecaster -> ``{"MASE": ...}``)."""
        return {f: {"MASE": value} for f, value in self.pooled.items()}

    def against_baselines(self, where: str = " pooled over the series") -> str:
        """The verdict's sentences on the linear AR and the seasonal naive: pooled (``where`` the MASE
        pools), then on how many series each beats the model (naming them), as one series' verdict
        judges every baseline of its table (:func:`~rnnkit.forecast.evaluate.against_baselines`)."""
        pooled = (
            ""
            if math.isnan(self.pooled[NAIVE])
            else against_baselines(
                self._pooled_rows(), "MASE", POOLED_DECIMALS, where, self.pooled_rounding, self._all_ar
            )
        )
        per_series = self.series_beaten_by
        return pooled + count_beaten(list(per_series.values()), "series", list(per_series))

    @property
    def wins(self) -> int:
        """Series on which the model's MASE is below naive's by more than a tie."""
        return sum(o == WIN for o in self.outcomes.values())

    @property
    def ties(self) -> int:
        """Series on which the model ties naive: neither a win nor a loss."""
        return sum(o == TIE for o in self.outcomes.values())

    @property
    def losses(self) -> int:
        """Series on which naive beats the model."""
        return sum(o == LOSS for o in self.outcomes.values())

    def series_counts(self) -> str:
        """``it beats naive on 2 of 3 series, ties it on 0 and loses on 1``."""
        return (
            f"it beats naive on {self.wins} of {len(self.per_series)} series, ties it on {self.ties} "
            f"and loses on {self.losses}"
        )

    def table(self) -> tuple[list[str], list[list[str]]]:
        """One row per series (MAE in its units, MASE) and a ``pooled`` row (MASE only)."""
        shown = self.forecasters
        headers = ["series", "samples", *(f"MAE {f}" for f in shown), *(f"MASE {f}" for f in shown)]
        missing = {"MAE": "-", "MASE": math.nan}  # a series without a season: '-' in its seasonal columns
        rows = [
            [name, str(self.samples[name])]
            + [_mae(r.get(f, missing)["MAE"]) for f in shown]
            + [fmt(r.get(f, missing)["MASE"]) for f in shown]
            for name, r in self.per_series.items()
        ]
        total = sum(n for name, n in self.samples.items() if name not in self.unscaled)  # what MASE pools
        pooled = [fmt(self.pooled.get(f, math.nan)) for f in shown]
        rows.append(["pooled", str(total), *("-" for _ in shown), *pooled])
        return headers, rows

    def season_note(self, where: str = "training rows") -> str | None:
        """Which series show ``-`` for the seasonal naive and why, or None when none does; ``where``:
        the rows a season is looked for in (a backtest: each fold's)."""
        if SEASONAL not in self.forecasters:
            return None
        without = [name for name, r in self.per_series.items() if SEASONAL not in r]
        if not without:
            return None
        pooled = "" if SEASONAL in self.pooled else ", so the seasonal naive has no pooled MASE"
        return f"seasonal naive: '-' for {', '.join(without)}: no season found in its {where}{pooled}"

    def verdict(self, subject: str = "The global model") -> str:
        m, n = self.pooled[MODEL], self.pooled[NAIVE]
        if math.isnan(n):
            head = f"{subject} has no pooled MASE: no series has a training part that changes"
        else:
            word, rel = against_naive(m, n, decimals=POOLED_DECIMALS)
            head = (
                f"{subject} {word} the naive forecast pooled over the series (MASE {m:.4g} vs {n:.4g}, {rel})"
            )
        return f"{head}{self.unscaled_note()}; {self.series_counts()}.{self.against_baselines()}"

    def unscaled_note(self) -> str:
        """``` (MASE leaves out B: ...)``` for the series without a MASE, or nothing."""
        if not self.unscaled:
            return ""
        return (
            f" (MASE leaves out {', '.join(self.unscaled)}: a training part that never changes gives no "
            "scale; such a series is judged on its MAE)"
        )

    def to_dict(self) -> dict:
        return {
            "per_series": self.per_series,
            "samples": self.samples,
            "pooled_mase": self.pooled,
            "unscaled_series": list(self.unscaled),
            "wins": self.wins,
            "ties": self.ties,
            "losses": self.losses,
            # the baselines beside naive that beat the model: pooled, and on each series
            "beaten_by": self.beaten_by,
            "series_beaten_by": self.series_beaten_by,
            "verdict": self.verdict(),
        }


def _in_every(per_series: dict[str, dict[str, dict[str, float]]], names: Sequence[str]) -> tuple[str, ...]:
    """The forecasters pooled over ``names``: the seasonal naive only where each of them has one."""
    return _columns(bool(names) and all(SEASONAL in per_series[s] for s in names))


def _columns(seasonal: bool) -> tuple[str, ...]:
    """:data:`SCORED` with the seasonal naive after naive, as train's table orders them."""
    return SCORED_SEASONAL if seasonal else SCORED


def _mae(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:.4g}"
