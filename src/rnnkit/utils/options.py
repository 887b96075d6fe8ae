"""Command-line options declared once and shared by every subcommand: ``--seed``, ``--device``,
``--threads``, ``--force``, ``--out``/``--resume``/``--log-with`` on the training commands (``--out``
is the run folder, the model in ``OUT/model``), ``--model`` where a model is read, and one vocabulary
for what several applications share (``--hidden-size``, ``--num-layers``, ``--embed-size``,
``--cell``, ``--val``/``--test``, ``--progress``, ``--json``, ``--plot``, ``--config``), with the old
spellings kept as hidden aliases. ``tests/test_cli_vocabulary.py`` walks every command and checks them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.limits import SEED_MAX
from rnnkit.utils.settings_file import FromModel
from rnnkit.utils.threads import DEFAULT_THREADS, MAX_THREADS
from rnnkit.utils.user_paths import UserPath, folder_meant

# Kept here rather than imported from rnnkit.utils.device, which imports torch: parsing options is cheap.
DEVICE_CHOICES = ("auto", "cpu", "cuda")


def seed_option(default: int = 0) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    # NumPy takes seeds in [0, 2**32 - 1]; rnnkit.utils.limits bounds it for every command of the tree.
    return click.option(
        "--seed", type=click.IntRange(0, SEED_MAX), default=default, show_default=True, help="Random seed."
    )


def _check_device(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Refuse ``--device cuda`` without a GPU while the options are read, before the command does any
    work: found later, a fresh training run had already cleared its run folder's old checkpoints."""
    if value == "cuda":
        import torch  # only when CUDA is asked for: parsing stays cheap

        if not torch.cuda.is_available():
            raise RnnkitError("--device cuda was asked for, but no CUDA GPU is available")
    return value


def device_option() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--device",
        type=click.Choice(DEVICE_CHOICES),
        default="auto",
        show_default=True,
        callback=_check_device,
        help="Where to compute: auto picks CUDA when available.",
    )


def _apply_threads(ctx: click.Context, _param: click.Parameter, value: int | None) -> int | None:
    """Record ``--threads`` as the thread policy's choice for this command and set torch's intra-op
    thread count to it; both are restored when the command ends (so in-process callers, tests
    included, get their own setting back)."""
    from rnnkit.utils.threads import choose_threads, resolve_threads

    previous = choose_threads(value)
    ctx.call_on_close(lambda: choose_threads(previous))
    import torch  # only once the command runs: --help never gets here

    before = torch.get_num_threads()
    torch.set_num_threads(resolve_threads())
    ctx.call_on_close(lambda: torch.set_num_threads(before))
    return value


def threads_option() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--threads N``: torch's CPU threads for the whole command (rnnkit.utils.threads is the policy).

    The value is applied when the options are parsed and not passed to the command: library code reads
    it through :func:`rnnkit.utils.threads.cpu_threads`.
    """
    return click.option(
        "--threads",
        type=click.IntRange(min=1, max=MAX_THREADS),
        default=None,
        expose_value=False,
        callback=_apply_threads,
        help=f"CPU threads for torch [default: {DEFAULT_THREADS}: rnnkit's small recurrent models run "
        "fastest on one, and two collapse on a busy machine; more pay only for big models on idle cores].",
    )


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--seed``, ``--device`` and ``--threads`` to a command."""
    return seed_option()(device_option()(threads_option()(func)))


def inference_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--device`` and ``--threads``: a command that computes but draws nothing at random (no ``--seed``)."""
    return device_option()(threads_option()(func))


RESUME_HELP = (
    "Continue the run in the run folder from its newest checkpoint (same settings; "
    "--epochs may be raised to train longer)."
)


def _apply_trackers(ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> None:
    from rnnkit.utils.tracking import check_installed, choose_trackers

    check_installed(tuple(value))  # before any work: Accelerate would only warn, then log nowhere
    previous = choose_trackers(tuple(value))
    ctx.call_on_close(lambda: choose_trackers(previous))


def log_with_option() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--log-with NAME`` (repeatable): experiment trackers for the training engine
    (:mod:`rnnkit.utils.tracking`); applied when parsed, not passed to the command."""
    from rnnkit.utils.tracking import TRACKERS

    return click.option(
        "--log-with",
        type=click.Choice(TRACKERS),
        multiple=True,
        expose_value=False,
        callback=_apply_trackers,
        help="Log each epoch's metrics to a tracker (repeatable): tensorboard or wandb (logs in the run "
        "folder, tracker installed separately), ...; csv is the run folder's metrics.csv, always written.",
    )


