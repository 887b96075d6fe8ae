"""Date values that pandas would read wrongly or not at all, made explicit before the dates are parsed.

- **Integer dates.** ``pd.to_datetime(20200131)`` is 20,200,131 nanoseconds after 1970-01-01, so a
  column of ``YYYYMMDD`` numbers silently became one day in 1970. Integers of eight digits that are
  valid ``YYYYMMDD`` dates are read as such, six-digit ones whose last two digits are 01..12 as ``YYYYMM``
  months (their first days), four-digit integers as years, Unix times in seconds or
  milliseconds (1973 to 2100: no other reading falls there) as UTC times, each with a note saying so;
  any other number (row counters) is one error line asking for written dates.
- **Quarters.** ``2024Q1``, ``2024-Q1``, ``Q1 2024``: pandas reads each on its own (and says nothing);
  they are read as the quarters' first days, with a note.
- **Months and half years.** ``2020M01`` (Eurostat, the IMF), ``2020-S1`` and ``2020H2``: read as their
  first days, with a note.
- **ISO weeks.** ``2020-W05``, ``2020W05`` (Eurostat's and the ECB's weekly ``TIME_PERIOD``), perhaps with
  a weekday (``2020-W05-1``): pandas reads none of them. They are read as their Mondays (the weekday's
  date where one is given), with a note; a week the year does not have (``2021-W53``) names its line.
- **Time-zone abbreviations.** ``2024-03-01 09:00 CET``: pandas reads ``UTC`` and ``GMT`` but no other
  abbreviation. Those of :data:`ZONE_OFFSETS` are written as their fixed offsets (``CET`` is ``+01:00``,
  ``CEST`` ``+02:00``), so a winter/summer file reads as a daylight-saving change does (below), with a
  note; one that names several zones (:data:`AMBIGUOUS_ZONES`: ``IST`` is India, Ireland or Israel) is
  one error line asking for the offset. An offset after UTC or GMT (``GMT+1``, ``UTC-5``) is read as
  written, ``+`` ahead of UTC (:func:`_utc_plus`).
- **Time intervals.** ``01.01.2024 00:00 - 01.01.2024 01:00`` (ENTSO-E), ``2024-01-01 00:00-01:00``: read
  as their starts, with a note (:func:`_intervals`).
- **Month names in other languages.** ``ene-24``, ``Mär 2024``, ``janv.-24``: written as English
  abbreviations, with a note (:mod:`rnnkit.forecast.month_names`).
- **Weekdays in brackets.** ``2024/03/04(Mon)``, ``2024/03/04(月)``: the weekday is dropped, with a note.
- **Mixed timezone offsets.** ``2020-03-28T00:00+01:00`` beside ``2020-03-30T00:00+02:00`` (a daylight
  saving change) makes pandas raise. Such dates are converted to UTC (and the note says so); dates with
  an offset mixed with dates without one cannot be placed on one clock and are one error line.

:func:`explicit_dates` returns the column as ISO text (or unchanged when nothing applies), so whatever
parses the dates next sees no ambiguity.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from rnnkit.forecast.dates import AMBIGUOUS_ZONES, SETTLED_BY, ZONE_OFFSETS, row_names
from rnnkit.forecast.month_names import cjk_dates, english_month_names
from rnnkit.utils.errors import RnnkitError

_OFFSET = re.compile(r"(?:(?<=\d)Z|[+-]\d{2}(?::?\d{2})?)$")  # a Z after a time, not the Z of MESZ
# Unix times from 1973-03-03 to 2100: seconds and milliseconds never overlap there, nor with YYYYMMDD
UNIX_TIMES = (("s", 10**8, 4_102_444_800), ("ms", 10**11, 4_102_444_800_000))
UNIT_NAMES = {"s": "seconds", "ms": "milliseconds"}
# Excel and LibreOffice count days from 1899-12-30: 10000 to 99999 are 1927-05-18 to 2173-10-14
EXCEL_DAYS = (10_000, 99_999)
_ISO_WEEK = re.compile(r"(?P<y>\d{4})\s*-?\s*W(?P<w>\d{2})(?:-?(?P<d>[1-7]))?", re.I)
# Eurostat's and the IMF's 2020M01 (months), Eurostat's 2020-S1 and others' 2020H1 (half years)
_MONTH_OR_HALF = re.compile(r"(?P<y>\d{4})\s*-?\s*(?:M(?P<m>1[0-2]|0?[1-9])|[SH](?P<h>[12]))", re.I)
_QUARTER = re.compile(r"(?P<y>\d{4})\s*-?\s*Q(?P<q>[1-4])|Q(?P<q2>[1-4])\s*[-/ ]?\s*(?P<y2>\d{4})", re.I)


def _integer_dates(raw: pd.Series, col: str, path: Path) -> tuple[pd.Series, str]:
    values = raw.to_numpy()
    floating = np.issubdtype(values.dtype, np.floating)
    if floating and not (
        np.all(np.isfinite(values)) and np.all(values == np.round(values)) and np.abs(values).max() < 1e15
    ):
        raise RnnkitError(
            f"{path.name}: date column {col!r} holds numbers, not dates; write dates like 2020-01-31"
        )
    ints = values.astype(np.int64)
    text = pd.Series(ints.astype(str), index=raw.index)
    if ints.min() >= 1000 and ints.max() <= 9999:
        return text, f"read the numbers in date column {col!r} as years"
    if ints.min() >= 10000101 and ints.max() <= 99991231:
        parsed = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
        if parsed.notna().all():
            iso = pd.Series(parsed.dt.strftime("%Y-%m-%d"), index=raw.index)
            return iso, f"read the numbers in date column {col!r} as YYYYMMDD dates"
    months = ints % 100
    if ints.min() >= 100001 and ints.max() <= 299912 and ((months >= 1) & (months <= 12)).all():
        # YYYYMM (Fama-French's factor files, many statistics offices): six digits, months 01..12
        iso = pd.Series([f"{v // 100}-{v % 100:02d}-01" for v in ints], index=raw.index)
        return iso, (
            f"read the numbers in date column {col!r} as YYYYMM months (the first of each month): "
            f"{ints[0]} is {iso.iloc[0]}"
        )
    for unit, lo, hi in UNIX_TIMES:
        if ints.min() >= lo and ints.max() <= hi:
            utc = pd.to_datetime(ints, unit=unit)
            iso = pd.Series(utc.strftime("%Y-%m-%d %H:%M:%S"), index=raw.index)
            first = iso.iloc[0].removesuffix(" 00:00:00")
            return iso, (
                f"read the numbers in date column {col!r} as Unix times in {UNIT_NAMES[unit]} (UTC): "
                f"{ints[0]} is {first}"
            )
    if ints.min() >= EXCEL_DAYS[0] and ints.max() <= EXCEL_DAYS[1]:  # a spreadsheet's day numbers
        raise RnnkitError(
            f"{path.name}: date column {col!r} holds numbers such as {ints[0]}, not dates: a spreadsheet's "
            "day numbers? Format the column as dates in the spreadsheet before saving the CSV"
        )
    raise RnnkitError(
        f"{path.name}: date column {col!r} holds numbers such as {ints[0]}, not dates (they would "
        "count nanoseconds from 1970); write dates like 2020-01-31, or YYYYMMDD (or YYYYMM) numbers"
    )


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
    (:func:`_intervals` reads that). A time of day that never moves (a daily ``00:00-05:00``, midnight in
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


def _intervals(raw: pd.Series, col: str, path: Path) -> tuple[pd.Series, str | None]:
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


_WEEKDAY_IN_BRACKETS = re.compile(
    r"\s*[(（]\s*(?P<day>mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|[月火水木金土日]|[월화수목금토일]|周[一二三四五六日])\s*[)）]",
    re.I,
)


def _weekdays_in_brackets(raw: pd.Series, col: str, path: Path) -> tuple[pd.Series, str | None]:
    """``raw`` without a weekday in brackets after each date (``2024/03/04(Mon)``, Japanese ``2024/03/04(月)``,
    Korean ``2024-03-04 (월)``, perhaps before a time), and a note; unchanged unless every filled value holds
    one. No format reads them, so such a file was "40 value(s) are not dates"."""
    text = raw.astype("string").str.strip()
    filled = text.notna() & (text != "").fillna(False)
    held = text.str.count(_WEEKDAY_IN_BRACKETS)
    if not filled.any() or not (held[filled] == 1).all():
        return raw, None
    out = raw.astype(object)
    out[filled] = [re.sub(r"\s+", " ", _WEEKDAY_IN_BRACKETS.sub(" ", v)).strip() for v in text[filled]]
    _check_weekdays(out[filled], text[filled], col, path)
    first = str(text[filled].iloc[0])
    return (
        out,
        f"read the dates in column {col!r} without their weekdays: {first!r} as {out[filled].iloc[0]!r}",
    )


_WEEKDAY_NUMBERS = {
    **{name: k for k, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: k for k, name in enumerate(calendar.day_name) for name in [name.lower()]},
    **{name: k for k, name in enumerate("月火水木金土日")},
    **{name: k for k, name in enumerate("월화수목금토일")},
    **{f"周{name}": k for k, name in enumerate("一二三四五六日")},
}


def holds_bracketed_weekdays(column: pd.Series) -> bool:
    """Whether every filled value holds one weekday in brackets after a date that starts with digits
    (``2024/03/04(月)``): a first column of them is the date column whatever its name (``日付``)."""
    text = column.dropna().astype("string").str.strip()
    return (
        len(text) > 0
        and bool((text.str.count(_WEEKDAY_IN_BRACKETS) == 1).all())
        and bool(text.str.match(r"\d").all())
    )


def _check_weekdays(dates: pd.Series, text: pd.Series, col: str, path: Path) -> None:
    """One line for a year-first date whose weekday in brackets is another day's (``2024/03/08(Mon)``: the
    8th is a Friday): a typo, or dates shifted against their weekdays. Day/month dates are left to the
    parser, which decides their reading from all the rows."""
    if not dates.str.match(r"\d{4}\D").all():
        return
    parsed = pd.to_datetime(dates, format="mixed", errors="coerce")
    written = text.str.extract(_WEEKDAY_IN_BRACKETS, expand=False)
    wrong = parsed.notna() & (written.str.lower().map(_WEEKDAY_NUMBERS) != parsed.dt.weekday)
    if wrong.any():
        row = wrong.index[int(np.flatnonzero(wrong.to_numpy())[0])]
        raise RnnkitError(
            f"{path.name}: {row_names(text)(row)} of date column {col!r} ({text[row]!r}) names a weekday that "
            f"{parsed[row]:%Y-%m-%d} is not (a {parsed[row]:%A}); correct the date or its weekday"
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


def _minutes(offset: str) -> int:
    """An offset's minutes east of UTC: ``+01:00`` 60, ``-0530`` -330, ``Z`` 0."""
    digits = offset.replace(":", "")
    if digits == "Z":
        return 0
    sign = -1 if digits[0] == "-" else 1
    return sign * (int(digits[1:3]) * 60 + (int(digits[3:5]) if len(digits) >= 5 else 0))


