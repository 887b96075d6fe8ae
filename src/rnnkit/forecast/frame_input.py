"""A user's :class:`pandas.DataFrame` (the Python API's data) made the table a CSV file would give.

For ``Forecaster.fit(df)`` and the other API calls given a frame instead of a path:
:func:`frame_table` turns a DatetimeIndex, a PeriodIndex or a named index into a column and column names
into text, keeps an integer index as the rows' labels (messages name lines from it), and refuses
several header levels, repeated column names and an index that disagrees with the column it repeats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rnnkit.utils.errors import RnnkitError

FRAME_NAME = "DataFrame"  # what messages call data given as a DataFrame, where a file has its name


@dataclass(frozen=True)
class FrameName:
    """What messages call data given as a frame, in place of a file's path: the readers use only a
    path's ``name``, and ``Path("A/B").name`` is ``B``, so a long file's series ``A/B`` would be named
    ``B``. Its ``name`` is the name whole (``DataFrame``, or a series' id)."""

    name: str


def frame_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A user's DataFrame as a table, read as a CSV file's (:func:`~rnnkit.forecast.data.load_series` and
    :func:`~rnnkit.forecast.panel.load_panel` read frames through it): a DatetimeIndex (or a named
    index) becomes a column, column names become text.

    An unnamed integer index is kept: messages count its labels as rows (line = label + 2, as in a
    CSV whose header is line 1), so a series cut from a long-format file names the file's lines; one
    that repeats a label names no line, and rows are then counted by position. The missing-value
    error names a frame's rows by its own labels instead (``row 3``, ``row 2024-01-04``).
    """
    if frame.empty:
        raise RnnkitError("the DataFrame has no rows")
    frame = _named_columns(frame)
    if isinstance(frame.index, pd.PeriodIndex):  # monthly or quarterly periods: each its first moment
        frame = frame.set_axis(frame.index.to_timestamp(), axis=0)
    dated = isinstance(frame.index, pd.DatetimeIndex)
    name = frame.index.name or ("date" if dated else "index")
    if (dated or frame.index.name is not None) and name in frame.columns:
        # set_index("Date", drop=False): the index repeats a column (pandas cannot insert it twice)
        if not _same_values(frame[name], frame.index):
            raise RnnkitError(
                f"the DataFrame's index and its column {name!r} hold different values; drop one, or "
                "rename the index"
            )
        frame = frame.reset_index(drop=True)
    elif dated:
        frame = frame.rename_axis(name).reset_index()
    elif frame.index.name is not None or not pd.api.types.is_integer_dtype(frame.index):
        frame = frame.reset_index()
    elif not frame.index.is_unique:  # set_index([0] * n): labels name no line, so rows count by position
        frame = frame.reset_index(drop=True)
    return frame


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
    try:
        return bool(np.all(column.to_numpy() == index.to_numpy()))
    except (TypeError, ValueError):  # values that cannot be compared are not the same
        return False
