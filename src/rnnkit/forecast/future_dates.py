"""The note for a date column whose last date lies after today.

A two-digit year is read as spreadsheets read it (00-29 is 2000-2029, 30-99 is 1930-1999), so a
history written ``01/03/28`` ends in 2028: right for Excel, wrong for a series of the 1920s. Dates in the
future are never refused (a plan or a schedule may be a series), but the user is told in one line which
date was read and, for a two-digit year, how to write it unambiguously.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from rnnkit.forecast.dates import row_names


def today() -> pd.Timestamp:
    """Today's date at midnight, on this computer's clock (a function, so that tests can fix it)."""
    return pd.Timestamp.now().normalize()


def future_note(dates: pd.DatetimeIndex, raw: pd.Series, col: str, where: str) -> str | None:
    """One note when the last of ``dates`` (``(T,)``, read from the text cells ``raw``) is after today,
    else None. It names the row and its text, the date it was read as and, when the text holds no
    four-digit year, the century rule and how to write the year instead."""
    if len(dates) == 0 or dates.isna().all():
        return None
    last_at = int(np.argmax(dates.asi8))  # the latest date, wherever it is (newest-first files); NaT is least
    last = dates[last_at]
    day = (last.tz_localize(None) if last.tz is not None else last).normalize()
    now = today()
    if day <= now:
        return None
    text = " ".join(str(raw.iloc[last_at]).split())
    said = (
        f"{where}: the last date in column {col!r}, {row_names(raw)(raw.index[last_at])} ({text!r}), "
        f"is read as {day:%Y-%m-%d}, after today ({now:%Y-%m-%d})"
    )
    if re.search(r"\d{4}", text):
        return f"{said}; check the dates if the series should end by today"
    century = day.year - 100
    return (
        f"{said}: a two-digit year 00-29 is read as 2000-2029, as spreadsheets read it; if {century} is "
        f"meant, write the years with four digits ({century}, not {day.year % 100:02d})"
    )
