"""The ``rnnkit`` console script: the command line, with a signal during start-up answered in one line.

The script's first act is importing the command line (click, rnnkit's options), which takes a while on
a loaded machine; a Ctrl-C then would print a traceback from the middle of an import. This module
imports nothing until :func:`main` runs, so it can catch that Ctrl-C too. SIGTERM and SIGHUP there
ended the process without a word (their default action): they now say one line too, ``rnnkit:
terminated``, with status 143 (129 for SIGHUP, its terminal closed). Nothing had started and nothing is
lost, but a log (``2> log``, a batch scheduler's) should say why a run never began, as it says it for
Ctrl-C there and for the same signal a moment later, once the command runs: one signal, one answer.

The same holds at the other end: once the command has returned, Python and torch take a second or more
to tear down (atexit callbacks, freeing libraries). A SIGTERM there ended the process with -15 and no
word although every output was written, and a second Ctrl-C printed a traceback from torch's atexit
callback. So after the command, either signal ends the process at once with the command's own status.
Python takes those handlers away once the atexit callbacks have run (it resets every handler of its own
before freeing the modules, which with torch loaded takes the longest), so from then on both signals
are ignored: under torchrun, whose SIGTERM reaches a process that has said its error while it frees
torch, the report showed ``exitcode: -15 (SIGTERM)`` instead of the process's own status.
"""

import atexit
import contextlib
import os
import signal
import sys


def main() -> int:
    """Import and run :func:`rnnkit.cli.main`; a signal before the command starts exits with one line:
    Ctrl-C 130, SIGTERM 143, SIGHUP 129."""
    _closed_standard_streams_made_safe()
    try:
        from rnnkit.utils.ending import TERMINATED, while_starting  # light: signal and rnnkit's errors

        for signum in TERMINATED:  # the command line takes them over (rnnkit.utils.ending.at_default)
            if signal.getsignal(signum) == signal.SIG_DFL:  # a host's handler, or nohup's ignore, stays
                signal.signal(signum, while_starting)
        from rnnkit.cli import main as run

        status = run()  # a signal between the import and the command's own handlers comes out here too
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", None)  # a Terminated (SIGTERM or SIGHUP), raised by while_starting
        if _main_process():  # every process of a launch gets the signal: process 0 says it for all
            word = "interrupted" if signum is None else TERMINATED[signum]  # bound before any handler was
            sys.stderr.write(f"rnnkit: {word}\n")
        return 130 if signum is None else 128 + signum
    _exit_on_signal_after(status)
    return status


def _closed_standard_streams_made_safe() -> None:
    """Standard streams the caller closed (``<&-``, ``>&-``, ``2>&-``) made safe, before any file is opened.

    A closed descriptor 0, 1 or 2 is the next one a file opened gets, and a model file opened as 2 would
    take every message a C library writes there: each is held by ``/dev/null`` instead. Python sets
    the stream of a closed descriptor to None: under ``2>&-`` the progress display failed on it, and the
    command ended with status 1 and no output; ``print(file=None)`` would write to standard output. So
    standard error becomes ``/dev/null``, as asked. A closed standard output is no place for results,
    which click dropped in silence: each write fails instead, as grep's does (``cannot write standard
    output: Bad file descriptor``). A closed standard input stays None, refused by the commands that read it.
    """
    import io

    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:  # closed
            null = os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one, or one below it
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the whole process

    class ClosedOutput(io.TextIOBase):
        """Standard output closed by the caller: every write fails, as writing a closed descriptor does."""

        def write(self, text: str) -> int:
            import errno

            raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    if sys.stdout is None:
        sys.stdout = ClosedOutput()


# The signals that end a command early (Ctrl-C, kill, a closed terminal), where the platform has them.
_ENDING = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)]
# Those the caller had set to be ignored (nohup's SIGHUP, SIGINT of a job a shell started in the
# background): they stay ignored to the end, as the command honoured them while it ran.
_IGNORED_AT_START = {signum for signum in _ENDING if signal.getsignal(signum) == signal.SIG_IGN}


def _main_process() -> bool:
    """Whether this is process 0 of a launch (or no launch); True when that cannot be told."""
    try:
        from rnnkit.utils.dist import is_main_process

        return is_main_process()
    except BaseException:  # a second Ctrl-C during that import too: say it rather than nothing
        return True


def _exit_on_signal_after(status: int) -> None:
    """From now on SIGINT, SIGTERM and SIGHUP end the process at once with ``status``, the finished command's
    (its output flushed first): the command is done, and a signal only hurries the exit. A signal the
    caller had ignored (:data:`_IGNORED_AT_START`) stays ignored."""

    def done(signum: int, frame: object) -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing more to say
                stream.flush()
        os._exit(status)

    for signum in _ENDING:
        if signum in _IGNORED_AT_START:
            continue
        with contextlib.suppress(ValueError, OSError):  # not the main thread, or no such signal here
            signal.signal(signum, done)


def _ignore_signals_at_the_end() -> None:
    """SIGINT, SIGTERM and SIGHUP ignored for the rest of the exit: the last atexit callback, run after torch's and
    every other library's (registered before any of them, as this module imports nothing), at the point
    where Python is about to take the handlers of :func:`_exit_on_signal_after` away and free the modules.
    An ignored handler is the one Python leaves in place, so the process ends with its own status."""
    for signum in _ENDING:
        with contextlib.suppress(ValueError, OSError):  # not the main thread, or no such signal here
            signal.signal(signum, signal.SIG_IGN)


atexit.register(_ignore_signals_at_the_end)  # at import, so that it runs after every later registration


if __name__ == "__main__":
    sys.exit(main())
