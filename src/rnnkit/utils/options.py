"""Command-line options declared once and shared by every subcommand (``--seed``, ``--device``,
``--threads``, and ``--run-dir``/``--resume`` on the training commands)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from rnnkit.utils.limits import SEED_MAX
from rnnkit.utils.threads import DEFAULT_THREADS, MAX_THREADS

# Kept here rather than imported from rnnkit.utils.device, which imports torch: parsing options is cheap.
DEVICE_CHOICES = ("auto", "cpu", "cuda")


def seed_option(default: int = 0) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    # NumPy takes seeds in [0, 2**32 - 1]; rnnkit.utils.limits bounds it for every command of the tree.
    return click.option(
        "--seed", type=click.IntRange(0, SEED_MAX), default=default, show_default=True, help="Random seed."
    )


def device_option() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--device",
        type=click.Choice(DEVICE_CHOICES),
        default="auto",
        show_default=True,
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


RESUME_HELP = (
    "Continue the run in the run folder from its newest checkpoint (same settings; "
    "--epochs may be raised to train longer)."
)


def _apply_trackers(ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> None:
    from rnnkit.utils.tracking import choose_trackers

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


def run_options(
    default: str, resume_help: str = RESUME_HELP
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add ``--run-dir``, ``--resume`` and ``--log-with`` to a training command; ``default`` describes the default folder,
    ``resume_help`` what may change on ``--resume`` (by default ``--epochs``)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = log_with_option()(func)
        func = click.option("--resume", is_flag=True, help=resume_help)(func)
        return click.option(
            "--run-dir",
            type=click.Path(path_type=Path, file_okay=False),
            default=None,
            help=f"Run folder for metrics.csv, checkpoints/ and what --resume needs [default: {default}].",
        )(func)

    return decorate


FORCE_HELP = (
    "Write into an existing output folder that rnnkit did not write, or replace an existing output file "
    "(without it such outputs are refused; inputs are never overwritten)."
)


def _remember_force(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    # Kept on the context, not passed to the command: rnnkit.utils.outputs.claim_outputs reads it.
    ctx.meta["rnnkit.force"] = bool(value)
    return value


def force_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--force`` to a command that writes; :func:`rnnkit.utils.outputs.claim_outputs` honours it."""
    return click.option(
        "--force", is_flag=True, expose_value=False, callback=_remember_force, help=FORCE_HELP
    )(func)