RUN_DIR_GONE = "--run-dir is gone: --out is the run folder now (checkpoints in OUT/checkpoints)"


def _refuse_run_dir(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    """``--run-dir`` given: one line saying where the run folder is now (exit 2, never a traceback)."""
    if value is not None:
        from rnnkit.utils.errors import RnnkitError

        raise RnnkitError(RUN_DIR_GONE)


def _gone_run_dir() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    # Hidden and refused: a script written for the old layout stops with one line, not "no such option".
    return click.option("--run-dir", type=UserPath(), default=None, hidden=True,
                        expose_value=False, callback=_refuse_run_dir, help=RUN_DIR_GONE)  # fmt: skip


def resume_options(resume_help: str = RESUME_HELP) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add ``--resume`` and ``--log-with`` to a training command, whose ``--out`` is its run folder
    (``OUT/checkpoints``, ``OUT/metrics.csv``, ``OUT/run.json``, the model in ``OUT/model``);
    ``resume_help`` says what may change on ``--resume`` (by default ``--epochs``). The old
    ``--run-dir`` stays as a hidden option that fails in one line (:data:`RUN_DIR_GONE`)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = log_with_option()(func)
        func = click.option("--resume", is_flag=True, help=resume_help)(func)
        return _gone_run_dir()(func)

    return decorate


FORCE_HELP = (
    "Write into an existing output folder that rnnkit did not write, or replace an existing output file "
    "(without it such outputs are refused; inputs are never overwritten)."
)


def _remember_force(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    # Kept on the context, not passed to the command: rnnkit.utils.outputs.claim_outputs reads it.
    from rnnkit.utils.outputs import FORCE_KEY

    ctx.meta[FORCE_KEY] = bool(value)
    return value


def force_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--force`` to a command that writes; :func:`rnnkit.utils.outputs.claim_outputs` honours it."""
    return click.option(
        "--force", is_flag=True, expose_value=False, callback=_remember_force, help=FORCE_HELP
    )(func)


# ---------------------------------------------------------------------------------------------------
# One vocabulary: the options several commands share, declared here once (name, type, help), so that
# `--hidden-size` or `--progress` mean the same in every command. Old spellings stay as hidden aliases.


class AliasedOption(click.Option):
    """An option that also answers to old names (``hidden_aliases``) that ``--help`` does not show.

    An alias of a ``--yes/--no`` flag given in ``false_aliases`` sets it to false (``--quiet`` is
    ``--no-progress``). Error messages still name every spelling, so a user who typed an old one sees it.
    """

    def __init__(
        self,
        *args: Any,
        hidden_aliases: tuple[str, ...] = (),
        false_aliases: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.hidden_aliases = tuple(hidden_aliases) + tuple(false_aliases)
        self.secondary_opts.extend(false_aliases)  # click's parser sets a flag false from secondary_opts

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        opts, secondary = self.opts, self.secondary_opts
        self.opts = [o for o in opts if o not in self.hidden_aliases]
        self.secondary_opts = [o for o in secondary if o not in self.hidden_aliases]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts, self.secondary_opts = opts, secondary


def aliased(*decls: str, aliases: tuple[str, ...] = (), **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
    """``click.option(*decls, ...)`` that also accepts the old names ``aliases`` (hidden from --help)."""
    return click.option(*decls, *aliases, cls=AliasedOption, hidden_aliases=aliases, **kwargs)


# Help of the shared options: a test walks every command and checks each use begins with these words.
SHARED_HELP = {
    "--progress": "Show a progress bar.",
    "--json": "Also write the results as JSON to this file.",
    "--plot": "Also write a plot (PNG) to this file.",
    "--cell": "Recurrent cell.",
    "--hidden-size": "Hidden size of each recurrent layer.",
    "--num-layers": "Stacked recurrent layers.",
    "--embed-size": "Embedding size.",
    "--val": "Fraction of the data held out for validation.",
    "--test": "Fraction of the data held out for the test.",
    "--config": "Settings from a YAML or JSON file",
}

# --model of every command that reads one: a model folder, or a training run's folder holding model/.
MODEL_IN_HELP = "Model folder, or the run folder of a train command (its OUT, holding model/)."

# --out of every command that trains: its run folder (a test checks every command with --resume).
RUN_OUT_HELP = "Run folder to write:"
MODEL_RUN_HOLDS = "the model in OUT/model, with metrics, plots and checkpoints beside it"


def _help(name: str, more: str) -> str:
    return f"{SHARED_HELP[name]} {more}".strip()


def out_option(default: Path | None, holds: str = MODEL_RUN_HOLDS) -> Callable[[Callable[..., Any]], Any]:
    """``--out DIR`` of a training command: its run folder, which ``holds`` what the help says (by
    default the model in ``OUT/model``); ``default`` None makes it required."""
    return click.option("--out", type=UserPath(), default=default,
                        required=default is None, show_default=default is not None,
                        help=f"{RUN_OUT_HELP} {holds}.")  # fmt: skip


def progress_option(default: bool | None = True, more: str = "") -> Callable[[Callable[..., Any]], Any]:
    """``--progress/--no-progress`` (``show_progress``); ``--quiet`` is kept as a hidden ``--no-progress``."""
    return click.option(
        "--progress/--no-progress",
        "show_progress",
        cls=AliasedOption,
        false_aliases=("--quiet",),
        default=default,
        help=_help("--progress", more),
    )


def _file_name(value: str | os.PathLike | None, example: str) -> Path | None:
    """A file output's name as typed: one that ends in a slash (``x.json/``) names a folder, and a
    shell's ``> x.json/`` refuses it; ``click.Path(path_type=Path)`` dropped the slash, so the file
    ``x.json`` was written without a word."""
    if value is None:
        return None
    if why := folder_meant(value, example):
        raise click.BadParameter(why)
    return Path(value)


def _json_name(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    return _file_name(value, "results.json")


def json_option(more: str = "") -> Callable[[Callable[..., Any]], Any]:
    """``--json FILE`` (``json_out``); ``--json-out`` is kept as a hidden alias. A name ending in a
    slash is refused (:func:`_file_name`)."""
    return aliased("--json", "json_out", aliases=("--json-out",), type=UserPath(path_type=str), default=None,
                   callback=_json_name, help=_help("--json", more))  # fmt: skip


def _png_name(ctx: click.Context, param: click.Parameter, value: str | os.PathLike | None) -> Path | None:
    """A plot is written as PNG: a name with another image suffix (``plot.jpg``) would hold PNG bytes,
    and a name with none (``plots/``, which the shell and pathlib give as ``plots``) a file of PNG bytes
    where a folder was meant. A stream (``-``, ``/dev/null``) is written in place, whatever its name."""
    from rnnkit.utils.atomic import is_stream

    value = _file_name(value, "plot.png")
    if value is None:
        return value
    if value.suffix and value.suffix.lower() != ".png":
        raise click.BadParameter(
            f"the plot is written as a PNG image: name it {value.stem}.png, not {value.name}"
        )
    if not value.suffix and str(value) != "-" and not is_stream(value):
        raise click.BadParameter(
            f"the plot is written as a PNG image: name it {value.name}.png, or, for a folder, a file in it "
            f"({value}/plot.png)"
        )
    return value


def plot_option(more: str = "") -> Callable[[Callable[..., Any]], Any]:
    """``--plot FILE`` (``plot``); ``--attention-plot`` is kept as a hidden alias. A name ending in
    another suffix than ``.png`` is refused (the file would hold PNG bytes under a ``.jpg`` name)."""
    return aliased("--plot", "plot", aliases=("--attention-plot",), type=UserPath(path_type=str), default=None,
                   callback=_png_name, help=_help("--plot", more))  # fmt: skip


def cell_option(
    default: str, choices: tuple[str, ...], more: str = ""
) -> Callable[[Callable[..., Any]], Any]:
    """``--cell`` as a choice among ``choices`` (callers pass :data:`rnnkit.nn.names.CELL_TYPES` or a
    part of it: utils sits below nn and does not import it)."""
    return click.option("--cell", type=click.Choice(choices), default=default,
                        show_default=True, help=_help("--cell", more))  # fmt: skip


def size_options(
    hidden_size: int | None = None,
    num_layers: int | None = None,
    embed_size: int | None = None,
    more: str = "",
) -> Callable[[Callable[..., Any]], Any]:
    """``--hidden-size``, ``--num-layers``, ``--embed-size`` (each when given a default); the old
    ``--hidden``, ``--layers`` and ``--embed`` stay as hidden aliases."""
    options = []
    for name, old, default, lo in (
        ("--hidden-size", "--hidden", hidden_size, 1),
        ("--num-layers", "--layers", num_layers, 1),
        ("--embed-size", "--embed", embed_size, 1),
    ):
        if default is not None:
            options.append(aliased(name, name[2:].replace("-", "_"), aliases=(old,), type=click.IntRange(min=lo),
                                   default=default, show_default=True, help=_help(name, more)))  # fmt: skip
    return _stack(options)


def split_options(
    val: float | None, test: float | None, more: str = ""
) -> Callable[[Callable[..., Any]], Any]:
    """``--val`` and ``--test``: the fractions held out for validation and test (``val``, ``test``);
    ``--valid-frac`` and ``--test-frac`` are kept as hidden aliases. None: no default of its own (a
    command scoring a saved model takes the model's; ``more`` then says so)."""
    return _stack([
        aliased("--val", "val", aliases=("--valid-frac",), type=float, default=val,
                show_default=val is not None, help=_help("--val", more)),
        aliased("--test", "test", aliases=("--test-frac",), type=float, default=test,
                show_default=test is not None, help=_help("--test", more)),
    ])  # fmt: skip


def _stack(options: list[Callable[[Callable[..., Any]], Any]]) -> Callable[[Callable[..., Any]], Any]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


# ---------------------------------------------------------------------------------------------------
# --config FILE: a train command's settings from a YAML or JSON file, explicit flags winning.


def config_option(from_model: FromModel | None = None) -> Callable[[Callable[..., Any]], Any]:
    """``--config FILE``: settings from a YAML or JSON file; explicit options override them.

    The file maps setting names (the command's options without ``--``, ``_`` or ``-`` alike:
    ``hidden_size: 64``) to values; ``null`` keeps the default. A model folder's ``config.json`` (or the
    folder itself) is read too: ``from_model`` turns it into the settings that trained it, so ``train
    --config runs/x/model/config.json --out runs/y`` trains the same model again. An unknown name or a value of
    the wrong type is a one-line error naming the file and the setting.

    The file is read first (an eager option) and becomes the command's default map, so every value
    still goes through its option's type and range, exactly as if it had been typed.
    """

    def apply(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
        if value is None or ctx.resilient_parsing:
            return
        from rnnkit.utils.settings_file import read_settings

        settings = read_settings(value, ctx.command, from_model)
        ctx.default_map = {**(ctx.default_map or {}), **settings}
        # An input like --data: claim_outputs refuses an --out holding it (the model it came from).
        from rnnkit.utils.outputs import CONFIG_KEY

        ctx.meta[CONFIG_KEY] = value

    return click.option(
        "--config",
        "config_file",
        type=UserPath(),
        is_eager=True,
        expose_value=False,
        callback=apply,
        help=SHARED_HELP["--config"] + " (a model folder's config.json retrains that model); "
        "options given on the command line win.",
    )
