"""Many series, one model: long-format input (``--id-column``) and a global model across the series.

Long format is one row per series and date (``symbol,date,close``), as NeuralForecast and Darts read
it. Each series is checked on its own (dates, order, missing values), split on its own rows (the same
fractions), and scaled on its own training rows (a "local scaler"), so that a series in dollars and
one in cents feed the network alike. The network is one: its training samples are the windows of
every series (a window never crosses two series), its validation samples likewise; the target
transform is chosen once, on pooled scale-free validation scores (:func:`choose_predict_panel`).

Scores: each series beside its own baselines (naive, linear AR fitted on that series' training
windows), then pooled as the sample-weighted mean of each forecaster's MASE (MAE is not comparable
across series of different scales, MASE is).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rnnkit.forecast.baselines import choose_season
from rnnkit.forecast.choose import AUTO, Choice, choose_predict, choose_predict_panel
from rnnkit.forecast.data import Series, find_column, load_series, read_table, resolve_source
from rnnkit.forecast.evaluate import LINEAR, MODEL, NAIVE, Evaluation, evaluate
from rnnkit.forecast.forecaster import Hyper, TrainedModel
from rnnkit.forecast.nextstep import NextForecast, forecast_next
from rnnkit.forecast.prepare import Prepared, prepare
from rnnkit.forecast.windows import Split
from rnnkit.utils.atomic import write_text_atomic
from rnnkit.utils.errors import RnnkitError

SCORED = (MODEL, NAIVE, LINEAR)


def load_panel(
    source: str | Path | pd.DataFrame,
    id_column: str,
    target: str | None = None,
    features: Sequence[str] = (),
    date_column: str | None = None,
    missing: str = "error",
    date_format: str | None = None,
    dayfirst: bool | None = None,
) -> list[Series]:
    """One checked :class:`Series` per value of ``id_column``, in order of first appearance."""
    if isinstance(source, pd.DataFrame):
        frame, where = source.reset_index(drop=not isinstance(source.index, pd.DatetimeIndex)), "DataFrame"
    else:
        path, _, where = resolve_source(source)
        frame = read_table(path)
    id_col = find_column(frame, id_column, "id", Path(where), "--id-column")
    if frame[id_col].isna().any():
        line = int(np.flatnonzero(frame[id_col].isna().to_numpy())[0]) + 2
        raise RnnkitError(f"{where}: the id column {id_col!r} is empty on line {line}")
    panel = []
    for key, part in frame.groupby(id_col, sort=False):
        name = str(key)
        series = load_series(
            part.drop(columns=[id_col]),  # keeps the file's row labels, so errors name its lines
            target,
            features,
            date_column,
            missing,
            date_format=date_format,
            dayfirst=dayfirst,
            name=name,
        )
        series.notes = [f"series {name}: {n}" for n in series.notes]
        series.warnings = [f"series {name}: {w}" for w in series.warnings]
        panel.append(series)
    return panel


def panel_splits(panel: list[Series], val: float, test: float) -> list[Split]:
    """Each series' chronological split; ``test == 0`` leaves no test part (a final fit)."""
    if test == 0:
        if not 0 <= val < 1:
            raise RnnkitError(f"val must be a fraction in [0, 1) (got {val})")
        return [Split(len(s) - int(round(len(s) * val)), len(s), len(s)) for s in panel]
    return [Split.by_fraction(len(s), val, test) for s in panel]


@dataclass
class GlobalFit:
    """A trained global model and the per-series data it was trained and is scored on."""

    model: TrainedModel
    fit: Any
    choice: Choice
    preps: list[Prepared]
    panel: list[Series]


def pooled_prepared(preps: list[Prepared]) -> Prepared:
    """The samples of every series in one :class:`Prepared` (what training reads: windows, targets, masks).

    Its ``series``, scalers and ``ends`` are the first series' and stand for nothing pooled; only
    ``x``, ``z``, ``z_scaled`` and the masks are concatenated.
    """
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


def fit_global(
    panel: list[Series],
    window: int = 4,
    horizon: int = 1,
    predict: str = AUTO,
    val: float = 0.1,
    test: float = 0.2,
    hyper: Hyper | None = None,
    seed: int = 0,
    device: str = "auto",
    show_progress: bool = True,
    info: dict | None = None,
) -> GlobalFit:
    """Choose the transform, prepare each series, train one network on all of their samples."""
    from rnnkit.forecast.fit import train_forecaster

    hyper = hyper or Hyper()
    names = [s.name for s in panel]
    if len(set(names)) != len(names):
        raise RnnkitError("series names must be distinct")
    splits = panel_splits(panel, val, test)
    if len(panel) == 1:
        choice = choose_predict(panel[0], window, horizon, predict, split=splits[0])
    else:
        choice = choose_predict_panel(panel, window, horizon, predict, splits)
    preps = [
        prepare(s, window, horizon, choice.predict, split=sp, need_test=test > 0)
        for s, sp in zip(panel, splits, strict=True)
    ]
    info = {**(info or {}), "series": names, "predict_choice": choice.to_dict()}
    model, fit = train_forecaster(
        pooled_prepared(preps), hyper, seed=seed, device=device, show_progress=show_progress, info=info
    )
    if len(panel) > 1:
        model.series_scalers = {
            s.name: (p.in_scaler, p.out_scaler) for s, p in zip(panel, preps, strict=True)
        }
    return GlobalFit(model, fit, choice, preps, panel)


