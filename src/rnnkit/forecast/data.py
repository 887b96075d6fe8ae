"""Time series from bundled data sets or user CSV files, checked before anything is trained.

A series is a date column plus numeric columns: the target first, then any extra input features.
A Yahoo-style export (``Date,Open,High,Low,Close,Adj Close,Volume``) works as is; the target defaults to
``Adj Close`` (raw closes contain stock splits), else ``Close``, else the ``Price`` of an OHLC export
(investing.com's name for the close), else the only numeric column.

Every user mistake raises :class:`RnnkitError` with one line: a missing file, no date column,
dates that do not parse with one format, dates out of order or duplicated (see
:mod:`rnnkit.forecast.dates`), a missing or non-numeric column, missing values (unless
``missing="fill"`` or ``"drop"``, whose notes say how many). Each names the rows: a file's lines (the
header is line 1), a DataFrame's rows by its index labels (:class:`~rnnkit.forecast.dates.RowNames`).
A newest-first file is reversed, with a note.

``source`` may also be a :class:`pandas.DataFrame` (the Python API), read exactly as a CSV would be.

:func:`load_series` is the whole reading, in steps each of which has its own module: the file as a
table (:mod:`~rnnkit.forecast.table`) or a frame as one (:mod:`~rnnkit.forecast.frame_input`), a date's
parts joined (:mod:`~rnnkit.forecast.date_parts`), the date column found and read
(:mod:`~rnnkit.forecast.date_column`), the columns named (:mod:`~rnnkit.forecast.columns`) and read as
numbers (:mod:`~rnnkit.forecast.numeric_column`). Here: the bundled data sets, the checked
:class:`Series` (order, missing values) and how a model saves the way its data were read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rnnkit.forecast.columns import (
    closing_price,
    default_target,
    find_column,
    has_column,
    loose_name,
    price_target_note,
    target_fallback_note,
)
from rnnkit.forecast.date_column import find_date_column, read_dates, series_column
from rnnkit.forecast.date_parts import assemble_date_parts, holds_years
from rnnkit.forecast.dates import (
    RowNames,
    calendar_gaps,
    dayfirst_of,
    row_names,
    show_date,
    time_order,
)
from rnnkit.forecast.decimal_mark import DECIMAL_CHOICES
from rnnkit.forecast.frame_input import FRAME_NAME, FrameName, frame_table, index_date_column
from rnnkit.forecast.numeric_column import numeric_column
from rnnkit.forecast.table import read_table
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.user_paths import expand_user

DATA_DIR = Path(__file__).with_name("data")
MISSING_CHOICES = ("error", "fill", "drop")
READ_OPTIONS = (
    "target",
    "features",
    "date_column",
    "date_format",
    "dayfirst",
    "id_column",
    "missing",
    "decimal",
)
"""How a series is read (the options of ``--data``'s file; the Python API's arguments of the same names)."""


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
        reading: how the file was read (:func:`reading_of`), saved with a model trained on it so that
            every later command reads new data the same way.
    """

    name: str
    dates: pd.DatetimeIndex
    values: np.ndarray
    columns: list[str]
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reading: dict[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> np.ndarray:
        """``(T,)`` the target column."""
        return self.values[:, 0]

    @property
    def title(self) -> str:
        """The series and its target for titles: ``ibm Adj Close``; ``glucose`` alone when the target
        column is named as the series (not ``glucose glucose``)."""
        column = self.columns[0]
        return self.name if loose_name(column) == loose_name(self.name) else f"{self.name} {column}"

    def __len__(self) -> int:
        return len(self.dates)


def resolve_source(source: str | Path) -> tuple[Path, Bundled | None, str]:
    """A bundled name or a CSV path -> ``(path, bundled-or-None, display name)``.

    A bundled name wins over a folder of that name: ``--data ibm --out ibm`` creates the run folder
    ``ibm`` before the data are read, and a leftover ``./ibm`` run folder is no data file either. Only
    a *file* named like a bundled set is read instead of it.
    """
    text = expand_user(source)  # "~/prices.csv" as a shell reads it (no bundled name starts with ~)
    path = Path(text)
    if text.lower() in BUNDLED and not path.is_file():
        bundled = BUNDLED[text.lower()]
        return DATA_DIR / bundled.file, bundled, text.lower()
    if not path.exists():
        raise RnnkitError(f"data file not found: {text} (bundled data sets: {', '.join(sorted(BUNDLED))})")
    if path.is_dir():
        raise RnnkitError(f"{text} is a folder, not a CSV file")
    return path, None, path.name


def source_text(source: str | Path | None) -> str | None:
    """What ``--data`` said, as a model records it: a bundled name as it is, a file's path made absolute
    (so that ``predict`` works from any folder)."""
    if source is None:
        return None
    path, bundled, name = resolve_source(source)
    return name if bundled else str(path.resolve())


def data_input(source: str | Path | None) -> Path | None:
    """The user's file that ``--data`` reads, for the output claim's input check (None for a bundled set
    or no ``--data``); a missing file or a folder is its one-line error, raised before any output
    folder is created."""
    if source is None:
        return None
    path, bundled, _ = resolve_source(source)
    return None if bundled else path


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
    id_hint: bool = True,
    decimal: str | None = None,
) -> Series:
    """Read and check a series.

    Args:
        source: a bundled name (``ibm``, ``glucose``, ...), a CSV path, or a DataFrame.
        target: the column to forecast; by default the bundled set's target or
            :func:`~rnnkit.forecast.columns.default_target`.
        features: extra numeric input columns (e.g. ``open, high, low, volume``); the target is always
            an input too.
        date_column: the date column; found by name or content when not given.
        missing: ``error`` (default), ``fill`` (carry the last value forward; leading gaps dropped) or
            ``drop`` (drop rows with a missing value). The count is reported in :attr:`Series.notes`.
        date_format, dayfirst: how to read the dates (``--date-format``, ``--dayfirst``); see
            :func:`rnnkit.forecast.dates.parse_date_column`.
        target_fallback: when ``target`` is not a column, use :func:`~rnnkit.forecast.columns.default_target` (``Adj Close``,
            else ``Close``, else the only numeric column) and say so in :attr:`Series.notes`: a saved
            one-column model predicting on a user's file whose column is named differently.
        name: the series' display name (default: the bundled name, the file name or ``DataFrame``).
        id_hint: duplicated dates in data with a column that looks like series ids (each of its values
            has its own dates) say to pass ``--id-column`` (off for one series of a long file).
        decimal: a file's decimal mark, ``point`` or ``comma`` (``--decimal``); by default told by the
            file (:func:`~rnnkit.forecast.table.read_table`). A DataFrame's numbers are its own.
    """
    if missing not in MISSING_CHOICES:
        raise RnnkitError(f"unknown --missing {missing!r}; choose one of: {', '.join(MISSING_CHOICES)}")
    if isinstance(source, pd.DataFrame):
        named, date_column = date_column, date_column or index_date_column(source)  # an index's dates
        frame, bundled, found = frame_table(source, named), None, FRAME_NAME
        path = FrameName(name or found)  # a series id whole: Path("A/B").name is "B"
    else:
        path, bundled, found = resolve_source(source)
        frame = read_table(path, decimal=decimal)
    names = row_names(frame)  # a file's lines, a DataFrame's index labels
    name = name or found
    frame = assemble_date_parts(frame, path, date_column)
    date_col = find_date_column(frame, path, date_column)
    notes = []
    if target is None:
        target = bundled.target if bundled else default_target(frame, date_col, path)
        if not bundled and target == closing_price(frame):  # chosen by its name among several: say so
            notes.append(price_target_note(name, target))
    if target_fallback and not has_column(frame, target):
        found = default_target(frame, date_col, path)
        notes.append(target_fallback_note(name, target, found))
        target = found
    target_col = find_column(frame, target, "target", path, "--target")
    cols = [target_col]
    for feat in features:
        col = find_column(frame, feat, "feature", path, "--features")
        if col not in cols:
            cols.append(col)
    if date_col in cols:
        raise RnnkitError(f"{date_col!r} is the date column; it cannot be the target or a feature")
    frame, parsed, date_notes = read_dates(frame, date_col, path, date_format, dayfirst, missing)
    read = [numeric_column(frame, c, path) for c in cols]
    values = np.stack([v for v, _ in read], axis=1)  # (T, C)
    series = Series(name=name, dates=parsed.dates, values=values, columns=cols)
    series.reading = reading_of(date_format, dayfirst, missing, parsed.fmt, decimal)
    number_notes = [note for _, note in read if note]
    series.notes += list(frame.attrs.get("rnnkit_notes", [])) + notes + date_notes + number_notes
    series.warnings += parsed.warnings
    rows = frame.index.to_numpy()  # each value's row label, for the messages that name rows
    try:
        rows = _order_dates(series, path, rows, names)
    except RnnkitError as exc:
        if "duplicated date" not in str(exc):
            raise
        id_col = _id_like_column(frame, parsed.dates, [date_col, *cols]) if id_hint else None
        hints = [f"a long file with several series? pass --id-column {id_col!r}"] if id_col else []
        if holds_years(frame[date_col]):  # year,month,y: a month column looks like ids, and is not
            hints.append(
                f"several rows a year (months, weeks)? {date_col!r} holds only their years: give each row "
                "its own date in one column (e.g. 2000-03-01)"
            )
        if not hints:
            raise
        raise RnnkitError(f"{exc} ({'; '.join(hints)})") from None
    _handle_missing(series, path, missing, rows, names)
    gaps = calendar_gaps(series.dates, name)  # the name the caller gave (serve: the uploaded file's)
    if gaps:
        series.notes.append(gaps)
    return series


