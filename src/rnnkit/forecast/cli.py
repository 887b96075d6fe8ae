"""``rnnkit forecast train|eval|backtest|predict``: thin commands over the forecast modules.

Heavy modules are imported inside each command, so ``predict`` never loads the training engine,
Accelerate or matplotlib. Warnings (unsorted dates) go to stderr as ``rnnkit: warning: ...``; notes
(missing values filled or dropped, with their count) to stdout.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from rnnkit.forecast.data import READ_OPTIONS, data_input
from rnnkit.forecast.options import (
    SEASON_HELP,
    data_options,
    model_options,
    parse_features,
    parse_quantiles,
    settings_from_model,
    window_options,
)
from rnnkit.utils.markers import model_folder_in
from rnnkit.utils.options import (
    MODEL_IN_HELP,
    common_options,
    config_option,
    force_option,
    inference_options,
    json_option,
    out_option,
    progress_option,
    resume_options,
    split_options,
    threads_option,
)
from rnnkit.utils.outputs import Output, claim_outputs
from rnnkit.utils.user_paths import UserPath

if TYPE_CHECKING:
    from rnnkit.forecast.data import Series
    from rnnkit.forecast.evaluate import Evaluation
    from rnnkit.forecast.forecaster import TrainedModel
    from rnnkit.forecast.settings import ForecastSettings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Sequence to vector: forecast a time series (window of past steps in, next steps out)."""


DATA_KEYS = ("data", *READ_OPTIONS)


def _echo_notes(series: Series) -> None:
    for warning in series.warnings:
        click.echo(f"rnnkit: warning: {warning}", err=True)
    for note in series.notes:
        click.echo(f"note: {note}")


def _load(kw: dict, target_fallback: bool = False) -> Series:
    """The series named by the data options (``kw`` holds :data:`DATA_KEYS`)."""
    from rnnkit.forecast.data import load_series

    series = load_series(
        kw["data"],
        kw["target"],
        parse_features(kw["features"]),
        kw["date_column"],
        kw["missing"],
        date_format=kw["date_format"],
        dayfirst=kw["dayfirst"],
        target_fallback=target_fallback,
        decimal=kw["decimal"],
    )
    _echo_notes(series)
    return series


def _load_panel(kw: dict, target_fallback: bool = False) -> list[Series]:
    """Long format (``--id-column``): one series per id; ``target_fallback`` as :func:`_load`'s."""
    from rnnkit.forecast.panel import load_panel

    panel = load_panel(
        kw["data"],
        kw["id_column"],
        kw["target"],
        parse_features(kw["features"]),
        kw["date_column"],
        kw["missing"],
        date_format=kw["date_format"],
        dayfirst=kw["dayfirst"],
        target_fallback=target_fallback,
        decimal=kw["decimal"],
    )
    for series in panel:
        _echo_notes(series)
    return panel


def _pop_data(kw: dict) -> dict:
    return {k: kw.pop(k) for k in DATA_KEYS}


def _given(name: str) -> bool:
    """Whether option ``name`` was typed (or set in the environment), not left at its default."""
    from click.core import ParameterSource

    ctx = click.get_current_context(silent=True)
    source = ctx.get_parameter_source(name) if ctx is not None else None
    return source in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT, ParameterSource.PROMPT)


def _read_as_trained(fc: TrainedModel, kw: dict, model_dir: Path) -> dict:
    """``kw`` with the data reading the model saved (its dates day first, ``--missing fill``) where the
    command line gives none: new data read as the training data were. A date option given
    (``--date-format`` or ``--dayfirst/--monthfirst``) replaces the saved date reading whole."""
    from rnnkit.forecast.data import saved_reading

    saved = saved_reading(fc.info, model_dir)
    kw = dict(kw)
    used = []
    if kw["date_format"] is None and kw["dayfirst"] is None:
        kw["date_format"], kw["dayfirst"] = saved.get("date_format"), saved.get("dayfirst")
        if kw["date_format"]:
            used.append(f"--date-format {kw['date_format']}")
        elif kw["dayfirst"] is not None:
            used.append("--dayfirst" if kw["dayfirst"] else "--monthfirst")
    if kw["decimal"] is None and saved.get("decimal"):
        kw["decimal"] = saved["decimal"]
        used.append(f"--decimal {kw['decimal']}")
    if "missing" in saved and not _given("missing"):
        kw["missing"] = saved["missing"]
        if kw["missing"] != "error":
            used.append(f"--missing {kw['missing']}")
    if used:
        click.echo(f"note: read the data as the model's training data were read: {', '.join(used)}")
    return kw


