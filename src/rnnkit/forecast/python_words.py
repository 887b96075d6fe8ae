"""Messages in a Python user's words (``target=`` where the command line says ``--target``), and in a
web page uploader's (what to change in the uploaded file).

Every check of the data and settings is written once, below the command line and the Python API, and
its message names the command line's option (``pass --missing fill``, ``--window 30 and --horizon 1
need at least 40 rows``). The Python API (:class:`~rnnkit.forecast.api.Forecaster`) runs its verbs inside
:func:`python_words`, which rewrites each option that is a Python argument into that argument before the
message reaches the user: ``pass missing='fill'``, ``window=30 and horizon=1 need at least 40 rows``. One
table of names, one rewriting; no message is written twice.

An option inside a command (``rnnkit forecast train --resume``) is a command to run and stays as it is;
an option that has no Python argument (``--out``) stays too.

The third audience is the forecast page of ``rnnkit serve`` (:func:`page_message`): its user uploads a
CSV to a trained model and has no options at all. The model fixes how a file is read (its window, its
date format, its decimal mark, what it does with a missing value), so advice to pass an option becomes
what to change in the file (``pass --missing fill`` is ``fill them in, or delete those rows``), and an
option named as a setting becomes the model's (``--window 30`` is ``the model's window 30``). One table,
:data:`PAGE_ADVICE`, keyed by the option; tests/serve/test_serve_forecast_words.py triggers every
message an upload can meet and finds no option left.
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
    from rnnkit.forecast.data import MISSING_CHOICES
    from rnnkit.forecast.decimal_mark import DECIMAL_CHOICES
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


# --- the forecast page's words ----------------------------------------------------------------------------
_QUOTED = r"'[^']*'"
ISO_DATES = "write the dates as YYYY-MM-DD (e.g. 2024-01-31)"
_READING = rf"(?:--dayfirst|--monthfirst|--date-format {_QUOTED})"  # what reads dates one way
_OTHER_READING = rf"{_READING}(?: \(or --date-format {_QUOTED}\))?"  # as a warning offers it

# Each option's advice as the command line writes it (a regular expression) and what a page uploader
# does instead. ``{target}`` is the column the model forecasts, quoted.
PAGE_ADVICE: dict[str, tuple[tuple[str, str], ...]] = {
    "target": (
        (r" \(choose with --target\)", ""),  # the note names the column read: the page has no other
        (
            r"; choose one with --target",
            "; upload the date and the one column to forecast, or head it {target}",
        ),
        (r"; name one with --target", "; upload the date and the column to forecast, headed {target}"),
        (
            r"; name the column with (?:--target|--features)",
            "; the model reads that column: upload it, headed so",
        ),
        (r"; choose another with (?:--target|--features)", "; upload the column with its values"),
    ),
    "date-column": ((r"; name one with --date-column", "; head the column of dates 'Date'"),),
    "id-column": (
        (rf"pass --id-column {_QUOTED}", "the page forecasts one series: upload the rows of one of them"),
    ),
    "missing": (
        (
            r"; pass --missing fill \([^)]*\) or --missing drop \([^)]*\)",
            "; fill them in, or delete those rows",
        ),
        (r"; --missing drop drops such rows", "; fill in their dates, or delete those rows"),
        (r", with --missing fill, to keep", ", with their values, to keep"),
        (r" \(see --missing\)", ""),
    ),
    "decimal": (
        (r"pass --decimal point", "save the file comma-separated (its dots are then decimal points)"),
        (r"pass --decimal comma", "write the numbers without those dots (2000)"),
    ),
    "date-format": (
        (r"give the format with --date-format(?: \(e\.g\. [^)]*\)| or --dayfirst)?", ISO_DATES),
        (rf"do not match --date-format ({_QUOTED})", r"do not match the date format of the model's data, \1"),
        (  # the other reading: --dayfirst (or --date-format '%d/%m/%Y'), or a year-first format alone
            rf"pass (?:{_READING} \(or --date-format ({_QUOTED})\)|--date-format ({_QUOTED})) to read them so, "
            rf"or {_READING} to keep this reading",
            r"to read them as \1\2, " + ISO_DATES,
        ),
        (  # two other readings (10.03.24: day first, month first or a two-digit year first)
            rf"pass {_OTHER_READING}(?: or {_OTHER_READING})+ to read them so, or {_READING} to keep this reading",
            "to read them another way, " + ISO_DATES,
        ),
        (
            r" \(or check --date-format / --dayfirst\)",
            " (or check that day and month are where you meant them)",
        ),
    ),
    "window": (
        (r"give more rows, or a shorter --window", "upload more rows"),
        (r"--window (\d+) and --horizon (\d+)", r"the model's window \1 and horizon \2"),
        (r"for --window (\d+) --horizon (\d+)", r"for the model's window \1 and horizon \2"),
    ),
    "predict": (
        (
            r"with --predict differences or --predict prices",
            "that predicts differences or prices (rnnkit forecast train --predict auto chooses between them)",
        ),
    ),
}


@cache
def _page_advice() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(cli), page) for advice in PAGE_ADVICE.values() for cli, page in advice)


def page_message(text: str, target: str) -> str:
    """``text`` (an error or note of reading and scoring a series) in a forecast page uploader's words:
    each piece of command-line advice said as what to change in the file (:data:`PAGE_ADVICE`);
    ``target`` is the model's target column."""
    for cli, page in _page_advice():  # the column's name is put in as written, never read as a pattern
        text = cli.sub(lambda found, page=page: found.expand(page).replace("{target}", repr(target)), text)
    return text
