"""Time series from bundled data sets or user CSV files, checked before anything is trained.

A series is a date column plus numeric columns: the target first, then any extra input features.
A Yahoo-style export (``Date,Open,High,Low,Close,Adj Close,Volume``) works as is; the target defaults to
``Adj Close`` (raw closes contain stock splits), else ``Close``, else the only numeric column.

Every user mistake raises :class:`RnnkitError` with one line: a missing file, no date column,
dates that do not parse with one format, dates out of order or duplicated (naming the lines; see
:mod:`rnnkit.forecast.dates`), a missing or non-numeric column, missing values (unless
``missing="fill"`` or ``"drop"``, which report how many). A newest-first file is reversed, with a note.

``source`` may also be a :class:`pandas.DataFrame` (the Python API), read exactly as a CSV would be.
"""

from __future__ import annotations

import lzma
import re
import tarfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from rnnkit.forecast.date_values import explicit_dates
from rnnkit.forecast.dates import parse_date_column, time_order
from rnnkit.utils.errors import RnnkitError

DATA_DIR = Path(__file__).with_name("data")
# What a corrupt or odd compressed file raises inside pandas (a ValueError: a zip of several files).
COMPRESSION_ERRORS = (zipfile.BadZipFile, lzma.LZMAError, tarfile.TarError, ValueError)
MISSING_CHOICES = ("error", "fill", "drop")
_DATE_NAMES = ("date", "datetime", "time", "timestamp", "ds", "day", "month")


@dataclass(frozen=True)
class Bundled:
    """A data set shipped inside the package (see ``data/README.md`` for sources and licences)."""

    file: str
    target: str
    description: str


BUNDLED: dict[str, Bundled] = {
    "aapl": Bundled("aapl.csv.gz", "Adj Close", "Apple, daily adjusted close, 2000-03-01 to 2013-03-01"),
    "ibm": Bundled("ibm.csv.gz", "Adj Close", "IBM, daily adjusted close, 2000-03-01 to 2013-03-01"),
    "msft": Bundled("msft.csv.gz", "Adj Close", "Microsoft, daily adjusted close, 2000-03-01 to 2013-03-01"),
    "glucose": Bundled(
        "glucose.csv.gz", "glucose", "blood glucose (mg/dL) every 5 minutes, 2010-03-24 to 2010-06-09"
    ),
    "unemployment": Bundled(
        "unemployment.csv", "unemployment_rate", "US unemployment rate (%), monthly, unadjusted, 1948-2016"
    ),
}
DEFAULT_DATA = "ibm"


@dataclass
class Series:
    """A checked time series.

    Attributes:
        name: the bundled name or the file name.
        dates: ``(T,)`` increasing, unique timestamps.
        values: ``(T, C)`` float64; column 0 is the target, columns 1.. the extra features.
        columns: the ``C`` column names, target first.
        notes: what was done to the data (missing values filled or dropped, rows reversed), for the
            user to read.
        warnings: things the user should check (an ambiguous date format).
    """

    name: str
    dates: pd.DatetimeIndex
    values: np.ndarray
    columns: list[str]
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def target(self) -> np.ndarray:
        """``(T,)`` the target column."""
        return self.values[:, 0]

    def __len__(self) -> int:
        return len(self.dates)


def _norm(name: str) -> str:
    """Column names compare without case, spaces, underscores or dashes: ``adj_close == Adj Close``."""
    return re.sub(r"[\s_\-]", "", str(name).lower())


def resolve_source(source: str | Path) -> tuple[Path, Bundled | None, str]:
    """A bundled name or a CSV path -> ``(path, bundled-or-None, display name)``."""
    text = str(source)
    path = Path(text)
    if text.lower() in BUNDLED and not path.exists():
        bundled = BUNDLED[text.lower()]
        return DATA_DIR / bundled.file, bundled, text.lower()
    if not path.exists():
        raise RnnkitError(f"data file not found: {text} (bundled data sets: {', '.join(sorted(BUNDLED))})")
    if path.is_dir():
        raise RnnkitError(f"{text} is a folder, not a CSV file")
    return path, None, path.name


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV (``.gz`` too) with pandas; unreadable files become one-line errors."""
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise RnnkitError(f"{path} is empty") from None
    except ImportError:  # pandas reads .zst (and others) through an optional package
        raise RnnkitError(
            f"{path}: reading {path.suffix} files needs a package that is not installed"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError, *COMPRESSION_ERRORS) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RnnkitError(f"{path} is not a readable CSV file: {first}") from None
    if frame.empty:
        raise RnnkitError(f"{path} has a header but no rows")
    return frame


def column_list(columns: Iterable[object]) -> str:
    """Column names for a one-line message: a name holding a line break (a quoted CSV header) on one line."""
    return ", ".join(" ".join(str(c).split()) for c in columns)


def find_column(frame: pd.DataFrame, name: str, what: str, path: Path, flag: str = "") -> str:
    """The frame's column matching ``name`` loosely; an error listing the columns (and the flag) otherwise."""
    for col in frame.columns:
        if _norm(col) == _norm(name):
            return str(col)
    cols = column_list(frame.columns)
    hint = f"; name the column with {flag}" if flag else ""
    raise RnnkitError(f"{path.name} has no {what} column {name!r} (columns: {cols}){hint}")


