"""Command-line options declared once and shared by every subcommand (``--seed``, ``--device``, and
``--run-dir``/``--resume`` on the training commands)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

# Kept here rather than imported from rnnkit.utils.device, which imports torch: parsing options is cheap.
DEVICE_CHOICES = ("auto", "cpu", "cuda")


def seed_option(default: int = 0) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--seed", type=int, default=default, show_default=True, help="Random seed.")


def device_option() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--device",
        type=click.Choice(DEVICE_CHOICES),
        default="auto",
        show_default=True,
        help="Where to compute: auto picks CUDA when available.",
    )


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--seed`` and ``--device`` to a command."""
    return seed_option()(device_option()(func))


RESUME_HELP = (
    "Continue the run in the run folder from its newest checkpoint (same settings; "
    "--epochs may be raised to train longer)."
)


def run_options(
    default: str, resume_help: str = RESUME_HELP
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add ``--run-dir`` and ``--resume`` to a training command; ``default`` describes the default folder,
    ``resume_help`` what may change on ``--resume`` (by default ``--epochs``)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
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
