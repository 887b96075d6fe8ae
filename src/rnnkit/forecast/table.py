"""A CSV file read as a table whose row labels are the file's lines, with notes on how it was read.

For ``--data``'s files: :func:`read_table` tells the separator (``;``, tab or ``|`` when the header
holds one), the decimal mark (:mod:`rnnkit.forecast.decimal_mark`) and the layouts of known downloads
(:mod:`rnnkit.forecast.downloads`), drops blank lines and a spreadsheet's trailing rows of empty
fields, and labels each row so that ``label + 2`` is its line in the file (messages name real lines).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rnnkit.forecast.columns import loose_name
from rnnkit.forecast.csv_file import (
    SEPARATOR_NAMES,
    csv_encoding,
    read_csv_file,
    record_lines,
    refuse_extra_fields,
    refuse_workbook,
)
from rnnkit.forecast.decimal_mark import choose_decimal_mark, thousands_note
from rnnkit.forecast.downloads import check_world_bank_preamble, drop_event_rows, join_yfinance_headers
from rnnkit.forecast.numbers import CURRENCY, CURRENCY_CODES, currency_of
from rnnkit.forecast.numeric_column import MISSING_MARKS, PANDAS_NA_WORDS, SPREADSHEET_ERROR
from rnnkit.utils.errors import RnnkitError

FILE_LINES = "rnnkit_file_lines"
"""The ``attrs`` key that marks a table read from a file, whose row labels are file positions (a frame's
labels are its own): kept by the parts a long file is cut into, so their messages name lines too."""


def _with_file_lines(path: Path, full: pd.DataFrame, kw: dict[str, Any]) -> pd.DataFrame:
    """``full`` (read keeping blank lines as empty rows) without the blank lines, each row labelled so
    that ``label + 2`` is its line in the file (the header is line 1; a record whose quoted field
    holds a line break spans lines, and the rows after it are counted by the lines they start on)."""
    kept, rows = _without_blank_lines(path, full, kw)
    if rows is not None and _spans_lines(full):
        starts = record_lines(path, kw)
        if starts is not None and len(starts) == len(full):
            kept.index = np.asarray(starts, dtype=np.int64)[rows] - 2
    return kept


def _without_blank_lines(
    path: Path, full: pd.DataFrame, kw: dict[str, Any]
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """``full`` without its blank lines, and each kept row's position in ``full`` (None when they cannot
    be aligned: the rows are then labelled as pandas counts them)."""
    empty = full.isna().all(axis=1).to_numpy()
    if not empty.any():
        return full, np.arange(len(full))
    kept = read_csv_file(path, **kw)  # pandas' own reading: blank lines skipped, rows of empty fields kept
    if len(kept) == len(full):
        return full, np.arange(len(full))
    kept_empty = kept.isna().all(axis=1).to_numpy()
    if not kept_empty.any():
        rows = np.flatnonzero(~empty)
    else:  # rows of empty fields (",,") stay; a blank line is an empty row pandas skipped
        rows, j = [], 0
        for i in range(len(full)):
            if j == len(kept):
                break
            if empty[i] and not kept_empty[j]:
                continue
            rows.append(i)
            j += 1
        rows = np.asarray(rows)
    if len(rows) != len(kept):  # cannot align (should not happen): pandas' reading, counted by row
        return kept, None
    kept.index = rows
    return kept, rows


def _spans_lines(full: pd.DataFrame) -> bool:
    """Whether a quoted field of the header or of a row holds a line break (only then does a record
    span several lines)."""
    if any(re.search(r"[\r\n]", str(c)) for c in full.columns):
        return True
    text = full.select_dtypes(exclude="number")
    return any(text[c].astype("string").str.contains(r"[\r\n]", regex=True).fillna(False).any() for c in text)


def read_table(path: Path, text_columns: Sequence[str] = (), decimal: str | None = None) -> pd.DataFrame:
    """Read a CSV (``.gz`` too) with pandas; unreadable files become one-line errors.

    - Row labels are file positions: ``label + 2`` is the file's line, blank lines counted, so error
      messages name the real lines.
    - A file that reads as one column whose header holds ``;``, a tab or ``|`` is read again with that
      separator (and, for ``;``, a decimal comma when the numbers are written so), with a note in
      ``frame.attrs["rnnkit_notes"]``.
    - ``text_columns`` (matched as :func:`~rnnkit.forecast.columns.find_column` does: an id column) are read as text, exactly as
      written: ``007`` stays ``007``, ``01`` differs from ``1``, and ``NA`` is an id (only an empty cell is none).
    - ``decimal`` (``point`` or ``comma``, ``--decimal``) is the numbers' decimal mark; by default a
      ``;``-, tab- or ``|``-separated file is read with a decimal comma when a column writes one
      (``100,25``), and a ``;``-separated file also when a column writes only whole thousands with
      dots (``2.000``, as a spreadsheet of decimal commas exports them), with a note naming the option
      for the other reading; a tab- or ``|``-separated one reads those as decimal points, with the same note.
    """
    refuse_workbook(path)
    kw: dict[str, Any] = {}
    notes: list[str] = []
    encoding = csv_encoding(path)
    if encoding:  # UTF-16 with a byte-order mark (a spreadsheet's "Unicode text")
        kw["encoding"] = encoding
    header = read_csv_file(path, nrows=0, **kw)
    if len(header.columns) == 1:
        name = str(header.columns[0])
        counts = {sep: name.count(sep) for sep in SEPARATOR_NAMES}
        sep = max(counts, key=lambda k: counts[k])
        if counts[sep]:
            kw["sep"] = sep
            header = read_csv_file(path, nrows=0, **kw)
            notes.append(f"{path.name} is {SEPARATOR_NAMES[sep]}-separated; read it so")
    if text_columns:
        wanted = {loose_name(c) for c in text_columns}
        texts = [c for c in header.columns if loose_name(c) in wanted]
        kw["dtype"] = {c: str for c in texts}
        # an id as written: 'NA' (Namibia, a ticker) and 'None' name series; only an empty cell is no id
        kw["keep_default_na"] = False
        kw["na_values"] = {c: [""] if c in texts else sorted(PANDAS_NA_WORDS) for c in header.columns}
    mark, told = choose_decimal_mark(path, kw, decimal)
    if mark == ",":
        # every cell as written, for read_numbers: pandas reads 1.500 as 1.5 even told decimal=",", and
        # its thousands="." makes 01.01.2024 the number 1012024
        kw["decimal"], kw["dtype"] = ",", str
        if decimal is None and told == "commas":
            notes[-1] = notes[-1].replace("; read it so", " with decimal commas; read it so")
    if told == "thousands":  # 2.000 and nothing else: the file's separator decides, the note says how
        notes.append(thousands_note(path, kw, mark))
    check_world_bank_preamble(path, header, kw)
    refuse_extra_fields(path, kw, len(header.columns))  # before pandas, which would warn and drop them
    if kw.get("dtype") is not str:  # every cell is text already where the decimal mark is a comma
        months = month_dot_year_columns(path, kw)
        if months:
            kw["dtype"] = {**kw.get("dtype", {}), **dict.fromkeys(months, str)}
    frame = _with_file_lines(path, read_csv_file(path, skip_blank_lines=False, **kw), kw)
    if frame.empty:
        raise RnnkitError(f"{path} has a header but no rows")
    _refuse_title_line(path, frame)
    names = [str(c).strip() for c in frame.columns]  # "Date, Close" or " Close ": the names, not the spaces
    if len(set(names)) == len(names):
        frame.columns = names
    frame = join_yfinance_headers(path, _without_empty_end(path, frame, notes), kw, notes)
    frame = drop_event_rows(path, frame, notes)
    _refuse_repeated_header(path, frame)
    _refuse_units_row(path, frame)
    frame.attrs["rnnkit_notes"] = notes
    frame.attrs["rnnkit_decimal"] = kw.get("decimal")  # for numbers pandas left as text (1.234,56)
    frame.attrs[FILE_LINES] = True
    return frame


MONTH_DOT_YEAR = r"\s*(?:(?:0?[1-9]|1[0-2])\.(?:1[89]|2[01])\d\d|(?:1[89]|2[01])\d\d\.(?:0[1-9]|1[0-2]))\s*"
"""``01.2015``: a month (1-12) and a year (1800-2199) as Excel writes them in German (``MM.YYYY``); or
``2015.01``, the year first, as Korean statistics (KOSIS) write a month (``YYYY.MM``, two-digit months)."""


def _as_months(cells: pd.Series) -> bool:
    """Whether ``MM.YYYY`` or ``YYYY.MM`` cells are months: they name several months of the year, or
    every month is written with its leading zero (``01.1990``, ``2015.01``: a yearly series stamped in
    January; no number is written so). A rate near 1.2 with four decimals (EUR/USD's 1.1987, 1.2048)
    fits the pattern but names January alone, unpadded, in years scattered over centuries: numbers."""
    parts = cells.str.strip().str.split(".", n=1)
    months = [a if len(a) <= 2 else b for a, b in parts]
    return len({int(m) for m in months}) > 1 or all(m.startswith("0") for m in months)


def month_dot_year_columns(path: Path, kw: dict[str, Any]) -> list[str]:
    """The columns whose every filled cell is written ``MM.YYYY`` (:data:`MONTH_DOT_YEAR`), to be read as
    text. pandas reads ``01.2015`` as the number 1.2015 (and ``10.2020`` as 10.202; ``2015.10`` as 2015.1,
    October lost), so a German or Korean monthly
    column was "no date column", or named ``--date-column``, "numbers, not dates". A column of numbers
    such as ``1.5`` or ``2.25`` does not qualify, nor one where a single cell is anything else, nor one
    that names a single month of the year unpadded (:func:`_as_months`: exchange rates such as 1.1987). As
    :mod:`rnnkit.forecast.decimal_mark` does, the first rows pick the columns that may, and only those
    are read whole."""

    def all_months(frame: pd.DataFrame) -> list[str]:
        found = []
        for col in frame.columns:
            cells = frame[col].dropna()
            if len(cells) and cells.str.fullmatch(MONTH_DOT_YEAR).all() and _as_months(cells):
                found.append(col)
        return found

    read = {"dtype": str, "sep": kw.get("sep", ","), "encoding": kw.get("encoding")}
    candidates = all_months(read_csv_file(path, nrows=50, **read))
    return all_months(read_csv_file(path, usecols=candidates, **read)) if candidates else []


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Whether each row's fields are all empty or spaces (``;;``)."""
    text = frame.astype("string")
    return (text.isna() | text.apply(lambda c: c.str.strip().eq(""))).fillna(True).all(axis=1).to_numpy()


def _without_empty_end(path: Path, frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """``frame`` without the rows of empty fields that end it (``;;``: cells a spreadsheet saved once
    formatted), with a note; they were "date column has 2 empty value(s)". Such a row among the data
    stays: the date parser names its line."""
    if len(frame) < 2 or not _blank_rows(frame.iloc[-1:])[0]:
        return frame
    filled = np.flatnonzero(~_blank_rows(frame))
    if not len(filled):
        return frame  # no row of data: the loader says so
    kept, dropped = frame.iloc[: filled[-1] + 1], len(frame) - filled[-1] - 1
    first = int(frame.index[filled[-1] + 1]) + 2
    notes.append(f"{path.name} ends with {dropped} row(s) of empty fields (from line {first}); ignored them")
    return kept


def _refuse_repeated_header(path: Path, frame: pd.DataFrame) -> None:
    """A row that repeats the column names (two exports joined, as ``cat a.csv b.csv`` joins them) is one
    line naming it. It was read as a row of data: ``'Date' is not a date ...; give the format with
    --date-format``, advice no format could follow. An unnamed column (``Unnamed: 3``) matches an empty
    cell."""
    if frame.shape[1] < 2:
        return
    names = [str(c).strip().casefold() for c in frame.columns]
    if any(
        pd.api.types.is_numeric_dtype(frame[c]) for c, n in zip(frame.columns, names, strict=True)
        if not n.startswith("unnamed:")
    ):  # fmt: skip
        return  # a named column read as numbers holds no repeated name: a big file costs no more
    rows = np.arange(len(frame))  # the rows that match every column so far: few after the first
    for column, name in zip(frame.columns, names, strict=True):
        cells = frame[column].iloc[rows].astype("string").str.strip().str.casefold()
        if name.startswith("unnamed:"):
            keep = cells.isna().to_numpy() | cells.eq("").fillna(False).to_numpy()
        else:
            base = re.sub(
                r"\.\d+$", "", name
            )  # pandas names a repeated column Close.1: its header says Close
            keep = cells.eq(name).fillna(False).to_numpy()
            if base != name and base in names:
                keep |= cells.eq(base).fillna(False).to_numpy()
        rows = rows[keep]
        if not len(rows):
            return
    if len(rows):
        lines = [str(int(frame.index[r]) + 2) for r in rows]
        where = (
            f"line {lines[0]}"
            if len(lines) == 1
            else f"lines {', '.join(lines[:3])}" + (f" and {len(lines) - 3} more" if len(lines) > 3 else "")
        )
        raise RnnkitError(
            f"{path.name}: {where} repeat{'s' if len(lines) == 1 else ''} the header (the column names): "
            "files joined one after the other? Delete the repeated header, and check that the rows after "
            "it continue the dates before it"
        )


_MISSING_WORDS = {w.casefold() for w in MISSING_MARKS} | {"-", "--", "—", "–", "n.a.", "k.a."}
"""Cells that mark a missing value, in any case: never a unit."""


def _refuse_units_row(path: Path, frame: pd.DataFrame) -> None:
    """A second header row under the column names (units, as statistics offices and loggers write them:
    ``,EUR`` or ``(yyyy-mm-dd),(°C),(mm)``) is one line asking to delete it. It was read as the first row
    of data: ``column 'Sales' is not numeric: line 2 holds 'EUR' ... leave missing values empty``, or
    "no numeric column to forecast". Told by a first row that holds text and no number, where a column
    whose every later cell is a number holds a word that marks no missing value (``n/a``, ``-``,
    ``#N/A``: a first row of ``Jan 2024,n/a`` is data)."""
    if len(frame) < 3 or frame.shape[1] < 2:
        return
    first = frame.iloc[0]
    below = frame.iloc[1:].astype("string")
    scales = {col for col in frame.columns if _currency_scale(first[col], below[col])}
    cells = [str(v).strip() for v in first if not pd.isna(v) and str(v).strip()]
    numbers = [str(v).strip() for c, v in first.items() if c not in scales and not pd.isna(v)]
    if not cells or any(_number_like(c) for c in numbers):
        return
    units = []
    for col in frame.columns:
        cell = "" if pd.isna(first[col]) else str(first[col]).strip()
        if not cell or cell.casefold() in _MISSING_WORDS or SPREADSHEET_ERROR.fullmatch(cell):
            continue
        filled = below[col].dropna().str.strip()
        filled = filled[filled != ""]
        if col in scales or (len(filled) and filled.map(_number_like).all()):
            units.append((str(col), cell))
    if not units:
        return
    # a value column rather than the dates (2024-01-31 starts as a number does)
    dated = r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b.*"
    valued = [u for u in units if u[0] in scales] or [
        u for u in units if not below[u[0]].str.strip().str.fullmatch(dated).any()
    ]
    col, unit = (valued or units)[0]
    holds = f"writes a unit ({unit!r}: a currency and its scale)" if col in scales else "holds no number"
    raise RnnkitError(
        f"{path.name}: line {int(frame.index[0]) + 2} ({', '.join(repr(c) for c in cells)}) {holds} "
        f"where the lines below hold numbers (column {col!r}): a second header row, of units? Delete it (a "
        f"unit can go in the column's name: '{col} ({unit.strip('()[] ')})')"
    )


_MONEY = rf"(?:[{CURRENCY}]|{'|'.join(CURRENCY_CODES)})"
_SCALE = re.compile(rf"{_MONEY}\s*1(?:[\s,.']?000)+|1(?:[\s,.']?000)+\s*{_MONEY}")
"""A currency and a power of a thousand (``EUR 1000``, ``1 000 000 USD``, ``€ 1.000``): how statistics
offices write a column's unit (thousands of euros) in the row under its name."""


def _currency_scale(cell: object, below: pd.Series) -> bool:
    """Whether ``cell``, the first row's in its column, is a unit written as a currency and its scale
    (:data:`_SCALE`: ``EUR 1000``) over cells that are all numbers without a currency. As a number it
    reads 1000 (``USD 5.00`` over ``USD 5.10`` is data), so the row was taken for the first of the
    data: a value of 1000 the file never held. A first row of data writes its currency as the rows
    below it do."""
    if pd.isna(cell) or not _SCALE.fullmatch(str(cell).strip()):
        return False
    filled = below.dropna().str.strip()
    filled = filled[filled != ""]
    return bool(len(filled)) and all(_number_like(c) and currency_of(c) is None for c in filled)


def _refuse_title_line(path: Path, frame: pd.DataFrame) -> None:
    """A title above the header, saved by a spreadsheet with the empty fields of its row
    (``Daily closes,,`` over ``Date,Close,``), is one line asking to delete it: the names were read as
    a row of data, and the file had "no numeric column to forecast". Told by a header that names only
    its first field and a first row of two or more words and no number."""
    names = [str(c) for c in frame.columns]
    if len(names) < 2 or not all(n.startswith("Unnamed:") for n in names[1:]):
        return
    filled = np.flatnonzero(~_blank_rows(frame))
    if not len(filled):
        return
    first = frame.iloc[filled[0]]
    cells = [str(v).strip() for v in first if not pd.isna(v) and str(v).strip()]
    if len(cells) < 2 or any(_number_like(c) for c in cells):
        return
    line = int(frame.index[filled[0]]) + 2
    raise RnnkitError(
        f"{path.name}: line 1 ({names[0]!r}) names one column and line {line} names {len(cells)} "
        f"({', '.join(cells)}): a title or a note above the header? Delete the lines above the column names"
    )


_NUMBER_START = re.compile(
    rf"\(?[-+\u2212]?\s*(?:[{CURRENCY}]|{'|'.join(CURRENCY_CODES)})?\s*[-+\u2212]?\s*\d"
)
"""How a number or a date starts, as :mod:`rnnkit.forecast.numbers` reads them: a sign (a Unicode minus
too), an accounting bracket, a currency sign or code, then a digit."""


def _number_like(cell: str) -> bool:
    """Whether a cell starts as a number or a date does (``12.5``, ``−3``, ``2024-01-01``, ``$5``,
    ``USD 5.00``): a row of data, not of column names. Narrower than the number reader, a first row of
    ``Jan 2015,−0.3`` was a "second header row, of units"."""
    return bool(_NUMBER_START.match(cell))
