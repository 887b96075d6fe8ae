"""Checked JSON: parse with limits on depth and number size, then validate against a typed schema.

Every JSON file rnnkit loads (a model's ``config.json``, a caption dataset, a vocabulary, a JSONL corpus
line) comes from someone else. Python's ``json`` parses anything: 100,000 nested brackets end in a
``RecursionError``, a 5000-digit number in a ``ValueError``, ``NaN`` is accepted, a key given twice
keeps its last value unsaid, and a string where a list was meant is iterated character by character.
:func:`parse_json` refuses those at parse time (the repeated key in the files :func:`read_json` reads) and
:func:`validate` checks the parsed value against a schema of typed fields with bounds, so a loader
reads only values it can use and allocates nothing from a number it has not checked.

A schema is built from :class:`Int`, :class:`Float`, :class:`Bool`, :class:`Str`, :class:`List`,
:class:`Obj` (named fields), :class:`MapOf` (free keys), :class:`Opt` (also ``null``), :class:`OneOf` and :class:`Anything`
(any JSON; parse limits still hold). Every failure is an :class:`~rnnkit.utils.errors.RnnkitError`
whose one line names the source, the path inside it and what was expected::

    config.json: model.hidden_size must be an integer in [1, 4096], got true

Why not pydantic or jsonschema: neither is a dependency of rnnkit, the schemas here are a few dozen
fields, and the one-line message format is ours; 150 lines do it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rnnkit.utils.byte_order import bad_byte, decode, text_encoding
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.limits import Range

MAX_DEPTH = 32  # nesting of arrays and objects; rnnkit's own files use at most 5
MAX_NUMBER_CHARS = 40  # a float64 needs at most 24 characters, an int64 20
MAX_JSON_BYTES = 512 * 2**20  # a caption dataset of a million captions is about 200 MB

# Strings (skipped whole, escapes included) and brackets: enough to measure nesting without parsing.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class _Refused(Exception):
    """Raised inside ``json.loads`` hooks; turned into one RnnkitError line."""


def _check_depth(text: str, max_depth: int) -> None:
    depth = 0
    for m in _TOKENS.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > max_depth:
                raise _Refused(f"is nested more than {max_depth} levels deep")
        elif c in "]}":
            depth -= 1


def _parse_int(s: str) -> int:
    if len(s.lstrip("-")) > MAX_NUMBER_CHARS:
        raise _Refused(f"holds a {len(s)}-digit number")
    return int(s)


def _parse_float(s: str) -> float:
    if len(s) > MAX_NUMBER_CHARS:
        raise _Refused(f"holds a {len(s)}-character number")
    value = float(s)
    if not math.isfinite(value):
        raise _Refused(f"holds a number out of range ({s})")
    return value


def _parse_constant(s: str) -> float:
    raise _Refused(f"holds {s}, which is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict:
    """An object whose keys are all different: ``json.loads`` keeps the last of two equal keys, so a
    config reading ``"hidden_size": 8`` to a person (or another tool, which may keep the first) would
    load as whatever a later line says."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            shown = repr(key) if len(key) <= 40 else repr(key[:30]) + "..."
            raise _Refused(f"holds the key {shown} twice in one object")
        out[key] = value
    return out


