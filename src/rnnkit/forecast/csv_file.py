"""A CSV file opened for pandas, or one line saying why it cannot be read.

For every user file ``--data`` names (``.csv``, ``.tsv``, ``.txt``, compressed ``.gz``, ``.bz2``,
``.xz``, ``.zip``): :func:`read_csv_file` is ``pd.read_csv`` with an empty, corrupt, compressed-without-
its-package or non-UTF-8 file as one :class:`RnnkitError` line (the line that does not decode named);
:func:`csv_encoding` tells UTF-16 and UTF-32 by their byte-order mark; :func:`refuse_workbook` names a
spreadsheet's own file (``.xlsx``, ``.ods``) and :func:`refuse_extra_fields` a row with more fields than
the header, which pandas would drop without a word.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import lzma
import re
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from rnnkit.utils.errors import RnnkitError

# The separators other than the comma, as messages name them, in the order they are tried when a
# comma-separated reading gives a single column
SEPARATOR_NAMES = {";": "';'", "\t": "tab", "|": "'|'"}


# What a corrupt or odd compressed file raises inside pandas (a ValueError: a zip of several files).
COMPRESSION_ERRORS = (zipfile.BadZipFile, lzma.LZMAError, tarfile.TarError, ValueError)


def read_csv_file(path: Path, **kw: Any) -> pd.DataFrame:
    """``pd.read_csv`` with unreadable files as one-line errors. ``index_col=False``: a row with more
    fields than the header must not turn the first column into the row labels (rows are labelled by
    their file position, for the line numbers of errors)."""
    _refuse_separator_line(path)
    try:
        return pd.read_csv(path, index_col=False, **kw)
    except pd.errors.EmptyDataError:
        raise RnnkitError(f"{path} is empty") from None
    except ImportError:  # pandas reads .zst (and others) through an optional package
        raise RnnkitError(
            f"{path}: reading {path.suffix} files needs a package that is not installed"
        ) from None
    except UnicodeDecodeError as exc:
        raise RnnkitError(_not_utf8(path, exc)) from None
    except (pd.errors.ParserError, OSError, EOFError, *COMPRESSION_ERRORS) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RnnkitError(f"{path} is not a readable CSV file: {first}") from None


_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def _refuse_separator_line(path: Path) -> None:
    """Excel's ``sep=;`` first line (it tells Excel the separator) as one line: read as the header, it made
    the real header a row of data (``column 'Unnamed: 1' is not numeric: line 2 holds 'Close'``)."""
    first = file_start(path, 64).removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip()
    if re.fullmatch(rb'"?sep=.?"?,*', first, re.IGNORECASE):
        raise RnnkitError(
            f"{path.name} starts with Excel's separator line ({first.decode(errors='replace')!r}); delete that "
            "line, so that the column names come first"
        )


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> str:
    """The one-line error for a file that is not UTF-8 text: the first line that does not decode (pandas
    gives a byte offset into a buffer, which names no line) and what to do."""
    line, byte = None, exc.object[exc.start : exc.start + 1] if exc.object else b""
    try:
        with _OPENERS.get(path.suffix.lower(), open)(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as bad:
                    line, byte = number, raw[bad.start : bad.start + 1]
                    break
    except (OSError, EOFError, lzma.LZMAError):  # unreadable again: the message without the line
        pass
    if b"\x00" in file_start(path, 1024):  # an image, a program, a compressed file named .csv
        return _binary_data(path)
    where = f"line {line} holds" if line else "it holds"
    shown = f" byte 0x{byte.hex()}" if byte else " a byte"
    return (
        f"{path} is not UTF-8 text: {where}{shown}, which UTF-8 cannot read (a Latin-1, Windows or UTF-16 "
        "file?); save the file as UTF-8 (in a spreadsheet: CSV UTF-8) and try again"
    )


# What pandas opens itself, and file_start reads as its raw bytes (or, .tar.gz, a tar's): NULs of no text
_ARCHIVES = (".zip", ".tar", ".zst", ".tar.gz", ".tar.bz2", ".tar.xz")


def _binary_data(path: Path) -> str:
    """The one line for a file of bytes that are no text (NUL among them) given as a CSV file."""
    return f"{path} is binary data, not a CSV text file"


def file_start(path: Path, size: int) -> bytes:
    """The text's first ``size`` bytes, decompressed for ``.gz``, ``.bz2`` and ``.xz`` as pandas reads
    them (b"" when unreadable: pandas then says why)."""
    try:
        with _OPENERS.get(path.suffix.lower(), open)(path, "rb") as handle:
            return handle.read(size)
    except (OSError, EOFError, lzma.LZMAError):
        return b""


def csv_encoding(path: Path) -> str | None:
    """``utf-16`` or ``utf-32`` for a file that starts with that byte-order mark (pandas reads it so once
    told; the one table every rnnkit reader uses, :mod:`rnnkit.utils.byte_order`); None otherwise (UTF-8,
    the default). UTF-16 without the mark would read as UTF-8 holding NUL characters, a garbled table: it
    is refused in one line, by the rule every rnnkit reader uses (:func:`~rnnkit.utils.byte_order.utf16_unmarked`):
    ASCII text with every other byte 0, and text with fewer, a Russian header's ``0x34 0x04`` (``д``)
    among them, which forecast's own rule (one byte of each pair all 0) let through as garbled UTF-8
    (``column '\\x007\\x04=\\x04...' is not numeric``). Numbers under 256 saved raw as 16-bit integers have every
    other byte 0 too, but read as UTF-16 are no text: they are not named UTF-16, but binary data, as is
    any start a quarter or more NUL (:func:`~rnnkit.utils.byte_order.nul_quarter`): ids under 128 saved
    raw read as ASCII with NULs, and were 'line 8 has more fields than the header's 2'."""
    from rnnkit.utils.byte_order import nul_quarter, text_encoding, utf16_unmarked

    start = file_start(path, 4096)
    marked = text_encoding(start)
    if marked is not None:
        return marked.lower()
    if utf16_unmarked(start):
        raise RnnkitError(
            f"{path} is UTF-16 text without a byte-order mark; save the file as UTF-8 and try again"
        )
    if nul_quarter(start) and not path.name.lower().endswith(_ARCHIVES):
        raise RnnkitError(_binary_data(path))
    return None


