"""Words in messages that agree with their numbers: ``1 model``, ``2 models``."""

from __future__ import annotations


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1 (``many``: an irregular plural, else ``noun + "s"``)."""
    return f"{n} {noun if n == 1 else many or noun + 's'}"
