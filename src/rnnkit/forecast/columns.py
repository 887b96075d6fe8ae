"""Columns of a table found by name, as a user writes them: loosely (``adj_close`` is ``Adj Close``).

For every table rnnkit forecasts from (a CSV file's, a DataFrame's): :func:`find_column` finds the
target, feature and id columns the options name, or says which columns there are; :func:`default_target`
picks the target when none is named (``Adj Close``, else ``Close``, else an OHLC export's ``Price``, else
the only numeric column).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from rnnkit.forecast.numeric_column import holds_numbers, numeric_column
from rnnkit.utils.errors import RnnkitError


def loose_name(name: str) -> str:
    """Column names compare without case, spaces, underscores, dashes or footnote stars: ``adj_close ==
    Adj Close == Adj Close**`` (a Yahoo Finance page's header)."""
    return re.sub(r"[\s_\-*]", "", str(name).lower())


def column_list(columns: Iterable[object]) -> str:
    """Column names for a one-line message: a name holding a line break (a quoted CSV header) on one line."""
    return ", ".join(" ".join(str(c).split()) for c in columns)


def find_column(frame: pd.DataFrame, name: str, what: str, path: Path, flag: str = "") -> str:
    """The frame's column matching ``name`` loosely; an error listing the columns (and the flag) otherwise."""
    for col in frame.columns:
        if loose_name(col) == loose_name(name):
            return str(col)
    cols = column_list(frame.columns)
    hint = f"; name the column with {flag}" if flag else ""
    raise RnnkitError(f"{path.name} has no {what} column {name!r} (columns: {cols}){hint}")


def target_fallback_note(name: str, target: str, found: str) -> str:
    """The note when a one-column model's ``target`` is not in the data and ``found`` is read instead
    (the command line prints it, the Python API warns it)."""
    return f"{name} has no column {target!r}; using {found!r} as the target (choose with --target)"


def has_column(frame: pd.DataFrame, name: str) -> bool:
    return any(loose_name(col) == loose_name(name) for col in frame.columns)


PRICE_COMPANIONS = ("open", "high", "low")
"""Columns beside ``Price`` that make it a closing price: investing.com exports ``"Date","Price","Open",
"High","Low","Vol.","Change %"``. A ``Price`` without them (``date,units,price`` of a shop) is no close."""


def closing_price(frame: pd.DataFrame) -> str | None:
    """The ``Price`` column of an OHLC export (investing.com's name for the close), or None."""
    names = {loose_name(col): str(col) for col in frame.columns}
    if "price" in names and all(other in names for other in PRICE_COMPANIONS):
        return names["price"]
    return None


def default_target(frame: pd.DataFrame, date_col: str, path: Path) -> str:
    """``Adj Close``, else ``Close``, else the ``Price`` of an OHLC export (:func:`closing_price`), else
    the only numeric column besides the date (numbers written for people, ``$1,234.50``, count:
    :mod:`rnnkit.forecast.numbers`; a column with no value does not, nor, beside another, a ``Year`` column
    of calendar years, which labels the rows of a date column)."""
    for preferred in ("adjclose", "close"):
        for col in frame.columns:
            if loose_name(col) == preferred:
                return str(col)
    price = closing_price(frame)
    if price is not None:
        return price
    numeric = [str(c) for c in frame.columns if c != date_col and holds_numbers(frame, c)]
    if len(numeric) > 1:  # a year column beside the date (Year,match_date,value) labels rows, it is no value
        from rnnkit.forecast.date_parts import YEAR_NAMES, holds_years  # which imports this module

        years = [c for c in numeric if loose_name(c) in YEAR_NAMES and holds_years(frame[c])]
        numeric = [c for c in numeric if c not in years] or numeric
    if len(numeric) == 1:
        return numeric[0]
    if not numeric:
        others = [str(c) for c in frame.columns if c != date_col]
        if len(others) == 1:  # the one column there is: what is wrong with its values
            numeric_column(frame, others[0], path)
        raise RnnkitError(f"{path.name} has no numeric column to forecast; name one with --target")
    raise RnnkitError(
        f"{path.name} has several numeric columns ({', '.join(numeric)}); choose one with --target"
    )


def price_target_note(name: str, target: str) -> str:
    """The note when the default target is an OHLC export's ``Price``: a column chosen among several by
    its name, which the user should see (the command line prints it, the Python API warns it)."""
    return (
        f"{name} has no column 'Adj Close' or 'Close'; using {target!r} as the target, the closing price "
        "as investing.com's exports name it (choose with --target)"
    )
