"""One training run from a checked series to a run folder: the job behind ``forecast train`` and the demo.

Order matters for "nothing half-written": the data are checked and split (every user mistake raises
here) before any file is written; the model folder is written atomically; every other file is
written atomically too.

Run folder layout::

    OUT/model/            config.json + model.safetensors (load with --model OUT/model)
    OUT/forecast.png      actual, model (with interval) and naive over the test period
    OUT/residuals.png     residuals of the model and naive
    OUT/metrics.json      the scorecard, the season decision, training time
    OUT/predictions.csv   test-period dates, actuals and every forecaster's point forecast
    OUT/metrics.csv       the training engine's per-epoch log

With a :class:`~rnnkit.utils.runs.RunFolder` (``--run-dir``, by default ``OUT`` itself) the engine also
keeps ``checkpoints/`` there, and ``run.json`` records the settings, a fingerprint of the data as read
and the scalers, so that ``--resume`` continues the same run with the same scalers, or says which
setting differs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from rnnkit.forecast.baselines import choose_season
from rnnkit.forecast.card import single_card
from rnnkit.forecast.choose import Choice, choose_predict
from rnnkit.forecast.data import READING_KEYS, Series
from rnnkit.forecast.evaluate import Evaluation, evaluate
from rnnkit.forecast.fit import train_forecaster
from rnnkit.forecast.forecaster import TrainedModel
from rnnkit.forecast.nextstep import NextForecast, forecast_next, trained_data_marks
from rnnkit.forecast.prepare import Prepared, prepare
from rnnkit.forecast.settings import ForecastSettings
from rnnkit.forecast.windows import Scaler
from rnnkit.utils import strict_json
from rnnkit.utils.atomic import write_text_atomic
from rnnkit.utils.config_keys import option_name
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.runs import RunFolder, fingerprint


def _source_text(source: str | None) -> str | None:
    """Bundled names as they are; file paths made absolute so they work from any folder."""
    from rnnkit.forecast.data import source_text

    return source_text(source)


@dataclass
class TrainOutcome:
    """What a training run produced (files are under ``out``)."""

    prep: Prepared
    forecaster: TrainedModel
    fit: Any
    evaluation: Evaluation
    next: NextForecast
    out: Path
    files: dict[str, Path]
    choice: Choice


# What write_outputs (and a global model's PanelResults.write) writes: forecast train and eval declare
# them to their --out claim (rnnkit.utils.planned), which checks them before any work.
REPORT_FILES = ("forecast.png", "residuals.png", "metrics.json", "predictions.csv")


def write_outputs(
    ev: Evaluation, out: Path, title: str, extra: dict, value: str | None = None
) -> dict[str, Path]:
    """Plots, ``metrics.json`` and ``predictions.csv`` for one evaluation, each written atomically;
    ``value``: the forecast column's name, the plots' y axis."""
    from rnnkit.forecast.plots import plot_forecast, plot_residuals
    from rnnkit.utils.plotting import save_figure

    files = {
        "forecast_plot": save_figure(plot_forecast(ev, title, value), out / "forecast.png"),
        "residual_plot": save_figure(plot_residuals(ev, title, value), out / "residuals.png"),
    }
    payload = {**extra, **ev.to_dict()}
    files["metrics"] = strict_json.write(out / "metrics.json", payload)  # a NaN metric never as bare NaN
    files["predictions"] = write_text_atomic(out / "predictions.csv", ev.predictions().to_csv(index=False))
    return files


def train_settings(series: Series, settings: ForecastSettings, source: str | None = None) -> dict:
    """What trained the model, named as the options of ``forecast train`` (without ``--``): the data
    as given, how it was read (``--date-format``, ``--dayfirst``, ``--missing``: ``--config
    model/config.json`` reads the dates as training did) and :meth:`ForecastSettings.recorded`."""
    return {
        "data": _source_text(source) or series.name,
        "target": series.columns[0],
        "features": ",".join(series.columns[1:]),
        **series.reading,
        **settings.recorded(),
    }


def train_run(
    series: Series,
    settings: ForecastSettings,
    out: Path,
    *,
    source: str | None = None,
    run: RunFolder | None = None,
) -> TrainOutcome:
    """Split, train, score against the baselines, save the model folder and the report files.

    Args:
        series: a checked series (target in column 0).
        settings: the windows, split, season, model and run (:class:`ForecastSettings`).
        out: the run folder.
        source: what ``--data`` said (a bundled name or a path), recorded so that ``predict`` and
            ``eval`` can default to it.
        run: the run folder for ``metrics.csv``, checkpoints and ``--resume``; None keeps none.
    """
    trained_with = train_settings(series, settings, source)
    prep, choice = prepare_run(series, settings, run, _resume_settings(trained_with, series))
    m, _ = choose_season(settings.season, series.dates, series.target[: prep.split.train_end])
    info = {
        "data": series.name,
        "source": _source_text(source),
        "rows": len(series),
        "first_date": str(series.dates[0]),
        # its last date, step and last value: predict and eval warn when new data look like another series'
        **trained_data_marks(series),
        "train_rows": prep.split.train_end,
        "val": settings.val,
        "test": settings.test,
        "seed": settings.seed,
        "predict_choice": choice.to_dict(),
        "reading": series.reading,  # how predict, eval and from_pretrained read data by default
        "settings": trained_with,  # what forecast train --config model/config.json trains again
    }
    forecaster, fit = train_forecaster(
        prep,
        settings.hyper,
        seed=settings.seed,
        device=settings.device,
        run_dir=None if run is None else run.path,
        resume=run is not None and run.resume,
        show_progress=settings.show_progress,
        season=m,
        info=info,
    )
    ev = evaluate(prep, forecaster, season=settings.season)  # the same season decision, on the training rows
    nxt = forecast_next(forecaster, series)
    files = save_run(Path(out), series, forecaster, fit, ev, nxt, choice)
    return TrainOutcome(prep, forecaster, fit, ev, nxt, Path(out), files, choice)


def _resume_settings(trained_with: dict, series: Series) -> dict:
    """What ``--resume`` must match, named by option; the columns as read (one check for both options)."""
    # the columns and the reading options are checked by what they give: the data as read
    skip = ("target", "features", *READING_KEYS)
    settings = {option_name(k): v for k, v in trained_with.items() if k not in skip}
    settings["--target/--features"] = list(series.columns)
    settings["data as read"] = fingerprint(series.dates.asi8, series.values, list(series.columns))
    return settings


def prepare_run(
    series: Series, settings: ForecastSettings, run: RunFolder | None, resume_settings: dict
) -> tuple[Prepared, Choice]:
    """Begin the run (a resumed one keeps its own scalers, after ``resume_settings`` and the data are
    checked), choose the target transform on the validation part and cut the windows."""
    from rnnkit.train.checkpoint import begin_run

    saved_scalers = None
    if run is not None and run.resume:
        saved = begin_run(run, resume_settings)
        saved_scalers = (Scaler.from_dict(saved["input_scaler"]), Scaler.from_dict(saved["target_scaler"]))
    # every data error is raised here, before a fresh run folder is begun
    window, horizon, val, test = settings.window, settings.horizon, settings.val, settings.test
    choice = choose_predict(series, window, horizon, settings.predict, val=val, test=test)
    prep = prepare(series, window, horizon, choice.predict, val=val, test=test, scalers=saved_scalers)
    if run is not None and run.resume:
        _check_resumed_epochs(run, prep, settings)
    if run is not None and not run.resume:
        scalers = {"input_scaler": prep.in_scaler.to_dict(), "target_scaler": prep.out_scaler.to_dict()}
        begin_run(run, resume_settings, scalers)
    return prep, choice


def _check_resumed_epochs(run: RunFolder, prep: Prepared, settings: ForecastSettings) -> None:
    """``--resume`` may raise the epoch budget, not lower it: a resumed run cannot stop earlier than it
    was set to (its checkpoints may already lie past the new budget, only the newest is kept, and a
    cosine schedule spans the whole budget), so an ``--epochs`` below the run's starting budget, or
    below the epochs it has already trained, is refused in one line, as any other changed setting is."""
    import json

    from rnnkit.forecast.fit import epoch_budget
    from rnnkit.train.checkpoint import STATE_NAME, latest_checkpoint
    from rnnkit.utils.runs import SETTINGS_NAME

    try:  # begin_run has read both: the run's own settings (--epochs may differ) and its newest checkpoint
        saved = json.loads((run.path / SETTINGS_NAME).read_text(encoding="utf-8"))["settings"].get("--epochs")
        checkpoint = latest_checkpoint(run.path)
        state = (
            {} if checkpoint is None else json.loads((checkpoint / STATE_NAME).read_text(encoding="utf-8"))
        )
        trained = int(state.get("epoch", 0))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return  # what begin_run and the engine check, they report
    if saved is not None and not isinstance(saved, int):
        return
    hyper = settings.hyper
    old, new = epoch_budget(prep, replace(hyper, epochs=saved)), epoch_budget(prep, hyper)

    def shown(epochs: int | None, budget: int) -> str:
        return str(epochs) if epochs is not None else f"not given (a budget of {budget})"

    if new < old:
        diff = f"--epochs was {shown(saved, old)} when the run started, now {shown(hyper.epochs, new)}"
    elif new < trained:
        diff = f"the run has trained {trained} epochs, more than --epochs {shown(hyper.epochs, new)}"
    else:
        return
    raise RnnkitError(
        f"cannot resume the run in {run.path}: {diff}; --resume may raise --epochs to train longer, not "
        f"lower it: use --epochs {max(old, trained)} or more, or start over with --force instead of --resume (or "
        "use another --out)"
    )


def save_run(
    out: Path,
    series: Series,
    forecaster: TrainedModel,
    fit: Any,
    ev: Evaluation,
    nxt: NextForecast,
    choice: Choice,
) -> dict[str, Path]:
    """The model folder ``out/model`` and the report files (plots, metrics.json, predictions.csv,
    metrics.csv) beside it; their paths."""
    title = series.title
    files = {"model": forecaster.save(out / "model", card=single_card(forecaster, ev, title))}
    extra = {
        "data": series.name,
        "target": series.columns[0],
        "features": series.columns[1:],
        "window": forecaster.window,
        "predict": choice.predict,
        "predict_choice": choice.to_dict(),
        "cell": forecaster.hyper.cell,
        "train_seconds": round(float(fit.seconds), 3),
        "best_epoch": fit.best_epoch,
        "epochs_run": fit.epochs_run,
        "schedule": forecaster.info.get("schedule"),
        "linear_blend": forecaster.info.get("linear_blend"),
        "next": nxt.lines(),
    }
    files.update(write_outputs(ev, out, title, extra, series.columns[0]))
    history = pd.DataFrame(fit.history)
    files["history"] = write_text_atomic(out / "metrics.csv", history.to_csv(index=False))
    return files
