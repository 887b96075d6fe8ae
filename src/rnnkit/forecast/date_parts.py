"""A date split over columns (``Year,Month,Value``; ``Year,Quarter,GDP``; ``Year,Month,Day,...``) joined into one.

For tables as statistics offices publish them: :func:`assemble_date_parts` replaces a year column and a
month (or quarter, perhaps with a day) column by one ``date`` column, with a note. Also the names that
mark a column as a whole date or as a date's part, and :func:`holds_years`, which tells a year column of
calendar years (1000..2999) from one of counts, for :mod:`rnnkit.forecast.date_column`.
"""

from __future__ import annotations

import calendar
from pathlib import Path

import numpy as np
import pandas as pd

from rnnkit.forecast.columns import loose_name
from rnnkit.forecast.dates import row_names
from rnnkit.utils.errors import RnnkitError

# TIME_PERIOD: Eurostat's, the ECB's and the OECD's SDMX files, where it is rarely the first column
WHOLE_DATE_NAMES = ("date", "datetime", "timestamp", "ds", "period", "timeperiod")
YEAR_NAMES = ("year", "years", "yr")  # a date column only when it holds calendar years (holds_years)
_MONTH_NAMES = ("month", "mon", "mo")  # beside a year column: a date's parts (assemble_date_parts)
_DAY_NAMES = ("day", "dom", "dayofmonth")
_QUARTER_NAMES = ("quarter", "qtr")  # beside a year column, with no month column: 1..4 or Q1..Q4

_MONTHS = {
    m: k for k, name in enumerate(calendar.month_name) if name for m in (name.lower(), name[:3].lower())
}


def assemble_date_parts(frame: pd.DataFrame, path: Path, date_column: str | None) -> pd.DataFrame:
    """A table whose dates are split into a year and a month column (and perhaps a day column), or a
    year and a quarter column, as statistics offices publish them (``Year,Month,Value``,
    ``Year,Quarter,GDP``), with those parts joined into one ``date`` column in their place (pandas'
    ``to_datetime`` of the parts; the first of each month or quarter without a day), and a note saying
    so in ``frame.attrs["rnnkit_notes"]``. Any other table comes back as it is.

    Parts are joined only when no column is named as a whole date (date, ds, period, ...) and none is
    given (``date_column``), the year column holds calendar years (:func:`holds_years`), the month
    column whole numbers 1..12 or month names (``Jan``, ``January``), the day column 1..31, the
    quarter column 1..4 or ``Q1``..``Q4``. A day that is no date (February 30) names its line.
    """
    if date_column:
        return frame
    names = {loose_name(c): c for c in frame.columns}
    year = next((names[n] for n in YEAR_NAMES if n in names), None)
    period = names.get("period")
    if year is not None and period is not None and holds_years(frame[year]):
        found = _bls_periods(frame[period], frame, period, path)
        if found is not None:
            months, how = found
            return _joined(frame, path, [year, period], frame[year], months, None, how)
    if any(n in names for n in WHOLE_DATE_NAMES):
        return frame
    month = next((names[n] for n in _MONTH_NAMES if n in names), None)
    quarter = next((names[n] for n in _QUARTER_NAMES if n in names), None) if month is None else None
    if year is None or (month is None and quarter is None) or not holds_years(frame[year]):
        return frame
    if quarter is not None:
        quarters = _quarter_numbers(frame[quarter])
        if quarters is None:
            return frame
        return _joined(
            frame,
            path,
            [year, quarter],
            frame[year],
            3 * quarters - 2,
            None,
            "quarterly dates (the first day of each quarter)",
        )
    months = _month_numbers(frame[month])
    if months is None:
        return frame
    day = next((names[n] for n in _DAY_NAMES if n in names), None)
    days = whole_numbers(frame[day], 1, 31) if day is not None else None
    if day is not None and days is None:
        return frame
    how = "dates" if day is not None else "monthly dates (the first of each month)"
    return _joined(
        frame, path, [c for c in (year, month, day) if c is not None], frame[year], months, days, how
    )


def _joined(
    frame: pd.DataFrame,
    path: Path,
    used: list[str],
    years: pd.Series,
    months: pd.Series,
    days: pd.Series | None,
    how: str,
) -> pd.DataFrame:
    """``frame`` with the date parts ``used`` replaced by one ``date`` column, and a note."""
    parts = pd.DataFrame({"year": pd.to_numeric(years), "month": months, "day": 1 if days is None else days})
    dates = pd.to_datetime(parts, errors="coerce")
    bad = dates.isna() & parts.notna().all(axis=1)
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        y, m, d = (int(v) for v in parts.iloc[first])
        raise RnnkitError(
            f"{path.name}: {row_names(frame)(frame.index[first])}: year {y}, month {m}, day {d} is no date"
        )
    out = frame.drop(columns=used)
    out.insert(0, "date", dates.to_numpy())
    out.attrs = dict(frame.attrs)
    shown = ", ".join(f"{c!r}" for c in used[:-1]) + f" and {used[-1]!r}"
    out.attrs["rnnkit_notes"] = [*frame.attrs.get("rnnkit_notes", []), f"read the columns {shown} as {how}"]
    return out


