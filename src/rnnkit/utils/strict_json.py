"""Standard JSON for values that may hold NaN or infinities (a diverged loss, a plateau's ``best``).

Python's ``json`` writes ``NaN`` and ``Infinity``, which are not JSON and which other readers reject.
:func:`dumps` writes each non-finite float as ``{"__float__": "nan"}`` (or ``"inf"``, ``"-inf"``) and
:func:`loads` turns those back into floats, so a value round-trips exactly (for the files rnnkit reads
back). :func:`write`, for the files people and other programs read, writes them as ``null``.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

_FLOAT = "__float__"


def plain(value: Any) -> Any:
    """A NumPy scalar as the Python value it stands for (anything else as it is): ``json`` refuses
    ``np.float32`` and ``np.bool_``, after a whole training. A float narrower than a double is the
    shortest decimal that reads back as it, the number that was typed: ``np.float32(0.01)`` is 0.01,
    not 0.009999999776482582 in a config.json. (NumPy is not imported: light modules use this.)"""
    if type(value).__module__ != "numpy" or getattr(value, "ndim", None) != 0 or not hasattr(value, "item"):
        return value
    if getattr(value, "dtype", None) is not None and value.dtype.kind == "f" and value.dtype.itemsize != 8:
        return float(str(value))  # numpy's str is the shortest round trip at its own precision
    return value.item()


def encode(value: Any) -> Any:
    """``value`` with every non-finite float replaced by its marker (dicts, lists and tuples walked);
    NumPy scalars as Python values (:func:`plain`)."""
    value = plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        return {_FLOAT: repr(value)}
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


def nulls(value: Any) -> Any:
    """``value`` with every non-finite float as None (JSON ``null``): for files read by other tools,
    where "no value" matters and the exact NaN/infinity does not (caption scores with nothing to measure).
    A NumPy scalar (``np.int64(16)`` from a setting read out of an array) is the Python value it
    stands for (:func:`plain`)."""
    value = plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: nulls(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [nulls(v) for v in value]
    return value


def decode(value: Any) -> Any:
    """The inverse of :func:`encode`."""
    if isinstance(value, dict):
        if set(value) == {_FLOAT}:
            return float(value[_FLOAT])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def dumps(value: Any, **kwargs: Any) -> str:
    """``json.dumps`` of ``encode(value)``; never writes NaN or Infinity."""
    return json.dumps(encode(value), allow_nan=False, **kwargs)


def loads(text: str) -> Any:
    """``json.loads`` then :func:`decode`."""
    return decode(json.loads(text))


def readable_text(value: Any, indent: int | None = 2) -> str:
    """``value`` as :func:`write` writes it, without the final newline (non-ASCII kept, non-finite
    numbers as ``null``); :mod:`rnnkit.utils.json_stream` writes a long list's entries so, one by one."""
    return json.dumps(nulls(value), indent=indent, ensure_ascii=False, allow_nan=False)


def write(path: str | os.PathLike, value: Any, indent: int | None = 2) -> Path:
    """Write ``value`` as strict JSON (UTF-8, non-ASCII kept, a final newline) to ``path``, whole or not at all.

    Every JSON file a command writes for people and other programs (``metrics.json``, ``--json``
    outputs) goes through here, so none ever holds a bare ``NaN``: a non-finite number is ``null``
    (:func:`nulls`), which pandas, jq and every JSON reader take as "no value", as caption's and
    explain's files have it. (Files rnnkit reads back itself, checkpoints' states, use :func:`dumps`.)
    """
    from rnnkit.utils.atomic import write_text_atomic

    return write_text_atomic(path, readable_text(value, indent) + "\n")