def explicit_dates(raw: pd.Series, col: str, path: Path) -> tuple[pd.Series, str | None]:
    """``raw`` with integer dates and mixed offsets made explicit, and a note of what was done (or None).

    Raises RnnkitError (one line) for numbers that are not dates and for offsets mixed with none.
    """
    if len(raw) == 0 or pd.api.types.is_datetime64_any_dtype(raw):
        return raw, None
    if pd.api.types.is_bool_dtype(raw):
        raise RnnkitError(f"{path.name}: date column {col!r} holds true/false values, not dates")
    if pd.api.types.is_numeric_dtype(raw):
        if raw.isna().any():
            return raw, None  # the date parser names the missing value's line
        return _integer_dates(raw, col, path)
    numbers = _text_numbers(raw, col, path)
    if numbers is not None:
        return numbers
    # ene-24 (Spanish), Mär 2024 (German): as Jan-24, Mar 2024, which the formats of dates.py read
    raw, month_note = english_month_names(raw, col)
    raw, cjk_note = cjk_dates(raw, col)  # 2024年1月20日: as 2024-01-20
    quarters = _quarters(raw, col)
    if quarters is not None:
        return quarters
    months = _months_or_halves(raw, col)
    if months is not None:
        return months
    weeks = _iso_weeks(raw, col, path)
    if weeks is not None:
        return weeks
    starts, interval_note = _intervals(raw, col, path)
    named, day_note = _weekdays_in_brackets(starts, col, path)
    plus, plus_note = _utc_plus(named, col)
    zoned, zone_note = _zone_names(plus, col, path)
    out, note = _offsets(zoned, col, path)
    notes = (month_note, cjk_note, interval_note, day_note, plus_note, zone_note, note)
    return out, "; ".join(n for n in notes if n) or None


