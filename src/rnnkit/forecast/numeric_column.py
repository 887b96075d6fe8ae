"""A table's column read as float64 numbers, or one line saying why it is none.

For the target and feature columns of a CSV file's or a DataFrame's table: numbers pandas read, or
text :mod:`rnnkit.forecast.numbers` reads as people write numbers (``$1,234.50``, ``1.234,56`` in a
file of decimal commas); a cell of spaces, a lone ``.`` (FRED's mark) or pandas' ``NA`` words with
spaces around them is a missing value. Dates, durations, infinite values and values too large to sum
are refused, naming the column and the first cell that no reading of the column reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from rnnkit.forecast.dates import row_names
from rnnkit.forecast.numbers import read_numbers, unread_cells
from rnnkit.utils.errors import RnnkitError

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
    if pd.to_numeric(raw, errors="coerce").notna().sum() == raw.notna().sum():  # "1.5" text, Decimal
        return not any(isinstance(v, bool | np.bool_) for v in raw.dropna())
    return read_numbers(raw, frame.attrs.get("rnnkit_decimal")) is not None


def _holds_true_false(raw: pd.Series) -> bool:
    """Whether a column holds booleans: a bool column, or text pandas read as ``True``/``False`` beside
    missing cells (an object column, as pandas reads such a column with a gap)."""
    if pd.api.types.is_bool_dtype(raw):
        return True
    return raw.dtype == object and any(isinstance(v, bool | np.bool_) for v in raw.dropna())


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
        out, note = read[0], read[1] or None
    else:
        values = pd.to_numeric(raw, errors="coerce")
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
                f"{cell!r} ({int(bad.sum())} such value(s)){hint}"
            )
        out, note = values.to_numpy(dtype=np.float64), None
    infinite = np.flatnonzero(np.isinf(out))
    if len(infinite):  # inf, -inf, Infinity, or 1e400 (pandas reads it as inf): name the first, as above
        first = int(infinite[0])
        cell = raw.iloc[first] if isinstance(raw.iloc[first], str) else str(float(raw.iloc[first]))
        raise RnnkitError(
            f"column {col!r} of {path.name} holds infinite values (inf, or beyond 1.8e308): "
            f"{row_names(frame)(raw.index[first])} holds {cell!r} ({len(infinite)} such value(s)); "
            "write the number it stands for, or leave the cell empty (see --missing)"
        )
    largest = float(np.nanmax(np.abs(out))) if np.isfinite(out).any() else 0.0
    limit = MAX_SUM / max(len(out), 1)
    if largest > limit:  # a sum of the column would overflow float64: inf, then a crash
        raise RnnkitError(
            f"column {col!r} of {path.name} holds values as large as {largest:.3g}, beyond what rnnkit "
            f"computes with for {len(out)} rows ({limit:.1e}); rescale the column (divide it by a power of ten)"
        )
    return out, note
