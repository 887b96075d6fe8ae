"""Short reprs for result objects a notebook prints: a tensor as its shape, a long list as its length.

A dataclass's own repr prints every field in full, so one caption's repr was a page of attention
weights and one translation's a list of piece ids. :func:`compact_repr` writes the fields a reader
looks at first, and the others only when they hold something.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

LONG_LIST = 6
"""Items of a list field shown before the rest is counted instead."""


def short_value(value: Any) -> str:
    """``value`` written short: a tensor or array as ``Tensor(9, 8, 8)``, a float to 4 significant
    digits, a long list as its first items and a count. Text is never cut: it is what the reader wants."""
    shape = getattr(value, "shape", None)
    if shape is not None and not isinstance(value, (int, float, str)):
        # A numpy scalar or 0-d tensor has a shape too, (): its value, not "float32()".
        if len(shape) == 0 and hasattr(value, "item"):
            return short_value(value.item())
        return f"{type(value).__name__}({', '.join(str(n) for n in shape)})"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)) and len(value) > LONG_LIST:
        head = ", ".join(short_value(v) for v in value[:LONG_LIST])
        return f"[{head}, … {len(value)} in all]"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(short_value(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    return repr(value)


def _holds_something(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0
    try:
        return len(value) > 0
    except TypeError:
        return True


def compact_repr(obj: Any, always: Iterable[str], when_set: Iterable[str] = ()) -> str:
    """``Name(field=value, ...)``: the ``always`` fields, then each ``when_set`` field that holds
    something (not None, False, 0 or empty), each value written by :func:`short_value`."""
    names = list(always) + [n for n in when_set if _holds_something(getattr(obj, n))]
    fields = ", ".join(f"{n}={short_value(getattr(obj, n))}" for n in names)
    return f"{type(obj).__name__}({fields})"