def _load_for_model(fc: TrainedModel, kw: dict) -> Series:
    """Load the columns a saved model reads; ``--data`` defaults to what it was trained on.

    A one-column model reads ``--target`` if given, else its own target column, else (a file whose
    column is named differently) ``Adj Close``, else ``Close``, else an OHLC export's ``Price``, else the only
    numeric column, as the help says.
    """
    from rnnkit.utils.errors import RnnkitError

    kw = dict(kw)
    kw["data"] = kw["data"] or fc.info.get("source")
    if not kw["data"]:
        raise RnnkitError("give --data: the model does not record its data set")
    fallback = kw["target"] is None and len(fc.columns) == 1
    kw["target"] = kw["target"] or fc.columns[0]
    kw["features"] = kw["features"] or ",".join(fc.columns[1:])
    series = _load(kw, target_fallback=fallback)
    if len(series.columns) != len(fc.columns):
        raise RnnkitError(
            f"the model reads {len(fc.columns)} column(s) ({', '.join(fc.columns)}), not "
            f"{len(series.columns)}; name them with --target and --features"
        )
    return series


def _warn_unlike_training(fc: TrainedModel, series: Series) -> None:
    """Warn (stderr) when the data are on another calendar than the training data's, or differ from them
    on their last date (:func:`rnnkit.forecast.nextstep.data_warnings`)."""
    from rnnkit.forecast.nextstep import data_warnings

    for warning in data_warnings(fc.info, series):
        click.echo(f"rnnkit: warning: {warning}", err=True)


def _warn_test_seen(fc: TrainedModel, series: Series, val: float, test: float) -> None:
    """Warn (stderr) when the test part holds rows the model trained or validated on
    (:mod:`rnnkit.forecast.seen`): a larger ``--test`` than the model's own reaches back into them."""
    from rnnkit.forecast.seen import seen_test_warning

    warning = seen_test_warning(fc.info, series, val, test)
    if warning:
        click.echo(f"rnnkit: warning: {warning}", err=True)


def _settings(kw: dict) -> ForecastSettings:
    """The run's settings from the options (and ``--config``): each checked, then taken out of ``kw``."""
    from rnnkit.forecast.settings import ForecastSettings
    from rnnkit.nn import CELL_TYPES
    from rnnkit.utils.errors import RnnkitError

    if kw["cell"] not in CELL_TYPES:
        raise RnnkitError(f"unknown --cell {kw['cell']!r}; known: {', '.join(CELL_TYPES)}")
    for name in ("hidden_size", "num_layers", "batch_size", "max_steps", "patience"):
        if kw[name] < 1:
            raise RnnkitError(f"--{name.replace('_', '-')} must be at least 1 (got {kw[name]})")
    if kw["epochs"] is not None and kw["epochs"] < 1:
        raise RnnkitError(f"--epochs must be at least 1 (got {kw['epochs']})")
    if not 0 <= kw["dropout"] < 1:
        raise RnnkitError(f"--dropout must be in [0, 1) (got {kw['dropout']})")
    # --ensemble, --aux-steps and --input-noise (scaled units: the inputs have standard deviation 1) are
    # bounded by their options' ranges (rnnkit.utils.limits.OPTION_LIMITS), --config values too
    kw["quantiles"] = parse_quantiles(kw["quantiles"])
    return ForecastSettings(**{k: kw.pop(k) for k in ForecastSettings.setting_names() & set(kw)})


def echo_table(headers: list[str], rows: list[list[str]]) -> None:
    """The table on stdout, in rnnkit's one table style (:mod:`rnnkit.utils.tables`)."""
    from rnnkit.utils.tables import format_table

    click.echo(format_table(headers, rows))