def parse_json(text: str | bytes, source: str, max_depth: int = MAX_DEPTH, unique_keys: bool = False) -> Any:
    """``json.loads`` that refuses deep nesting, huge numbers and NaN/Infinity with one line; and a key
    given twice in one object, where ``unique_keys`` (:func:`read_json`'s files; a settings file names
    a setting written twice in its own words, :mod:`rnnkit.utils.settings_file`).

    Args:
        text: the JSON document (bytes are decoded as UTF-8, or as UTF-16 or UTF-32 after their
            byte-order mark, as ``json.loads`` reads bytes). A leading byte-order mark, which Windows
            Notepad writes and JSON allows a reader to ignore (RFC 8259, 8.1), is dropped.
        source: how the message names it (a path, ``"line 3 of corpus.jsonl"``).
        max_depth: the most nested arrays/objects allowed.
    """
    if isinstance(text, bytes):  # UTF-8, or UTF-16/32 after its mark (Notepad's "Unicode"), as json.loads
        try:
            text = decode(text)
        except UnicodeDecodeError as exc:
            raise RnnkitError(
                f"{source} is not {text_encoding(text) or 'UTF-8'} text (byte {bad_byte(text, exc).offset})"
            ) from None
    text = text.removeprefix("\ufeff")
    try:
        _check_depth(text, max_depth)
        return json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
            object_pairs_hook=_object if unique_keys else None,
        )
    except _Refused as exc:
        raise RnnkitError(f"{source} {exc}") from None
    except json.JSONDecodeError as exc:
        raise RnnkitError(f"{source} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except (RecursionError, ValueError) as exc:  # a last guard; the checks above come first
        raise RnnkitError(f"{source} is not usable JSON ({exc.__class__.__name__})") from None


def read_json(path: str | Path, source: str | None = None, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Read and :func:`parse_json` a file (a key twice in one object refused); a missing, unreadable or
    oversized file is one line."""
    path = Path(path)
    name = source or str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise RnnkitError(
                f"{name} is {size / 2**20:.0f} MB, more than the {max_bytes // 2**20} MB allowed"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise RnnkitError(f"{name} not found") from None
    except OSError as exc:
        raise RnnkitError(f"cannot read {name}: {exc.strerror or exc.__class__.__name__}") from None
    return parse_json(data, name, unique_keys=True)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else text[:30] + "..."


def _child(path: str, key: str | int) -> str:
    """``"config.json:" + "model"`` -> ``"config.json: model"``; then ``.hidden_size``, ``[3]``. A key
    that is not printable text (a free key read from the file: a series id with a newline) is shown
    as its repr, so that an error naming it stays one line."""
    part = f"[{key}]" if isinstance(key, int) else (str(key) if str(key).isprintable() else repr(str(key)))
    if path.endswith(":"):
        return f"{path} {part}"
    return f"{path}{part}" if isinstance(key, int) else f"{path}.{part}"


class Spec:
    """A schema node: ``check(value, path)`` returns the value (possibly converted) or raises."""

    def check(self, value: Any, path: str) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def fail(self, path: str, expected: str, value: Any) -> RnnkitError:
        return RnnkitError(f"{path} must be {expected}, got {_show(value)}")


@dataclass(frozen=True)
class Int(Spec):
    """An integer in ``[lo, hi]`` (a bool is not an integer here; ``3.0`` is not either)."""

    lo: int
    hi: int

    @classmethod
    def of(cls, rng: Range) -> Int:
        return cls(int(rng.lo), int(rng.hi))

    def check(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not self.lo <= value <= self.hi:
            raise self.fail(path, f"an integer in [{self.lo}, {self.hi}]", value)
        return value


@dataclass(frozen=True)
class OptionInt(Spec):
    """The integer of a command-line option read from a settings file, whose range is checked after,
    as the command line checks it (:mod:`rnnkit.utils.settings_file`); ``shown`` (`` in 1..100000``)
    tells that range to a value that is no integer, rather than the 64-bit bounds that keep it sane."""

    shown: str = ""

    def check(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) <= value < 2**63:
            raise self.fail(path, f"an integer{self.shown}", value)
        return value


@dataclass(frozen=True)
class Float(Spec):
    """A finite number in ``[lo, hi]``; integers are accepted and returned as floats."""

    lo: float = -math.inf
    hi: float = math.inf

    def check(self, value: Any, path: str) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or not self.lo <= value <= self.hi:
            bounds = "" if math.isinf(self.lo) and math.isinf(self.hi) else f" in [{self.lo:g}, {self.hi:g}]"
            raise self.fail(path, f"a finite number{bounds}", value)
        return float(value)


@dataclass(frozen=True)
class Bool(Spec):
    def check(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, "true or false", value)
        return value


@dataclass(frozen=True)
class Str(Spec):
    """A string, at most ``max_len`` characters, one of ``choices`` when given."""

    choices: tuple[str, ...] | None = None
    max_len: int = 10_000

    def check(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or len(value) > self.max_len:
            raise self.fail(
                path,
                "a string" if not isinstance(value, str) else f"at most {self.max_len} characters",
                value,
            )
        if self.choices is not None and value not in self.choices:
            raise self.fail(path, f"one of {', '.join(self.choices)}", value)
        return value


@dataclass(frozen=True)
class CommaList(Spec):
    """A comma-separated list as an option writes it (``0.1,0.5,0.9``): a string as it is, or a YAML or
    JSON list of strings and numbers, joined with commas (``[0.1, 0.5, 0.9]``); the option checks its
    items as it checks them typed."""

    def check(self, value: Any, path: str) -> str:
        if isinstance(value, str):
            return value
        items = value if isinstance(value, list) else None
        if (
            items is None
            or not items
            or not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in items)
        ):
            raise self.fail(
                path, "a comma-separated string or a non-empty list of strings and numbers", value
            )
        return ",".join(str(v) for v in items)


@dataclass(frozen=True)
class List(Spec):
    """A JSON array of ``min_len`` to ``max_len`` items, each checked by ``item``."""

    item: Spec
    min_len: int = 0
    max_len: int = 10_000_000

    def check(self, value: Any, path: str) -> list:
        if not isinstance(value, list):
            raise self.fail(path, "a list", value)
        if not self.min_len <= len(value) <= self.max_len:
            raise self.fail(path, f"a list of {self.min_len} to {self.max_len} items", f"{len(value)} items")
        return [self.item.check(v, _child(path, i)) for i, v in enumerate(value)]


@dataclass(frozen=True)
class Opt(Spec):
    """``null`` or what ``inner`` accepts."""

    inner: Spec

    def check(self, value: Any, path: str) -> Any:
        return None if value is None else self.inner.check(value, path)


@dataclass(frozen=True)
class OneOf(Spec):
    """What the first of ``options`` that accepts it returns (an id that is an integer or a string)."""

    options: tuple[Spec, ...]
    expected: str

    def check(self, value: Any, path: str) -> Any:
        for option in self.options:
            try:
                return option.check(value, path)
            except RnnkitError:
                continue
        raise self.fail(path, self.expected, value)


@dataclass(frozen=True)
class Anything(Spec):
    """Any JSON value (already limited in depth and number size by :func:`parse_json`)."""

    def check(self, value: Any, path: str) -> Any:
        return value


@dataclass(frozen=True)
class MapOf(Spec):
    """An object with free keys, each value checked by ``value``."""

    value: Spec
    max_items: int = 1_000_000

    def check(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, "an object", value)
        if len(value) > self.max_items:
            raise self.fail(path, f"an object of at most {self.max_items} entries", f"{len(value)} entries")
        return {k: self.value.check(v, _child(path, str(k))) for k, v in value.items()}


@dataclass(frozen=True)
class Obj(Spec):
    """An object with named fields; ``optional`` ones may be absent. Other keys are kept unchecked
    when ``extra`` (a newer rnnkit may add fields), refused otherwise."""

    required: Mapping[str, Spec]
    optional: Mapping[str, Spec] = field(default_factory=dict)
    extra: bool = True

    def check(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, "an object", value)
        missing = [k for k in self.required if k not in value]
        if missing:
            raise RnnkitError(f"{path} lacks {', '.join(map(repr, missing))}")
        if not self.extra:
            unknown = sorted(set(value) - set(self.required) - set(self.optional))
            if unknown:
                raise RnnkitError(f"{path} has unknown field {unknown[0]!r}")
        out = dict(value)
        for name, spec in {**self.required, **self.optional}.items():
            if name in value:
                out[name] = spec.check(value[name], _child(path, name))
        return out


def validate(value: Any, spec: Spec, source: str) -> Any:
    """``spec.check`` with paths rooted at ``source``: ``"m/config.json: model.hidden_size must be ..."``."""
    return spec.check(value, f"{source}:")
