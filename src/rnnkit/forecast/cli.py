"""``rnnkit forecast train|eval|backtest|predict``: thin commands over the forecast modules.

Heavy modules are imported inside each command, so ``predict`` never loads the training engine,
Accelerate or matplotlib. Warnings (unsorted dates) go to stderr as ``rnnkit: warning: ...``; notes
(missing values filled or dropped, with their count) to stdout.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from rnnkit.forecast.options import (
    data_options,
    model_options,
    parse_features,
    parse_quantiles,
    window_options,
)
from rnnkit.utils.options import common_options, force_option, run_options
from rnnkit.utils.outputs import Output, claim_outputs

if TYPE_CHECKING:
    from rnnkit.forecast.data import Series
    from rnnkit.forecast.evaluate import Evaluation
    from rnnkit.forecast.forecaster import Forecaster, Hyper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Sequence to vector: forecast a time series (window of past steps in, next steps out)."""


def _load(data: str, target: str | None, features: str, date_column: str | None, missing: str) -> Series:
    from rnnkit.forecast.data import load_series

    series = load_series(data, target, parse_features(features), date_column, missing)
    for warning in series.warnings:
        click.echo(f"rnnkit: warning: {warning}", err=True)
    for note in series.notes:
        click.echo(f"note: {note}")
    return series


def _load_for_model(
    fc: Forecaster, data: str | None, target: str | None, features: str, date_column: str | None, missing: str
) -> Series:
    """Load the columns a saved model reads; ``--data`` defaults to what it was trained on."""
    data = data or fc.info.get("source")
    if not data:
        raise click.UsageError("give --data: the model does not record its data set")
    series = _load(data, target or fc.columns[0], features or ",".join(fc.columns[1:]), date_column, missing)
    if len(series.columns) != len(fc.columns):
        raise click.UsageError(
            f"the model reads {len(fc.columns)} column(s) ({', '.join(fc.columns)}), not {len(series.columns)}"
        )
    return series


def _hyper(kw: dict) -> Hyper:
    from rnnkit.forecast.forecaster import Hyper
    from rnnkit.nn import CELL_TYPES
    from rnnkit.utils.errors import RnnkitError

    if kw["cell"] not in CELL_TYPES:
        raise RnnkitError(f"unknown --cell {kw['cell']!r}; known: {', '.join(CELL_TYPES)}")
    for name in ("hidden", "layers", "epochs", "batch_size", "threads"):
        if kw[name] < 1:
            raise RnnkitError(f"--{name.replace('_', '-')} must be at least 1 (got {kw[name]})")
    if not 0 <= kw["dropout"] < 1:
        raise RnnkitError(f"--dropout must be in [0, 1) (got {kw['dropout']})")
    return Hyper(
        cell=kw["cell"],
        hidden=kw["hidden"],
        layers=kw["layers"],
        dropout=kw["dropout"],
        quantiles=parse_quantiles(kw["quantiles"]),
        epochs=kw["epochs"],
        lr=kw["lr"],
        batch_size=kw["batch_size"],
        patience=kw["patience"],
        threads=kw["threads"],
        monitor=kw["monitor"],
        calibrate=kw["calibrate"],
    )


