"""A user's :class:`pandas.DataFrame` (the Python API's data) made the table a CSV file would give.

For ``Forecaster.fit(df)`` and the other API calls given a frame instead of a path:
:func:`frame_table` turns a DatetimeIndex, a PeriodIndex, a named index or each level of a MultiIndex
into a column and column names into text, keeps an integer index as the rows' labels (messages name rows
by them), keeps the time zone of an object column of Timestamps, and refuses several header levels,
repeated column names and an index (or level) that disagrees with the column it repeats (the same dates
written as text agree). :func:`index_date_column` names the column the index's dates become, which
dates the rows when the user names none.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from rnnkit.forecast.columns import loose_name
from rnnkit.forecast.date_parts import WHOLE_DATE_NAMES
from rnnkit.forecast.dates import ROW_NAMES, RowNames
from rnnkit.forecast.table import FILE_LINES
from rnnkit.utils.errors import RnnkitError

FRAME_NAME = "DataFrame"  # what messages call data given as a DataFrame, where a file has its name


@dataclass(frozen=True)
class FrameName:
    """What messages call data given as a frame, in place of a file's path: the readers use only a
    path's ``name``, and ``Path("A/B").name`` is ``B``, so a long file's series ``A/B`` would be named
    ``B``. Its ``name`` is the name whole (``DataFrame``, or a series' id)."""

    name: str


def frame_table(frame: pd.DataFrame, date_column: str | None = None) -> pd.DataFrame:
    """A user's DataFrame as a table, read as a CSV file's (:func:`~rnnkit.forecast.data.load_series` and
    :func:`~rnnkit.forecast.panel.load_panel` read frames through it): a DatetimeIndex (or a named
    index) becomes a column, column names become text. ``date_column``, the column the user named as
    the dates, wins over an unnamed DatetimeIndex beside it that holds other values.

    Messages name the frame's rows by its own index labels (``row 3``, ``row 2024-01-04``; a frame has no
    lines), as its :class:`~rnnkit.forecast.dates.RowNames` in ``attrs`` says: an unnamed integer index
    is kept as the rows' labels; any other (a DatetimeIndex made a column, one that repeats a label)
    labels the rows by position, and the names map positions back to the frame's labels. A series cut
    from a long-format file keeps the file's labels, and its messages name the file's lines.
    """
    if frame.empty:
        raise RnnkitError("the DataFrame has no rows")
    index = frame.index
    frame = _named_columns(frame)
    if isinstance(frame.index, pd.PeriodIndex):  # monthly or quarterly periods: each its first moment
        frame = frame.set_axis(frame.index.to_timestamp(), axis=0)
    if isinstance(frame.index, pd.MultiIndex):  # set_index(["id", "date"]): each level a column
        return _with_row_names(_zoned_datetimes(_levels_as_columns(frame)), index)
    dated = isinstance(frame.index, pd.DatetimeIndex)
    name = frame.index.name or ("date" if dated else "index")
    twin = next((str(c) for c in frame.columns if loose_name(c) == loose_name(name)), None)
    if (dated or frame.index.name is not None) and twin is not None:
        # set_index("Date", drop=False), or set_index(pd.to_datetime(df["Date"])) beside the text: the index
        # repeats a column, loosely named as column names compare (an unnamed DatetimeIndex beside "Date")
        if not _same_values(frame[twin], frame.index) and _names_it(date_column, twin, frame.index):
            # the user named that column as the dates: an unnamed index of other days is not theirs to
            # rename (a frame read with its own DatetimeIndex, then given a shifted 'Date' column)
            return _with_row_names(_zoned_datetimes(frame.reset_index(drop=True)), index)
        if not _same_values(frame[twin], frame.index):
            # an unnamed index cannot be "renamed" in a word: name the column as the dates instead
            what = (
                f"read the column with date_column={twin!r}"
                if frame.index.name is None
                else "rename the index"
            )
            raise RnnkitError(
                f"the DataFrame's index and its column {twin!r} hold different values; drop one, or {what}"
            )
        values = frame.index  # the dates as the user read them (their time zone), where the column is text
        frame = frame.reset_index(drop=True)
        if dated:
            frame[twin] = pd.Series(values, index=frame.index)
    elif dated:
        frame = frame.rename_axis(name).reset_index()
    elif frame.index.name is not None or not pd.api.types.is_integer_dtype(frame.index):
        frame = frame.reset_index()
    elif not frame.index.is_unique:  # set_index([0] * n): rows are labelled by position
        frame = frame.reset_index(drop=True)
    return _with_row_names(_zoned_datetimes(frame), index)


def _names_it(date_column: str | None, column: str, index: pd.Index) -> bool:
    """Whether ``date_column`` (given by the user) is ``column`` while the index has no name."""
    return date_column is not None and index.name is None and loose_name(date_column) == loose_name(column)


def _zoned_datetimes(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each column of Python datetimes or Timestamps of one time zone (an object column,
    as a list or ``apply`` builds it) as a column of that zone's dates: read as text, the two offsets of
    a daylight-saving change made them UTC dates with the zone dropped (a note said so)."""
    for col in frame.columns:
        values = frame[col]
        if values.dtype != object:
            continue
        cells = values.dropna()
        if cells.empty or not all(isinstance(v, datetime) for v in cells):
            continue
        zones = {str(v.tzinfo) for v in cells}
        if len(zones) != 1 or cells.iloc[0].tzinfo is None:  # local times, or several zones: the readers'
            continue
        try:
            zoned = pd.to_datetime(values)
        except (TypeError, ValueError, OverflowError):  # a zone pandas cannot hold for all of them
            continue
        frame = frame.assign(**{col: zoned})  # a new frame: the user's keeps its column
    return frame


def index_date_column(frame: pd.DataFrame) -> str | None:
    """The column a frame's dates in its index become in :func:`frame_table` (a DatetimeIndex or
    PeriodIndex, or one such level of a MultiIndex), which dates the rows when no ``date_column`` is
    given: the column found by name came first, so a calendar feature (``month``, ``day``, ``time``) or
    ``Year``/``Month`` parts beside an index named ``when`` were read as the dates. None when the index
    holds no dates. A column of no numbers named as a whole date (``ds``, ``timestamp``) beside them is
    one line: which dates are meant only the user knows."""
    index = frame.index
    dated = [
        k
        for k in range(index.nlevels)
        if isinstance(index.get_level_values(k), pd.DatetimeIndex | pd.PeriodIndex)
    ]
    if len(dated) != 1:
        return None
    name = index.names[dated[0]]
    if name is None:  # as frame_table (reset_index) names it
        name = "date" if index.nlevels == 1 else f"level_{dated[0]}"
    others = [  # a Series named Date over its dates is a column of numbers so named: the values
        str(c)
        for c in frame.columns
        if loose_name(c) in WHOLE_DATE_NAMES
        and loose_name(c) != loose_name(name)
        and not pd.api.types.is_numeric_dtype(frame[c])
    ]
    if others:
        raise RnnkitError(
            f"the DataFrame has dates in its index ({str(name)!r}) and in its column {others[0]!r}; name the "
            "one to read with --date-column"
        )
    return str(name)


def _levels_as_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame whose index has several levels with each level a column (``reset_index``), in front; a
    level that repeats a column (``set_index(["id", "date"], drop=False)``, names compared loosely) is
    that column when they hold the same values (pandas refused to insert it twice), else refused."""
    index = frame.index
    table = frame.reset_index(drop=True)
    levels = []
    for k, name in enumerate(index.names):
        name = str(name) if name is not None else f"level_{k}"  # as reset_index names it
        values = index.get_level_values(k)
        twin = next((str(c) for c in table.columns if loose_name(c) == loose_name(name)), None)
        if twin is None:
            levels.append((name, values))
        elif not _same_values(table[twin], values):
            raise RnnkitError(
                f"the DataFrame's index level {name!r} and its column {twin!r} hold different values; drop "
                "one, or rename the level"
            )
        elif isinstance(values, pd.DatetimeIndex):  # the dates as the user read them (their zone)
            table[twin] = pd.Series(values, index=table.index)
    for position, (name, values) in enumerate(levels):
        table.insert(position, name, pd.Series(values, index=table.index))
    return table


def _with_row_names(table: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """``table`` (a frame whose index was ``index``) with the names its messages give its rows: the
    names of the table a part was cut from (a long file's series: its lines, or the whole frame's
    labels), else the frame's own labels (``index``, where the table counts rows by position)."""
    if ROW_NAMES in table.attrs or table.attrs.get(FILE_LINES):
        return table
    table = table.copy(deep=False)  # the user's frame keeps its attrs
    table.attrs[ROW_NAMES] = RowNames(lines=False, own=None if table.index.equals(index) else index)
    return table


def _named_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with text column names, as a CSV's header gives them (``0``, ``1`` from a frame built
    from a list), so that every column is found by name; several header rows are refused."""
    if isinstance(frame.columns, pd.MultiIndex):
        raise RnnkitError(
            "the DataFrame's columns have several levels; give it one (e.g. df.columns = "
            "['_'.join(map(str, c)) for c in df.columns])"
        )
    names = [str(c) for c in frame.columns]
    if len(set(names)) < len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise RnnkitError(f"the DataFrame has several columns named {', '.join(map(repr, twice))}")
    return frame.set_axis(names, axis=1) if names != list(frame.columns) else frame


def _same_values(column: pd.Series, index: pd.Index) -> bool:
    """Whether ``column`` holds ``index``'s values: equal ones, or for a DatetimeIndex the same dates
    written another way (text read either way round, periods, Python datetimes; wall-clock text beside
    a zoned index): ``set_index(pd.to_datetime(df["Date"]))`` keeps the text column it read."""
    if _equal(column, index):
        return True
    if not isinstance(index, pd.DatetimeIndex):
        return False
    if isinstance(column.dtype, pd.PeriodDtype):
        return _equal(column.dt.to_timestamp(), index)
    # one format for the column (pandas' vectorised reading), either way round; each cell by itself
    # (10 s for 200,000 day-first cells) only when no one format reads the column
    read_whole = False
    for fmt in (None, "mixed"):
        for dayfirst in (False, True):
            read = _read_dates(column, dayfirst, fmt)
            if read is not None and _same_moments(read, index):
                return True
            read_whole = read_whole or read is not None
        if read_whole:
            return False
    return False


def _same_moments(read: pd.Series, index: pd.DatetimeIndex) -> bool:
    """Whether dates read from a column are ``index``'s: the same instants, or wall-clock times that are
    a zoned index's local times."""
    if (read.dt.tz is not None) == (index.tz is not None):
        return _equal(read, index)
    return read.dt.tz is None and _equal(read, index.tz_localize(None))


def _read_dates(column: pd.Series, dayfirst: bool, fmt: str | None) -> pd.Series | None:
    """``column`` read as dates with ``fmt`` (None: one format, inferred), or None where it cannot be."""
    for utc in (False, True):  # times with several offsets are read only as UTC instants
        try:
            with warnings.catch_warnings():  # pandas warns that a day-first reading disagrees with a cell
                warnings.simplefilter("ignore", UserWarning)
                return pd.to_datetime(column, format=fmt, dayfirst=dayfirst, utc=utc)
        except (TypeError, ValueError, OverflowError):
            continue
    return None


def _equal(column: pd.Series, index: pd.Index) -> bool:
    try:
        return bool(np.all(column.to_numpy() == index.to_numpy()))
    except (TypeError, ValueError):  # values that cannot be compared are not the same
        return False
