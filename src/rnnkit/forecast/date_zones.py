"""Time zones written after a date column's times, made explicit before the dates are parsed.

- **Time-zone abbreviations.** ``2024-03-01 09:00 CET``: pandas reads ``UTC`` and ``GMT`` but no other
  abbreviation. Those of :data:`~rnnkit.forecast.dates.ZONE_OFFSETS` are written as their fixed offsets
  (``CET`` is ``+01:00``, ``CEST`` ``+02:00``), so a winter/summer file reads as a daylight-saving change
  does (below), with a note; one that names several zones (:data:`~rnnkit.forecast.dates.AMBIGUOUS_ZONES`:
  ``IST`` is India, Ireland or Israel) is one error line asking for the offset. An offset after UTC or GMT
  (``GMT+1``, ``UTC-5``) is read as written, ``+`` ahead of UTC (:func:`_utc_plus`).
- **Mixed timezone offsets.** ``2020-03-28T00:00+01:00`` beside ``2020-03-30T00:00+02:00`` (a daylight
  saving change) makes pandas raise. Such dates are converted to UTC (and the note says so), or read as
  the local dates written where every time is one local time of day; dates with an offset mixed with dates
  without one cannot be placed on one clock and are one error line (:func:`_offsets`).

:func:`explicit_zones` runs these steps for :func:`rnnkit.forecast.date_values.explicit_dates`;
:func:`zones_for_format` runs them for a ``--date-format`` that ends with ``%Z``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from rnnkit.forecast.dates import AMBIGUOUS_ZONES, SETTLED_BY, ZONE_OFFSETS, row_names
from rnnkit.utils.errors import RnnkitError

_OFFSET = re.compile(r"(?:(?<=\d)Z|[+-]\d{2}(?::?\d{2})?)$")  # a Z after a time, not the Z of MESZ


def _offsets(
    raw: pd.Series, col: str, path: Path, date_format: str | None = None
) -> tuple[pd.Series, str | None]:
    text = raw.astype(str).str.strip()
    has = text.str.contains(_OFFSET)
    # a date alone ("2020-01-31") ends in "-31", which looks like an offset: only times count
    has &= text.str.contains(r"\d[T ]\d|\d:\d", regex=True)
    if not has.any():
        return raw, None
    offsets = set(text[has].str.extract(f"({_OFFSET.pattern})", expand=False))
    # a value that is no date at all ("Source: ...", an empty cell) is the parser's to name, as such
    without = ~has & text.str.match(r"\d")
    if without.any():
        first = int(np.flatnonzero(without.to_numpy())[0])
        raise RnnkitError(
            f"{path.name}: date column {col!r} mixes times with a timezone offset and without one "
            f"({row_names(raw)(raw.index[first])}: {raw.iloc[first]!r}); give every time an offset, or none"
        )
    normalised = {o.replace(":", "") if o != "Z" else "+0000" for o in offsets}
    if len(normalised) == 1:
        return raw, None
    timed = text[has]
    try:
        # the user's format where one reads the values (25/03/2024 is day first), else each on its own
        utc = pd.to_datetime(timed, utc=True, format=date_format or "mixed")
    except (ValueError, TypeError) as exc:
        raise RnnkitError(f"{path.name}: dates in column {col!r} do not parse ({exc})") from None
    local = utc.dt.tz_localize(None) + pd.to_timedelta(
        timed.str.extract(f"({_OFFSET.pattern})", expand=False).map(_minutes), unit="min"
    )
    clock = local - local.dt.normalize()
    out = raw.astype(object)  # the values that are no dates stay as written (an empty one empty)
    if (clock == clock.iloc[0]).all():
        # One time of day in local time (daily data, a daylight-saving change between): the dates are
        # calendar days, read as written. In UTC a midnight in summer is 22:00 the day before, so
        # weekdays, business-day forecasts and the season would all come out wrong.
        out[has] = timed.str.replace(_OFFSET, "", regex=True).str.strip()
        return out, (
            f"dates in column {col!r} had {len(normalised)} timezone offsets (a daylight-saving change) and "
            "one local time of day; read them as the local dates written"
        )
    out[has] = utc.dt.tz_localize(None).dt.strftime("%Y-%m-%d %H:%M:%S")
    return out, f"dates in column {col!r} had {len(normalised)} timezone offsets; converted them to UTC"


_ZONE_WORD = re.compile(r"(?<=[\dMm])\s*\(?(?P<zone>[A-Za-z]{2,4})\)?$")


_UTC_PLUS = re.compile(
    r"(?<=[\dMm])\s*\(?(?:UTC|GMT)\s*(?P<sign>[-+\u2212])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\)?$", re.I
)


def _utc_plus(raw: pd.Series, col: str) -> tuple[pd.Series, str | None]:
    """``raw`` with offsets written after UTC or GMT (``09:00 GMT+1``, ``UTC-5``, ``GMT+05:30``) as plain
    offsets (``09:00 +01:00``), and a note; unchanged when no value ends with one. ``GMT+1`` is an hour
    ahead of UTC as people write it; pandas read it as a POSIX zone string, whose sign is the other way
    round, and every time came out two hours wrong, with only a warning to check the dates."""
    text = raw.astype("string").str.strip()
    found = (
        text.str.extract(_UTC_PLUS)["h"].notna().to_numpy()
        & text.str.contains(r"\d:\d").fillna(False).to_numpy()
    )
    if not found.any():
        return raw, None

    def offset(m: re.Match) -> str:
        sign = "-" if m["sign"] in "-\u2212" else "+"
        return f" {sign}{int(m['h']):02d}:{m['m'] or '00'}"

    out = raw.astype(object)
    out[found] = [_UTC_PLUS.sub(offset, value) for value in text[found]]
    first = int(np.flatnonzero(found)[0])
    shown = _UTC_PLUS.search(str(text.iloc[first]))
    return out, (
        f"read the offsets after UTC/GMT in date column {col!r} as written (+ is ahead of UTC): "
        f"{shown.group(0).strip()!r} is {offset(shown).strip()}"
    )


def _zone_names(raw: pd.Series, col: str, path: Path) -> tuple[pd.Series, str | None]:
    """``raw`` with the time-zone abbreviations that end its times (``09:00 CET``) written as offsets
    (``09:00+01:00``), and a note; unchanged when no time ends with one. An ambiguous abbreviation
    (:data:`AMBIGUOUS_ZONES`) is one line naming the value and asking for the offset."""
    text = raw.astype("string").str.strip()
    timed = text.str.contains(r"\d:\d", regex=True).fillna(False)
    zones = text.str.extract(_ZONE_WORD, expand=False).str.upper().where(timed)
    known = zones.isin(ZONE_OFFSETS.keys() | AMBIGUOUS_ZONES.keys()).fillna(False).to_numpy()
    if not known.any():
        return raw, None
    present = set(zones.dropna())
    offsets = ZONE_OFFSETS | {
        zone: at for (zone, beside), at in SETTLED_BY.items() if {zone, beside} <= present
    }
    unsettled = AMBIGUOUS_ZONES.keys() - offsets.keys()
    ambiguous = np.flatnonzero(zones.isin(unsettled).fillna(False).to_numpy())
    if len(ambiguous):
        r = int(ambiguous[0])
        zone, value = zones.iloc[r], str(text.iloc[r])
        places = [f"{place} {offset}" for place, offset in AMBIGUOUS_ZONES[zone]]
        raise RnnkitError(
            f"{path.name}: {row_names(raw)(raw.index[r])} of date column {col!r} ({value!r}) writes the time "
            f"zone {zone!r}, which names several ({', '.join(places[:-1])} or {places[-1]}); write each time "
            f"with its UTC offset instead (e.g. {_ZONE_WORD.sub('', value)}{AMBIGUOUS_ZONES[zone][0][1]})"
        )
    found = zones[known]
    if set(found) <= {"UTC", "GMT"}:  # pandas reads these two as they are written
        return raw, None
    out = raw.astype(object)
    out[known] = [
        _ZONE_WORD.sub("", value) + " " + offsets[zone]
        for value, zone in zip(text[known], found, strict=True)
    ]
    shown = ", ".join(f"{z} as {offsets[z]}" for z in dict.fromkeys(found))
    return out, f"read the time zones in date column {col!r} as fixed offsets: {shown}"


def zones_for_format(
    raw: pd.Series, col: str, path: Path, date_format: str
) -> tuple[pd.Series, str, str | None]:
    """``(values, format, note)`` for a ``--date-format`` that ends with ``%Z``: the abbreviations of
    :data:`ZONE_OFFSETS` read as the dates read without a format read them (:func:`_zone_names`, then
    :func:`_offsets`), and the format that reads the values so made; an ambiguous one (``IST``) is the
    same line naming it. ``%Z`` read ``UTC``, ``GMT`` and the zone database's names (``CET``, ``EST``) but
    not ``CEST``, ``MEZ`` or ``JST``: a file that read without the option was "30 value(s) do not match
    --date-format". Any other format is the user's, returned as it is."""
    head = date_format.rstrip()
    if not head.endswith("%Z"):
        return raw, date_format, None
    zoned, zone_note = _zone_names(raw, col, path)
    if zone_note is None:  # UTC, GMT or no table's zone: pandas' %Z reads them, or names the lines
        return raw, date_format, None
    # _zone_names writes ' +09:00' after the time whether the file wrote '00:00 JST' or '00:00JST'
    with_offset = head[:-2].rstrip() + " %z"
    try:
        out, note = _offsets(zoned, col, path, with_offset)
    except RnnkitError:  # a value the user's format does not read: named as written, with that format
        return raw, date_format, None
    if note is None:  # one offset, written after the time as %z reads it
        rewritten = (zoned.astype("string") != raw.astype("string")).fillna(False)
        if pd.to_datetime(zoned[rewritten], format=with_offset, errors="coerce").isna().any():
            return raw, date_format, None  # named as written, with the user's format
        return out, with_offset, zone_note
    # a daylight-saving change: the local dates written, or the times in UTC, as _offsets wrote them
    fmt = "%Y-%m-%d %H:%M:%S" if note.endswith("converted them to UTC") else head[:-2].rstrip()
    return out, fmt, f"{zone_note}; {note}"