def whole_numbers(column: pd.Series, low: int, high: int) -> pd.Series | None:
    """``column`` as numbers when every filled cell is a whole number in ``low..high``, else None."""
    if pd.api.types.is_bool_dtype(column):
        return None
    values = pd.to_numeric(column, errors="coerce")
    filled = values[column.notna()]
    if filled.empty or filled.isna().any():
        return None
    numbers = filled.to_numpy(dtype=float)
    if not (np.all(numbers == np.round(numbers)) and np.all((numbers >= low) & (numbers <= high))):
        return None
    return values


def _month_numbers(column: pd.Series) -> pd.Series | None:
    """A month column as numbers 1..12 (from numbers, or English month names and their three-letter
    abbreviations, in any case), else None."""
    numbers = whole_numbers(column, 1, 12)
    if numbers is not None:
        return numbers
    if column.dtype != object and not str(column.dtype).startswith("str"):
        return None
    text = column.astype("string").str.strip().str.lower().str.rstrip(".")
    named = text.map(_MONTHS)
    return named.astype(float) if named[column.notna()].notna().all() and column.notna().any() else None


# The BLS's periods: a letter, then the step within the year (M01..M12, Q01..Q04, S01..S02), and the
# step after the last (M13, Q05, S03) is the year's average: letter -> (steps, months each, its step, reading)
_BLS_PERIODS = {
    "M": (12, 1, "month", "monthly dates (the first of each month)"),
    "Q": (4, 3, "quarter", "quarterly dates (the first day of each quarter)"),
    "S": (2, 6, "half year", "half-yearly dates (the first day of each half)"),
}


def _bls_periods(
    column: pd.Series, frame: pd.DataFrame, name: str, path: Path
) -> tuple[pd.Series, str] | None:
    """``(months 1..12, how the dates are read)`` for the US Bureau of Labor Statistics' ``Period`` column
    beside ``Year``: ``M01``..``M12`` months, ``Q01``..``Q04`` quarters, ``S01``..``S02`` half years (each
    as its first month), ``A01`` alone a yearly series (each year's first month), else None. The step after
    the last (``M13``, ``Q05``, ``S03``) is the year's average, no period, and so is ``A01`` among months,
    quarters or half years: one line naming its rows (dropped without a word, a user would not know the
    series lost them). Read as a whole date (the name says period), ``M01`` was "no year", ``Q01`` "not
    dates"; ``A01`` left ``Year`` a second numeric column, and ``--target`` chosen, "not dates"."""
    text = column.astype("string").str.strip().str.upper()
    has = column.notna().to_numpy()  # masks, not labels: a DataFrame's index may repeat a label
    if not has.any() or not text[has].str.fullmatch(r"[A-Z]\d{2}").all():
        return None
    yearly = text.eq("A01").fillna(False).to_numpy()
    if yearly[has].all():  # an annual series (the CPI's annual averages): one date a year
        first_months = pd.Series(np.where(has, 1.0, np.nan), index=column.index)
        return first_months, "yearly dates (the first day of each year)"
    stepped = has & ~yearly  # the rows of months, quarters or half years
    letters = set(text[stepped].str[:1])
    if len(letters) != 1 or not letters <= _BLS_PERIODS.keys():
        return None
    letter = letters.pop()
    steps, span, unit, how = _BLS_PERIODS[letter]
    numbers = text.str[1:].astype(float).where(~yearly)
    if not numbers[stepped].between(1, steps + 1).all():
        return None
    annual = ((numbers == steps + 1).fillna(False).to_numpy()) | yearly
    if annual.any():
        codes = " or ".join(dict.fromkeys(text[annual]))  # as the rows write them, in file order
        what = "year's figure" if yearly.any() else "year's average"
        raise RnnkitError(
            f"{path.name}: {row_names(frame).listed(frame.index[annual])} of column {name!r} hold {codes}, "
            f"the {what} (as the BLS writes it), not a {unit}; delete those rows (or download without annual "
            "averages)"
        )
    return (numbers - 1) * span + 1, how


def _quarter_numbers(column: pd.Series) -> pd.Series | None:
    """A quarter column as numbers 1..4 (from numbers, or ``Q1``..``Q4`` in any case), else None."""
    numbers = whole_numbers(column, 1, 4)
    if numbers is not None or (column.dtype != object and not str(column.dtype).startswith("str")):
        return numbers
    text = column.astype("string").str.strip().str.upper().str.removeprefix("Q")
    return whole_numbers(text.where(column.notna()), 1, 4)


def holds_years(column: pd.Series) -> bool:
    """Whole numbers 1000..2999 in every filled cell, as numbers or as their text: calendar years. Only a
    column named like a year is asked (a count or price column of such numbers is never read as years)."""
    return whole_numbers(column, 1000, 2999) is not None
