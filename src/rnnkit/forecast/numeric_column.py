"""A table's column read as float64 numbers, or one line saying why it is none.

For the target and feature columns of a CSV file's or a DataFrame's table: numbers pandas read, or
text :mod:`rnnkit.forecast.numbers` reads as people write numbers (``$1,234.50``, ``1.234,56`` in a
file of decimal commas); a cell of spaces, a lone ``.`` (FRED's mark) or pandas' ``NA`` words with
spaces around them is a missing value. Dates, durations, infinite values, values too large to sum and
codes for a missing value far outside the column (-9999) are refused, naming the column and the first
cell that no reading of the column reads.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from rnnkit.forecast.dates import row_names
from rnnkit.forecast.numbers import mixed_currencies, read_numbers, unread_cells
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.limits import short_repr

# The words pandas' read_csv reads as a missing value by default (its documented na_values list). pandas
# keeps them only in a private module (pandas._libs.parsers.STR_NA_VALUES), which any release may move or
# rename, so rnnkit keeps this copy; a test compares it with pandas' own list, so a change in pandas is
# seen by a test, not by a user whose "NA" cells stop reading as missing.
PANDAS_NA_WORDS = frozenset(
    {
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    }
)  # fmt: skip
# What marks a missing value in a text column: spaces only, a lone "." (FRED's mark; never a number),
# and pandas' own words for one (NA, N/A, null, ...) with spaces around them, which pandas reads as text
MISSING_MARKS = frozenset({".", *PANDAS_NA_WORDS})
# The error values a spreadsheet writes for a formula that failed (Excel, LibreOffice, Google Sheets), as
# a CSV export keeps them: a computed column (returns = B3/B2-1) with one #DIV/0! among its numbers
SPREADSHEET_ERROR = re.compile(
    r"#(?:DIV/0!|REF!|NAME\?|NUM!|NULL!|VALUE!|SPILL!|CALC!|FIELD!|BLOCKED!|ERROR!|GETTING_DATA|N/A)|Err:\d{3}",
    re.I,
)


def _cells(frame: pd.DataFrame, col: str) -> pd.Series:
    """A column's values; in a text column a cell of :data:`MISSING_MARKS` (spaces around them or not)
    is a missing value."""
    raw = frame[col]
    if pd.api.types.is_numeric_dtype(raw):
        return raw
    return raw.mask(raw.astype("string").str.strip().isin(MISSING_MARKS).fillna(False))


def _times(raw: pd.Series) -> str:
    """``durations`` or ``dates`` for a column of those types (numbers only in some unit), else ``""``."""
    if pd.api.types.is_timedelta64_dtype(raw):
        return "durations"
    return "dates" if pd.api.types.is_datetime64_any_dtype(raw) else ""


def holds_numbers(frame: pd.DataFrame, col: str) -> bool:
    """Whether a column is numbers, as pandas read them or as people write them (``$1,234.50``)."""
    raw = _cells(frame, col)
    if not raw.notna().any() or _times(raw):  # an empty column (a spreadsheet's blank one), durations
        return False
    if pd.api.types.is_numeric_dtype(raw):
        return not pd.api.types.is_bool_dtype(raw)
    if _to_numeric(raw).notna().sum() == raw.notna().sum():  # "1.5" text, Decimal
        return not any(isinstance(v, bool | np.bool_) for v in raw.dropna())
    return read_numbers(raw, frame.attrs.get("rnnkit_decimal")) is not None


def _holds_true_false(raw: pd.Series) -> bool:
    """Whether a column holds booleans: a bool column, or text pandas read as ``True``/``False`` beside
    missing cells (an object column, as pandas reads such a column with a gap)."""
    if pd.api.types.is_bool_dtype(raw):
        return True
    return raw.dtype == object and any(isinstance(v, bool | np.bool_) for v in raw.dropna())


def _to_numeric(raw: pd.Series) -> pd.Series:
    """``pd.to_numeric(raw, errors="coerce")``, with a Python integer beyond float64 (a DataFrame's
    ``10**400``) as an infinite value, refused as one, where pandas raised OverflowError."""
    try:
        return pd.to_numeric(raw, errors="coerce")
    except OverflowError:
        return pd.to_numeric(raw.map(_float_or_cell), errors="coerce")


def _float_or_cell(cell: object) -> object:
    """A Python integer as a float (``±inf`` beyond float64's range); any other cell as it is."""
    if isinstance(cell, int) and not isinstance(cell, bool):
        try:
            return float(cell)
        except OverflowError:
            return math.inf if cell > 0 else -math.inf
    return cell


MAX_SUM = 1e306
"""The largest sum of absolute values a column may reach (float64's largest number is 1.8e308, with a
margin): a file of 1e308 crashed the linear AR (SVD did not converge) and the plot's ticks, while
values near 1e302 are forecast (tests/forecast/test_forecast_cli_messages.py)."""


def numeric_column(frame: pd.DataFrame, col: str, path: Path) -> tuple[np.ndarray, str | None]:
    """A column as float64 numbers, and a note when they were written for people (``1.234,56``)."""
    raw = _cells(frame, col)
    kind = _times(raw)
    if kind:  # pandas would give their nanoseconds (or microseconds) as the numbers
        example = " (e.g. with .dt.total_seconds())" if kind == "durations" else ""
        raise RnnkitError(
            f"column {col!r} of {path.name} holds {kind}, not numbers; convert them to numbers first{example}"
        )
    if pd.api.types.is_complex_dtype(raw):  # float64 of them kept the real part alone, without a word
        raise RnnkitError(
            f"column {col!r} of {path.name} holds complex numbers; forecast one real series (in pandas: "
            ".real, .imag or .abs())"
        )
    if _holds_true_false(raw):  # read as 1 and 0 they were a forecast of a yes/no series, never said
        raise RnnkitError(
            f"column {col!r} of {path.name} holds true/false values, not numbers; if they mean 1 and 0, "
            "write them so (in pandas: .astype(int))"
        )
    # numbers written for people, and every text number of a file of decimal commas (1.500 is 1500 there)
    read = (
        None if pd.api.types.is_numeric_dtype(raw) else read_numbers(raw, frame.attrs.get("rnnkit_decimal"))
    )
    if read is not None:
        mixed = mixed_currencies(raw)
        if mixed is not None:  # read alike, dollars and euros were added as one series, with a note only
            a, b = (raw.iloc[i] for i in mixed)
            raise RnnkitError(
                f"column {col!r} of {path.name} holds amounts in more than one currency: "
                f"{row_names(frame)(raw.index[mixed[0]])} holds {short_repr(a)}, "
                f"{row_names(frame)(raw.index[mixed[1]])} {short_repr(b)}; convert them to one currency first"
            )
        out, note = read[0], read[1] or None
    else:
        values = _to_numeric(raw)
        if (values.isna() & raw.notna()).any():
            # the cells that are wrong ('-' among '1.234,50 €'), not the first that pandas alone cannot read
            bad = unread_cells(raw, frame.attrs.get("rnnkit_decimal"))
            first = int(np.flatnonzero(bad)[0])
            cell = raw.iloc[first]
            # a dash or "n/a" marks a missing value; a cell must be empty to be one
            hint = "" if re.search(r"\d", str(cell)) else "; leave missing values empty (see --missing)"
            if SPREADSHEET_ERROR.fullmatch(str(cell).strip()):  # #DIV/0! holds a digit: said nothing
                hint = "; a spreadsheet's formula error: correct the formula, or leave the cell empty (see --missing)"
            raise RnnkitError(
                f"column {col!r} of {path.name} is not numeric: {row_names(frame)(raw.index[first])} holds "
                f"{short_repr(cell)} ({int(bad.sum())} such value(s)){hint}"
            )
        out, note = values.to_numpy(dtype=np.float64), None
    infinite = np.flatnonzero(np.isinf(out))
    if len(infinite):  # inf, -inf, Infinity, or 1e400 (pandas reads it as inf): name the first, as above
        first = int(infinite[0])
        cell = raw.iloc[first]
        cell = cell if isinstance(cell, str | int) and not isinstance(cell, bool) else str(float(cell))
        raise RnnkitError(
            f"column {col!r} of {path.name} holds infinite values (inf, or beyond 1.8e308): "
            f"{row_names(frame)(raw.index[first])} holds {short_repr(cell)} ({len(infinite)} such value(s)); "
            "write the number it stands for, or leave the cell empty (see --missing)"
        )
    largest = float(np.nanmax(np.abs(out))) if np.isfinite(out).any() else 0.0
    limit = MAX_SUM / max(len(out), 1)
    if largest > limit:  # a sum of the column would overflow float64: inf, then a crash
        raise RnnkitError(
            f"column {col!r} of {path.name} holds values as large as {largest:.3g}, beyond what rnnkit "
            f"computes with for {len(out)} rows ({limit:.1e}); rescale the column (divide it by a power of ten)"
        )
    _refuse_placeholders(out, frame, raw, col, path)
    return out, note


# Numbers that data sources write for "no value" (NOAA's -9999 and 9999.9, survey codes 999, netCDF's
# fill 9.96921e36, float32's largest number): a digit 9 repeated, or a fill value
_PLACEHOLDER = re.compile(r"-?9{3,}(?:\.9+)?|-?(?:1e\+?(?:20|30|36)|9\.969\d*e\+?36|3\.40282\d*e\+?38)", re.I)
FAR = 20.0
"""How far outside the other values, in their interquartile ranges from the quartiles, a placeholder
(:data:`_PLACEHOLDER`) must be to be refused: -9999 among temperatures of -20 to 35 is hundreds of them
away, a price's crash or rally a few."""
HUGE = 1e12
"""A value this many times the others' median size is no observation (1e300 among prices near 1000): the
scaled series is flat beside it, and the forecast was that value's echo (7.7e296, +7e296%)."""


def _refuse_placeholders(out: np.ndarray, frame: pd.DataFrame, raw: pd.Series, col: str, path: Path) -> None:
    """One line for values that stand for a missing one or are typos, far outside the column's other
    values: a placeholder such as -9999 (:data:`FAR`), or a value :data:`HUGE` times their size. Trained
    on, they made every window of the series look flat beside them, and the forecast was nonsense, said
    nowhere."""
    finite = np.isfinite(out)
    if finite.sum() < 8:  # too few values to tell what is usual
        return
    placeholder = np.zeros(len(out), dtype=bool)
    for i in np.flatnonzero(finite & (np.abs(out) >= 999)):  # the smallest placeholder: few rows to format
        placeholder[i] = bool(_PLACEHOLDER.fullmatch(f"{out[i]:.15g}"))
    others = out[finite & ~placeholder]
    if len(others) < 4:
        return
    q1, q3 = np.percentile(others, [25, 75])
    spread = q3 - q1  # 0 for a constant column: then no value is judged far by it
    far = placeholder & (spread > 0) & ((out < q1 - FAR * spread) | (out > q3 + FAR * spread))
    size = np.median(np.abs(others))
    with np.errstate(invalid="ignore"):
        far |= finite & (size > 0) & (np.abs(out) / HUGE > size)  # divided: HUGE * 1e298 overflows
    rows = np.flatnonzero(far)
    if not len(rows):
        return
    first, others = int(rows[0]), out[finite & ~far]
    raise RnnkitError(
        f"column {col!r} of {path.name}: {row_names(frame)(raw.index[first])} holds {out[first]:.15g}, far outside "
        f"its other values ({np.min(others):.6g} to {np.max(others):.6g}; {len(rows)} such value(s)): a code "
        "for a missing value, or a typo? Leave missing values empty (see --missing), or correct them"
    )
