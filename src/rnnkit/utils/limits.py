"""Sane ranges for every number a user or a file may give rnnkit, declared once.

A size read from the command line or from a model's ``config.json`` decides how much memory and time a
command takes: ``--hidden 10000000`` asks for terabytes, ``layers: 1e6`` keeps a loader busy for minutes,
``--lr 1e30`` trains a model that forecasts -1e30. Every such number is checked against the range here
before anything is allocated, and a number outside it is one line naming the option and the range.

``SIZES`` holds the bounds shared by the command line and the model-file schemas (a model that the
command line cannot train is not loaded either). ``OPTION_LIMITS`` maps each numeric command-line option
(its long name and kind) to its range; :func:`bound_options` applies the table to a click command tree
(the root command does it once when it mounts an application), so each application declares its options
as it likes and still gets the bounds. The ranges are wide: they refuse what is absurd or would exhaust a
machine, not what is merely unusual; each application still checks its finer rules (an even hidden size
for a bidirectional encoder, a window shorter than the series).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import click

# The largest seed NumPy accepts (torch accepts more; one range for both keeps runs repeatable).
SEED_MAX = 2**32 - 1


@dataclass(frozen=True)
class Range:
    """A closed (or, with ``min_open``, half-open) interval; ``kind`` is ``int`` or ``float``."""

    lo: float
    hi: float
    kind: type = int
    min_open: bool = False

    def describe(self) -> str:
        left = "(" if self.min_open else "["
        return f"{left}{_num(self.lo)}, {_num(self.hi)}]"

    def problem(self, value: float) -> str | None:
        """Why ``value`` is outside the range (``"must be >= 1"``), or None when it is inside."""
        if isinstance(value, float) and not math.isfinite(value):
            return f"must be a finite number in {self.describe()}"
        if self.min_open and value <= self.lo:
            return f"must be > {_num(self.lo)}"
        if value < self.lo:
            return f"must be >= {_num(self.lo)}"
        if value > self.hi:
            return f"must be <= {_num(self.hi)}"
        return None

    def contains(self, value: float) -> bool:
        return self.problem(value) is None


def _num(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


# Sizes of models and data, shared by options and model-file schemas. Chosen so that the largest model
# allowed still fits a workstation: an LSTM layer of hidden 4096 is 4 x 4096 x 8192 weights (0.5 GB).
SIZES: dict[str, Range] = {
    "hidden": Range(1, 4096),
    "layers": Range(1, 16),
    "embed": Range(1, 4096),
    "vocab": Range(4, 200_000),
    "image_size": Range(8, 1024),
    "channels": Range(1, 4096),
    "grid": Range(1, 64),
    "seq_len": Range(1, 100_000),  # a window, a task length, a decoding limit
    "out_len": Range(1, 1000),  # most tokens a decoder writes
    "features": Range(1, 10_000),  # input or output columns
    "beam": Range(1, 64),
    "count": Range(0, 10_000_000),  # examples, scenes, sequences
    "dropout": Range(0.0, 0.99, float),
}

# Files of a model folder. An extra file (a tokenizer, a vocabulary) is a few MB: the largest read, and
# downloaded from the Hub, as one (a hostile folder's 2 GB tokenizer would otherwise be read whole and
# handed to sentencepiece, which crashes on it). The weights are bounded by what the config implies
# instead (rnnkit.utils.model_size), plus their header: the largest the safetensors library reads.
MAX_EXTRA_FILE_BYTES = 512 * 2**20
MAX_HEADER_BYTES = 100_000_000

# Command-line options: (long name, kind) -> range. kind is "int", "float" or "ints" (a comma list).
OPTION_LIMITS: dict[tuple[str, str], Range] = {
    ("--seed", "int"): Range(0, SEED_MAX),
    ("--hidden", "int"): SIZES["hidden"],
    ("--layers", "int"): SIZES["layers"],
    ("--embed", "int"): SIZES["embed"],
    ("--hidden-size", "int"): SIZES["hidden"],
    ("--num-layers", "int"): SIZES["layers"],
    ("--embed-size", "int"): SIZES["embed"],
    ("--vocab-size", "int"): SIZES["vocab"],
    ("--image-size", "int"): SIZES["image_size"],
    ("--epochs", "int"): Range(1, 100_000),
    ("--batch-size", "int"): Range(1, 65_536),
    ("--patience", "int"): Range(1, 100_000),
    ("--lr-patience", "int"): Range(0, 100_000),
    ("--threads", "int"): Range(1, 512),  # rnnkit.utils.threads.MAX_THREADS reads it here
    ("--beam", "int"): SIZES["beam"],
    ("--max-len", "int"): SIZES["out_len"],
    ("--max-src-len", "int"): Range(2, 100_000),
    ("--window", "int"): Range(1, 100_000),
    ("--horizon", "int"): Range(1, 10_000),
    ("--season", "int"): Range(0, 100_000),
    ("--folds", "int"): Range(1, 1000),
    ("--stride", "int"): Range(1, 10_000_000),
    ("--max-steps", "int"): Range(1, 10_000_000),
    ("--length", "int"): SIZES["seq_len"],
    ("--lengths", "ints"): SIZES["seq_len"],
    ("--index", "int"): Range(0, 10_000_000),
    ("--sequences", "int"): Range(1, 100_000),
    ("--train-size", "int"): Range(1, 10_000_000),
    ("--test-size", "int"): Range(1, 10_000_000),
    ("--max-train", "int"): Range(1, 10_000_000),
    ("--train", "int"): Range(1, 10_000_000),
    ("--val", "int"): Range(1, 10_000_000),
    ("--test", "int"): Range(1, 10_000_000),
    ("--heldout", "int"): Range(1, 10_000_000),
    ("--train-images", "int"): Range(1, 10_000_000),
    ("--val-images", "int"): Range(1, 10_000_000),
    ("--test-images", "int"): Range(1, 10_000_000),
    ("--heldout-images", "int"): Range(1, 10_000_000),
    ("--captions", "int"): Range(1, 10),  # as many as rnnkit.caption.shapes writes a scene (its own check)
    ("--steps-per-epoch", "int"): Range(1, 10_000_000),  # translate train --stream
    ("--shuffle-buffer", "int"): Range(1, 10_000_000),
    ("--held-out-max", "int"): Range(1, 10_000_000),
    ("--spm-sample", "int"): Range(1, 10_000_000),
    ("--show", "int"): Range(0, 1_000_000),
    ("--port", "int"): Range(1, 65535),
    ("--workers", "int"): Range(1, 16),
    ("--lr", "float"): Range(0.0, 10.0, float, min_open=True),
    ("--lr-factor", "float"): Range(0.0, 1.0, float, min_open=True),
    ("--dropout", "float"): SIZES["dropout"],
    ("--alpha", "float"): Range(0.0, 10.0, float),
    ("--split-seed", "int"): Range(0, SEED_MAX),
    ("--average-last", "int"): Range(0, 1000),
    ("--no-repeat-ngram", "int"): Range(0, 100),
    ("--coverage", "float"): Range(0.0, 10.0, float),
    ("--subword-sampling", "float"): Range(0.0, 10.0, float),
    ("--ensemble", "int"): Range(1, 64),
    ("--input-noise", "float"): Range(0.0, 10.0, float),
    ("--aux-steps", "int"): Range(0, 1000),
    ("--word-dropout", "float"): Range(0.0, 1.0, float),
    ("--teacher-forcing", "float"): Range(0.0, 1.0, float),
    ("--label-smoothing", "float"): Range(0.0, 1.0, float),
    ("--val", "float"): Range(0.0, 1.0, float),
    ("--test", "float"): Range(0.0, 1.0, float),
    ("--valid-frac", "float"): Range(0.0, 1.0, float),
    ("--test-frac", "float"): Range(0.0, 1.0, float),
}


def check_range(value: float, rng: Range, what: str) -> float:
    """``value`` if it lies in ``rng``; else a one-line RnnkitError naming ``what`` and the range."""
    from rnnkit.utils.errors import RnnkitError

    problem = rng.problem(value)
    if problem is not None:
        raise RnnkitError(f"{what} {problem} (got {short_repr(value)})")
    return value


def short_repr(value: object) -> str:
    """``repr(value)``, cut in the middle beyond 40 characters (``'10000000000000000000...0000000%'``), so
    that a one-line message stays one readable line whatever a user typed or a file holds."""
    text = repr(value)
    return text if len(text) <= 40 else text[:20] + "..." + text[-8:]


class _Bounded(click.ParamType):
    """An int or float option (or a comma list of ints, returned unchanged) checked against a range."""

    def __init__(self, rng: Range, opt: str, kind: str, inner: click.ParamType) -> None:
        self.rng, self.opt, self.kind, self.inner = rng, opt, kind, inner
        self.name = {"int": "integer", "float": "float", "ints": "text"}[kind]

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        lo, hi = _num(self.rng.lo), _num(self.rng.hi)
        return "N,..." if self.kind == "ints" else f"{self.name.upper()} {lo}..{hi}"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        # self.fail raises click's BadParameter: "Invalid value for '--opt': <why>", exit status 2.
        if self.kind == "ints":
            text = value if isinstance(value, str) else str(value)
            for part in text.split(","):  # the application reports what is not a number its own way
                if part.strip().lstrip("+-").isdigit():
                    self._check(self._number(part.strip(), click.INT, param, ctx), param, ctx)
            return value
        return self._check(self._number(value, self.inner, param, ctx), param, ctx)

    def _number(self, value, inner, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, str) and len(value) > 60:  # a 5000-digit number: refuse before parsing it
            self.fail(f"must be in {self.rng.describe()} (got {len(value)} characters)", param, ctx)
        return inner.convert(value, param, ctx)

    def _check(self, value, param, ctx):  # type: ignore[no-untyped-def]
        problem = self.rng.problem(value)
        if problem is not None:
            self.fail(f"{problem} (got {short_repr(value)})", param, ctx)
        return value


class _NonEmpty(click.ParamType):
    """A text or path option that refuses the empty string (``--data ""`` is a slip, not a choice)."""

    def __init__(self, opt: str, inner: click.ParamType) -> None:
        self.opt, self.inner, self.name = opt, inner, inner.name

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str | None:
        return self.inner.get_metavar(param, ctx) if ctx is not None else None

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, str) and not value.strip():
            self.fail("must not be empty", param, ctx)
        return self.inner.convert(value, param, ctx)

    def shell_complete(self, ctx, param, incomplete):  # type: ignore[no-untyped-def]
        return self.inner.shell_complete(ctx, param, incomplete)


def _kind(param: click.Parameter) -> str | None:
    t = param.type
    if isinstance(t, _Bounded):
        return t.kind
    if isinstance(t, click.types.IntParamType):  # IntRange included
        return "int"
    if isinstance(t, click.types.FloatParamType):
        return "float"
    if isinstance(t, click.types.StringParamType) and param.name == "lengths":
        return "ints"
    return None


def _merge(declared: click.ParamType, rng: Range) -> Range:
    """The table's range narrowed by what the option already declared (an IntRange's min, say)."""
    lo, hi, min_open = rng.lo, rng.hi, rng.min_open
    dmin, dmax = getattr(declared, "min", None), getattr(declared, "max", None)
    if dmin is not None and dmin >= lo:
        lo, min_open = dmin, bool(getattr(declared, "min_open", False)) or (dmin == lo and min_open)
    if dmax is not None and dmax < hi:
        hi = dmax
    return Range(lo, hi, rng.kind, min_open)


# Text options that name a file or a bundled data set (``--data ""`` once trained on the default).
NAMES_A_SOURCE = frozenset({"--data", "--corpus", "--model", "--out", "--images", "--input", "--output"})
# Text options that name a column or a codec: empty, they stood for their default without a word, so that
# ``--target "$COLUMN"`` with COLUMN unset forecast Adj Close, and ``--id-column "$IDS"`` one series.
NAMES_A_COLUMN = frozenset(
    {"--target", "--id-column", "--date-column", "--src-col", "--tgt-col", "--encoding"}
)


def _refuses_empty(param: click.Parameter) -> bool:
    """Paths never mean anything when empty, nor do text options that name a source, a column or a
    codec; other text may be empty where the application says what empty means (``--features ""``:
    none; an empty sentence translates to an empty line)."""
    if isinstance(param.type, click.Path):
        return True
    return isinstance(param, click.Option) and long_name(param) in NAMES_A_SOURCE | NAMES_A_COLUMN


def long_name(param: click.Parameter) -> str:
    """The option's longest name, old spellings kept as hidden aliases aside (``--hidden-size``)."""
    hidden = getattr(param, "hidden_aliases", ())
    return max([o for o in param.opts if o not in hidden] or param.opts, key=len)


