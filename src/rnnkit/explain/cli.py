"""``rnnkit explain``: why gates matter, made visible (gradient flow, memory tasks, gate heatmaps).

Thin click commands: they parse options, call :mod:`rnnkit.explain.runs` and print its table. Heavy
imports (the training engine) happen inside the commands, so ``rnnkit explain --help`` starts fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from rnnkit.explain.config_schema import settings_from_model
from rnnkit.utils.markers import MODEL_KIND, MODEL_SUBFOLDER, model_folder_in
from rnnkit.utils.options import (
    cell_option,
    common_options,
    config_option,
    force_option,
    out_option,
    progress_option,
    resume_options,
    size_options,
)
from rnnkit.utils.outputs import Output, claim_outputs, force_given
from rnnkit.utils.user_paths import UserPath

if TYPE_CHECKING:
    from rnnkit.explain.resume import JobStore
    from rnnkit.explain.training import TrainSettings

_CELL_HELP = "Comma-separated cells: rnn (tanh), rnn-relu, irnn (ReLU, identity init), lstm, gru."


def _out_option(default: str, holds: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--out`` (the run folder, as for every training command: what it ``holds``) and ``--force``."""
    out = out_option(Path(default), holds)
    return lambda func: out(force_option(func))


def _training_options(epochs: int, train_size: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--epochs --train-size --hidden-size --batch-size --lr``, declared once for every subcommand."""
    options = [
        click.option("--epochs", type=click.IntRange(min=1), default=epochs, show_default=True,
                     help="Passes over the training set."),
        click.option("--train-size", type=click.IntRange(min=1), default=train_size, show_default=True,
                     help="Training sequences (steps per epoch: --train-size / --batch-size)."),
        size_options(hidden_size=64),
        click.option("--batch-size", type=click.IntRange(min=1), default=64, show_default=True,
                     help="Sequences per optimizer step."),
        click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=5e-3, show_default=True,
                     help="AdamW learning rate."),
        click.option("--test-size", type=click.IntRange(min=1), default=2048, show_default=True,
                     # 30: training.MIN_SOLVED_TESTS, not imported here (torch): a test holds them equal
                     help="Held-out test sequences (a model is called solved on 30 or more)."),
    ]  # fmt: skip

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def _settings(**options: Any) -> TrainSettings:
    """The :class:`~rnnkit.explain.training.TrainSettings` of the training options and ``--seed``
    (``--patience`` too, on ``memory``), each by its one name; the rest keep their defaults."""
    from rnnkit.explain.training import TrainSettings

    return TrainSettings(**options).check()


def _job_store(out: Path, resume: bool) -> JobStore:
    """The run folder ``--out`` of a command that trains many models, one job each."""
    from rnnkit.explain.resume import JobStore
    from rnnkit.utils.runs import RunFolder

    return JobStore(RunFolder(out, resume=resume))


@click.group(name="explain", context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Why gates matter: gradient flow, long-memory tasks and LSTM (or GRU) gate heatmaps."""


@cli.command("gradient-flow")
@click.option("--cells", default="rnn,lstm,gru", show_default=True, help=_CELL_HELP)
@click.option("--length", type=click.IntRange(min=2), default=100, show_default=True,
              help="Sequence length T (the adding problem needs at least 2 steps).")  # fmt: skip
@click.option("--sequences", type=click.IntRange(min=1), default=8, show_default=True,
              help="Test sequences the norms are averaged over.")  # fmt: skip
# The memory command's budget (1536 steps), not a shorter one: after 192 steps no cell had learned the
# adding problem at length 100, and the untrained LSTM's curve faded like the basic RNN's, the opposite
# of what the command is for (RESULTS.md, "Gradient flow"). These are the demo's models.
@_training_options(epochs=12, train_size=8192)
@_out_option(
    "runs/explain/gradient-flow", "gradient_flow.csv and .png, each model and its checkpoints in jobs/"
)
@resume_options(
    "Reuse the trained models of the run in --out and continue the one in progress from its checkpoint "
    "(same settings; --cells and --sequences may change)."
)
@progress_option()
@config_option(settings_from_model("gradient-flow"))
@common_options
def gradient_flow_command(
    cells: str, length: int, sequences: int, out: Path, resume: bool, device: str, show_progress: bool,
    **train: Any,
) -> None:  # fmt: skip
    """Gradient norms over time, before and after training.

    The norms of dh_T/dh_t and of dL/dx_t over t, at initialisation and after training, for each of
    --cells. The training is the adding problem at the same length, with memory's budget (at length 100
    enough for the GRU on 10 of 10 seeds tried, the LSTM on 9 of 10); the summary says which cells learned
    it. Writes
    gradient_flow.png (log scale) and gradient_flow.csv (every step's norms) and prints a summary table.

    Each trained model is kept in the run folder as soon as it finishes (jobs/adding-T-CELL/model), and
    the model in training keeps a checkpoint per epoch: after a crash or Ctrl-C, the same command with
    --resume reuses them. --config jobs/adding-T-CELL/model/config.json trains that model again.
    """
    from rnnkit.explain.models import parse_cells
    from rnnkit.explain.resume import STORE_ENTRIES
    from rnnkit.explain.runs import FLOW_FILES, run_gradient_flow
    from rnnkit.explain.verdict import flow_verdict
    from rnnkit.utils.tables import format_table

    claim_outputs(
        [Output.folder("--out", out, "explain", "gradient-flow", writes=(*STORE_ENTRIES, *FLOW_FILES))]
    )
    names = parse_cells(cells)
    store = _job_store(out, resume)
    if not resume and not force_given():
        store.check_fresh(FLOW_FILES[0], ", continue it with --resume (to add --cells)")
    with store.run.hint_on_interrupt(store.newest, store.describe):  # Ctrl-C: how to continue
        run = run_gradient_flow(names, length, out, _settings(**train), device, sequences,
                                show_progress=show_progress, echo=click.echo, store=store)  # fmt: skip
    click.echo(format_table(run.headers, run.rows))
    for line in flow_verdict(run.flows, run.results):  # the norms in words, with whether each cell learned
        click.echo(line)
    for path in run.files.values():
        click.echo(f"wrote {path}")


@cli.command("memory")
@click.option("--task", default="adding", show_default=True, help="Memory task: adding or copy.")
@click.option("--lengths", default="50,100,200", show_default=True,
              help="Comma-separated sequence lengths (adding: each at least 2) or delays (copy: each at "
                   "least 1).")  # fmt: skip
@click.option("--cells", default="rnn,lstm,gru", show_default=True, help=_CELL_HELP)
@click.option("--patience", type=click.IntRange(min=1), default=None,
              help="Stop a run after this many epochs without validation improvement [default: never, "
                   "every epoch runs].")  # fmt: skip
@_training_options(epochs=12, train_size=8192)
@_out_option(
    "runs/explain/memory", "memory.csv, .json and .png, each model's result and checkpoints in jobs/"
)
@resume_options(
    "Reuse the finished models of the run in --out and continue the one in progress from its checkpoint "
    "(same settings; --cells and --lengths may change)."
)
@progress_option()
@config_option(settings_from_model("memory"))
@common_options
def memory_command(
    task: str, lengths: str, cells: str, out: Path, resume: bool, device: str, show_progress: bool,
    **train: Any,
) -> None:  # fmt: skip
    """Train each cell on the adding problem or the copy task.

    Each cell's test error is shown beside the trivial baseline's. Adding: always predicting 1.0 gives
    MSE ~0.167 (computed on the actual test set); solved means MSE under 0.01. Copy: the baseline is the
    best memoryless guess (blanks, then each of the 8 symbols at 1/8); solved means at least 99% of the
    copied symbols recalled. Writes memory.csv, memory.json and memory.png.

    Each model's result is kept in the run folder as soon as it finishes, and the model in training
    keeps a checkpoint per epoch: after a crash or Ctrl-C, the same command with --resume reuses the
    finished models and continues the one in progress (--cells and --lengths may change; the other
    settings may not).
    """
    from rnnkit.explain.memory_tasks import check_task, min_length
    from rnnkit.explain.models import parse_cells, parse_lengths
    from rnnkit.explain.resume import STORE_ENTRIES
    from rnnkit.explain.runs import MEMORY_FILES, run_memory
    from rnnkit.explain.verdict import memory_verdict
    from rnnkit.utils.tables import format_table

    claim_outputs([Output.folder("--out", out, "explain", "memory", writes=(*STORE_ENTRIES, *MEMORY_FILES))])
    check_task(task)
    names = parse_cells(cells)
    shortest = min_length(task)  # --lengths' own range is copy's (>= 1); adding needs 2 steps
    steps = parse_lengths(
        lengths, shortest, why=" for the adding task (copy delays may be 1)" if shortest > 1 else ""
    )
    settings = _settings(**train)
    store = _job_store(out, resume)
    if not resume and not force_given():
        store.check_fresh(MEMORY_FILES[1], ", continue it with --resume (to add --cells or --lengths)")
    with store.run.hint_on_interrupt(store.newest, store.describe):  # Ctrl-C: how to continue
        run = run_memory(task, steps, names, out, settings, device, show_progress=show_progress,
                         echo=click.echo, store=store)  # fmt: skip
    click.echo(format_table(run.headers, run.rows))
    click.echo(memory_verdict(run.results))  # what the table shows, in words
    for path in run.files.values():
        click.echo(f"wrote {path}")


@cli.command("gates")
@click.option(
    "--model",
    "model_dir",
    type=UserPath(),
    default=None,
    help="Model folder, or the run folder of a train command (its OUT, holding model/). The model to "
    "show instead of training one (explain gates writes one).",
)
@cell_option("lstm", choices=("lstm", "gru"), more="When training (gates of lstm or gru).")
@click.option(
    "--length",
    type=click.IntRange(min=2),
    default=100,
    show_default=True,
    help="Adding-problem length (when training).",
)
@click.option("--index", type=int, default=0, show_default=True, help="Which test sequence to show.")
@_training_options(epochs=12, train_size=8192)
@_out_option(
    "runs/explain/gates",
    "gates.png and the model in OUT/model (with --model, gates.png alone, by default into the explain gates "
    "run folder the model came from)",
)
@progress_option()
@config_option(settings_from_model("gates"))
@common_options
def gates_command(
    model_dir: Path | None, cell: str, length: int, index: int, out: Path, device: str, show_progress: bool,
    **train: Any,
) -> None:  # fmt: skip
    """Gate heatmaps of an LSTM (or GRU) over one adding sequence.

    The forget, input and output gates and the cell state, step by step. An LSTM that solved the task
    keeps the forget gate of one unit or a few near 1 and opens input gates on the two marked steps; the
    printed table measures both over the test set, and a line says it in plain words (a model that has
    not solved it gets a note instead). With --cell gru: the update gate z_t (near 1:
    keep the old state), the reset gate, the candidate and the hidden state, and the table measures the
    update gate. Writes gates.png and the model folder OUT/model; --config OUT/model/config.json trains that
    model again.

    With --model nothing is trained: --seed and --test-size choose the test sequences it is shown on.
    """  # fmt: skip
    from rnnkit.explain.gates import UpdateGateStatistics
    from rnnkit.explain.memory_tasks import ADDING_BASELINE_WORDS, min_length
    from rnnkit.explain.runs import load_gates_model, run_gates
    from rnnkit.explain.training import ADDING_SOLVED_MSE, TASK_WORDS, too_few_tests_words
    from rnnkit.explain.verdict import gates_text, update_gates_text
    from rnnkit.utils.runs import check_no_finished_run
    from rnnkit.utils.tables import format_table

    loaded = None
    if model_dir is not None:
        from rnnkit.utils.device import resolve_device

        _refuse_training_options(click.get_current_context())
        # the model first: '--model nonexist' (or a forecast run) was told that the default --out, which
        # the user never typed, holds another model
        loaded = load_gates_model(model_dir, resolve_device(device))
        out = _gates_out(out, model_dir, typed=_typed("out"))
    claim_outputs(_gates_outputs(out, model_dir), inputs=_gates_inputs(out, model_dir))
    if model_dir is None and not force_given():  # training replaces the run's model; --model's plot does not
        check_no_finished_run(out, None)
    run = run_gates(out, _settings(**train), model_dir, cell, length, index, device, show_progress,
                    echo=click.echo, loaded=loaded)  # fmt: skip
    click.echo(
        f"test MSE {run.test_error:.4g} on the adding problem, length {run.length} (baseline "
        f"{run.baseline:.4g}, {ADDING_BASELINE_WORDS}; solved below {ADDING_SOLVED_MSE})"
    )
    if run.too_few_tests:  # a score on a handful of sequences is luck as often as memory
        click.echo(
            f"note: reached the bar of {TASK_WORDS['adding'][0]}, but on {too_few_tests_words(run.test_sequences)}"
        )
    elif not run.solved:
        click.echo(_unsolved_note(model_dir is not None, shorter=run.length > min_length("adding")))
    if run.statistics is not None:
        click.echo(format_table(["gate activation (test set)", "value"], run.statistics.rows()))
        if run.solved:  # an unsolved model's gates show no memory (the note above), nothing to read
            reading = update_gates_text if isinstance(run.statistics, UpdateGateStatistics) else gates_text
            click.echo(reading(run.statistics))
    for path in run.files.values():
        click.echo(f"wrote {path}")


def _unsolved_note(given_model: bool, shorter: bool = True) -> str:
    """What to do about a model that has not solved the task. With ``--model`` the training options are
    refused (:func:`_refuse_training_options`), so the advice is to train a new one without it.
    ``shorter``: whether a shorter --length exists (not below the adding problem's 2 steps)."""
    how = "longer (--epochs, --train-size)" + (" or on a shorter --length" if shorter else "")
    if given_model:
        how = f"a new one without --model, {how}"
    return (
        "note: the model has not solved the task, so its gates do not show how it remembers the marked "
        f"steps; train {how}"
    )


def _typed(name: str) -> bool:
    """Whether the option ``name`` was given (on the command line, by a variable), not left at its default."""
    from click.core import ParameterSource

    return click.get_current_context().get_parameter_source(name) is not ParameterSource.DEFAULT


def _gates_out(out: Path, model_dir: Path, typed: bool) -> Path:
    """Where ``gates --model`` draws: ``--out`` as given, else the run folder of ``explain gates`` the model
    came from (``--model R`` or ``R/model``: R), else the default. Never beside another model: ``--model
    runs/g`` with the default --out replaced runs/explain/gates/gates.png, the picture of the model in
    runs/explain/gates/model, with runs/g's gates, without a word.

    Raises:
        RnnkitError: ``out/model`` holds a model other than ``model_dir``'s; or, ``--out`` not typed, the
            model's run folder cannot be written (a colleague's run, a shared folder): told so, not as
            "cannot write --out R" of an --out the user never typed.
    """
    from rnnkit.utils.atomic import may_empty
    from rnnkit.utils.errors import RnnkitError
    from rnnkit.utils.markers import read_mark

    folder = model_folder_in(model_dir)
    mark = read_mark(folder.parent) if folder.name == MODEL_SUBFOLDER else None
    came_from = (
        folder.parent if mark is not None and (mark.application, mark.kind) == ("explain", "gates") else None
    )
    if not typed and came_from is not None:
        if not may_empty(came_from):  # its own permissions, as rm -r reads them; root passes
            raise RnnkitError(f"{came_from} (where gates draws without --out) is read-only; give --out DIR")
        out = came_from
    beside = out / MODEL_SUBFOLDER
    if (beside / "config.json").exists() and os.path.realpath(beside) != os.path.realpath(folder):
        own = f"{came_from}, the model's own run folder, or " if came_from is not None else ""
        raise RnnkitError(
            f"{out} holds another model ({beside}): a gates.png of {model_dir} there would be read as that "
            f"model's; give --out ({own}a new folder)"
        )
    return out


def _gates_outputs(out: Path, model_dir: Path | None) -> list[Output]:
    """The run folder, and the model folder OUT/model when gates trains one: claimed before training,
    as every train command's (:func:`rnnkit.utils.runs.claim_run`), so a folder there that is not
    rnnkit's is refused first thing, not after the training."""
    from rnnkit.explain.runs import GATES_FILE

    outputs = [Output.folder("--out", out, "explain", "gates", writes=(GATES_FILE,))]
    if model_dir is None:
        outputs.append(Output.whole("--out", out / MODEL_SUBFOLDER, "explain", MODEL_KIND))
    return outputs


def _gates_inputs(out: Path, model_dir: Path | None) -> list[Path]:
    """The model folder gates reads, an input no output may hold or lie in; except that --model may be
    OUT/model of an earlier run (``--model runs/explain/gates`` with the default --out): with --model
    gates writes only gates.png beside it, never into it."""
    if model_dir is None:
        return []
    folder = model_folder_in(model_dir)
    return [] if os.path.realpath(folder) == os.path.realpath(out / MODEL_SUBFOLDER) else [folder]


# What only shapes a model gates trains; with --model nothing is trained, so these would do nothing.
_TRAINING_ONLY = ("cell", "length", "epochs", "train_size", "hidden_size", "batch_size", "lr")


def _refuse_training_options(ctx: click.Context) -> None:
    """One line for training options typed beside ``--model`` (they would be silently ignored)."""
    from click.core import ParameterSource

    from rnnkit.utils.errors import RnnkitError

    typed = [f"--{name.replace('_', '-')}" for name in _TRAINING_ONLY
             if ctx.get_parameter_source(name) == ParameterSource.COMMANDLINE]  # fmt: skip
    if typed:
        raise RnnkitError(
            f"{', '.join(typed)} only shape{'s' if len(typed) == 1 else ''} a model that gates trains; with "
            "--model nothing is trained (the model's own settings are in its config.json)"
        )
