"""One table style for everything rnnkit prints, with the HTML report's alignment rules.

A column is *numeric* when every cell is a number or a blank (``""``, ``-``, ``–``, None) and at least one
is a number; numeric columns are right-aligned (digits line up), every other column is left-aligned.
The HTML report (:mod:`rnnkit.report`) asks :func:`numeric_columns` the same question, so a table reads
the same on the terminal and in the report. A cell that is already text counts as a number when it reads
as one (``"1.234"``, ``"-0.5"``, ``"61.2%"``, ``"1,024"``), since some applications format their metrics
before printing (``-`` for a missing value, ``%`` for a share).

::

    scores
    forecaster     MAE   MASE
    ----------  ------  -----
    model        1.234  0.912
    naive        1.351      1

Floats are shown with 4 significant digits unless the caller formats them; NaN shows as ``nan``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

BLANKS = ("", "-", "–", None)
GAP = "  "  # between columns
_NUMBER_TEXT = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?([eE][+-]?\d+)?%?|[+-]?\.\d+%?|[+-]?inf|nan")


def is_number(value: object) -> bool:
    """A number for alignment: an int or float (not a bool), or text that reads as one."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()) is not None


def numeric_columns(headers: Sequence[object], rows: Sequence[Sequence[object]]) -> list[bool]:
    """For each column: True when it holds numbers only (blanks allowed) and at least one number."""
    return [
        all(is_number(r[i]) or r[i] in BLANKS for r in rows) and any(is_number(r[i]) for r in rows)
        for i in range(len(headers))
    ]


def cell_text(value: object) -> str:
    """How a cell prints: floats with 4 significant digits, None as blank, anything else as ``str``."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    return str(value)


def format_table(headers: Sequence[object], rows: Sequence[Sequence[object]], title: str = "") -> str:
    """The table as text: an optional title line, the header, a rule of dashes per column, the rows.

    Numeric columns (see :func:`numeric_columns`) are right-aligned, header included; text columns
    left-aligned, by the columns a terminal gives each character (a Hangul syllable takes two). Trailing
    spaces are stripped from every line.
    """
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"table row has {len(row)} cells for {len(headers)} columns: {list(row)!r}")
    from rich.cells import cell_len  # a terminal's columns: Hangul and other wide characters take two

    numeric = numeric_columns(headers, rows)
    text = [[str(h) for h in headers]] + [[cell_text(v) for v in row] for row in rows]
    widths = [max(cell_len(r[i]) for r in text) for i in range(len(headers))]

    def pad(cell: str, width: int, right: bool) -> str:
        fill = " " * (width - cell_len(cell))
        return fill + cell if right else cell + fill

    def line(cells: Sequence[str]) -> str:
        padded = (pad(c, w, num) for c, w, num in zip(cells, widths, numeric, strict=True))
        return GAP.join(padded).rstrip()

    lines = [line(text[0]), GAP.join("-" * w for w in widths), *(line(r) for r in text[1:])]
    return "\n".join([title, *lines] if title else lines)


def markdown_table(headers: Sequence[object], rows: Sequence[Sequence[object]]) -> str:
    """The table in GitHub Markdown (model cards), numeric columns right-aligned (``---:``) by the same rule."""
    numeric = numeric_columns(headers, rows)

    def line(cells: Sequence[object]) -> str:
        return "| " + " | ".join(cell_text(c).replace("|", "\\|") for c in cells) + " |"

    rule = "|" + "|".join("---:" if num else "---" for num in numeric) + "|"
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])
