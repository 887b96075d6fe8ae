"""The exception types the command line turns into one line.

Library code raises :class:`RnnkitError` (a ``ValueError``) with a one-line message naming what is
wrong. The command line turns it into ``rnnkit: error: <message>`` on stderr and exit status 2, never a
traceback.

:class:`Interrupted` is a ``KeyboardInterrupt`` (Ctrl-C) that knows how the work can be continued; the
command line prints ``rnnkit: interrupted; <message>`` and exits with 130, as for any Ctrl-C.
:class:`Terminated` is the same for SIGTERM (``kill``, a batch scheduler's time limit or preemption):
``rnnkit: terminated; <message>`` and exit status 143 (128 + 15, as a process killed by it); for
SIGHUP (its terminal closed) 129.
"""


class RnnkitError(ValueError):
    """A user mistake: bad input, a missing file, an unknown name. The message is one line."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during work that can be continued; the message (one line) says how.

    ``terminated``: the interruption was a SIGTERM (:class:`Terminated`), not Ctrl-C.
    """

    def __init__(self, message: str = "", terminated: bool = False) -> None:
        super().__init__(message)
        self.terminated = terminated


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Python was running when it arrived, so the work stops as on Ctrl-C:
    ``finally`` blocks run, locks are released, and a training run says how to continue.

    ``signum``: the signal, SIGTERM or SIGHUP (the terminal the command ran in was closed), which
    the exit status tells as a shell does (128 + ``signum``).
    """

    def __init__(self, signum: int = 15) -> None:
        super().__init__()
        self.signum = signum


class ShapeError(RnnkitError, RuntimeError):
    """A tensor of the wrong shape (or an empty sequence, or lengths that do not fit the input).

    Also a ``RuntimeError``: that is what ``torch.nn`` raises for the same mistake, so code written
    against ``torch.nn`` that catches ``RuntimeError`` catches rnnkit's too.
    """


class DtypeError(RnnkitError, RuntimeError):
    """A tensor of the wrong dtype or on the wrong device where ``torch.nn`` raises ``RuntimeError``:
    a cell's input or state, a layer's initial state, a layer's input on another device, a
    PackedSequence of the wrong dtype (``ValueError`` in torch.nn's GRU and RNN, ``RuntimeError`` in
    its LSTM: this class is both).

    (A layer's padded *input* of the wrong dtype is a plain :class:`RnnkitError`, a ``ValueError``,
    because that is what ``torch.nn``'s layers raise for it.)
    """


class InputTypeError(RnnkitError, TypeError):
    """An argument of the wrong Python type (``bias="yes"``, a list where a tensor belongs).

    Also a ``TypeError``, as ``torch.nn`` raises for the same mistake.
    """