def echo_table(headers: list[str], rows: list[list[str]]) -> None:
    """A plain aligned text table on stdout."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    click.echo(line)
    click.echo("-" * len(line))
    for row in rows:
        click.echo(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def _echo_evaluation(ev: Evaluation, title: str) -> None:
    from rnnkit.forecast.evaluate import interval_coverage

    step = f"{ev.horizon}-step" if ev.horizon > 1 else "one-step"
    click.echo(f"{title}: {step} forecasts on {len(ev.actual)} test samples, in price units")
    echo_table(*ev.table())
    click.echo(ev.verdict())
    click.echo(f"seasonal naive: {ev.season_reason}")
    cover = interval_coverage(ev)
    if cover:
        lo, hi, share = cover
        click.echo(
            f"model {lo:.0%}-{hi:.0%} interval holds {share:.1%} of test actuals (nominal {hi - lo:.0%})"
        )


@cli.command()
@data_options()
@window_options()
@model_options()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("runs/forecast"),
    show_default=True,
    help="Run folder: model/, plots, metrics.",
)
@run_options("OUT, beside model/")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@force_option
@common_options
def train(
    data: str,
    target: str | None,
    features: str,
    date_column: str | None,
    missing: str,
    window: int,
    horizon: int,
    predict: str,
    val: float,
    test: float,
    season: int | None,
    out: Path,
    run_dir: Path | None,
    resume: bool,
    quiet: bool,
    seed: int,
    device: str,
    **model_kw: Any,
) -> None:
    """Train a model, score it against naive, seasonal naive and linear AR, and save it.

    Checkpoints go to the run folder after every epoch; after a crash or Ctrl-C, the same command with
    --resume continues from the newest one (and --epochs may be raised to train longer).
    """
    from rnnkit.forecast.pipeline import train_run
    from rnnkit.train.checkpoint import hint_on_interrupt
    from rnnkit.utils.runs import RunFolder

    claim_outputs([Output.folder("--out", out, "forecast", "run"),
                   Output.folder("--run-dir", run_dir, "forecast", "run")], inputs=[data])  # fmt: skip
    hyper = _hyper(model_kw)
    series = _load(data, target, features, date_column, missing)
    run = RunFolder(run_dir if run_dir is not None else out, resume=resume).outside(out / "model")
    with hint_on_interrupt(run):  # Ctrl-C: how to continue
        res = train_run(
            series,
            out,
            window,
            horizon,
            predict,
            val,
            test,
            season,
            hyper,
            seed,
            device,
            not quiet,
            data,
            run,
        )
    _echo_evaluation(res.evaluation, f"{series.name} {series.columns[0]} ({hyper.cell}, predict {predict})")
    click.echo(f"trained in {res.fit.seconds:.1f}s ({res.fit.epochs_run} epochs, best {res.fit.best_epoch})")
    for line in res.next.lines():
        click.echo(line)
    click.echo(f"model: {res.files['model']}")
    click.echo(f"plots: {res.files['forecast_plot']}, {res.files['residual_plot']}")


@cli.command(name="eval")
@click.option("--model", "model_dir", type=click.Path(path_type=Path), required=True, help="A model folder.")
@data_options(default=None)
@click.option(
    "--val", type=float, default=0.1, show_default=True, help="Validation fraction (AR fit excludes it)."
)
@click.option("--test", type=float, default=0.2, show_default=True, help="Test fraction (the last rows).")
@click.option("--season", type=int, default=None, help="Season for the seasonal naive; 0 for none.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("runs/forecast-eval"),
    show_default=True,
    help="Folder for plots and metrics.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@force_option
@common_options
def eval_(
    model_dir: Path,
    data: str | None,
    target: str | None,
    features: str,
    date_column: str | None,
    missing: str,
    val: float,
    test: float,
    season: int | None,
    out: Path,
    quiet: bool,
    seed: int,
    device: str,
) -> None:
    """Score a saved model on the last rows of a series, beside the baselines."""
    from rnnkit.forecast.baselines import choose_season
    from rnnkit.forecast.evaluate import evaluate
    from rnnkit.forecast.forecaster import Forecaster
    from rnnkit.forecast.pipeline import write_outputs
    from rnnkit.forecast.prepare import prepare
    from rnnkit.utils.seeding import seed_everything

    claim_outputs([Output.folder("--out", out, "forecast", "eval")], inputs=[model_dir, data])
    seed_everything(seed)
    fc = Forecaster.load(model_dir, device=device)
    series = _load_for_model(fc, data, target, features, date_column, missing)
    prep = prepare(
        series, fc.window, fc.horizon, fc.predict, val, test, scalers=(fc.in_scaler, fc.out_scaler)
    )
    m, reason = choose_season(season, series.dates, series.target[: prep.split.train_end])
    ev = evaluate(prep, fc, season=m or 0, show_progress=not quiet)
    ev.season_reason = reason
    _echo_evaluation(ev, f"{series.name} {series.columns[0]} ({fc.hyper.cell} model from {model_dir})")
    files = write_outputs(ev, Path(out), f"{series.name} {series.columns[0]}", {"model": str(model_dir)})
    click.echo(f"plots: {files['forecast_plot']}, {files['residual_plot']}")


@cli.command()
@data_options()
@window_options()
@model_options()
@click.option(
    "--folds", type=int, default=5, show_default=True, help="Walk-forward folds over the test part."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("runs/forecast-backtest"),
    show_default=True,
    help="Folder for backtest.json.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@force_option
@common_options
def backtest(
    data: str,
    target: str | None,
    features: str,
    date_column: str | None,
    missing: str,
    window: int,
    horizon: int,
    predict: str,
    val: float,
    test: float,
    season: int | None,
    folds: int,
    out: Path,
    quiet: bool,
    seed: int,
    device: str,
    **model_kw: Any,
) -> None:
    """Walk-forward backtest: K models on an expanding window, each scored on the next block."""
    import json

    from rnnkit.forecast.backtest import backtest as run_backtest
    from rnnkit.utils.atomic import write_text_atomic

    claim_outputs([Output.folder("--out", out, "forecast", "backtest")], inputs=[data])
    hyper = _hyper(model_kw)
    series = _load(data, target, features, date_column, missing)
    res = run_backtest(
        series, folds, window, horizon, predict, val, test, season, hyper, seed, device, not quiet
    )
    click.echo(f"{series.name} {series.columns[0]}: walk-forward backtest, {folds} folds, expanding window")
    echo_table(*res.table())
    click.echo(res.verdict())
    path = write_text_atomic(Path(out) / "backtest.json", json.dumps(res.to_dict(), indent=2) + "\n")
    click.echo(f"results: {path}")


@cli.command()
@click.option("--model", "model_dir", type=click.Path(path_type=Path), required=True, help="A model folder.")
@data_options(default=None)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@common_options
def predict(
    model_dir: Path,
    data: str | None,
    target: str | None,
    features: str,
    date_column: str | None,
    missing: str,
    quiet: bool,
    seed: int,
    device: str,
) -> None:
    """Forecast the next steps from the latest window of a series (fast: no training code loaded)."""
    from rnnkit.forecast.forecaster import Forecaster
    from rnnkit.forecast.nextstep import forecast_next
    from rnnkit.utils.seeding import seed_everything

    seed_everything(seed)
    fc = Forecaster.load(model_dir, device=device)
    series = _load_for_model(fc, data, target, features, date_column, missing)
    for line in forecast_next(fc, series, show_progress=not quiet).lines():
        click.echo(line)