def _echo_evaluation(ev: Evaluation, title: str) -> None:
    from rnnkit.forecast.evaluate import coverage_line

    step = f"{ev.horizon}-step" if ev.horizon > 1 else "one-step"
    click.echo(f"{title}: {step} forecasts on {len(ev.actual)} test samples, in the series' own units")
    echo_table(*ev.table())
    click.echo(ev.verdict())
    click.echo(f"seasonal naive: {ev.season_reason}")
    if line := coverage_line(ev):
        click.echo(line)
    for note in ev.notes:  # what a metric left out (MAPE's zero actuals), as metrics.json says
        click.echo(f"note: {note}")


@cli.command()
@data_options()
@window_options()
@model_options()
@out_option(Path("runs/forecast"))
@resume_options()
@progress_option()
@config_option(settings_from_model)
@force_option
@common_options
def train(out: Path, resume: bool, **kw: Any) -> None:
    """Train a model, score it against the baselines, and save it.

    The baselines are naive, seasonal naive and linear AR.

    --out is the run folder: the model goes to OUT/model, plots and metrics beside it, and checkpoints
    after every epoch; after a crash or Ctrl-C, the same command with
    --resume continues from the newest one (and --epochs may be raised to train longer).

    With --id-column (long format: one row per series and date), one global model learns from every
    series; it is scored on each beside that series' own baselines, and pooled.
    """
    from rnnkit.forecast.pipeline import REPORT_FILES, train_run
    from rnnkit.train.checkpoint import hint_on_interrupt, latest_checkpoint
    from rnnkit.utils.runs import claim_run

    if resume and kw.get("id_column"):  # before the run folder is claimed: nothing is touched
        from rnnkit.utils.errors import RnnkitError
        from rnnkit.utils.runs import start_afresh

        # --force where a fresh run is refused: a finished run, or an unfinished one's checkpoints
        afresh = start_afresh(out, "train again without --resume", latest_checkpoint(out))
        raise RnnkitError(
            "--resume does not work with --id-column yet: one global model over many series keeps no "
            f"checkpoints; {afresh}"
        )
    # --data resolved first: a bundled name is no folder (not even the run folder --out ibm creates)
    run, _ = claim_run(
        out,
        resume,
        "forecast",
        inputs=[data_input(kw["data"])],
        old_layout=False,
        newest_checkpoint=latest_checkpoint,
        writes=REPORT_FILES,
    )  # --out was always the run
    data_kw = _pop_data(kw)
    settings = _settings(kw)
    if data_kw["id_column"]:
        _train_panel(data_kw, settings, out)
        return
    series = _load(data_kw)
    with hint_on_interrupt(run):  # Ctrl-C: how to continue
        res = train_run(series, settings, out, source=data_kw["data"], run=run)
    click.echo(f"target transform: {res.choice.reason}")
    title = f"{series.title} ({settings.cell}, predict {res.choice.predict})"
    _echo_evaluation(res.evaluation, title)
    from rnnkit.forecast.evaluate import window_hint

    if tip := window_hint(res.evaluation.season, settings.window):
        click.echo(tip)
    _echo_fit(res.fit, res.forecaster.info)
    click.echo(f"training schedule: {res.forecaster.info.get('schedule')}")
    _echo_blend(res.forecaster.info)
    for line in res.next.lines():
        click.echo(line)
    click.echo(f"model: {res.files['model']}")
    click.echo(f"plots: {res.files['forecast_plot']}, {res.files['residual_plot']}")


def _train_panel(data_kw: dict, settings: ForecastSettings, out: Path) -> None:
    from rnnkit.forecast.panel_run import train_panel

    panel = _load_panel(data_kw)
    res = train_panel(panel, settings, out, source=data_kw["data"], id_column=data_kw["id_column"])
    _echo_choices({name: c.reason for name, c in res.choices.items()})
    step = f"{settings.horizon}-step" if settings.horizon > 1 else "one-step"
    click.echo(
        f"{len(panel)} series, one global {settings.cell} model: {step} test scores, in each series' units"
    )
    _echo_series_table(res.scores)
    click.echo(res.verdict())
    _echo_fit(res.fit, res.model.info)
    click.echo(f"training schedule: {res.model.info.get('schedule')}")
    _echo_blend(res.model.info)
    _echo_global_ar([res.model.info.get("linear_blend")])
    for line in res.next_lines():
        click.echo(line)
    click.echo(f"model: {res.files['model']}")
    click.echo(f"metrics: {res.files['metrics']}, {res.files['predictions']}")


