"""Standard output and error on a terminal that has gone: an ssh session dropped, a terminal window closed.

When the terminal closes, the kernel sends SIGHUP to the session's leader, and every later write to the
terminal fails with ``EIO``. The two race: a progress bar redrawn a moment after the close, or a command
that is not the session's leader (a ``setsid`` job, one under ``tmux``'s dead pane, a child of a shell
that did not pass SIGHUP on), gets the ``EIO`` first, or only. That is no error of the user's; the
command must stop as SIGHUP stops it (:func:`rnnkit.cli._sigterm_as_interrupt`: its checkpoint kept,
how to ``--resume`` said where standard error still goes, status 129), whichever comes first.

:func:`terminal_hangup_as_signal` makes both orders one: while it is active, standard output and error
that are a terminal write through :class:`_TerminalFile`. The first write that finds the terminal gone
points every standard stream on it at ``/dev/null`` (nothing can be shown there any more, and every
later write, a C library's and Python's last flush at exit included, then succeeds) and raises the
signal in this process: the command's own SIGHUP handler then stops it, as if the kernel's SIGHUP had
come first. A write from another thread (rich redraws its bar from one) raises it too; Python runs the
handler in the main thread.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys
import threading
from collections.abc import Iterator

from rnnkit.utils.errors import Terminated

_lock = threading.Lock()
_armed: list[int] = []  # the signal to raise when the terminal is found gone; empty: none (restoring)
_terminals: set[int] = set()  # the standard descriptors that were a terminal when the guard began
_silenced: set[int] = set()  # those of them pointed at /dev/null since


def gone(fd: int) -> bool:
    """Whether ``fd``, a terminal when the guard began, is one no more: its terminal hung up (a terminal
    that hung up answers every control request with ``EIO``, so ``isatty`` is False), or it was silenced."""
    return fd in _terminals and not os.isatty(fd)


def _silence_gone_terminals() -> None:
    """Point each standard descriptor whose terminal has gone at ``/dev/null``, once."""
    with _lock:  # two threads may meet the EIO at once (the main one and rich's)
        for fd in sorted(_terminals - _silenced):
            if gone(fd):
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, fd)
                os.close(null)
                _silenced.add(fd)


class _TerminalFile(io.FileIO):
    """A standard stream's descriptor on a terminal; a write that finds the terminal gone (``EIO``)
    silences it and raises the armed signal, then succeeds into ``/dev/null``."""

    def write(self, data) -> int:  # noqa: ANN001 - any bytes-like object, as FileIO.write takes
        try:
            return super().write(data)
        except OSError as exc:
            # EIO on a terminal still there is another matter (an orphaned background job under
            # ``stty tostop``): the error stays an error
            if exc.errno != errno.EIO or not gone(self.fileno()):
                raise
        _silence_gone_terminals()
        if _armed:
            _raise_in_main_thread(_armed[0])
        return super().write(data)


def _raise_in_main_thread(signum: int) -> None:
    """Raise ``signum`` where Python runs its handler: in the main thread, which from here runs it before
    returning, and may raise; from another thread, sent to the main one, so that it wakes from a sleep
    or a wait (``raise`` would send it to this thread, and the main one slept on)."""
    if threading.current_thread() is threading.main_thread():
        signal.raise_signal(signum)
    else:
        signal.pthread_kill(threading.main_thread().ident or 0, signum)


def _guarded(stream: io.TextIOWrapper) -> io.TextIOWrapper:
    """A text stream like ``stream`` over the same descriptor, writing through :class:`_TerminalFile`."""
    return io.TextIOWrapper(
        io.BufferedWriter(_TerminalFile(stream.fileno(), "w", closefd=False)),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
        write_through=stream.write_through,
    )


def _on_a_terminal(stream: object, original: object) -> bool:
    """Whether ``stream`` is the interpreter's own standard stream (not a capture, not a redirection
    to a file object) and a terminal."""
    if stream is not original or not isinstance(stream, io.TextIOWrapper):
        return False
    try:
        return stream.isatty()
    except (OSError, ValueError):  # closed
        return False


@contextlib.contextmanager
def terminal_hangup_as_signal(signum: int) -> Iterator[None]:
    """Within the block, a write that finds standard output's or error's terminal gone raises ``signum``
    in this process (once: the terminal is then ``/dev/null``) instead of failing with ``EIO``.

    Only standard streams that are the interpreter's own and a terminal are guarded; they are put back
    when the block ends, after a last flush (which raises nothing: the command is over). A write past
    them (a stream held from before) that fails there with ``EIO`` ends the block with
    :class:`~rnnkit.utils.errors.Terminated` for ``signum`` instead. Not reentrant.
    """
    names = [
        name
        for name, original in (("stdout", sys.__stdout__), ("stderr", sys.__stderr__))
        if _on_a_terminal(getattr(sys, name), original)
    ]
    if not names:
        yield
        return
    swapped = {}  # name: (the interpreter's stream, the guarded one in its place)
    for name in names:
        original = getattr(sys, name)
        original.flush()  # what it holds goes before anything written through the guarded stream
        _terminals.add(original.fileno())
        swapped[name] = (original, _guarded(original))
        setattr(sys, name, swapped[name][1])
    _armed.append(signum)
    try:
        yield
    except OSError as exc:
        # EIO from a write past the guard, into a stream held from before it (``sys.__stderr__``, a
        # logging handler made at import), whose terminal has gone: the same closed terminal, no error
        if exc.errno == errno.EIO and any(gone(fd) for fd in _terminals):
            raise Terminated(signum) from exc
        raise
    finally:
        _armed.clear()  # a terminal found gone from here on is silenced, and nothing is raised
        for name, (original, guarded) in swapped.items():
            with contextlib.suppress(OSError, ValueError):  # a terminal gone is silenced; nothing more
                guarded.flush()
            if getattr(sys, name) is guarded:  # not where the command put another stream of its own
                setattr(sys, name, original)
        _silence_gone_terminals()  # a SIGHUP that came before any write: the last words go nowhere, quietly
        _terminals.clear()
        _silenced.clear()
