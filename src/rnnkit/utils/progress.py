"""Progress display: a rich progress bar on a terminal, a notebook bar in Jupyter, plain lines otherwise.

When stderr is not a terminal (CI, a pipe, a log file) a bar would fill the log with control codes, so
:func:`progress` prints one plain line at most every ``plain_every`` seconds instead. In a Jupyter
notebook (stderr is no terminal there either) it shows ``tqdm.auto``'s notebook bar.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import TypeVar

from rnnkit.utils.dist import is_main_process

T = TypeVar("T")


# False inside progress_shown(False): a command's --no-progress over work it hands to others (the demo's
# sections), which call progress() with their own enabled=True
_SHOWN: ContextVar[bool] = ContextVar("rnnkit_progress_shown", default=True)


@contextlib.contextmanager
def progress_shown(shown: bool) -> Iterator[None]:
    """Within the block, :func:`progress` and :class:`StageProgress` show nothing when ``shown`` is False."""
    token = _SHOWN.set(shown)
    try:
        yield
    finally:
        _SHOWN.reset(token)


def is_terminal() -> bool:
    """True when stderr is an interactive terminal that can redraw a line.

    A dumb one (``TERM=dumb``: Emacs' shell and compilation buffers, some CI consoles) cannot: rich then
    drew each bar once, when it was full, so an epoch showed nothing until it ended, and a blank line
    after each. It gets the plain lines of a log instead, every few seconds.
    """
    import os

    return sys.stderr.isatty() and os.environ.get("TERM", "") not in ("dumb", "unknown")


def in_notebook() -> bool:
    """True inside a Jupyter kernel (a notebook or JupyterLab cell), where bars render as widgets."""
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    ip = shell.get_ipython()  # type: ignore[attr-defined]
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def notebook_bar():  # -> a tqdm class
    """The bar for a notebook cell: tqdm's widget bar where ipywidgets is installed (``pip install
    rnnkit[notebook]``), else its text bar. tqdm.auto would print "IProgress not found. Please update
    jupyter and ipywidgets" above every bar where it is not. tqdm comes with Accelerate's huggingface_hub."""
    import importlib.util

    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.notebook import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm


NARROW = 60  # terminal columns below which the bar drops its elapsed time (the time left stays)
CLOCK = len("0:00:00")  # the width of the elapsed and the time-left columns
MIN_BAR = 10  # a bar narrower than this says nothing the count does not


def _room(width: int, description: str, total: int | None) -> dict[str, int]:
    """The optional parts of a bar that fit ``width`` columns beside the description and the count,
    which always show, with their widths: the time left first, then the elapsed time (only from
    :data:`NARROW` columns on), then the bar in what remains. On 20 columns every part was squeezed in
    and cut, the count to "18…" and the time to "0:…": no number was left to read."""
    count = 2 * len(str(total)) + 1 if total is not None else len("1000/?")
    free = width - len(description) - 1 - count  # each column after the first takes one space more
    room: dict[str, int] = {}
    if free > CLOCK:
        room["left"], free = CLOCK, free - CLOCK - 1
    if width >= NARROW and free > CLOCK + 1 + MIN_BAR:
        room["elapsed"], free = CLOCK, free - CLOCK - 1
    if free > MIN_BAR:
        room["bar"] = free - 1
    return room