def has_column(frame: pd.DataFrame, name: str) -> bool:
    return any(_norm(col) == _norm(name) for col in frame.columns)


def find_date_column(frame: pd.DataFrame, path: Path, date_column: str | None) -> str:
    """The named date column, else one called date/datetime/time/..., else a first column of dates."""
    if date_column:
        return find_column(frame, date_column, "date", path)
    for col in frame.columns:
        if _norm(col) in _DATE_NAMES:
            return str(col)
    first = frame.columns[0]
    if pd.api.types.is_datetime64_any_dtype(frame[first]):
        return str(first)
    if frame[first].dtype == object or str(frame[first].dtype).startswith("str"):
        try:
            parsed = pd.to_datetime(frame[first], errors="coerce", format="mixed")
        except ValueError:  # mixed timezones: dates all the same (explicit_dates resolves them)
            parsed = pd.to_datetime(frame[first], errors="coerce", format="mixed", utc=True)
        if parsed.notna().mean() >= 0.9:
            return str(first)
    cols = column_list(frame.columns)
    raise RnnkitError(f"{path.name} has no date column (columns: {cols}); name one with --date-column")


def default_target(frame: pd.DataFrame, date_col: str, path: Path) -> str:
    """``Adj Close``, else ``Close``, else the only numeric column besides the date."""
    for preferred in ("adjclose", "close"):
        for col in frame.columns:
            if _norm(col) == preferred:
                return str(col)
    numeric = [str(c) for c in frame.columns if c != date_col and pd.api.types.is_numeric_dtype(frame[c])]
    if len(numeric) == 1:
        return numeric[0]
    if not numeric:
        raise RnnkitError(f"{path.name} has no numeric column to forecast; name one with --target")
    raise RnnkitError(
        f"{path.name} has several numeric columns ({', '.join(numeric)}); choose one with --target"
    )


def _numeric(frame: pd.DataFrame, col: str, path: Path) -> np.ndarray:
    raw = frame[col]
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise RnnkitError(
            f"column {col!r} of {path.name} is not numeric: line {line} holds {raw.iloc[line - 2]!r} "
            f"({int(bad.sum())} such value(s))"
        )
    out = values.to_numpy(dtype=np.float64)
    if np.isinf(out).any():
        raise RnnkitError(f"column {col!r} of {path.name} holds infinite values")
    return out