READING_KEYS = ("date_format", "dayfirst", "missing", "decimal")
"""How data are read that a model saves (``info.reading``) and later commands use by default: the
dates (a day-first file read month first gives wrong dates, or an order error), missing values
(a file training filled would be refused) and a decimal mark given (``--decimal``). Not the columns:
those a model names itself."""


def reading_of(
    date_format: str | None, dayfirst: bool | None, missing: str, fmt: str | None, decimal: str | None = None
) -> dict:
    """How a file was read, as a model saves it: ``--date-format`` and ``--missing`` as given, and
    ``--dayfirst`` as given or else as the dates were actually read (``fmt``; day first, month first,
    or None for year-first dates), so that a later file whose dates all read both ways (days of 12 or
    less) is read as training read its file, not guessed again; ``--decimal`` as given (a file tells its
    own mark otherwise)."""
    if date_format is None and dayfirst is None:
        dayfirst = dayfirst_of(fmt)
    return {"date_format": date_format, "dayfirst": dayfirst, "missing": missing, "decimal": decimal}


def saved_reading(info: dict, where: str | Path = "the model") -> dict[str, Any]:
    """The data reading a model saved (:data:`READING_KEYS`, set ones only): ``info.reading`` (forecast
    train, ``Forecaster.fit``), overridden by the Python API's ``info.api`` settings when set
    (``Forecaster(dayfirst=True).save_pretrained``). A garbled value is a one-line error."""
    out: dict[str, Any] = {}
    for part in (info.get("reading"), info.get("api")):
        if isinstance(part, dict):
            out.update({k: part[k] for k in READING_KEYS if part.get(k) is not None})
    bad = (
        ("date_format", not isinstance(out.get("date_format", ""), str)),
        ("dayfirst", not isinstance(out.get("dayfirst", True), bool)),
        ("missing", out.get("missing", "error") not in MISSING_CHOICES),
        ("decimal", out.get("decimal", "point") not in DECIMAL_CHOICES),
    )
    for key, wrong in bad:
        if wrong:
            raise RnnkitError(
                f"{where}: config.json has a garbled {key} ({out[key]!r}) in how it read its data"
            )
    return out