def _echo_series_table(scores: Any, where: str = "training rows") -> None:
    """Each series' scores and the pooled row, then which series have no seasonal naive and why."""
    echo_table(*scores.table())
    if note := scores.season_note(where):
        click.echo(note)


def _echo_blend(info: dict, scored: bool = False) -> None:
    """Whether the point forecast was blended with the linear AR (--linear-blend), and why: forecast train
    says what it chose, forecast eval (``scored``) what the model it scores was made of, and on which
    data that was chosen (eval's data may be another series)."""
    from rnnkit.forecast.blend import blend_line

    if line := blend_line(info, scored=scored):
        click.echo(line)


def _echo_global_ar(blends: list[dict | None]) -> None:
    """Under a global model's linear blend that leans on the AR: which AR that is. Its model column then
    differs from the table's linear AR column, and the reader should not take it for a bug."""
    if any(b and min(b["weight_on_network"]) < 1 for b in blends):
        click.echo(
            "  (a global model's linear AR is one AR fitted on every series' scaled windows; the table's "
            "linear AR column is each series' own, so the model's scores differ from it)"
        )


def _echo_per_fold(what: str, reasons: list[str]) -> None:
    """What each backtest fold chose on its own validation rows, and why: one line when every fold says
    the same."""
    if len(set(reasons)) == 1:
        click.echo(f"{what} (every fold): {reasons[0]}")
        return
    click.echo(f"{what} per fold (chosen on each fold's validation rows):")
    for k, reason in enumerate(reasons, start=1):
        click.echo(f"  fold {k}: {reason}")


def _echo_fold_blends(blends: list[dict | None]) -> None:
    """Each backtest fold's linear blend (--linear-blend); nothing with --no-linear-blend."""
    if any(blends):
        _echo_per_fold("linear blend", [b["reason"] if b else "the network alone" for b in blends])


def _echo_fit(fit: Any, info: dict) -> None:
    """How long training took and for how many epochs; for an ensemble (--ensemble), each member's."""
    members = info.get("ensemble")
    if not members:
        click.echo(f"trained in {fit.seconds:.1f}s ({fit.epochs_run} epochs, best {fit.best_epoch})")
        return
    each = ", ".join(f"{m['epochs_run']} ({m['best_epoch']})" for m in members)
    click.echo(
        f"trained in {fit.seconds:.1f}s: an ensemble of {len(members)} networks, forecasts averaged; "
        f"epochs (best) of each: {each}"
    )


def _fold_choices(folds: list[Any]) -> dict[str, str]:
    """Each series' transform in a many-series backtest: the last fold's reason, and the transform of
    every fold when the folds chose differently (each chooses on its own validation rows)."""
    out = {}
    for name, last in folds[-1].choices.items():
        kinds = [fold.choices[name].predict for fold in folds]
        same = len(set(kinds)) == 1
        each = (
            f"every fold predicts {kinds[0]}"
            if same
            else f"folds 1 to {len(kinds)} predict {', '.join(kinds)}"
        )
        out[name] = f"{last.reason} (the last fold's reason; {each})" if len(folds) > 1 else last.reason
    return out


def _echo_choices(reasons: dict[str, str]) -> None:
    """Each series' target transform and why (one line when they all say the same)."""
    if len(set(reasons.values())) == 1:
        click.echo(f"target transform (every series): {next(iter(reasons.values()))}")
        return
    click.echo("target transform per series (chosen on each series' validation rows):")
    for name, reason in reasons.items():
        click.echo(f"  {name}: {reason}")