@dataclass
class PanelOutcome:
    """A global model's scores: one :class:`Evaluation` per series and the pooled MASE."""

    evaluations: dict[str, Evaluation]
    pooled: dict[str, float]
    choice: Choice
    fit: Any
    model: TrainedModel
    nexts: list[NextForecast]
    files: dict[str, Path]

    def table(self) -> tuple[list[str], list[list[str]]]:
        headers = ["series", "samples", *(f"MAE {f}" for f in SCORED), *(f"MASE {f}" for f in SCORED)]
        rows = [
            [name, str(len(ev.actual))]
            + [f"{ev.rows[f]['MAE']:.4g}" for f in SCORED]
            + [f"{ev.rows[f]['MASE']:.4g}" for f in SCORED]
            for name, ev in self.evaluations.items()
        ]
        total = sum(len(ev.actual) for ev in self.evaluations.values())
        rows.append(
            ["pooled", str(total), *("-" for _ in SCORED), *(f"{self.pooled[f]:.4g}" for f in SCORED)]
        )
        return headers, rows

    def verdict(self) -> str:
        m, n = self.pooled[MODEL], self.pooled[NAIVE]
        wins = sum(ev.beats_naive for ev in self.evaluations.values())
        word = "beats" if m < n else "does NOT beat"
        return (
            f"The global model {word} the naive forecast pooled over the series (MASE {m:.4g} vs {n:.4g}, "
            f"{100 * (m / n - 1):+.2f}%); it beats naive on {wins} of {len(self.evaluations)} series."
        )

    def next_lines(self) -> list[str]:
        return [line for nxt in self.nexts for line in nxt.lines()]

    def to_dict(self) -> dict:
        return {
            "series": {name: ev.to_dict() for name, ev in self.evaluations.items()},
            "pooled_mase": self.pooled,
            "predict_choice": self.choice.to_dict(),
            "verdict": self.verdict(),
            "train_seconds": round(float(self.fit.seconds), 3),
            "epochs_run": self.fit.epochs_run,
            "best_epoch": self.fit.best_epoch,
            "next": self.next_lines(),
        }


def score_global(g: GlobalFit, season: int | None = None) -> tuple[dict[str, Evaluation], dict[str, float]]:
    """Each series' test scores beside its own baselines, and the sample-weighted pooled MASE."""
    evaluations = {}
    for series, prep in zip(g.panel, g.preps, strict=True):
        m, reason = choose_season(season, series.dates, series.target[: prep.split.train_end])
        ev = evaluate(prep, g.model.for_series(series.name), season=m or 0)
        ev.season_reason = reason
        evaluations[series.name] = ev
    weights = np.array([len(ev.actual) for ev in evaluations.values()], dtype=np.float64)
    pooled = {
        f: float(np.average([ev.rows[f]["MASE"] for ev in evaluations.values()], weights=weights))
        for f in SCORED
    }
    return evaluations, pooled


def forecast_panel(
    model: TrainedModel, panel: list[Series], horizon: int | None = None
) -> list[NextForecast]:
    """The next ``horizon`` (default ``H``) steps of each series, each with its own scalers."""
    out = []
    for series in panel:
        nxt = forecast_next(model.for_series(series.name), series, horizon=horizon)
        nxt.target = f"{series.name} {nxt.target}"
        out.append(nxt)
    return out


def train_panel(
    panel: list[Series],
    out: Path,
    window: int = 4,
    horizon: int = 1,
    predict: str = AUTO,
    val: float = 0.1,
    test: float = 0.2,
    season: int | None = None,
    hyper: Hyper | None = None,
    seed: int = 0,
    device: str = "auto",
    show_progress: bool = True,
    data_kw: dict | None = None,
) -> PanelOutcome:
    """``forecast train --id-column``: fit, score per series and pooled, save ``model/`` and ``metrics.json``."""
    data_kw = data_kw or {}
    source = data_kw.get("data")
    info = {
        "source": str(Path(source).resolve()) if source and Path(source).exists() else source,
        "id_column": data_kw.get("id_column"),
        "val": val,
        "test": test,
        "seed": seed,
    }
    g = fit_global(panel, window, horizon, predict, val, test, hyper, seed, device, show_progress, info)
    evaluations, pooled = score_global(g, season)
    nexts = forecast_panel(g.model, panel)
    out = Path(out)
    files = {"model": g.model.save(out / "model")}
    res = PanelOutcome(evaluations, pooled, g.choice, g.fit, g.model, nexts, files)
    files["metrics"] = write_text_atomic(out / "metrics.json", json.dumps(res.to_dict(), indent=2) + "\n")
    return res