def _id_like_column(frame: pd.DataFrame, dates: pd.DatetimeIndex, exclude: list[str]) -> str | None:
    """A column that looks like the ids of a long file: a few values that repeat, each value with dates
    of its own (no date twice within it); text columns first. None when there is none
    (:func:`~rnnkit.forecast.date_column.series_column`, which the date column's search asks too)."""
    return series_column(frame, pd.Series(dates.asi8, index=frame.index), exclude)


def _order_dates(series: Series, path: Path | FrameName, rows: np.ndarray, names: RowNames) -> np.ndarray:
    """Oldest first: a newest-first file is reversed (with a note); any other disorder is an error
    naming the rows by ``names``. Returns ``rows`` (each date's row label) in the series' new order."""
    order, note = time_order(series.dates, path.name, rows, names)
    if order is not None:
        series.dates = series.dates[order]
        series.values = series.values[order]
        rows = rows[order]
    if note:
        series.notes.append(note)
    return rows


def _handle_missing(
    series: Series,
    path: Path | FrameName,
    missing: str,
    rows: np.ndarray,
    names: RowNames,
) -> None:
    """Missing values refused, filled or dropped (:func:`load_series`'s ``missing``), each column's
    count and first rows said; ``rows``: each value's row label, named by ``names``."""
    gaps = np.isnan(series.values)  # (T, C)
    count = int(gaps.sum())
    if count == 0:
        return
    empty = [c for c, column in zip(series.columns, gaps.T, strict=True) if column.all()]
    if empty:  # no --missing choice can help: every row would be dropped
        flag = "--target" if empty[0] == series.columns[0] else "--features"
        raise RnnkitError(
            f"column {empty[0]!r} of {path.name} is empty (no value in any row); choose another with {flag}"
        )
    if missing == "error":
        raise RnnkitError(
            f"{path.name} has {count} missing value(s) ({_where(series.columns, gaps, rows, names)}); pass "
            "--missing fill (carry the last value forward) or --missing drop (drop those rows)"
        )
    if missing == "fill":
        frame = pd.DataFrame(series.values).ffill()
        keep = frame.notna().all(axis=1).to_numpy()  # leading gaps have nothing to carry forward
        filled = gaps & keep[:, None]  # (T, C) the values carried forward; the rest are dropped
        series.values = frame.to_numpy()[keep]
        series.dates = series.dates[keep]
        dropped = int((~keep).sum())
        parts = []
        if filled.any():
            where = _where(series.columns, filled, rows, names)
            parts.append(f"filled {int(filled.sum())} missing value(s) ({where}) with the last value")
        if dropped:
            parts.append(f"dropped {dropped} leading row(s) with nothing before them to carry forward")
        if len(series) and gaps[-1].any():
            parts.append(
                f"the last row ({show_date(series.dates[-1])}) holds carried-forward values, not observations"
            )
        series.notes.append("; ".join(parts))
    else:
        keep = ~gaps.any(axis=1)
        series.values = series.values[keep]
        series.dates = series.dates[keep]
        where = _where(series.columns, gaps, rows, names)
        series.notes.append(f"dropped {int((~keep).sum())} row(s) with {count} missing value(s) ({where})")
    if len(series) == 0:
        raise RnnkitError(f"{path.name} has no complete rows left after handling missing values")


def _where(columns: list[str], gaps: np.ndarray, rows: np.ndarray, names: RowNames) -> str:
    """``'sales': 2 on lines 7, 9; 'price': 1 on line 4``: each column's count of ``gaps`` (T, C) and
    its first rows, to find them in the file (a DataFrame's by its labels)."""
    return "; ".join(
        f"{c!r}: {int(column.sum())} on {names.listed(rows[column])}"
        for c, column in zip(columns, gaps.T, strict=True)
        if column.any()
    )
