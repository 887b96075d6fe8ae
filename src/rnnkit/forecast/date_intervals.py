"""Time intervals in a date column, read as their starts before the dates are parsed.

ENTSO-E's ``01.01.2024 00:00 - 01.01.2024 01:00`` (spaces around the dash), ISO 8601's
``2024-01-01T00:00Z/2024-01-01T01:00Z`` and ``2024-01-01T00:00/PT1H``, a meter's ``2024-01-01 00:00-01:00``
and a clock range after a date (``01.03.2024 9:00-17:30``): pandas reads none of them, or reads the end of
a range as a UTC offset. :func:`interval_starts` writes each as its start, with a note;
:func:`holds_intervals` tells the date column finder that a first column of them is the dates.
A step of :func:`rnnkit.forecast.date_values.explicit_dates`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from rnnkit.utils.errors import RnnkitError

# a date (and time) with its separators, a dash with spaces, and another: 2024 - 01 - 05 is none
_SPACED_INTERVAL = re.compile(
    r"^(?P<start>\d\S*[./:-]\S*\d(?:\s+\d\S*\d)?)\s+[-–—]\s+(?P<end>\d\S*\d(?:\s+\d\S*\d)?)$"
)
# ISO 8601's interval: a start and its end, or its duration, after a slash (2024-01-01T00:00Z/2024-01-01T01:00Z,
# 2024-01-01T00:00/PT1H), as energy and statistics APIs write a period
_ISO_INTERVAL = re.compile(
    r"^(?P<start>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?)"
    r"/(?P<end>P[\dYMWDTHS.,]+|\d{4}-\d{2}-\d{2}\S*|\d{2}:\d{2}\S*)$"
)
_TIME_RANGE = re.compile(r"^(?P<start>\d.*?(?P<h>\d{1,2}):(?P<m>\d{2}))-(?P<eh>\d{1,2}):(?P<em>\d{2})$")
# a date, a space, then hours and minutes to hours and minutes: 2024-03-01 09:00-10:00, 01.03.2024 9:00-17:30
_CLOCK_RANGE = re.compile(
    r"^(?P<start>\d\S*\d\s+(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d))(?P<dash>[-–])(?P<eh>[01]?\d|2[0-4]):(?P<em>[0-5]\d)$"
)


def _clock_ranges(values: pd.Series, col: str, path: Path) -> pd.Series | None:
    """The starts of ``values`` when every one is a clock range after a space (:data:`_CLOCK_RANGE`) whose
    end cannot be a UTC offset in some row (``09:00-17:00``: no zone is 17 hours behind UTC, nor at
    minutes other than 00, 30 and 45, nor written with an en dash), else None. ``09:00-10:00`` also reads
    as 09:00 at the offset -10:00; across rows the two differ: an offset stays put (one value, or two a
    daylight-saving hour apart) while the times of day move, and a range's end moves with its start
    (:func:`interval_starts` reads that). A time of day that never moves (a daily ``00:00-05:00``, midnight in
    New York, or ``09:00-10:00``, a lesson) under one suffix that can be an offset reads both ways: one
    line naming the two readings and the ``--date-format`` of each, rather than a guess that moves every
    date by hours, or drops its zone, without a word. The same time under two suffixes (a daily midnight
    across a daylight-saving change, ``00:00-04:00`` then ``00:00-05:00``) is an offset: a range's end does
    not move while its start stays put."""
    ranged = values.str.extract(_CLOCK_RANGE)
    if ranged["start"].isna().any():
        return None
    end_h, end_m = ranged["eh"].astype(int), ranged["em"].astype(int)
    offset_like = (ranged["dash"] == "-") & ((end_h * 60 + end_m) <= 12 * 60) & end_m.isin([0, 30, 45])
    if not bool(offset_like.all()):
        return ranged["start"]
    clock = ranged["h"].astype(int) * 60 + ranged["m"].astype(int)
    if clock.nunique() > 1:  # the times move: an offset stays put, a range's end moves with its start
        return None
    if (end_h * 60 + end_m).nunique() > 1:  # a suffix moving under a fixed start is an offset (_offsets)
        return None
    value, start = str(values.iloc[0]), str(ranged["start"].iloc[0])
    suffix, date_part = value[len(start) :], start.rsplit(None, 1)[0]
    day = "%Y-%m-%d" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_part) else "<the date's format>"
    raise RnnkitError(
        f"{path.name}: date column {col!r} writes {value!r} at one time of day in every row, which reads "
        f"as {start} at the UTC offset {suffix} or as the interval {start} to {suffix[1:]}; for the offset "
        f"give --date-format '{day} %H:%M%z', for the interval --date-format '{day} %H:%M{suffix}' "
        "(the end written as it is, read as the start)"
    )


def interval_starts(raw: pd.Series, col: str, path: Path) -> tuple[pd.Series, str | None]:
    """``raw`` with time intervals read as their starts, and a note; unchanged unless every filled value is
    one. ENTSO-E's ``01.01.2024 00:00 - 01.01.2024 01:00`` (spaces around the dash) and ISO 8601's
    ``2024-01-01T00:00Z/2024-01-01T01:00Z`` or ``2024-01-01T00:00/PT1H`` made no date column,
    and a meter's ``2024-01-01 00:00-01:00`` was read as 00:00 at the offset -01:00, a different "offset"
    each hour. Without spaces, a range is told from an offset by its end: a fixed time after its start
    that takes more than two values (an offset takes one, or two across a daylight-saving change), or,
    after a space, an end no offset can be (:func:`_clock_ranges`, which refuses a daily time whose
    suffix reads both ways)."""
    text = raw.astype("string").str.strip()
    filled = (text.notna() & (text != "")).fillna(False)
    if not filled.any():
        return raw, None
    values = text[filled]
    spaced = values.str.extract(_SPACED_INTERVAL)
    if spaced["start"].notna().all():
        starts = spaced["start"]
    elif (iso := values.str.extract(_ISO_INTERVAL))["start"].notna().all():
        starts = iso["start"]
    elif (clocked := _clock_ranges(values, col, path)) is not None:
        starts = clocked
    else:
        ranged = values.str.extract(_TIME_RANGE)
        if ranged["start"].isna().any() or (ranged["eh"] + ":" + ranged["em"]).nunique() <= 2:
            return raw, None
        minutes = (ranged["eh"].astype(int) * 60 + ranged["em"].astype(int)) - (
            ranged["h"].astype(int) * 60 + ranged["m"].astype(int)
        )
        if (minutes % 1440).nunique() != 1:
            return raw, None
        starts = ranged["start"]
    out = raw.astype(object)
    out[filled] = starts.to_numpy()
    return (
        out,
        f"read the intervals in date column {col!r} as their starts: {values.iloc[0]!r} as {starts.iloc[0]!r}",
    )


def holds_intervals(column: pd.Series) -> bool:
    """Whether every filled value is a time interval written with spaces around the dash
    (``01.01.2024 00:00 - 01.01.2024 01:00``), or every one an ISO 8601 interval
    (``2024-01-01T00:00Z/PT1H``): a first column of them is the date column whatever its name (ENTSO-E's
    ``MTU (CET/CEST)``, ``interval``)."""
    text = column.dropna().astype("string").str.strip()
    return len(text) > 0 and any(
        bool(text.str.fullmatch(form).all()) for form in (_SPACED_INTERVAL, _ISO_INTERVAL)
    )
