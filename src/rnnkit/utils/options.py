"""Command-line options declared once and shared by every subcommand (``--seed``, ``--device``, and
``--run-dir``/``--resume`` on the training commands)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from rnnkit.utils.limits import SEED_MAX

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
