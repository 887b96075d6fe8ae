"""Progress display: a rich progress bar on a terminal, plain log lines otherwise.

When stderr is not a terminal (CI, a pipe, a log file) a bar would fill the log with control codes, so
:func:`progress` prints one plain line at most every ``plain_every`` seconds instead.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def is_terminal() -> bool:
    """True when stderr is an interactive terminal."""
    return sys.stderr.isatty()


def progress(
    items: Iterable[T],
    description: str,
    total: int | None = None,
    enabled: bool = True,
    plain_every: float = 5.0,
) -> Iterator[T]:
    """Iterate over ``items`` while showing progress on stderr.

    Args:
        items: what to iterate over.
        description: a few words, shown before the bar or at the start of each plain line.
        total: number of items, when ``len(items)`` is not available.
        enabled: False shows nothing (for library use and tests).
        plain_every: seconds between plain lines when stderr is not a terminal.
    """
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    if not enabled:
        yield from items
        return
    if is_terminal():
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns = [
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        ]
        # stderr, like the plain lines: stdout stays clean for results (``rnnkit ... > out.csv``).
        with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
            task = bar.add_task(description, total=total)
            for item in items:
                yield item
                bar.advance(task)
        return
    start = last = time.monotonic()
    done = 0
    for item in items:
        yield item
        done += 1
        now = time.monotonic()
        if now - last >= plain_every or (total is not None and done == total):
            of = f"/{total}" if total is not None else ""
            print(f"{description}: {done}{of} ({now - start:.1f}s)", file=sys.stderr, flush=True)
            last = now