@cli.command(name="eval")
@click.option("--model", "model_dir", type=UserPath(), required=True, help=MODEL_IN_HELP)
@data_options(default=None, trained=True)
@split_options(
    val=None,
    test=None,
    more="The last rows, in time order; the AR fit excludes them. [default: the model's own, as it was trained]",
)
@click.option("--season", type=int, default=None, help=SEASON_HELP)
@click.option(
    "--out",
    type=UserPath(),
    default=Path("runs/forecast-eval"),
    show_default=True,
    help="Folder for plots and metrics.",
)
@progress_option()
@force_option
@inference_options
def eval_(
    model_dir: Path,
    val: float | None,
    test: float | None,
    season: int | None,
    out: Path,
    show_progress: bool,
    device: str,
    **kw: Any,
) -> None:
    """Score a saved model on the last rows of a series.

    The scores are shown beside the baselines': naive, seasonal naive and linear AR.

    A global model (forecast train --id-column) is scored on every series of long-format data, each
    with its own scalers and transform, beside its own baselines, and pooled (MASE).
    """
    from rnnkit.forecast.evaluate import evaluate
    from rnnkit.forecast.forecaster import TrainedModel
    from rnnkit.forecast.pipeline import REPORT_FILES, write_outputs
    from rnnkit.forecast.prepare import prepare
    from rnnkit.forecast.seen import model_split
    from rnnkit.forecast.settings import ForecastSettings

    claim_outputs(
        [Output.folder("--out", out, "forecast", "eval", writes=REPORT_FILES)],
        inputs=[model_folder_in(model_dir), data_input(kw["data"])],
    )
    fc = TrainedModel.load(model_dir, device=device)
    # the model's own split by default: on its own data it scores the rows it was never trained on
    val, test = model_split(fc.info, val, test)
    if kw["id_column"] or fc.series_scalers:
        _eval_panel(fc, model_dir, kw, ForecastSettings(val=val, test=test, season=season), out)
        return
    series = _load_for_model(fc, _read_as_trained(fc, kw, model_dir))
    _warn_unlike_training(fc, series)
    _warn_test_seen(fc, series, val, test)
    prep = prepare(
        series,
        fc.window,
        fc.horizon,
        fc.transform,
        val,
        test,
        scalers=(fc.in_scaler, fc.out_scaler),
        changes=fc.feature_changes,
    )
    ev = evaluate(prep, fc, season=season, show_progress=show_progress)
    _echo_evaluation(ev, f"{series.name} {series.columns[0]} ({fc.hyper.cell} model from {model_dir})")
    _echo_blend(fc.info, scored=True)  # why the model's row may be the linear AR's, or near it
    files = write_outputs(
        ev, Path(out), f"{series.name} {series.columns[0]}", {"model": str(model_dir)}, series.columns[0]
    )
    click.echo(f"plots: {files['forecast_plot']}, {files['residual_plot']}")


def _panel_kw(fc: TrainedModel, kw: dict) -> dict:
    """Data options for a global model: ``--data``, ``--id-column`` and the columns default to its own.
    ``target_fallback``: a one-column model without ``--target`` reads ``Adj Close``, else ``Close``,
    ... when the file lacks its column, as a single-series model does."""
    kw = dict(kw)
    kw["target_fallback"] = kw["target"] is None and len(fc.columns) == 1
    kw["data"] = kw["data"] or fc.info.get("source")
    kw["id_column"] = kw["id_column"] or fc.info.get("id_column")
    kw["target"] = kw["target"] or fc.columns[0]
    kw["features"] = kw["features"] or ",".join(fc.columns[1:])
    return kw


def _eval_panel(fc: TrainedModel, model_dir: Path, kw: dict, settings: ForecastSettings, out: Path) -> None:
    """``forecast eval`` of a global model on long-format data: per series and pooled."""
    from rnnkit.forecast.panel_run import eval_panel
    from rnnkit.utils.errors import RnnkitError

    if not fc.series_scalers:
        raise RnnkitError(
            f"{model_dir} is a model of one series; evaluate it on one series, without --id-column"
        )
    kw = _panel_kw(fc, _read_as_trained(fc, kw, model_dir))
    if not kw["data"] or not kw["id_column"]:
        raise RnnkitError("give --data and --id-column: the model does not record its long-format data")
    panel = _load_panel(kw, kw.pop("target_fallback"))
    res = eval_panel(fc, panel, settings, out, id_column=kw["id_column"], model_dir=str(model_dir))
    step = f"{fc.horizon}-step" if fc.horizon > 1 else "one-step"
    click.echo(
        f"{len(panel)} series, the global {fc.hyper.cell} model from {model_dir}: {step} test scores, "
        "in each series' units"
    )
    _echo_series_table(res.scores)
    click.echo(res.verdict())
    _echo_blend(fc.info, scored=True)
    _echo_global_ar([fc.info.get("linear_blend")])
    click.echo(f"metrics: {res.files['metrics']}, {res.files['predictions']}")