def load_series(
    source: str | Path | pd.DataFrame,
    target: str | None = None,
    features: Sequence[str] = (),
    date_column: str | None = None,
    missing: str = "error",
    date_format: str | None = None,
    dayfirst: bool | None = None,
    target_fallback: bool = False,
    name: str | None = None,
) -> Series:
    """Read and check a series.

    Args:
        source: a bundled name (``ibm``, ``glucose``, ...), a CSV path, or a DataFrame.
        target: the column to forecast; by default the bundled set's target or :func:`default_target`.
        features: extra numeric input columns (e.g. ``open, high, low, volume``); the target is always
            an input too.
        date_column: the date column; found by name or content when not given.
        missing: ``error`` (default), ``fill`` (carry the last value forward; leading gaps dropped) or
            ``drop`` (drop rows with a missing value). The count is reported in :attr:`Series.notes`.
        date_format, dayfirst: how to read the dates (``--date-format``, ``--dayfirst``); see
            :func:`rnnkit.forecast.dates.parse_date_column`.
        target_fallback: when ``target`` is not a column, use :func:`default_target` (``Adj Close``,
            else ``Close``, else the only numeric column) and say so in :attr:`Series.notes`: a saved
            one-column model predicting on a user's file whose column is named differently.
        name: the series' display name (default: the bundled name, the file name or ``DataFrame``).
    """
    if missing not in MISSING_CHOICES:
        raise RnnkitError(f"unknown --missing {missing!r}; choose one of: {', '.join(MISSING_CHOICES)}")
    if isinstance(source, pd.DataFrame):
        frame, bundled, found = _from_frame(source)
        path = Path(name or found)
    else:
        path, bundled, found = resolve_source(source)
        frame = read_table(path)
    name = name or found
    date_col = find_date_column(frame, path, date_column)
    if target is None:
        target = bundled.target if bundled else default_target(frame, date_col, path)
    notes = []
    if target_fallback and not has_column(frame, target):
        found = default_target(frame, date_col, path)
        notes.append(f"{name} has no column {target!r}; using {found!r} as the target (choose with --target)")
        target = found
    target_col = find_column(frame, target, "target", path, "--target")
    cols = [target_col]
    for feat in features:
        col = find_column(frame, feat, "feature", path, "--features")
        if col not in cols:
            cols.append(col)
    if date_col in cols:
        raise RnnkitError(f"{date_col!r} is the date column; it cannot be the target or a feature")
    if date_format:  # the user's format reads the column as written
        raw_dates, date_note = frame[date_col], None
    else:  # integer dates and mixed timezone offsets made explicit (date_values.py)
        raw_dates, date_note = explicit_dates(frame[date_col], date_col, path)
    try:
        parsed = parse_date_column(raw_dates, date_col, path.name, date_format, dayfirst)
    except RnnkitError:
        raise
    except (ValueError, TypeError) as exc:  # timezones explicit_dates cannot see ("EST" written out)
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RnnkitError(
            f"{path.name}: dates in column {date_col!r} do not parse together ({first})"
        ) from None
    values = np.stack([_numeric(frame, c, path) for c in cols], axis=1)  # (T, C)
    series = Series(name=name, dates=parsed.dates, values=values, columns=cols)
    series.notes += notes + ([date_note] if date_note else []) + parsed.notes
    series.warnings += parsed.warnings
    _order_dates(series, path, frame.index.to_numpy())
    _handle_missing(series, path, missing)
    return series


def _from_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, None, str]:
    """A user's DataFrame as a table: a DatetimeIndex (or a named index) becomes a column.

    An unnamed integer index is kept: messages count its labels as rows (line = label + 2, as in a
    CSV whose header is line 1), so a series cut from a long-format file names the file's lines.
    """
    if frame.empty:
        raise RnnkitError("the DataFrame has no rows")
    if isinstance(frame.index, pd.DatetimeIndex):
        frame = frame.rename_axis(frame.index.name or "date").reset_index()
    elif frame.index.name is not None or not pd.api.types.is_integer_dtype(frame.index):
        frame = frame.reset_index()
    return frame, None, "DataFrame"


def _order_dates(series: Series, path: Path, rows: np.ndarray) -> None:
    """Oldest first: a newest-first file is reversed (with a note); any other disorder is an error."""
    order, note = time_order(series.dates, path.name, rows)
    if order is not None:
        series.dates = series.dates[order]
        series.values = series.values[order]
    if note:
        series.notes.append(note)


def _handle_missing(series: Series, path: Path, missing: str) -> None:
    gaps = np.isnan(series.values)  # (T, C)
    count = int(gaps.sum())
    if count == 0:
        return
    where = ", ".join(f"{c!r}: {int(n)}" for c, n in zip(series.columns, gaps.sum(axis=0), strict=True) if n)
    if missing == "error":
        raise RnnkitError(
            f"{path.name} has {count} missing value(s) ({where}); pass --missing fill "
            "(carry the last value forward) or --missing drop (drop those rows)"
        )
    if missing == "fill":
        frame = pd.DataFrame(series.values).ffill()
        keep = frame.notna().all(axis=1).to_numpy()  # leading gaps have nothing to carry forward
        series.values = frame.to_numpy()[keep]
        series.dates = series.dates[keep]
        dropped = int((~keep).sum())
        extra = f"; dropped {dropped} leading row(s) with nothing before them" if dropped else ""
        series.notes.append(f"filled {count} missing value(s) ({where}) with the last value{extra}")
    else:
        keep = ~gaps.any(axis=1)
        series.values = series.values[keep]
        series.dates = series.dates[keep]
        series.notes.append(f"dropped {int((~keep).sum())} row(s) with {count} missing value(s) ({where})")
    if len(series) == 0:
        raise RnnkitError(f"{path.name} has no complete rows left after handling missing values")