def progress(
    items: Iterable[T],
    description: str,
    total: int | None = None,
    enabled: bool = True,
    plain_every: float = 5.0,
    size: Callable[[T], int] | None = None,
) -> Iterator[T]:
    """Iterate over ``items`` while showing progress on stderr.

    Args:
        items: what to iterate over.
        description: a few words, shown before the bar or at the start of each plain line.
        total: number of items, when ``len(items)`` is not available; with ``size``, the sum of their sizes.
        enabled: False shows nothing (for library use and tests). Under a multi-process launch only
            the main process shows progress (:func:`rnnkit.utils.dist.is_main_process`).
        plain_every: seconds between plain lines when stderr is not a terminal.
        size: how many of the things counted one item is, counted once it has been handled (a batch's
            images: ``describing: 40/100`` says images, what the user gave, not batches of 16); None: 1.
    """
    if total is None and size is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    step = size or (lambda _: 1)
    if not enabled or not _SHOWN.get() or not is_main_process():
        yield from items
        return
    if in_notebook():
        with notebook_bar()(desc=description, total=total) as bar:
            for item in items:
                yield item
                bar.update(step(item))
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

        console = Console(stderr=True)  # stderr, like the plain lines: stdout stays clean for results
        room = _room(console.width, description, total)
        columns = [
            TextColumn("{task.description}"),
            *([BarColumn(bar_width=min(40, room["bar"]))] if "bar" in room else []),
            MofNCompleteColumn(),
            *([TimeElapsedColumn()] if "elapsed" in room else []),
            *([TimeRemainingColumn()] if "left" in room else []),
        ]
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task(description, total=total)
            for item in items:
                yield item
                bar.advance(task, step(item))
        return
    start = last = time.monotonic()
    done = 0
    for item in items:
        yield item
        done += step(item)
        now = time.monotonic()
        if now - last >= plain_every or (total is not None and done == total):
            of = f"/{total}" if total is not None else ""
            # a log has no bar to read the rest from: the time left at the rate so far, as the bar's column
            left = (
                f", about {_minutes((now - start) / done * (total - done))} left"
                if total and 0 < done < total  # a first item of size 0 gives no rate yet
                else ""
            )
            print(f"{description}: {done}{of} ({now - start:.1f}s{left})", file=sys.stderr, flush=True)
            last = now


class StageProgress:
    """Overall progress through named stages of known rough cost: ``stage 2/4: translate, about 3 min left``.

    ``expected`` gives each stage's cost in seconds on a reference machine; once stages have run, the
    estimate is rescaled by how fast this machine actually went (a busy laptop takes longer, and the
    estimate follows it). Lines go to stderr, styled on a terminal and plain otherwise.
    """

    def __init__(self, expected: dict[str, float], label: str = "section") -> None:
        self.expected = dict(expected)
        self.label = label
        self.done: list[tuple[str, float]] = []  # (stage, seconds it took)
        self._started: float | None = None
        self._current: str | None = None

    def seconds_left(self) -> float:
        """Estimated seconds for the stages not yet finished (the current one included)."""
        finished = {name for name, _ in self.done}
        spent = sum(sec for _, sec in self.done)
        planned = sum(self.expected[name] for name, _ in self.done)
        speed = spent / planned if planned > 0 and spent > 0 else 1.0
        return speed * sum(cost for name, cost in self.expected.items() if name not in finished)

    def start(self, name: str) -> str:
        """Mark ``name`` as started; print and return the progress line."""
        self._finish_current()
        self._current, self._started = name, time.monotonic()
        number = list(self.expected).index(name) + 1
        line = (
            f"{self.label} {number}/{len(self.expected)}: {name}, about {_minutes(self.seconds_left())} left"
        )
        if not _SHOWN.get():
            return line
        if is_terminal():
            from rich.console import Console

            Console(stderr=True).rule(line, align="left")
        else:
            print(line, file=sys.stderr, flush=True)
        return line

    def finish(self) -> None:
        self._finish_current()

    def _finish_current(self) -> None:
        if self._current is not None and self._started is not None:
            self.done.append((self._current, time.monotonic() - self._started))
        self._current = self._started = None


def _minutes(seconds: float) -> str:
    """Time left as a person says it: seconds to the nearest 10 up to a minute and a half (to the
    second under 10: rounding 3 s to the nearest 10 gave 0, shown as "about 1 s"), else minutes."""
    if seconds < 10:
        return f"{max(1, round(seconds))} s"
    if seconds < 90:
        return f"{round(seconds / 10) * 10:.0f} s"
    return f"{seconds / 60:.0f} min"
