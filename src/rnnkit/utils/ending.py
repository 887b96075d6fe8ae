"""A command ended by a signal: the words for each signal, and the console script's handler while it starts.

The words are shared by the command line (:func:`rnnkit.cli._interrupted`) and the console script
(:func:`rnnkit._entry.main`), which needs them before the command line is imported, and cannot import it
once a signal has stopped that import. This module imports nothing heavy, so the console script can
hold its handler from its first moment.
"""

from __future__ import annotations

import signal

from rnnkit.utils.errors import Terminated

# The words for a command stopped by a signal other than Ctrl-C; its exit status is 128 + the signal's number.
TERMINATED = {signal.SIGTERM: "terminated"}
if hasattr(signal, "SIGHUP"):  # not on Windows
    TERMINATED[signal.SIGHUP] = "terminated (SIGHUP: its terminal was closed)"


def while_starting(signum: int, frame: object) -> None:
    """SIGTERM or SIGHUP while the console script imports the command line: stop as Ctrl-C stops it
    there (:class:`Terminated` is a ``KeyboardInterrupt``), so that it ends with one line and its
    status, 143 or 129, where the signal's default action ended it without a word."""
    raise Terminated(signum)


def at_default(signum: int) -> bool:
    """Whether ``signum`` is at its default action, or held by the console script while it starts:
    either way no host (a server, a notebook kernel, ``nohup``) has claimed it, and a command may."""
    return signal.getsignal(signum) in (signal.SIG_DFL, while_starting)
