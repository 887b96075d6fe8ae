"""The exception types the command line turns into one line.

Library code raises :class:`RnnkitError` (a ``ValueError``) with a one-line message naming what is
wrong. The command line turns it into ``rnnkit: error: <message>`` on stderr and exit status 2, never a
traceback.

:class:`Interrupted` is a ``KeyboardInterrupt`` (Ctrl-C) that knows how the work can be continued; the
command line prints ``rnnkit: interrupted; <message>`` and exits with 130, as for any Ctrl-C.
"""


class RnnkitError(ValueError):
    """A user mistake: bad input, a missing file, an unknown name. The message is one line."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during work that can be continued; the message (one line) says how."""


class ShapeError(RnnkitError, RuntimeError):
    """A tensor of the wrong shape (or an empty sequence, or lengths that do not fit the input).

    Also a ``RuntimeError``: that is what ``torch.nn`` raises for the same mistake, so code written
    against ``torch.nn`` that catches ``RuntimeError`` catches rnnkit's too.
    """


class InputTypeError(RnnkitError, TypeError):
    """An argument of the wrong Python type (``bias="yes"``, a list where a tensor belongs).

    Also a ``TypeError``, as ``torch.nn`` raises for the same mistake.
    """