@cli.command()
@data_options()
@window_options()
@model_options()
@click.option(
    "--folds",
    type=int,
    default=5,
    show_default=True,
    help="Walk-forward folds (over the test part, or the last FOLDS x STRIDE rows).",
)
@click.option(
    "--stride",
    type=int,
    default=None,
    help="Rows between fold starts (each fold tests the next STRIDE rows) [default: the test part / folds].",
)
@click.option(
    "--out",
    type=UserPath(),
    default=Path("runs/forecast-backtest"),
    show_default=True,
    help="Folder for backtest.json and backtest.csv.",
)
@progress_option()
@force_option
@common_options
def backtest(folds: int, stride: int | None, out: Path, **kw: Any) -> None:
    """Walk-forward backtest: K models on an expanding window.

    Each of the --folds models is trained on the rows before its block and scored on the block.

    With --id-column (long format), each fold trains one global model on every series' rows before
    its block; scores per fold (pooled), per series over all folds, and pooled.
    """

    from rnnkit.forecast.backtest import backtest as run_backtest
    from rnnkit.utils import strict_json
    from rnnkit.utils.atomic import write_text_atomic

    claim_outputs(
        [Output.folder("--out", out, "forecast", "backtest", writes=BACKTEST_FILES)],
        inputs=[data_input(kw["data"])],
    )
    data_kw = _pop_data(kw)
    settings = _settings(kw)
    if data_kw["id_column"]:
        res_p = _backtest_panel(data_kw, settings, folds, stride)
        path = strict_json.write(Path(out) / BACKTEST_FILES[0], res_p.to_dict())
        frame = res_p.to_frame(data_kw["id_column"]).to_csv(index=False)
        click.echo(f"results: {path}, {write_text_atomic(Path(out) / BACKTEST_FILES[1], frame)}")
        return
    series = _load(data_kw)
    res = run_backtest(series, settings, folds=folds, stride=stride)
    click.echo(
        f"{series.name} {series.columns[0]}: walk-forward backtest, {len(res.splits)} folds, expanding window"
        f"{_scored_step(settings.horizon)}"
    )
    echo_table(*res.table())
    click.echo(res.verdict())
    _echo_per_fold("target transform", [c.reason for c in res.choices])
    _echo_fold_blends(res.blends)
    path = strict_json.write(Path(out) / BACKTEST_FILES[0], res.to_dict())
    table = write_text_atomic(Path(out) / BACKTEST_FILES[1], res.to_frame().to_csv(index=False))
    click.echo(f"results: {path}, {table}")


BACKTEST_FILES = ("backtest.json", "backtest.csv")  # what backtest writes in its --out, declared to its claim


def _scored_step(horizon: int) -> str:
    """What a backtest's scores are of, with ``--horizon`` above 1 (train's table says "3-step test
    scores"): the forecasts' last step; nothing for one step."""
    if horizon == 1:
        return ""
    return f"; scores of step {horizon} of the {horizon}-step forecasts (backtest.json's mae_by_step has each step)"


def _backtest_panel(data_kw: dict, settings: ForecastSettings, folds: int, stride: int | None) -> Any:
    """``forecast backtest --id-column``: print the folds (pooled) and each series over all folds."""
    from rnnkit.forecast.panel_backtest import backtest_panel

    panel = _load_panel(data_kw)
    res = backtest_panel(panel, settings, folds=folds, stride=stride)
    click.echo(
        f"{len(panel)} series, one global {settings.cell} model per fold: walk-forward backtest, "
        f"{len(res.folds)} folds, expanding window; MASE pooled over the series{_scored_step(settings.horizon)}"
    )
    echo_table(*res.fold_table())
    click.echo("each series over all folds (MAE in its units), and pooled:")
    _echo_series_table(res.scores, "training rows in one fold or more")
    click.echo(res.verdict())
    _echo_choices(_fold_choices(res.folds))
    _echo_fold_blends([fold.blend for fold in res.folds])
    _echo_global_ar([fold.blend for fold in res.folds])
    return res


