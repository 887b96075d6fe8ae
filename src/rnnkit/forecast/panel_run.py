"""``forecast train`` and ``forecast eval`` with ``--id-column``: a global model's run folder.

``train`` fits one network on every series (:func:`~rnnkit.forecast.panel.fit_global`), scores each
series' test part beside its own baselines, pools the MASE, forecasts each series' next steps and
writes ``model/``, ``metrics.json`` and ``predictions.csv``. ``eval`` scores a saved global model on
(new) long-format data the same way, with the model's own per-series scalers and transforms.

Files, each written whole or not at all::

    OUT/model/            (train) config.json + model.safetensors, every series' scalers and transform
    OUT/metrics.json      per series: every metric of each forecaster; pooled MASE; the verdict
    OUT/predictions.csv   series, date, last, actual, each forecaster's point forecast, the quantiles
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rnnkit.forecast.card import panel_card
from rnnkit.forecast.choose import Choice
from rnnkit.forecast.data import Series, source_text
from rnnkit.forecast.evaluate import Evaluation
from rnnkit.forecast.forecaster import TrainedModel
from rnnkit.forecast.nextstep import NextForecast
from rnnkit.forecast.panel import (
    choice_summary,
    each_or_short,
    fit_global,
    forecast_panel,
    predictions_frame,
    score_panel,
)
from rnnkit.forecast.panel_scores import SeriesScores
from rnnkit.forecast.pipeline import train_settings
from rnnkit.forecast.prepare import prepare
from rnnkit.forecast.settings import ForecastSettings
from rnnkit.forecast.windows import Split
from rnnkit.utils import strict_json
from rnnkit.utils.atomic import write_text_atomic


@dataclass
class PanelOutcome:
    """A global model's test scores: one :class:`Evaluation` per series, pooled in :attr:`scores`."""

    evaluations: dict[str, Evaluation]
    scores: SeriesScores
    choices: dict[str, Choice]
    fit: Any = None
    model: TrainedModel | None = None
    nexts: list[NextForecast] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def choice(self) -> Choice:
        """The transforms in one :class:`Choice` (``mixed`` when the series differ)."""
        return choice_summary(list(self.choices), list(self.choices.values()))

    def table(self) -> tuple[list[str], list[list[str]]]:
        return self.scores.table()

    def verdict(self) -> str:
        return self.scores.verdict()

    def next_lines(self) -> list[str]:
        return [line for nxt in self.nexts for line in nxt.lines()]

    def to_dict(self) -> dict:
        out = {
            "series": {name: ev.to_dict() for name, ev in self.evaluations.items()},
            # what the table and the verdict print: samples, pooled MASE, the series won, tied and lost
            **self.scores.to_dict(),
            "predict_choice": {name: c.to_dict() for name, c in self.choices.items()},
        }
        if self.fit is not None:
            out["train_seconds"] = round(float(self.fit.seconds), 3)
            out["epochs_run"] = self.fit.epochs_run
            out["best_epoch"] = self.fit.best_epoch
        if self.model is not None and "schedule" in self.model.info:
            out["schedule"] = self.model.info["schedule"]
        if self.model is not None and "linear_blend" in self.model.info:
            out["linear_blend"] = self.model.info["linear_blend"]
        if self.nexts:
            out["next"] = self.next_lines()
        return out

    def write(self, out: Path, id_column: str, extra: dict | None = None) -> None:
        """``metrics.json`` and ``predictions.csv`` into ``out`` (added to :attr:`files`)."""
        payload = {**(extra or {}), **self.to_dict()}
        self.files["metrics"] = strict_json.write(out / "metrics.json", payload)  # never a bare NaN
        frame = predictions_frame(self.evaluations, id_column)
        self.files["predictions"] = write_text_atomic(out / "predictions.csv", frame.to_csv(index=False))


def _scored(evaluations: dict[str, Evaluation]) -> SeriesScores:
    return SeriesScores.from_evaluations({name: [ev] for name, ev in evaluations.items()})


def train_panel(
    panel: list[Series],
    settings: ForecastSettings,
    out: Path,
    *,
    source: str | None = None,
    id_column: str | None = None,
) -> PanelOutcome:
    """``forecast train --id-column``: fit, score per series and pooled, save ``model/`` and the scores.

    ``source``: what ``--data`` said, and ``id_column`` the column naming the series (the files' and
    ``predictions.csv``'s, default ``series``), both recorded in the model so ``eval`` and ``predict``
    default to them.
    """
    info = {
        "source": source_text(source),
        "id_column": id_column,
        "reading": panel[0].reading,  # how predict and eval read the long file by default
        "val": settings.val,
        "test": settings.test,
        "seed": settings.seed,
        # what forecast train --config model/config.json trains again, as for one series: the options
        # (--no-linear-blend, --ensemble, ...) and the long file's id column
        "settings": {**train_settings(panel[0], settings, source), "id_column": id_column},
    }
    g = fit_global(panel, settings, info=info)  # each series split by settings.val and .test
    evaluations = score_panel(g.model, g.preps, settings.season)
    res = PanelOutcome(
        evaluations,
        _scored(evaluations),
        {s.name: c for s, c in zip(panel, g.choices, strict=True)},
        fit=g.fit,
        model=g.model,
        nexts=forecast_panel(g.model, panel),
    )
    out = Path(out)
    res.files["model"] = g.model.save(out / "model", card=panel_card(g.model, *res.table(), res.verdict()))
    res.write(out, id_column or "series")
    return res


def eval_panel(
    model: TrainedModel,
    panel: list[Series],
    settings: ForecastSettings,
    out: Path,
    *,
    id_column: str = "series",
    model_dir: str | None = None,
) -> PanelOutcome:
    """``forecast eval`` of a global model: each series' last ``settings.test`` rows, with the model's scalers.

    Of ``settings`` only the split (``val``, ``test``) and ``season`` are read: the model brings its
    window, horizon, transforms and scalers. Every series must be one the model was trained on (an
    error names the ones it knows); the linear AR is fitted on each series' rows before its
    validation part, as in training.
    """
    models = {s.name: model.for_series(s.name) for s in panel}  # unknown series: one line, before any work
    preps = each_or_short(  # every too-short series named at once
        panel,
        lambda s: prepare(
            s,
            model.window,
            model.horizon,
            models[s.name].transform,
            split=Split.by_fraction(len(s), settings.val, settings.test),
            scalers=(models[s.name].in_scaler, models[s.name].out_scaler),
            changes=models[s.name].feature_changes,
        ),
    )
    evaluations = score_panel(model, preps, settings.season)
    choices = {
        s.name: Choice(models[s.name].transform, "the model's transform for this series", {}) for s in panel
    }
    res = PanelOutcome(evaluations, _scored(evaluations), choices)
    res.write(Path(out), id_column, {"model": model_dir})
    return res