def writes_zone(text: pd.Series) -> np.ndarray:
    """Which values write a time with a zone: an offset (``23:00:00 -0500``, ``Z``), a zone's name
    (``09:00 CET``) or UTC/GMT. Their dates may be read as UTC times, on another day than the one written,
    so a weekday written beside them is checked against nothing."""
    text = text.astype("string").str.strip()
    zoned = (text.str.count(_OFFSET) + text.str.count(_ZONE_WORD) + text.str.count(r"(?i)\b(?:UTC|GMT)")) > 0
    return (text.str.contains(r"\d:\d") & zoned).fillna(False).to_numpy(dtype=bool)


def _minutes(offset: str) -> int:
    """An offset's minutes east of UTC: ``+01:00`` 60, ``-0530`` -330, ``Z`` 0."""
    digits = offset.replace(":", "")
    if digits == "Z":
        return 0
    sign = -1 if digits[0] == "-" else 1
    return sign * (int(digits[1:3]) * 60 + (int(digits[3:5]) if len(digits) >= 5 else 0))


def explicit_zones(raw: pd.Series, col: str, path: Path) -> tuple[pd.Series, str | None]:
    """``raw`` with offsets after UTC/GMT, zone abbreviations and mixed offsets made explicit (in that
    order: an abbreviation becomes an offset, and offsets are then read together), and a note of what was
    done (or None). Raises RnnkitError (one line) for an ambiguous abbreviation and for offsets mixed with
    none."""
    plus, plus_note = _utc_plus(raw, col)
    zoned, zone_note = _zone_names(plus, col, path)
    out, note = _offsets(zoned, col, path)
    return out, "; ".join(n for n in (plus_note, zone_note, note) if n) or None