@cli.command()
@click.option("--model", "model_dir", type=UserPath(), required=True, help=MODEL_IN_HELP)
@data_options(default=None, trained=True)
@click.option(
    "--horizon",
    type=int,
    default=None,
    help="Steps to forecast, at most the model's trained horizon (no recursive forecasts) "
    "[default: the trained horizon].",
)
@json_option("Each step's date, forecast and quantiles.")
@progress_option()
@force_option
@inference_options
def predict(
    model_dir: Path, horizon: int | None, json_out: Path | None, show_progress: bool, device: str, **kw: Any
) -> None:
    """Forecast the next steps from the latest window of a series.

    Fast: no training code is loaded.

    The model's columns are read from --data; a one-column model whose column the file lacks reads
    --target, else Adj Close, else Close, else Price beside Open, High and Low (an investing.com
    export), else the only numeric column (said in a note). --horizon
    beyond the trained horizon is an error naming it: retrain with that --horizon.
    """
    from rnnkit.forecast.forecaster import TrainedModel
    from rnnkit.forecast.nextstep import check_horizon, forecast_next

    claim_outputs(
        [Output.file("--json", json_out)], inputs=[model_folder_in(model_dir), data_input(kw["data"])]
    )
    fc = TrainedModel.load(model_dir, device=device)
    horizon = check_horizon(horizon, fc.horizon)
    if kw["id_column"] or fc.series_scalers:
        from rnnkit.forecast.panel import forecast_panel

        kw = _panel_kw(fc, _read_as_trained(fc, kw, model_dir))
        panel = _load_panel(kw, kw.pop("target_fallback"))
        forecasts = forecast_panel(fc, panel, horizon)
        for nxt in forecasts:
            for line in nxt.lines():
                click.echo(line)
        # each series apart from its column (the printed lines say "A close")
        _write_forecasts(json_out, model_dir, [
            {**nxt.to_dict(), "series": s.name, "target": s.columns[0]} for s, nxt in zip(panel, forecasts, strict=True)
        ])  # fmt: skip
        return
    series = _load_for_model(fc, _read_as_trained(fc, kw, model_dir))
    _warn_unlike_training(fc, series)
    nxt = forecast_next(fc, series, show_progress=show_progress, horizon=horizon)
    for line in nxt.lines():
        click.echo(line)
    _write_forecasts(json_out, model_dir, [nxt.to_dict()])


def _write_forecasts(json_out: Path | None, model_dir: Path, forecasts: list[dict]) -> None:
    """``forecast predict --json``: the forecasts of each series, for programs."""
    if json_out is None:
        return
    from rnnkit.utils import strict_json

    strict_json.write(json_out, {"model": str(model_dir), "forecasts": forecasts})


@cli.command(name="export")
@click.option("--format", "fmt", type=click.Choice(["onnx"]), default="onnx", show_default=True,
              help="Export format.")  # fmt: skip
@click.option("--model", "model_dir", type=UserPath(), required=True, help=MODEL_IN_HELP)
@click.option("--out", type=UserPath(file_example="model.onnx"), required=True,
              help="The file to write, e.g. model.onnx.")  # fmt: skip
@force_option
@threads_option()
def export(fmt: str, model_dir: Path, out: Path) -> None:
    """Export the network to ONNX; the scalers stay in config.json.

    Scaled windows go in and scaled quantiles come out.

    The graph holds what predict computes in scaled units: the network, its linear blend and its
    calibrated intervals; scaling and the transform to the series' units are config.json's.
    """
    from rnnkit.forecast.export import GRAPH, export_onnx

    claim_outputs([Output.file("--out", out)], inputs=[model_folder_in(model_dir)])  # RUN/model, not RUN
    path = export_onnx(model_dir, out)
    click.echo(f"wrote {path} ({fmt}; {GRAPH})")