def _text_numbers(raw: pd.Series, col: str, path: Path) -> tuple[pd.Series, str] | None:
    """Integer dates that pandas kept as text, read as :func:`_integer_dates` reads numbers: in a file of
    decimal commas (every cell text), or beside a notes row (``Source: ...``) or an empty cell, which
    stay as written for the parser to name. None when the column holds other text."""
    text = raw.astype("string").str.strip()
    whole = text.str.fullmatch(r"[1-9]\d{0,14}").fillna(False).to_numpy()  # in int64, as numbers are
    words = ~whole & text.notna().to_numpy() & ~text.str.contains(r"\d").fillna(False).to_numpy()
    if not whole.any() or not (whole | words | text.isna().to_numpy()).all() or words.sum() >= whole.sum():
        return None
    dates, note = _integer_dates(text[whole].astype("int64"), col, path)
    out = raw.astype(object)
    out[whole] = dates.to_numpy()
    return out, note


def _quarters(raw: pd.Series, col: str) -> tuple[pd.Series, str] | None:
    """Quarters (``2024Q1``) as the ISO dates of their first days, or None when some value is no quarter."""
    text = raw.astype("string").str.strip()
    if not text.str.fullmatch(_QUARTER).fillna(False).all():  # an empty date: the parser names its line
        return None
    found = text.str.extract(_QUARTER)
    year = found["y"].fillna(found["y2"]).astype(int)
    quarter = found["q"].fillna(found["q2"]).astype(int)
    iso = pd.Series(
        [f"{y:04d}-{3 * q - 2:02d}-01" for y, q in zip(year, quarter, strict=True)], index=raw.index
    )
    return (
        iso,
        f"read the quarters in date column {col!r} as their first days: {text.iloc[0]} is {iso.iloc[0]}",
    )