def bound_options(command: click.Command) -> click.Command:
    """Apply ``OPTION_LIMITS`` to every option of ``command`` and its subcommands; returns ``command``.

    Idempotent. Numeric options get their range; path options, and the text options that name a source,
    a column or a codec (``NAMES_A_SOURCE``, ``NAMES_A_COLUMN``), refuse an empty value.
    """
    commands = [command]
    while commands:
        cmd = commands.pop()
        if isinstance(cmd, click.Group):
            commands.extend(cmd.commands.values())
        for param in cmd.params:
            if isinstance(param.type, _Bounded | _NonEmpty):
                continue
            kind = _kind(param)
            if kind is not None and isinstance(param, click.Option):
                rng = OPTION_LIMITS.get((long_name(param), kind))
                if rng is not None:
                    inner = click.FLOAT if kind == "float" else click.INT
                    param.type = _Bounded(_merge(param.type, rng), long_name(param), kind, inner)
            elif _refuses_empty(param):
                name = long_name(param) if isinstance(param, click.Option) else param.human_readable_name
                param.type = _NonEmpty(name, param.type)
    return command


def unbounded_numeric_options(command: click.Command, path: str = "") -> list[str]:
    """Every numeric option in the tree with no upper and lower bound: neither a range from
    ``OPTION_LIMITS`` nor a click range closed at both ends (for a guard test). Subcommands are listed
    through click (``list_commands``/``get_command``), so a group that mounts its applications lazily
    is walked whole."""
    found = []
    for param in command.params:
        if isinstance(param, click.Option) and _unbounded(param.type):
            found.append(f"{path} {long_name(param)}".strip())
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                found.extend(unbounded_numeric_options(sub, f"{path} {name}".strip()))
    return found


def _unbounded(kind: click.ParamType) -> bool:
    """A number type with no range at one end or both (``int``, ``IntRange(min=1)``)."""
    if not isinstance(kind, click.types.IntParamType | click.types.FloatParamType):
        return False
    if isinstance(kind, click.IntRange | click.FloatRange):
        return kind.min is None or kind.max is None
    return True
