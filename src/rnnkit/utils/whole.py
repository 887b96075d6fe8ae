"""What counts as a whole number in every Python argument of rnnkit: one rule, written once.

A count (``epochs``, ``beam``, ``hidden_size``, ``batch_size``) is a Python ``int`` or a NumPy integer
(``np.int64`` from ``np.arange(1, 9)[i]`` or read from an array), never a bool (``True`` is an ``int``
to Python, and ``beam=True`` is a mistake, not a beam of 1) and never a float, even ``2.0`` (a count
that is a float was computed, and may be ``2.5`` next time). NumPy's ``bool_`` is not an integer to
:mod:`numbers`, so it is refused with the bools.

Each caller keeps its own message and exception type; only the rule is shared. Plain :mod:`numbers`,
not NumPy, so the light modules that check settings (``rnnkit.train.config``) stay light.
"""

from __future__ import annotations

import numbers


def is_whole(value: object) -> bool:
    """Whether ``value`` is a whole number: an ``int`` or a NumPy integer, not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def as_whole(value: object) -> object:
    """A whole number (:func:`is_whole`) as the plain Python ``int`` it stands for, so a NumPy integer
    never reaches a JSON file or a ``repr``; anything else as it is, for the caller's check to name."""
    return int(value) if is_whole(value) else value
