"""The decimal mark of a ``;``-, tab- or ``|``-separated file, told by how its numbers are written.

For files whose fields are not separated by commas, where the comma may be the decimal mark (a
spreadsheet's export in most of Europe): ``--decimal`` when given; else a column of ``100,25`` or
``1.234,56`` means decimal commas; a column of ``2.000``-only numbers (whole thousands, or decimals
with three places) is read by the separator's custom, with a note naming the option for the other
reading. A comma-separated file always has decimal points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from rnnkit.forecast.csv_file import SEPARATOR_NAMES, read_csv_file
from rnnkit.utils.errors import RnnkitError

DECIMAL_CHOICES = ("point", "comma")
"""``--decimal``: the file's decimal mark, when its own writing leaves it open (``2.000`` in a ``;`` file)."""


_DECIMAL_COMMA = r"^\s*-?(\d+|[1-9]\d{0,2}(\.\d{3})+),\d+\s*$"


# A number only whole thousands written with dots make: 2.000 (two thousand, or two with three decimals)
_THOUSANDS_DOTS = r"^\s*-?[1-9]\d{0,2}(\.\d{3})+\s*$"


def choose_decimal_mark(path: Path, kw: dict[str, Any], decimal: str | None) -> tuple[str | None, str]:
    """The decimal mark to read ``path`` with (``","``, or None for pandas' point) and why: ``given``
    (``--decimal``), ``commas`` (a column writes ``100,25``), ``thousands`` (a column writes only
    numbers such as ``2.000``: a ``;``-separated file, a spreadsheet's export where the comma is the
    decimal mark, reads them as thousands; a tab- or ``|``-separated one as decimals) or ``""``."""
    if decimal not in (None, *DECIMAL_CHOICES):
        raise RnnkitError(f"unknown --decimal {decimal!r}; choose one of: {', '.join(DECIMAL_CHOICES)}")
    if decimal is not None:
        return ("," if decimal == "comma" else None), "given"
    if not kw.get("sep"):
        return None, ""
    if _decimal_comma(path, kw):
        return ",", "commas"
    if _only_thousands_dots(path, kw):
        return ("," if kw["sep"] == ";" else None), "thousands"
    return None, ""


def _only_thousands_dots(path: Path, kw: dict[str, Any]) -> bool:
    """Whether some column writes every cell as ``2.000``: the first rows pick the columns that may (a
    cheap look, as :func:`_decimal_comma` takes), and only those are read whole, as text, since one
    ``2.5`` further down settles it."""

    def all_dots(frame: pd.DataFrame) -> list[str]:
        found = []
        for col in frame.columns:
            cells = frame[col].dropna()
            cells = cells[cells.str.strip() != ""]
            if len(cells) and cells.str.match(_THOUSANDS_DOTS).all():
                found.append(col)
        return found

    read = {"dtype": str, "sep": kw["sep"], "encoding": kw.get("encoding")}
    candidates = all_dots(read_csv_file(path, nrows=50, **read))
    return bool(candidates) and bool(all_dots(read_csv_file(path, usecols=candidates, **read)))


def thousands_note(path: Path, kw: dict[str, Any], mark: str | None) -> str:
    """What a file of ``2.000``-only numbers was read as, and the option for the other reading."""
    shown = SEPARATOR_NAMES[kw["sep"]]
    if mark == ",":
        return (
            f"{path.name} writes numbers such as 2.000 only; a {shown}-separated file writes decimal "
            "commas, so its dots group thousands (2.000 is 2000); if they are decimal points, pass --decimal point"
        )
    return (
        f"{path.name} writes numbers such as 2.000 only; read its dots as decimal points (2.000 is 2); "
        "if they group thousands, pass --decimal comma"
    )


def _decimal_comma(path: Path, kw: dict[str, Any]) -> bool:
    """Whether a ``;``-, tab- or ``|``-separated file writes its numbers with a decimal comma (``100,25``,
    ``1.234,56``; pandas reads the first, :func:`~rnnkit.forecast.numbers.read_numbers` the second, told the mark)."""
    sample = read_csv_file(path, nrows=50, dtype=str, sep=kw["sep"], encoding=kw.get("encoding"))
    for col in sample.columns:
        cells = sample[col].dropna()
        if len(cells) and cells.str.match(_DECIMAL_COMMA).all():
            return True
    return False
