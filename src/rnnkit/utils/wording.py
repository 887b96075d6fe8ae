"""Words in messages that agree with their numbers: ``1 model``, ``2 models``."""

from __future__ import annotations


def a_or_an(word: str) -> str:
    """``word`` after its indefinite article by its first letter (quotes skipped): ``an 'explain'``,
    ``a 'forecast'``. Letters only: ``an hour`` and ``a user`` are beyond it."""
    first = word.lstrip("'\"`")[:1].lower()
    return f"{'an' if first in 'aeiou' and first else 'a'} {word}"


def one_field(text: str) -> str:
    """``text`` as one field of a tab-separated line: as it is, or, when it holds a tab, a line break or
    another control character (a file name may), JSON-quoted, so that the line keeps its fields."""
    import json

    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return json.dumps(text, ensure_ascii=False)
    return text


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1 (``many``: an irregular plural, else ``noun + "s"``)."""
    return f"{n} {noun if n == 1 else many or noun + 's'}"


def first_of(names: list[str]) -> str:
    """The first of ``names`` quoted, and how many more: ``'notes.txt' and 2 more`` (a refusal names one
    entry of what it will not delete, and says it is not the only one)."""
    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
    return f"{names[0]!r}{more}"


def percent(count: int, total: int, decimals: int = 0) -> str:
    """``count`` of ``total`` as a percentage with ``decimals`` decimals, a half rounded up as taught
    (9 of 40 is ``23%``: Python's ``round`` and format specs round a half to the even digit, ``22%``, and
    1 of 8 ``12%``), and never claiming what did not happen: a share above none that rounds to 0 is
    ``<1%`` (one of 288 is not none; ``<0.1%`` at one decimal), one short of all that rounds to 100 is
    ``>99%`` (287 of 288 is not all). Exact arithmetic: no float sits just below a half. A ``total``
    of 0 counts as 1 (``0%``)."""
    scale = 10**decimals
    whole = (2 * 100 * scale * count + max(total, 1)) // (2 * max(total, 1))  # round half up, in integers
    step = f"{1 / scale:.{decimals}f}"
    if whole == 0 and count > 0:
        return f"<{step}%"
    if whole == 100 * scale and count < total:
        return f">{100 - 1 / scale:.{decimals}f}%"
    return f"{whole // scale}{f'.{whole % scale:0{decimals}d}' if decimals else ''}%"


def two_decimals(value: float) -> str:
    """``value`` with two decimals, ``0.00`` where it rounds to zero from below: ``-0.00`` reads as a sign
    the number does not have (an autocorrelation of -0.003 printed "is -0.00 < 0.2")."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def as_typed(text: str) -> str:
    """``text`` as a user would type it in a shell, whatever lone surrogates it holds, never raising.

    Python reads a name's bytes that are not UTF-8 as U+DC80..U+DCFF (``os.fsdecode``): each is shown as
    the byte it stands for (``prices\\xff.csv``, as ``$'prices\\xff.csv'`` types it). Any other lone
    surrogate (half an emoji from a JSON file's ``"\\ud83d"``) is shown as its escape, ``\\ud83d``;
    ``os.fsencode`` raised on it, inside the code that was to say so in one line."""
    return "".join(
        f"\\x{ord(c) - 0xDC00:02x}"
        if "\udc80" <= c <= "\udcff"
        else f"\\u{ord(c):04x}"
        if "\ud800" <= c <= "\udfff"
        else c
        for c in text
    )
