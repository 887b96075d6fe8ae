"""Messages in a Python user's words: ``target=`` where the command line says ``--target``.

Every check of the data and settings is written once, below the command line and the Python API, and
its message names the command line's option (``pass --missing fill``, ``--window 30 and --horizon 1
need at least 40 rows``). The Python API (:class:`~rnnkit.forecast.api.Forecaster`) runs its verbs inside
:func:`python_words`, which rewrites each option that is a Python argument into that argument before the
message reaches the user: ``pass missing='fill'``, ``window=30 and horizon=1 need at least 40 rows``. One
table of names, one rewriting; no message is written twice.

An option inside a command (``rnnkit forecast train --resume``) is a command to run and stays as it is;
an option that has no Python argument (``--season``, ``--out``) stays too.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from rnnkit.utils.errors import RnnkitError

# Options whose Python argument has another name, or that set a boolean argument.
RENAMED = {
    "predict": "transform",
    "progress": "show_progress",
    "hidden": "hidden_size",
    "layers": "num_layers",
}
SWITCHES = {"dayfirst": "dayfirst=True", "monthfirst": "dayfirst=False"}

_VALUE = r"'[^']*'|\"[^\"]*\"|-?\d+(?:\.\d+)?(?:e-?\d+)?(?![\w.])|[a-z][a-z-]*"
_OPTION = re.compile(rf"(?<![\w-])--([a-z][a-z0-9-]*)(?: ({_VALUE}))?")
# a command a user runs: its options are the command line's, whoever reads the message
_COMMAND = re.compile(r"rnnkit(?: [a-z][a-z-]*)+(?: --[a-z][a-z0-9-]*(?: [^\s,;()]+)?)*")


@cache
def _arguments() -> frozenset[str]:
    """The Python API's argument names: Forecaster's settings and backtest's arguments."""
    from rnnkit.forecast.api import Forecaster
    from rnnkit.forecast.forecaster import Hyper

    names = set(Hyper.setting_names())
    for method in (Forecaster.__init__, Forecaster.backtest, Forecaster.predict):
        names |= set(inspect.signature(method).parameters) - {"self", "hyper", "data"}
    return frozenset(names)


@cache
def _word_values() -> dict[str, tuple[str, ...]]:
    """Arguments whose values are words (``--missing fill``), with those words: a word after the option
    is its value only when it is one of them (``--target`` in ``with --target (e.g. ...)`` has none)."""
    from rnnkit.forecast.choose import AUTO
    from rnnkit.forecast.data import DECIMAL_CHOICES, MISSING_CHOICES
    from rnnkit.forecast.windows import PREDICT_CHOICES

    return {"missing": MISSING_CHOICES, "transform": (AUTO, *PREDICT_CHOICES), "decimal": DECIMAL_CHOICES}


def _argument(match: re.Match[str]) -> str:
    option, value = match.group(1), match.group(2)
    if option in SWITCHES:
        return SWITCHES[option] + (f" {value}" if value else "")
    name = RENAMED.get(option, option.replace("-", "_"))
    if name not in _arguments():
        return match.group(0)
    if value is None:
        return f"{name}="
    if value[0] in "'\"" or value[0].isdigit() or value[0] == "-":
        return f"{name}={value}"
    if value in _word_values().get(name, ()):
        return f"{name}={value!r}"
    return f"{name}= {value}"  # a word of the sentence, not the option's value


def python_message(text: str) -> str:
    """``text`` with each command-line option that is a Python argument written as that argument."""
    out, start = [], 0
    for command in _COMMAND.finditer(text):
        out += [_OPTION.sub(_argument, text[start : command.start()]), command.group(0)]
        start = command.end()
    return "".join([*out, _OPTION.sub(_argument, text[start:])])


@contextmanager
def python_words() -> Iterator[None]:
    """Run the block with its :class:`RnnkitError` messages in the Python API's words (same exception,
    same traceback)."""
    try:
        yield
    except RnnkitError as exc:
        if exc.args and isinstance(exc.args[0], str):
            exc.args = (python_message(exc.args[0]), *exc.args[1:])
        raise