def _months_or_halves(raw: pd.Series, col: str) -> tuple[pd.Series, str] | None:
    """Months (``2020M01``) and half years (``2020-S1``, ``2020H2``) as the ISO dates of their first days,
    or None when some value is neither; pandas reads none of them."""
    text = raw.astype("string").str.strip()
    if not text.str.fullmatch(_MONTH_OR_HALF).fillna(False).all():  # an empty date: the parser names its line
        return None
    found = text.str.extract(_MONTH_OR_HALF)
    halves = found["m"].isna()
    if halves.any() and not halves.all():
        return None  # months mixed with half years: the parser names the lines it cannot read
    month = 6 * found["h"].astype(int) - 5 if halves.all() else found["m"].astype(int)
    iso = pd.Series(
        [f"{int(y):04d}-{m:02d}-01" for y, m in zip(found["y"], month, strict=True)], index=raw.index
    )
    what = "half years" if halves.all() else "months"
    return iso, f"read the {what} in date column {col!r} as their first days: {text.iloc[0]} is {iso.iloc[0]}"


def holds_periods(raw: pd.Series) -> bool:
    """Whether every filled value is an ISO week (``2020-W05``), or every one a month or half year
    (``2020M01``, ``2020-S1``): a column of dates pandas cannot see."""
    text = raw.dropna().astype("string").str.strip()
    return len(text) > 0 and any(
        bool(text.str.fullmatch(pattern).fillna(False).all()) for pattern in (_ISO_WEEK, _MONTH_OR_HALF)
    )


def is_period_text(text: str) -> bool:
    """Whether ``text`` is one period written the ways pandas cannot read: an ISO week (``2020-W05``),
    a month or half year (``2020M01``, ``2020-S1``) or a quarter (``2024Q1``, ``Q1 2024``)."""
    return any(pattern.fullmatch(text.strip()) for pattern in (_ISO_WEEK, _MONTH_OR_HALF, _QUARTER))


def _iso_weeks(raw: pd.Series, col: str, path: Path) -> tuple[pd.Series, str] | None:
    """ISO weeks (``2020-W05``) as the ISO dates of their Mondays (or of the weekday given), or None
    when some value is no week (an empty one: the parser names its line)."""
    text = raw.astype("string").str.strip()
    if not text.str.fullmatch(_ISO_WEEK).fillna(False).all():
        return None
    found = text.str.extract(_ISO_WEEK)
    days = []
    for row, (year, week, weekday) in zip(raw.index, found.itertuples(index=False), strict=True):
        try:
            days.append(
                date.fromisocalendar(
                    int(year), int(week), 1 if pd.isna(weekday) else int(weekday)
                ).isoformat()
            )
        except ValueError:  # week 00, or 53 in a year of 52 weeks
            raise RnnkitError(
                f"{path.name}: {row_names(raw)(row)} of date column {col!r} ({text.loc[row]}) is no ISO week: "
                f"{year} has weeks W01 to W{date(int(year), 12, 28).isocalendar().week:02d}"
            ) from None
    iso = pd.Series(days, index=raw.index)
    return (
        iso,
        f"read the ISO weeks in date column {col!r} as their Mondays: {text.iloc[0]} is {iso.iloc[0]}",
    )