# A spreadsheet's own file: zip (xlsx, ods) or OLE2 (xls). A text export named .xls is read as text.
WORKBOOKS = {".xlsx", ".xlsm", ".xls", ".ods", ".numbers"}


_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def refuse_workbook(path: Path) -> None:
    """A spreadsheet workbook given as data is one line saying to save the sheet as CSV (not "binary data")."""
    if path.suffix.lower() in WORKBOOKS and file_start(path, 4).startswith(_WORKBOOK_MAGIC):
        raise RnnkitError(
            f"{path.name} is a spreadsheet workbook, not a CSV file; save the sheet as CSV (in Excel: Save As, "
            "CSV UTF-8) and try again"
        )


# Files whose fields the csv module can count as pandas read them (not zip or tar archives).
_COUNTED = {".csv", ".tsv", ".txt", ".dat", ".gz", ".bz2", ".xz"}


def _counted(path: Path) -> bool:
    """Whether the csv module can read ``path`` as pandas does (not a zip or tar archive)."""
    name = path.name.lower()
    return path.suffix.lower() in _COUNTED and not any(
        name.endswith(t) for t in (".tar.gz", ".tar.bz2", ".tar.xz")
    )


def record_lines(path: Path, kw: dict[str, Any]) -> list[int] | None:
    """The line each record after the header starts on, blank lines counted as records (as pandas reads
    them with ``skip_blank_lines=False``): a quoted field that holds a line break (a note written on two
    lines) makes one record of several lines, and the header can be one too. None where the csv module
    cannot read the file as pandas did."""
    if not _counted(path):
        return None
    encoding = kw.get("encoding") or "utf-8-sig"
    try:
        with _OPENERS.get(path.suffix.lower(), open)(path, "rt", encoding=encoding, newline="") as handle:
            rows = csv.reader(handle, delimiter=kw.get("sep", ","))
            next(rows, None)  # the header
            starts, end = [], rows.line_num
            for _ in rows:
                starts.append(end + 1)
                end = rows.line_num
            return starts
    except (OSError, EOFError, UnicodeError, csv.Error, lzma.LZMAError):  # pandas read it: its reading stands
        return None


def refuse_extra_fields(path: Path, kw: dict[str, Any], n_names: int) -> None:
    """A row with a field beyond the header's is a one-line error naming its line. pandas (``index_col=
    False``) drops such a field without a word, so ``2024-01-01,100,25`` (a decimal comma in a comma-
    separated file) read as 100, not 100.25. An empty field there (a trailing separator) is no field,
    unless the header ends with a separator of its own and the row fills the column it leaves unnamed:
    then ``2024-01-01,1,234.50,`` under ``Date,Close,`` is the field too many (``1,234.50`` unquoted),
    and pandas read the close as 1 (``2024-01-01,100,,``, one separator more, is still none)."""
    if not _counted(path):
        return
    encoding = kw.get("encoding") or "utf-8-sig"
    try:
        with _OPENERS.get(path.suffix.lower(), open)(path, "rt", encoding=encoding, newline="") as handle:
            rows = csv.reader(handle, delimiter=kw.get("sep", ","))
            header = next(rows, None) or [""]
            ends_empty = not header[-1].strip()  # the header's own trailing separator
            for row in rows:
                extra = any(field.strip() for field in row[n_names:])
                if len(row) > n_names and (extra or (ends_empty and row[n_names - 1].strip())):
                    raise RnnkitError(_extra_fields(path, rows.line_num, n_names, header))
    except (OSError, EOFError, UnicodeError, csv.Error, lzma.LZMAError):  # pandas read it: its reading stands
        return


def _extra_fields(path: Path, line: int, n_names: int, header: list[str]) -> str:
    """The error for a row with more fields than the header: a header of one field over rows of several
    is a title or note line above the real header (``Daily closes``, ``# exported``), no decimal comma."""
    if n_names == 1:
        return (
            f"{path.name}: line 1 ({header[0]!r}) has one field and line {line} more: a title or a note above "
            "the header? Delete the lines above the column names"
        )
    return (
        f"{path.name}: line {line} has more fields than the header's {n_names} (a number with a decimal comma "
        "in a comma-separated file? Quote such numbers, or separate the fields with ';'. A column the header "
        "does not name? Name it)"
    )
