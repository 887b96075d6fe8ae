"""The one exception type for user mistakes.

Library code raises :class:`RnnkitError` (a ``ValueError``) with a one-line message naming what is
wrong. The command line turns it into ``rnnkit: error: <message>`` on stderr and exit status 2, never a
traceback.
"""


class RnnkitError(ValueError):
    """A user mistake: bad input, a missing file, an unknown name. The message is one line."""
