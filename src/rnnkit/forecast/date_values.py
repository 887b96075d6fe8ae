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
- **Time intervals.** ``01.01.2024 00:00 - 01.01.2024 01:00`` (ENTSO-E), ``2024-01-01 00:00-01:00``: read
  as their starts, with a note (:mod:`rnnkit.forecast.date_intervals`).
- **Month names in other languages.** ``ene-24``, ``Mär 2024``, ``janv.-24``: written as English
  abbreviations, with a note (:mod:`rnnkit.forecast.month_names`).
- **Weekdays in brackets.** ``2024/03/04(Mon)``, ``2024/03/04(月)``: the weekday is dropped, with a note.
  A weekday written with a date (in brackets, or a long date's: ``Monday, 2 January 2024``) is checked
  against the date once it is read (:func:`check_weekdays`).
- **Time zones.** ``09:00 CET``, ``09:00 GMT+1`` and offsets that change with daylight saving
  (``+01:00`` beside ``+02:00``): read as fixed offsets, then as local dates or UTC times, with a note
  (:mod:`rnnkit.forecast.date_zones`).

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

from rnnkit.forecast.date_intervals import interval_starts
from rnnkit.forecast.date_zones import explicit_zones, writes_zone
from rnnkit.forecast.dates import row_names
from rnnkit.forecast.month_names import LOCAL_WEEKDAYS, cjk_dates, english_month_names
from rnnkit.utils.errors import RnnkitError

# Unix times from 1973-03-03 to 2100: seconds and milliseconds never overlap there, nor with YYYYMMDD
UNIX_TIMES = (("s", 10**8, 4_102_444_800), ("ms", 10**11, 4_102_444_800_000))
UNIT_NAMES = {"s": "seconds", "ms": "milliseconds"}
# Excel and LibreOffice count days from 1899-12-30: 10000 to 99999 are 1927-05-18 to 2173-10-14
EXCEL_DAYS = (10_000, 99_999)
_ISO_WEEK = re.compile(r"(?P<y>\d{4})\s*-?\s*W(?P<w>\d{2})(?:-?(?P<d>[1-7]))?", re.I)
# Eurostat's and the IMF's 2020M01 (months), Eurostat's 2020-S1 and others' 2020H1 (half years)
_MONTH_OR_HALF = re.compile(r"(?P<y>\d{4})\s*-?\s*(?:M(?P<m>1[0-2]|0?[1-9])|[SH](?P<h>[12]))", re.I)
_QUARTER = re.compile(r"(?P<y>\d{4})\s*-?\s*Q(?P<q>[1-4])|Q(?P<q2>[1-4])\s*[-/ ]?\s*(?P<y2>\d{4})", re.I)
# a season or fiscal year across two years (2019-20, 2019/20, 2019-2020, Wikipedia's 2019–20, FY2019-20)
# an ordinal day (1st, 22nd, 3rd, 4th) of an English date, before a month name, a comma or a year, or
# after one: 'January 1st, 2021', '1st January 2021', 'Jan 5th 2021', 'the 1st of January 2021'; a
# weekday before the day ('Friday, 1st January 2021') is kept as written, for the weekday check
_MONTH = "|".join(m.lower() for m in calendar.month_abbr[1:])
_ORDINAL = re.compile(
    r"^(?P<wd>\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?)(?:the\s+)?"
    rf"(?P<d>[0-3]?\d)(?:st|nd|rd|th)(?:\s+of)?(?=\s+(?:{_MONTH})[a-z]*\.?[\s,]+\d{{4}}\b)"
    rf"|(?<=[a-z]\s)(?P<d2>[0-3]?\d)(?:st|nd|rd|th)(?=,?\s+\d{{4}}\b)",
    re.I,
)
_SEASON = re.compile(r"(?:FY\s*)?(?P<y>[12]\d{3})\s*[-/–]\s*(?P<n>\d{4}|\d{2})", re.I)


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
    first = str(text[filled].iloc[0])
    return (
        out,
        f"read the dates in column {col!r} without their weekdays: {first!r} as {out[filled].iloc[0]!r}",
    )


_WEEKDAY_NUMBERS = {
    **{name: k for k, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: k for k, name in enumerate(calendar.day_name) for name in [name.lower()]},
    **{"tues": 1, "thur": 3, "thurs": 3},
    **LOCAL_WEEKDAYS,  # a long date's: lunes, Montag
    **{name: k for k, name in enumerate("月火水木金土日")},
    **{name: k for k, name in enumerate("월화수목금토일")},
    **{f"周{name}": k for k, name in enumerate("一二三四五六日")},
}
# a weekday's name as a word (Monday, Mon., lunes); 月 and 日 only in brackets: 2024年1月 holds no weekday
_WEEKDAY_WORDS = {word: k for word, k in _WEEKDAY_NUMBERS.items() if word.isascii() or word in LOCAL_WEEKDAYS}
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")


def holds_bracketed_weekdays(column: pd.Series) -> bool:
    """Whether every filled value holds one weekday in brackets after a date that starts with digits
    (``2024/03/04(月)``): a first column of them is the date column whatever its name (``日付``)."""
    text = column.dropna().astype("string").str.strip()
    return (
        len(text) > 0
        and bool((text.str.count(_WEEKDAY_IN_BRACKETS) == 1).all())
        and bool(text.str.match(r"\d").all())
    )


def written_weekdays(text: pd.Series) -> pd.Series:
    """Each value's weekday (Monday 0) where it names one, in brackets (``2024/03/04(月)``) or as a word
    (``Monday, 4 March 2024``, ``Mon 2024-03-04``, ``lunes, 4 de marzo de 2024``), else NaN; a value that
    names two different days (``Mon-Fri``) names none. Words are looked up, not searched for: a pattern of
    every weekday's name took seconds over a column of ISO dates."""
    text = text.astype("string")

    def day(value: str) -> float:
        days = {_WEEKDAY_WORDS.get(w.lower()) for w in _LETTERS.findall(value)} - {None}
        days |= {_WEEKDAY_NUMBERS[w.lower()] for w in _WEEKDAY_IN_BRACKETS.findall(value)}
        return float(days.pop()) if len(days) == 1 else np.nan

    out = np.full(len(text), np.nan)
    # the column's letters first, at once: 2024-01-31 or 2024-01-31T00:00Z spell no weekday (asked row by
    # row, or searched for, a column of hourly ISO dates took longer to ask than to parse)
    chars = set("".join(text.dropna().tolist()).lower())
    if "(" in chars or "（" in chars or any(set(word) <= chars for word in _WEEKDAY_WORDS):
        filled = text.notna().to_numpy(dtype=bool)
        # each distinct spelling once, its digits as 0 (no word or bracket holds one): an hourly column
        # of '01 Jan 1950 00:00' is 12 spellings, not a million rows asked in Python (seconds)
        shapes = text[filled].astype(object).str.translate(_DIGITS_AS_ZERO)
        out[filled] = shapes.map({shape: day(shape) for shape in shapes.unique()}).to_numpy(dtype=float)
    return pd.Series(out, index=text.index)


def without_weekdays(text: pd.Series) -> pd.Series:
    """``text`` with the weekdays' words dropped (``Tuesday, 2 January 2024`` as ``2 January 2024``)."""

    def dropped(value: str) -> str:
        kept = _LETTERS.sub(lambda m: "" if m.group(0).lower() in _WEEKDAY_WORDS else m.group(0), value)
        return re.sub(r"\s+", " ", kept).strip(" ,.-")

    return text.astype("string").map(dropped, na_action="ignore")


def check_weekdays(dates: pd.DatetimeIndex, written: pd.Series, col: str, path: Path) -> None:
    """One line for the first date whose written weekday is another day's (``Monday, 2 January 2024``, a
    Tuesday; ``2024/03/08(Mon)``, a Friday): a typo, or dates shifted against their weekdays, which the
    reading passes over (``%A`` checks nothing; a long date's weekday in another language, or one in
    brackets, is dropped before parsing). ``dates`` are ``written`` parsed, row for row. A time written
    with a zone (``Mon, 01 Jan 2024 23:00 -0500``) is left alone: read as UTC it may be the next day."""
    days = written_weekdays(written).to_numpy()
    weekdays = np.asarray(dates.day_of_week, dtype=float)  # NaN for NaT
    wrong = ~np.isnan(days) & ~np.isnan(weekdays)
    wrong[wrong] = days[wrong] != weekdays[wrong]
    wrong[wrong] = ~writes_zone(written[wrong])  # asked of the few rows only
    if wrong.any():
        k = int(np.flatnonzero(wrong)[0])
        date, row = dates[k], row_names(written)(written.index[k])
        raise RnnkitError(
            f"{path.name}: {row} of date column {col!r} ({written.iloc[k]!r}) "
            f"names a weekday that {date:%Y-%m-%d} is not (a {date:%A}); correct the date or its weekday"
        )


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
    raw, ordinal_note = _ordinal_days(raw, col)  # January 1st, 2021: as January 1, 2021
    raw, cjk_note = cjk_dates(raw, col)  # 2024年1月20日: as 2024-01-20
    seasons = _seasons(raw, col)
    if seasons is not None:
        return seasons
    quarters = _quarters(raw, col)
    if quarters is not None:
        return quarters
    months = _months_or_halves(raw, col)
    if months is not None:
        return months
    weeks = _iso_weeks(raw, col, path)
    if weeks is not None:
        return weeks
    starts, interval_note = interval_starts(raw, col, path)
    named, day_note = _weekdays_in_brackets(starts, col, path)
    out, zone_note = explicit_zones(named, col, path)
    notes = (month_note, ordinal_note, cjk_note, interval_note, day_note, zone_note)
    return out, "; ".join(n for n in notes if n) or None


def _ordinal_days(raw: pd.Series, col: str) -> tuple[pd.Series, str | None]:
    """``raw`` with the ordinal days of English dates as plain numbers (``January 1st, 2021`` as
    ``January 1, 2021``, ``the 1st of January 2021`` as ``1 January 2021``), and a note, or ``raw`` and
    None where no value writes one. pandas guessed the suffix as text (``%B %dst, %Y``), so every day
    but the 1st, 21st and 31st was 'not a date in the format of line 2'. Only a day number before a
    month name and a year, or between a month name and a year, loses its suffix: ``4th Street`` stays."""
    if raw.dtype != object and not str(raw.dtype).startswith("str"):
        return raw, None
    text = raw.astype("string")
    plain = text.str.replace(
        _ORDINAL, lambda m: m.group("wd") + m.group("d") if m.group("d") else m.group("d2"), n=1, regex=True
    )
    changed = (plain != text).fillna(False).to_numpy()
    if not changed.any():
        return raw, None
    out = raw.astype(object).copy()
    out[changed] = plain[changed].str.strip().to_numpy()
    k = int(np.argmax(changed))
    note = f"read the ordinal days in date column {col!r} as numbers: {str(raw.iloc[k]).strip()!r} as {out.iloc[k]!r}"
    return out, note


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


def _season_years(raw: pd.Series) -> pd.Series | None:
    """Each value's first year where every value (two or more) is a season or fiscal year written across
    two years, the second the next (``2019-20``, ``2019/20``, ``2019-2020``, ``FY2019-20``), else None.
    pandas reads ``2000-01`` as January 2000 and ``2012-13`` as nothing: a column of seasons 2000-01 to
    2008-09 was read as months, one of later seasons was no date column."""
    if len(raw) < 2 or not _SEASON.fullmatch(str(raw.iloc[0]).strip()):  # ISO dates: passed over at once
        return None
    text = raw.astype("string").str.strip()
    if not text.str.fullmatch(_SEASON).fillna(False).all():  # an empty one: as _quarters
        return None
    found = text.str.extract(_SEASON)
    first, second = found["y"].astype(int), found["n"].astype(int)
    following = np.where(found["n"].str.len() == 2, (first + 1) % 100, first + 1)
    return first if bool((second == following).all()) else None


def holds_seasons(raw: pd.Series) -> bool:
    """Whether every filled value of ``raw`` (two or more) is a season across two years (``2019-20``:
    :func:`_season_years`), which the dates read as the years they start in."""
    return _season_years(raw.dropna()) is not None


def _seasons(raw: pd.Series, col: str) -> tuple[pd.Series, str] | None:
    """Seasons (``2019-20``) as the ISO dates of the first days of the years they start in, or None when
    some value is no season (:func:`_season_years`)."""
    years = _season_years(raw)
    if years is None:
        return None
    iso = pd.Series([f"{y:04d}-01-01" for y in years], index=raw.index)
    first = str(raw.iloc[0]).strip()
    return (
        iso,
        f"read the seasons in date column {col!r} as the years they start in: {first} is {iso.iloc[0]}",
    )


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
