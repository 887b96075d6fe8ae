"""The honest scorecard: the model and the baselines on the same test samples, in price units.

Metrics are computed for the farthest step ``h = H`` (for ``H = 1``, the one-step forecast); the MAE of
every step is kept in :attr:`Evaluation.mae_by_step`. The verdict says plainly whether the model beats
the naive forecast (lower MASE, which at equal scale is lower MAE).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rnnkit.forecast.baselines import LinearAR, choose_season, naive, seasonal_naive
from rnnkit.forecast.blend import scored_step_weight
from rnnkit.forecast.forecaster import TrainedModel
from rnnkit.forecast.metrics import METRIC_NAMES, crosses_zero, fmt, naive_scale, score
from rnnkit.forecast.prepare import Prepared
from rnnkit.forecast.windows import to_price

MODEL, NAIVE, SEASONAL, LINEAR = "model", "naive", "seasonal naive", "linear AR"


TIE_DECIMALS = 1
"""Decimals of the percentage a verdict prints: a difference that prints as 0 at them (``+0.0%``, so
within 0.05%) is a tie, neither a win nor a loss. The many-series verdicts on pooled MASE print one
more (:data:`rnnkit.forecast.panel_scores.POOLED_DECIMALS`)."""

WIN, TIE, LOSS = "win", "tie", "loss"

ROUNDING_STEPS = 2
"""A difference to a baseline below this many float32 steps (``eps``, 1.2e-07) of the level the network
computes at (:func:`working_level`, :func:`rounding_tie`) is a tie (:func:`baseline_outcome`): the float32
resolution of the model's own forecast, which no forecaster's error (naive's sized it first, and made
1.4e-05 on a sine about 10000 a loss) and no offset of the series says. The network works on scaled
targets and its outputs are scaled back in float64, so its rounding is ``eps`` times the scaled output's
size in the series' units (the scaler's ``std`` plus the forecast's distance from its ``mean``), not
times the series' level: sized by the level (0709051a, c5ca3b22), 1e6 added to a series turned the linear
AR's real win (+26.8%, MAE 0.094 against 0.074) into a tie. A model blended all the way to the linear AR
is that AR up to such rounding (1.4e-05 on the sine; 8e-4 on a line falling through zero whose targets
are scaled about 6870 give or take 2402) and is said to be it (:attr:`Evaluation.is_linear_ar`); a
network alone that errs 0.0006 on a line about 930 that the AR fits to 1e-11 loses to it."""


def rounding_tie(level: float) -> float:
    """The float32 resolution of values whose mean absolute size is ``level``: :data:`ROUNDING_STEPS`
    steps of float32 ``eps`` times it, in its units; 0 for a level that is not finite (no tie by it)."""
    return ROUNDING_STEPS * float(np.finfo(np.float32).eps) * abs(level) if np.isfinite(level) else 0.0


def working_level(
    mean: np.ndarray, std: np.ndarray, transform: str, last: np.ndarray, point: np.ndarray
) -> float:
    """The size, in the series' units, of the float32 values the network computes its scored step's
    forecast from: the target scaler's ``std`` at step ``H`` plus the mean distance of the forecast's
    target (``point`` ``(n,)`` in prices, turned back into the model's target: as is for ``prices``,
    ``point - last`` for ``differences``, ``point / last - 1`` for returns, the log for log-returns) from
    the scaler's ``mean`` (``mean``, ``std``: ``(H,)``); times the mean absolute last price ``last``
    ``(n,)`` for returns and log-returns, whose outputs are scaled back by it (:func:`to_price`). An offset
    of the series (1e6 + a small signal) is in ``mean`` and adds nothing. 0 where it is not finite."""
    mu, sd = float(np.asarray(mean, dtype=np.float64)[-1]), float(np.asarray(std, dtype=np.float64)[-1])
    if not (np.isfinite(mu) and np.isfinite(sd)):
        return 0.0
    point, last = np.asarray(point, dtype=np.float64), np.asarray(last, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        target = {
            "differences": point - last,
            "returns": point / last - 1.0,
            "log-returns": np.log(point / last),
        }.get(transform, point)
        apart = np.abs(target - mu)
        level = abs(sd) + (float(np.mean(apart[np.isfinite(apart)])) if np.isfinite(apart).any() else 0.0)
        if transform in ("returns", "log-returns"):
            level *= float(np.mean(np.abs(last))) if len(last) else 0.0
    return level if np.isfinite(level) else 0.0


def against_naive(model: float, naive_value: float, decimals: int = TIE_DECIMALS) -> tuple[str, str]:
    """``(verb, relative difference)`` of a model's error against naive's, as a verdict prints them:
    ``beats``, ``does NOT beat``, or ``ties`` when the difference prints as 0 at ``decimals`` (a win
    of ``-0.0%`` is no win); the difference as ``+0.1%``, or ``within 0.05%`` for a tie."""
    rel = 100.0 * (model / naive_value - 1.0)
    shown = f"{rel:+.{decimals}f}%"
    if float(shown[:-1]) == 0.0:
        return "ties", f"within {0.5 * 10.0**-decimals:g}%"
    return ("beats" if model < naive_value else "does NOT beat"), shown


def naive_outcome(model: float, naive_value: float, decimals: int = TIE_DECIMALS, tie: float = 0.0) -> str:
    """:data:`WIN`, :data:`TIE` or :data:`LOSS` of a model's error against naive's (or a baseline's),
    by the verdict's rule (:func:`against_naive`): a difference that prints as 0 is a tie. Against an
    exact naive (error 0) the model ties at 0 and loses otherwise.

    ``tie``: the float32 resolution of the values forecast (:func:`rounding_tie`), in the errors' units;
    a difference below it is a tie too, however large a share of the baseline's own error it is: a
    model blended all the way to a linear AR whose error is 1.4e-05 on values about 10000 is that AR up
    to float32 rounding, which read '+94.9%'."""
    if abs(model - naive_value) < tie:
        return TIE
    if naive_value == 0:
        return TIE if model == 0 else LOSS
    word, _ = against_naive(model, naive_value, decimals)
    return {"beats": WIN, "ties": TIE}.get(word, LOSS)


def baseline_outcome(
    rows: Mapping[str, Mapping[str, float]],
    name: str,
    metric: str = "MAE",
    decimals: int = TIE_DECIMALS,
    tie: float = 0.0,
    is_ar: bool = False,
) -> str:
    """:data:`WIN`, :data:`TIE` or :data:`LOSS` of the model against the baseline ``name`` on ``metric``
    in ``rows`` (forecaster -> metric -> value), by :func:`naive_outcome` with the float32 resolution
    ``tie`` of the values scored (:func:`rounding_tie`, in ``metric``'s units): the one rule for every
    baseline beside naive, so that the verdict's words and the saved ``beaten_by`` agree. ``is_ar``: the
    model's forecast is the linear AR's (:attr:`Evaluation.is_linear_ar`): a tie with it, whatever the
    rounding left between the two."""
    if is_ar and name == LINEAR:
        return TIE
    return naive_outcome(rows[MODEL][metric], rows[name][metric], decimals, tie)


def count_outcomes(outcomes: Sequence[str]) -> str:
    """``wins 3, ties 1 and loses 1``: the outcomes counted, ties apart from wins and losses."""
    counts = [sum(o == k for o in outcomes) for k in (WIN, TIE, LOSS)]
    return "wins {}, ties {} and loses {}".format(*counts)


BASELINES = ((LINEAR, "linear autoregression"), (SEASONAL, "seasonal naive forecast"))
"""The baselines beside naive that a verdict judges the model against, with the words it names them by."""


def beaten_by(
    rows: Mapping[str, Mapping[str, float]],
    metric: str = "MAE",
    decimals: int = TIE_DECIMALS,
    tie: float = 0.0,
    is_ar: bool = False,
) -> list[str]:
    """The baselines beside naive (:data:`BASELINES`) whose ``metric`` in ``rows`` (forecaster -> metric
    -> value) is below the model's by more than a tie (:func:`baseline_outcome`, the verdict's rule). A
    model ahead of naive that one of them beats has not won: every verdict (one series, a backtest, many
    series) and the page's colour say so. A baseline without a score (absent, NaN) beats nothing.
    ``tie``, ``is_ar``: :func:`baseline_outcome`'s."""
    return [
        name
        for name, _ in BASELINES
        if np.isfinite(rows.get(name, {}).get(metric, np.nan))
        and baseline_outcome(rows, name, metric, decimals, tie, is_ar) == LOSS
    ]


def against_baselines(
    rows: Mapping[str, Mapping[str, float]],
    metric: str = "MAE",
    decimals: int = TIE_DECIMALS,
    where: str = "",
    tie: float = 0.0,
    is_ar: bool = False,
) -> str:
    """The verdict's sentences on the baselines beside naive: the linear AR's always (``It beats`` or
    ``It ties the linear autoregression (MAE 3.1).``), and each one that beats the model (:func:`beaten_by`)
    said as naive is, by how much (``The linear autoregression beats the model: MAE 0.004658 vs the
    model's 3.172 (the model's is 681 times as large).``): 'It does not beat the linear autoregression'
    after 'The model beats the naive forecast (-0.3%)' read as a footnote to a win. ``where``: what the
    scores pool (`` over all folds``). A tie is :func:`baseline_outcome`'s (``tie``, ``is_ar``): float32
    rounding must not decide, however small the AR's error; a model blended all the way to the AR
    (--linear-blend, weight 0) is said to be the AR (``The model is the linear autoregression here: the
    blend gave it all the weight (MAE 1.435e-05; the model's 2.797e-05, apart by float32 rounding).``)."""
    m, beaten, said = rows[MODEL][metric], beaten_by(rows, metric, decimals, tie, is_ar), ""
    for name, label in BASELINES:
        if not np.isfinite(a := rows.get(name, {}).get(metric, np.nan)):
            continue
        if name == LINEAR and is_ar:
            # its score is the AR's up to float32 rounding: said, lest 2.797e-05 against 1.435e-05 puzzle
            apart = "" if f"{m:.4g}" == f"{a:.4g}" else f"; the model's {m:.4g}, apart by float32 rounding"
            said += (
                f" The model is the {label}{where or ' here'}: the blend gave it all the weight"
                f" ({metric} {a:.4g}{apart})."
            )
        elif name in beaten:
            # by how much, as the naive sentence says it; a factor where a percentage would be huge
            rel = "" if a == 0 else f" ({against_naive(m, a, decimals)[1]})"
            if a > 0 and m / a >= 10:
                rel = f" (the model's is {m / a:,.0f} times as large)"
            said += f" The {label} beats the model{where}: {metric} {a:.4g} vs the model's {m:.4g}{rel}."
        elif name == LINEAR:  # the seasonal naive is named only where it wins: the table shows the rest
            word = "beats" if baseline_outcome(rows, name, metric, decimals, tie) == WIN else "ties"
            said += f" It {word} the linear autoregression{where} ({metric} {a:.4g})."
    return said


def count_beaten(
    beaten: Sequence[Sequence[str]], parts: str, names: Sequence[str] = (), on: str = "on"
) -> str:
    """``' The linear autoregression beats the model on 2 of 3 series (A, C).'``: for each baseline
    that beats the model on one part or more (``beaten``: each part's :func:`beaten_by`), on how many of
    the ``parts`` (``series``; ``folds``, ``in`` them), naming the first few of ``names`` (the parts'
    names) when given. Nothing where no baseline beats the model on any part, and nothing for fewer than
    two parts: one fold's or one series' scores are the pooled ones, whose sentence
    (:func:`against_baselines`) has said it ('beats the model over all folds' then 'in 1 of 1 folds')."""
    said = ""
    if len(beaten) < 2:
        return said
    for name, label in BASELINES:
        lost = [k for k, b in enumerate(beaten) if name in b]
        if not lost:
            continue
        named = ""
        if names:
            shown = [str(names[k]) for k in lost[:SHOWN_PARTS]]
            more = f" and {len(lost) - SHOWN_PARTS} more" if len(lost) > SHOWN_PARTS else ""
            named = f" ({', '.join(shown)}{more})"
        said += f" The {label} beats the model {on} {len(lost)} of {len(beaten)} {parts}{named}."
    return said


SHOWN_PARTS = 5  # parts named by count_beaten; the rest are counted


def naive_in_words(horizon: int) -> str:
    """What the naive forecast of step ``horizon`` is: ``tomorrow = today`` says it for one step only
    (``f_{t+h} = y_t``: the last seen value, however far ahead)."""
    return "tomorrow = today" if horizon == 1 else f"{horizon} steps ahead = today"


@dataclass
class Evaluation:
    """Scores on one set of samples.

    Attributes:
        rows: forecaster name -> metric name -> value (step ``H``).
        dates: ``(n,)`` dates of the step-``H`` targets; ``actual``, ``last``: ``(n,)`` prices.
        forecasts: forecaster name -> ``(n,)`` step-``H`` point forecasts.
        quantiles: ``(n, Q)`` the model's step-``H`` quantile forecasts; ``levels`` their levels.
        mae_by_step: forecaster name -> ``(H,)`` MAE of each step.
        coverage_by_step: ``(H,)`` share of each step's actuals inside the model's outermost quantiles
            (None with fewer than two quantiles); the printed coverage is its last value, step ``H``.
        season, season_reason: the seasonal naive's ``m`` (None when not used) and why.
    """

    rows: dict[str, dict[str, float]]
    dates: pd.DatetimeIndex
    actual: np.ndarray
    last: np.ndarray
    forecasts: dict[str, np.ndarray]
    quantiles: np.ndarray
    levels: list[float]
    mae_by_step: dict[str, np.ndarray]
    season: int | None
    season_reason: str
    horizon: int
    notes: list[str] = field(default_factory=list)
    coverage_by_step: np.ndarray | None = None
    tie_decimals: int = TIE_DECIMALS
    """The decimals of the tie rule (:func:`against_naive`): one series' own score prints one; a series
    of a long file is counted by the many-series verdict's rule (``POOLED_DECIMALS``), so that its
    ``beats_naive``/``ties_naive`` flags agree with the counts the verdict prints."""
    weight_on_network: float = 1.0
    """The linear blend's weight on the network at the scored step (``H``; --linear-blend): 1 for the
    network alone, 0 where the blend gave the linear AR all the weight (:attr:`is_linear_ar`)."""
    model_level: float = 0.0
    """The size of the values the model computes at, in the series' units (:func:`working_level`): its
    float32 rounding follows it, not the test actuals' level (a line through zero, an offset); 0 unknown
    (no rounding tie)."""

    def rounding(self, metric: str = "MAE") -> float:
        """The float32 resolution of the model's forecast, in ``metric``'s units (:func:`rounding_tie` of
        :attr:`model_level`, the size of what the network computes; a MASE's divides it by the scale,
        naive's MAE over its MASE): a difference to a baseline below it is a tie. Not the actuals' level:
        an offset of the series would hide a real loss in it. 0 where there is nothing to size it by."""
        if not len(self.actual) or not np.isfinite(self.model_level):
            return 0.0
        tie = rounding_tie(self.model_level)
        if metric == "MASE":
            naive_rows = self.rows.get(NAIVE, {})
            mae, mase = naive_rows.get("MAE", np.nan), naive_rows.get("MASE", np.nan)
            per = mase / mae if np.isfinite(mae) and np.isfinite(mase) and mae > 0 else np.nan
            return tie * per if np.isfinite(per) else 0.0
        return tie

    @property
    def is_linear_ar(self) -> bool:
        """The model's forecast is the linear AR's: the blend gave the AR all the weight at the scored
        step and the two forecasts agree on every sample up to float32 rounding (:meth:`rounding`), so
        that the AR is the one the model blended with (the data it was trained on, not another series
        scored by a saved model). No verdict then says the AR beats the model: they are one forecast."""
        model, ar = self.forecasts.get(MODEL), self.forecasts.get(LINEAR)
        if self.weight_on_network != 0 or model is None or ar is None or len(model) != len(ar):
            return False
        return bool(np.all(np.abs(np.asarray(model) - np.asarray(ar)) <= self.rounding("MAE")))

    @property
    def outcome(self) -> str:
        """:data:`WIN`, :data:`TIE` or :data:`LOSS` against naive, as :meth:`verdict` says it (MAE)."""
        return naive_outcome(self.rows[MODEL]["MAE"], self.rows[NAIVE]["MAE"], self.tie_decimals)

    @property
    def beats_naive(self) -> bool:
        """The model beats naive by more than a tie (:data:`TIE_DECIMALS`)."""
        return self.outcome == WIN

    @property
    def ties_naive(self) -> bool:
        """The difference to naive prints as 0.0%: neither a win nor a loss."""
        return self.outcome == TIE

    @property
    def beaten_by(self) -> list[str]:
        """The baselines other than naive (the linear AR, the seasonal naive) whose MAE is below the
        model's by more than a tie (:func:`beaten_by`): a model that beats naive by 0.3% while the AR is
        700 times better has not won, and the verdict and the page's colour must not say it has."""
        return beaten_by(self.rows, "MAE", self.tie_decimals, self.rounding("MAE"), self.is_linear_ar)

    def verdict(self) -> str:
        """One plain sentence: does the model beat naive, and by how much (relative MAE)."""
        m, n = self.rows[MODEL]["MAE"], self.rows[NAIVE]["MAE"]
        step = f"{self.horizon}-step" if self.horizon > 1 else "one-step"
        if n == 0:  # nothing moved: no relative difference to give
            text = (
                f"The series is constant on the test samples, so the naive forecast is exact: {step} "
                f"MAE {m:.4g} vs 0."
            )
            return text + self._against_ar(m)
        word, rel = against_naive(m, n, self.tie_decimals)
        if word == "beats":
            text = f"The model beats the naive forecast: {step} MAE {m:.4g} vs {n:.4g} ({rel})."
        else:  # a tie is no win either: the naive forecast is what the model must beat
            text = (
                f"The model {word} the naive forecast ({naive_in_words(self.horizon)}): {step} MAE "
                f"{m:.4g} vs {n:.4g} ({rel})."
            )
        return text + self._against_ar(m) + self._behind_on_rmse()

    def _against_ar(self, m: float) -> str:
        """The linear AR's sentence, and the seasonal naive's where it beats the model
        (:func:`against_baselines`), for a model whose MAE is ``m``."""
        return against_baselines(
            {**self.rows, MODEL: {**self.rows[MODEL], "MAE": m}},
            "MAE",
            self.tie_decimals,
            tie=self.rounding("MAE"),
            is_ar=self.is_linear_ar,
        )

    def _behind_on_rmse(self) -> str:
        """A sentence where the model is ahead of naive or the linear AR on MAE but behind it on RMSE,
        which the table beside shows: the verdict judged on MAE alone read as better on every score
        (glucose: MAE 3.185 against naive's 3.964, RMSE 6.971 against 6.777). Why it happens: the point
        forecast is the median, which minimises the absolute error, not the squared one."""
        model = self.rows[MODEL]
        if "RMSE" not in model:
            return ""
        tie, is_ar = self.rounding("MAE"), self.is_linear_ar  # RMSE is in the values' units too
        behind = [
            (label, self.rows[name]["RMSE"])
            for name, label in ((NAIVE, "naive's"), (LINEAR, "the linear autoregression's"))
            if "RMSE" in self.rows.get(name, {})
            and baseline_outcome(self.rows, name, "MAE", self.tie_decimals, tie, is_ar) == WIN
            and baseline_outcome(self.rows, name, "RMSE", self.tie_decimals, tie, is_ar) == LOSS
        ]
        if not behind:
            return ""
        # by how much, as the MAE sentence says it: "6.971 behind 6.777" and "1.654 behind 1.653" differ
        named = " and ".join(
            f"{label} {value:.4g} ({against_naive(model['RMSE'], value, self.tie_decimals)[1]})"
            for label, value in behind
        )
        step = f"{self.horizon}-step" if self.horizon > 1 else "one-step"  # the step the MAE sentence names
        return (
            f" On {step} RMSE, which weighs large errors more, its {model['RMSE']:.4g} is behind {named}: its "
            "point forecast is the median, which aims at the absolute error."
        )

    def table(self) -> tuple[list[str], list[list[str]]]:
        """Headers and formatted rows for printing or the HTML report."""
        headers = ["forecaster", *METRIC_NAMES]
        rows = [[name, *(fmt(vals[k], k) for k in METRIC_NAMES)] for name, vals in self.rows.items()]
        return headers, rows

    def predictions(self) -> pd.DataFrame:
        """One row per sample: date, last seen value, actual, every forecaster's point forecast, quantiles."""
        table = pd.DataFrame({"date": self.dates, "last": self.last, "actual": self.actual})
        for name, pred in self.forecasts.items():
            table[name.replace(" ", "_")] = pred
        for k, level in enumerate(self.levels):
            table[f"model_q{level:g}"] = self.quantiles[:, k]
        return table

    def _coverage_dict(self) -> dict:
        """``interval`` (its levels) and ``coverage_by_step`` for ``metrics.json``, when there is one."""
        if self.coverage_by_step is None or len(self.levels) < 2:
            return {}
        return {
            "interval": [self.levels[0], self.levels[-1]],
            "coverage_by_step": [float(v) for v in self.coverage_by_step],
        }

    def to_dict(self) -> dict:
        return {
            "horizon": self.horizon,
            "test_samples": int(len(self.actual)),
            "season": self.season,
            "season_reason": self.season_reason,
            "metrics": self.rows,
            "mae_by_step": {k: [float(v) for v in arr] for k, arr in self.mae_by_step.items()},
            **self._coverage_dict(),
            **({"notes": list(self.notes)} if self.notes else {}),
            "beats_naive": bool(self.beats_naive),
            "ties_naive": bool(self.ties_naive),
            "beaten_by": self.beaten_by,  # baselines beside naive that beat the model (the verdict says so)
            "verdict": self.verdict(),
        }


def evaluate(
    prep: Prepared,
    forecaster: TrainedModel,
    mask: np.ndarray | None = None,
    season: int | None = None,
    show_progress: bool = False,
) -> Evaluation:
    """Score the model, naive, seasonal naive (when there is a season) and linear AR on ``mask``.

    Args:
        prep: the prepared split (the linear AR is fitted on its training samples).
        forecaster: the trained model with its scalers.
        mask: which samples to score; the test samples by default.
        season: ``None`` detect from the training part, ``0`` none, ``N`` use ``N``.
        show_progress: a progress bar over the model's prediction batches.
    """
    mask = prep.test if mask is None else mask
    h = prep.horizon
    y, ends = prep.y, prep.ends[mask]
    actual = prep.actual(mask)  # (n, H)
    last = prep.last(mask)  # (n,)
    quant = forecaster.predict_prices(prep.x[mask], last, show_progress=show_progress)  # (n, H, Q)
    point = quant[:, :, forecaster.point_index]  # (n, H)
    preds: dict[str, np.ndarray] = {MODEL: point, NAIVE: naive(y, ends, h)}
    m, reason = choose_season(season, prep.series.dates, y[: prep.split.train_end])
    if m is not None:
        preds[SEASONAL] = seasonal_naive(y, ends, h, m)
    ar = LinearAR.fit(prep.x[prep.train], prep.z[prep.train])
    preds[LINEAR] = to_price(ar.predict(prep.x[mask]), last, prep.predict)
    scale = naive_scale(y[: prep.split.train_end])
    rows = {name: score(actual[:, -1], p[:, -1], last, scale) for name, p in preds.items()}
    by_step = {name: np.mean(np.abs(p - actual), axis=0) for name, p in preds.items()}
    inside = (actual >= quant[:, :, 0]) & (actual <= quant[:, :, -1])  # (n, H)
    target_rows = ends + h
    return Evaluation(
        notes=metric_notes(actual[:, -1]),
        rows=rows,
        dates=prep.series.dates[target_rows],
        actual=actual[:, -1],
        last=last,
        forecasts={name: p[:, -1] for name, p in preds.items()},
        quantiles=quant[:, -1, :],
        levels=[float(q) for q in forecaster.hyper.quantiles],
        mae_by_step=by_step,
        coverage_by_step=inside.mean(axis=0) if quant.shape[-1] >= 2 else None,
        season=m,
        season_reason=reason,
        horizon=h,
        weight_on_network=scored_step_weight(getattr(forecaster, "info", {}).get("linear_blend")),
        model_level=working_level(
            forecaster.out_scaler.mean, forecaster.out_scaler.std, forecaster.transform, last, point[:, -1]
        ),
    )


def metric_notes(actual: np.ndarray) -> list[str]:
    """What a metric leaves out of ``actual`` ``(n,)``: MAPE skips actuals of 0 (no percentage of 0), and
    MAPE and sMAPE are left out of actuals that cross zero, which a reader of a "-" or a number cannot see."""
    if crosses_zero(actual):
        return [
            f"MAPE and sMAPE are left out: the test actuals cross zero ({actual.min():.4g} to {actual.max():.4g}), "
            "where a percentage of the value means nothing; MAE and MASE compare the forecasters"
        ]
    zeros = int(np.sum(actual == 0))
    if not zeros:
        return []
    if zeros == len(actual):
        return [f"MAPE is undefined: every one of the {zeros} test actuals is 0 (no percentage of 0)"]
    return [
        f"MAPE leaves out the {zeros} of {len(actual)} test actuals that are 0 (no percentage of 0); "
        "the other metrics count them"
    ]


def interval_coverage(ev: Evaluation) -> tuple[float, float, float] | None:
    """``(low level, high level, share of actuals inside)`` for the outermost quantiles of step ``H``
    (the step the table scores; every step's share is :attr:`Evaluation.coverage_by_step`), or None."""
    if len(ev.levels) < 2:
        return None
    inside = (ev.actual >= ev.quantiles[:, 0]) & (ev.actual <= ev.quantiles[:, -1])
    return ev.levels[0], ev.levels[-1], float(np.mean(inside))


def coverage_line(ev: Evaluation) -> str | None:
    """How often the model's outer interval held the test actuals, one line for people (the command's
    output, the web page), None for a model with fewer than two quantiles."""
    cover = interval_coverage(ev)
    if cover is None:
        return None
    lo, hi, share = cover
    at = f" at step {ev.horizon}" if ev.horizon > 1 else ""  # the table's step, as predictions.csv's
    return f"model {lo:.0%}-{hi:.0%} interval holds {share:.1%} of test actuals{at} (nominal {hi - lo:.0%})"


def window_hint(season: int | None, window: int) -> str | None:
    """A tip when the window is shorter than the season (``ev.season``: found in the training part, or
    ``--season``): the model then never sees the value one season back, which the seasonal naive reads
    (a daily series with a weekly season at the default window of 4: on the level-shift series of
    docs/RESULTS.md, validation MAE 1.23 at window 4 against 0.94 at 14). Structural only, from the training part
    and the settings, never from the test scores, so that no one picks a window on them. None otherwise."""
    if season is None or window >= season:
        return None
    return (
        f"tip: the window ({window} steps) is shorter than the season ({season} steps, the seasonal "
        "naive's): the model never sees the value one season back; a window of two seasons "
        f"(--window {2 * season}) lets it (choose between windows on validation)"
    )


SCORED = (MODEL, NAIVE, LINEAR)  # the forecasters every evaluation has (seasonal naive only with a season)


def scored_in_all(evaluations: Sequence[Evaluation]) -> tuple[str, ...]:
    """The forecasters every one of ``evaluations`` scored, in the order of train's table: the
    :data:`SCORED` ones, and the seasonal naive where each found a season (a backtest's folds of a
    seasonal series), so that the strongest baseline is not left out of what is pooled."""
    if evaluations and all(SEASONAL in ev.rows for ev in evaluations):
        return (MODEL, NAIVE, SEASONAL, LINEAR)
    return SCORED


def pool(
    evaluations: Sequence[Evaluation],
    metrics: Sequence[str] = ("MAE", "MASE"),
    forecasters: Sequence[str] = SCORED,
) -> dict[str, dict[str, float]]:
    """Sample-weighted mean of each of ``forecasters``' ``metrics`` over ``evaluations``.

    ``pooled[f][k] = sum_i n_i * rows_i[f][k] / sum_i n_i`` with ``n_i`` the samples of evaluation ``i``:
    the score of every sample at once (exact for MAE on one series; for MASE, each part keeps the scale
    of its own training rows). Pool MAE only over parts in the same units (folds of one series);
    across series of different scales pool MASE alone.
    """
    weights = np.array([len(ev.actual) for ev in evaluations], dtype=np.float64)
    return {
        f: {k: float(np.average([ev.rows[f][k] for ev in evaluations], weights=weights)) for k in metrics}
        for f in forecasters
    }


def pooled_rounding(evaluations: Sequence[Evaluation], metric: str = "MAE") -> float:
    """The float32 resolution (:meth:`Evaluation.rounding`) of scores pooled over ``evaluations`` as
    :func:`pool` pools them, sample-weighted: the tie of their pooled ``metric``."""
    weights = [len(ev.actual) for ev in evaluations]
    if not sum(weights):
        return 0.0
    return float(np.average([ev.rounding(metric) for ev in evaluations], weights=weights))


def all_linear_ar(evaluations: Sequence[Evaluation]) -> bool:
    """Every one of ``evaluations`` (a backtest's folds) scored a model that is the linear AR
    (:attr:`Evaluation.is_linear_ar`): their pooled scores are then the AR's too."""
    return bool(evaluations) and all(ev.is_linear_ar for ev in evaluations)
