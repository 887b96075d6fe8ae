"""The CPU thread policy of rnnkit, in one place.

Why rnnkit runs its small recurrent models on **one** intra-op thread by default: a step through small
matrices is dominated by per-operation overhead, so a second thread buys little; and on a busy machine
(more runnable threads than cores, as on every laptop with a browser open) OpenMP threads spin-wait for
each other and the work collapses. Measured while building rnnkit on a loaded 2-core machine:

- a training step of a 64-unit RNN: about 400 ms of CPU time with 2 threads, 6 ms with 1;
- a captioning batch: 16-28 s with 2 threads, 2 s with 1;
- a translation training step: 1.36 s with 2 threads, 0.31 s with 1 (the demo took 50 minutes).

The policy:

- every command that computes takes ``--threads N`` (:func:`rnnkit.utils.options.threads_option`); the
  command line records the choice with :func:`choose_threads` for the command's lifetime;
- library code runs its work inside :func:`cpu_threads` with ``n=None``, which means "the command's
  choice, else :data:`DEFAULT_THREADS`", and restores torch's setting afterwards, so importing rnnkit
  into a notebook never changes the process's thread count for other code.

Big models on an idle many-core machine do gain from more threads: pass ``--threads`` (or ``threads=``).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

from rnnkit.utils.limits import OPTION_LIMITS

P = ParamSpec("P")
R = TypeVar("R")

DEFAULT_THREADS = 1
"""Intra-op threads when nobody chose: see the module docstring for the measurements behind it."""

MAX_THREADS = OPTION_LIMITS[("--threads", "int")].hi
"""Upper bound accepted for ``--threads`` (a typo such as 10000 is refused, not obeyed), declared once in
:mod:`rnnkit.utils.limits` (it said 1024 there and 512 here, and 512 was what every command enforced)."""

_chosen: int | None = None  # set by the command line for the lifetime of one command


def choose_threads(n: int | None) -> int | None:
    """Record the thread count chosen on the command line (None: the default); return the previous one."""
    global _chosen
    previous, _chosen = _chosen, n
    return previous


def resolve_threads(n: int | None = None) -> int:
    """``n`` if given, else the command line's choice, else :data:`DEFAULT_THREADS`."""
    if n is not None:
        return n
    return _chosen if _chosen is not None else DEFAULT_THREADS


@contextlib.contextmanager
def cpu_threads(n: int | None = None) -> Iterator[int]:
    """Run the block with :func:`resolve_threads` ``(n)`` torch intra-op threads, then restore torch's
    previous setting; yield the count used."""
    import torch

    use = resolve_threads(n)
    before = torch.get_num_threads()
    torch.set_num_threads(use)
    try:
        yield use
    finally:
        torch.set_num_threads(before)


def on_policy_threads(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a library entry point so that it runs inside :func:`cpu_threads` ``()`` (the policy)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with cpu_threads():
            return func(*args, **kwargs)

    return wrapper
