"""Command-line options of ``rnnkit forecast``, declared once and shared by its commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from rnnkit.forecast.choose import AUTO
from rnnkit.forecast.data import BUNDLED, DEFAULT_DATA, MISSING_CHOICES
from rnnkit.forecast.decimal_mark import DECIMAL_CHOICES
from rnnkit.forecast.windows import PREDICT_CHOICES
from rnnkit.nn.names import CELL_TYPES
from rnnkit.train.config import LR_SCHEDULES
from rnnkit.utils.options import cell_option, size_options, split_options
from rnnkit.utils.user_paths import UserPath

F = Callable[..., Any]
MONITOR_CHOICES = ("val_point", "val_loss")


def _stack(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def apply(func: F) -> F:
        for deco in reversed(decorators):
            func = deco(func)
        return func

    return apply


# The defaults of a command that reads a saved model (eval, predict): its data, columns and reading of
# them are the training run's (forecast.cli._load_for_model, _read_as_trained), which --help must say.
AS_TRAINED = "[default: as the model's training data were read, else {}]."
TRAINED_DEFAULTS = {
    "--data": "[default: the data the model was trained on].",
    "--target": "[default: the model's own column; a one-column model whose column the file lacks reads "
    "Adj Close, else Close, else Price beside Open, High and Low (investing.com), ...].",
    "--features": "[default: the model's own].",
    "--id-column": "[default: the model's own].",
}


def data_options(default: str | None = DEFAULT_DATA, trained: bool = False) -> Callable[[F], F]:
    """``--data --target --features --date-column --date-format --dayfirst --id-column --missing
    --decimal``. ``trained``: for a command that reads a saved model, whose data, columns and reading
    default to those it was trained with (its help says so)."""
    names = ", ".join(sorted(BUNDLED))

    def default_help(name: str, otherwise: str) -> str:
        return TRAINED_DEFAULTS[name] if trained else otherwise

    def reading(otherwise: str) -> str:
        return AS_TRAINED.format(otherwise) if trained else f"[default: {otherwise}]."

    return _stack(
        click.option(
            "--data",
            type=UserPath(path_type=str),
            default=default,
            show_default=default is not None,
            help=f"A CSV file with a date column, or a bundled data set: {names}"
            + (f" {TRAINED_DEFAULTS['--data']}" if trained else "."),
        ),
        click.option(
            "--target",
            default=None,
            help="Column to forecast "
            + default_help(
                "--target",
                "[default: Adj Close, else Close, else Price beside Open, High and Low (investing.com), else the only numeric column].",
            ),
        ),
        click.option(
            "--features",
            default="",
            help="Extra input columns, comma-separated (e.g. open,high,low,volume)"
            + (f" {TRAINED_DEFAULTS['--features']}" if trained else "."),
        ),
        click.option("--date-column", default=None, help="Name of the date column [default: found by name]."),
        click.option(
            "--date-format",
            default=None,
            help="How dates are written, in strptime codes (e.g. %d/%m/%Y) "
            + reading("guessed, one format for every row"),
        ),
        click.option(
            "--dayfirst/--monthfirst",
            default=None,
            help="Read 01/02/2024 as 1 February (--dayfirst) or January 2 "
            + reading("the reading that parses every row in time order"),
        ),
        click.option(
            "--id-column",
            default=None,
            help="Long format: the column naming each series (one global model across them)"
            + (f" {TRAINED_DEFAULTS['--id-column']}" if trained else "."),
        ),
        click.option(
            "--missing",
            type=click.Choice(MISSING_CHOICES),
            default="error",
            show_default=not trained,
            help="Missing values: stop with an error, fill with the last value, or drop the rows"
            + (f" {AS_TRAINED.format('error')}" if trained else "."),
        ),
        click.option(
            "--decimal",
            type=click.Choice(DECIMAL_CHOICES),
            default=None,
            help="The numbers' decimal mark: point (2.000 is 2) or comma (2.000 is 2000, 2,5 is 2.5) "
            + reading("told by the file; a ';'-separated file writes decimal commas"),
        ),
    )


SEASON_HELP = (
    "Season length of the seasonal naive, in steps; 0 for none [default: detected on the training part]."
)


def window_options() -> Callable[[F], F]:
    """``--window --horizon --predict --val --test --season``."""
    return _stack(
        click.option("--window", type=int, default=4, show_default=True, help="Input steps per forecast."),
        click.option("--horizon", type=int, default=1, show_default=True, help="Steps ahead to forecast."),
        click.option(
            "--predict",
            type=click.Choice((AUTO, *PREDICT_CHOICES)),
            default=AUTO,
            show_default=True,
            help="What the model predicts; auto chooses levels, returns, log-returns or differences on the "
            "validation part (printed and saved). Forecasts are always reported in price units.",
        ),
        split_options(val=0.1, test=0.2, more="The last rows, in time order."),
        click.option(
            "--season",
            type=int,
            default=None,
            help=SEASON_HELP,
        ),
    )


def model_options() -> Callable[[F], F]:
    """Architecture and training settings, matching :class:`rnnkit.forecast.forecaster.Hyper`."""
    return _stack(
        cell_option("lstm", CELL_TYPES),
        size_options(hidden_size=32, num_layers=1),
        click.option(
            "--dropout",
            type=float,
            default=0.0,
            show_default=True,
            help="Dropout between layers (none with one layer).",
        ),
        click.option(
            "--epochs",
            type=int,
            default=None,
            help="Most passes over the training windows (--patience may stop sooner) [default: about "
            "--max-steps optimizer steps' worth, 20 to 300].",
        ),
        click.option(
            "--max-steps",
            type=int,
            default=3000,
            show_default=True,
            help="The training budget when --epochs is not given.",
        ),
        click.option("--lr", type=float, default=3e-3, show_default=True, help="AdamW learning rate."),
        click.option(
            "--batch-size", type=int, default=128, show_default=True, help="Windows per optimizer step."
        ),
        click.option(
            "--patience",
            type=int,
            default=10,
            show_default=True,
            help="Epochs without validation improvement before stopping (grown to a quarter of the "
            "best epoch when that is longer).",
        ),
        click.option(
            "--lr-schedule",
            type=click.Choice(("auto", *LR_SCHEDULES)),
            default="auto",
            show_default=True,
            help="Learning rate: constant, halved after 3 epochs without validation improvement "
            "(plateau), or cosine-annealed; auto: constant with 3 x --patience where the linear AR "
            "beats naive by 5% on validation (something to learn), else plateau (printed and saved).",
        ),
        click.option(
            "--quantiles",
            default="0.1,0.5,0.9",
            show_default=True,
            help="Quantile levels (pinball loss); the point forecast is the median, so 0.5 is added "
            "when missing.",
        ),
        click.option(
            "--monitor",
            type=click.Choice(MONITOR_CHOICES),
            default="val_point",
            show_default=True,
            help="Early stopping on the point forecast's validation loss, or on all quantiles'.",
        ),
        click.option(
            "--ensemble",
            type=int,
            default=1,
            show_default=True,
            help="Train N networks from seeds SEED, SEED+1000, ... and average their quantile forecasts "
            "(N times the training time; steadier on short noisy series).",
        ),
        click.option(
            "--input-noise",
            type=float,
            default=0.0,
            show_default=True,
            help="Standard deviation of Gaussian noise added to the scaled training windows at every "
            "step (a regulariser); 0 for none.",
        ),
        click.option(
            "--aux-steps",
            type=int,
            default=0,
            show_default=True,
            help="Train the network on this many more steps ahead than --horizon, as an auxiliary task, "
            "and keep the first --horizon (the saved model is an ordinary --horizon-step forecaster).",
        ),
        click.option(
            "--linear-blend/--no-linear-blend",
            default=True,
            show_default=True,
            help="Blend the network's point forecast with the linear AR's, the weight chosen on the "
            "validation part and kept only where it gains 1% there (printed and saved); "
            "--no-linear-blend keeps the network alone.",
        ),
        click.option(
            "--calibrate/--no-calibrate",
            default=True,
            show_default=True,
            help="Calibrate the interval on the validation part (conformal quantile regression).",
        ),
    )


def parse_features(text: str) -> list[str]:
    """``--features``: column names, comma-separated; none when empty. An empty item between commas
    (``open,,high``) is refused: a name left out by mistake is never passed over in silence."""
    from rnnkit.forecast.checks import column_names

    return list(column_names("--features", text))


def parse_quantiles(text: str) -> tuple[float, ...]:
    """``--quantiles``: sorted levels in (0, 1); 0.5 is added when missing (the point forecast is the median)."""
    from rnnkit.forecast.checks import quantile_levels

    return quantile_levels(text, "--quantiles")


def settings_from_model(config: dict[str, Any]) -> dict[str, Any]:
    """The ``forecast train`` settings that trained the model of ``config`` (its ``config.json``).

    Models written since issue 15 keep them whole in ``info.settings``; older ones give what they
    recorded (architecture, window, horizon, transform, split, seed, data) and the rest stays default.
    """
    from rnnkit.forecast.data import saved_reading
    from rnnkit.utils.config_keys import renamed_keys

    info = config.get("info") if isinstance(config.get("info"), dict) else {}
    # how the data were read (older models: their info.reading or Python API settings, if any)
    reading = saved_reading(info, "--config")
    if isinstance(info.get("settings"), dict):
        return {**reading, **{k: v for k, v in info["settings"].items() if v is not None or k not in reading}}
    config = renamed_keys(config)
    keys = ("cell", "hidden_size", "num_layers", "dropout", "window", "horizon", "predict", "season")
    settings = {k: config[k] for k in keys if k in config}
    if isinstance(config.get("quantiles"), list):
        settings["quantiles"] = ",".join(f"{q:g}" for q in config["quantiles"])
    settings.update({k: info[k] for k in ("val", "test", "seed") if k in info})
    if info.get("source"):
        settings["data"] = info["source"]
    return {**settings, **reading}
