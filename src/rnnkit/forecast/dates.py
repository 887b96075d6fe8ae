"""A date column read with one format for every row, and put in time order, or an error naming the rows.

Why one format: parsing cell by cell (pandas' ``format="mixed"``) reads ``21/03/2024`` day first (21
cannot be a month) but ``03/04/2024`` month first, so a day-first file comes out scrambled, and
"sorting" it then hides the damage. Here:

1. ``date_format`` (``--date-format``, strptime codes such as ``%d/%m/%Y``) is used when given.
2. Otherwise the format is guessed from the first value, once reading the day first and once the month
   first (:func:`pandas.tseries.api.guess_datetime_format`), plus the day/month formats pandas does not
   guess (:data:`DAY_MONTH_FORMATS`: ``10.02.23``, ``10/02/23``, ``10-02-2023``; ``%y`` and ``%Y``;
   and :data:`SHORT_YEAR_FIRST_FORMATS`, ``23.01.02``, a third reading of such values); a two-digit year
   is 2000-2029 or 1930-1999, as spreadsheets read it (:data:`SPREADSHEET_PIVOT`);
   ``dayfirst`` (``--dayfirst``) keeps only one reading. A reading is kept only if it parses *every*
   row. When both readings parse every row (no day above 12 anywhere), the one that puts the rows in
   time order wins; when both do, the one whose dates are evenly spaced (a frequency pandas infers, or
   the same day of every month) wins, said in a note: monthly ``03/01/1990, 03/02/1990, ...`` is
   3 January, 3 February, ... (month first it would be 1 to 12 March, then a jump of a year). When
   that does not decide either, the month-first reading is used and a warning says how to choose.
3. Values no format fits (free text) are parsed by pandas' own inference for the column; when pandas
   finds no format and reads each value on its own, a warning says so (never pandas' own warning).

Rows that do not parse are named: a file's by its lines (the header is line 1), a DataFrame's by its
index labels (:class:`RowNames`). Then the order: ascending is kept, descending (a newest-first export)
is reversed with a note, anything else is an error naming the rows where time goes backwards.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

from rnnkit.utils.errors import RnnkitError

SHOWN = 3  # rows named in an error message

# Day/month dates that pandas' guesser returns no format for (two-digit years, dots), with or without a
# time of day: tried as well, month first before day first (the order of the guesses). A 12-hour time
# (Excel's and US exports' "1/1/2024 12:00 AM") is among them: pandas guesses "9:00 AM" but not
# "12:00 AM", so a file starting at midnight was read cell by cell, and an Australian day-first file
# of January's first days came out month first (1 January, 1 February, ...) with only a warning.
DAY_MONTH_FORMATS = tuple(
    f"%{a}{sep}%{b}{sep}{year}{time}"
    for sep in "./-"
    for year in ("%Y", "%y")
    for time in ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
    for a, b in (("m", "d"), ("d", "m"))
)

SHORT_YEAR_FIRST_FORMATS = tuple(
    f"%y{sep}%m{sep}%d{time}" for sep in "./-" for time in ("", " %H:%M", " %H:%M:%S")
)
"""``23.01.02`` (2 January 2023), as Korean, Japanese and Chinese dates are often written: every such value
also reads day first (23 January 2002), so it is a third reading, which the rows decide as the other two
(day first, the dates of a daily file step a year at a time and soon go backwards)."""

YEAR_FIRST_TWELVE_HOUR_FORMATS = tuple(
    f"%Y{sep}%m{sep}%d %I:%M{sec} %p{zone}" for sep in "-/." for sec in ("", ":%S") for zone in ("", " %z")
)
"""``2024-03-04 12:00 AM`` (a 12-hour clock after a year-first date, perhaps with an offset): pandas guesses
``01:00 AM`` but not ``12:00 AM``, so a file starting at midnight was read cell by cell, with a warning
to check every date."""

MONTH_NAME_FORMATS = (
    "%d-%b-%y", "%d-%b-%Y", "%d-%B-%Y", "%d %b %Y", "%d %B %Y", "%d %b %y", "%b %d, %Y", "%B %d, %Y",
    "%b %d %Y", "%B %d %Y", "%b-%Y", "%b %Y", "%B %Y", "%B-%Y", "%Y-%b", "%b-%y", "%b %y", "%B-%y", "%B %y",
)  # fmt: skip
"""Dates with a month's name, as spreadsheets write them (``01-Jan-10``, ``Jan-2010``, ``January 2010``,
Excel's ``mmm-yy``: ``Jan-10``), for which pandas' guesser has no format: read cell by cell, ``Jan-10``
was the 10th of January of year 1."""
MONTH_YEAR_FORMATS = ("%m/%Y", "%m.%Y", "%m-%Y", "%Y/%m", "%Y.%m")
"""A month and its year in digits, as spreadsheets write a monthly column (Excel's ``MM.YYYY`` in German,
``MM/YYYY`` in French or Brazilian exports, Korean statistics' ``YYYY.MM``): pandas guesses no format, so ``01/2015`` was read cell by
cell, with a warning, and ``01.2015`` not at all. Read as the first of each month; ``--dayfirst`` does not
apply (there is no day)."""

MONTH_SHORT_YEAR_FORMATS = ("%b-%y", "%b %y", "%B-%y", "%B %y")
"""Month and two-digit year: ``Jan-10`` could also be a yearless 10 January, so this reading is kept
only where it makes the rows a month (or quarter) apart, as a monthly series' rows are."""


@dataclass
class ParsedDates:
    """The parsed column and what the user should know about how it was read."""

    dates: pd.DatetimeIndex
    fmt: str | None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # the other formats every row also reads in (no day above 12), and the warning that names them: the
    # weekdays the dates write may rule them out (date_column._weekdays_reading)
    others: tuple[str, ...] = ()
    others_warning: str | None = None


def file_lines(labels: pd.Index | np.ndarray) -> np.ndarray:
    """The file line of each row label (``read_table`` labels rows by file position; the header is line 1)."""
    return np.asarray(labels, dtype=np.int64) + 2


ROW_NAMES = "rnnkit_row_names"
"""The ``attrs`` key of a table read from a DataFrame: its :class:`RowNames` (a table without one is a
file's, whose row labels are file positions)."""


def show_label(label: object) -> str:
    """A DataFrame's index label as a message shows it: a date as ``2024-01-04``, a period as
    ``2024-01``, a MultiIndex label as ``(A, 2024-01-04)``."""
    if isinstance(label, tuple):
        return f"({', '.join(show_label(part) for part in label)})"
    return show_date(label) if isinstance(label, pd.Timestamp) else str(label)


@dataclass(frozen=True, eq=False)
class RowNames:
    """How messages name a table's rows by their labels, for every reader's error and note.

    A file's rows are its lines (``line 7``: label + 2, the header is line 1, blank lines counted, as
    :func:`~rnnkit.forecast.table.read_table` labels them). A DataFrame has no lines: its rows are named
    by its own index labels (``row 5``, ``row 2024-01-04``; :meth:`pandas.DataFrame.loc` finds them),
    ``own`` being the frame's index where the table labels its rows by position (a DatetimeIndex made a
    column); an index that repeats a label also gives the position (``row 0 at position 3``, for
    :meth:`~pandas.DataFrame.iloc`).
    """

    lines: bool = True
    own: pd.Index | None = None

    def __deepcopy__(self, memo: dict) -> RowNames:
        return self  # immutable: pandas deep-copies a frame's attrs on every operation

    @property
    def whole(self) -> str:
        """What the rows make up, for messages: ``the file`` or ``the DataFrame``."""
        return "the file" if self.lines else "the DataFrame"

    def __call__(self, label: object) -> str:
        """``line 7``, ``row 5``, ``row 2024-01-04`` or ``row 0 at position 3``."""
        if self.lines:
            return f"line {int(label) + 2}"
        if self.own is None:
            return f"row {show_label(label)}"
        position = int(label)
        shown = f"row {show_label(self.own[position])}"
        return shown if self.own.is_unique else f"{shown} at position {position}"

    def listed(self, labels: Sequence | np.ndarray | pd.Index) -> str:
        """``lines 7, 9, 12 and 4 more`` (``row 5``, ``rows 3, 7``): the first :data:`SHOWN` rows."""
        names = [self(label) for label in labels[:SHOWN]]
        word, _ = names[0].split(" ", 1)
        shown = ", ".join(name.split(" ", 1)[1] for name in names)
        more = f" and {len(labels) - SHOWN} more" if len(labels) > SHOWN else ""
        return f"{word}{'s' if len(labels) > 1 else ''} {shown}{more}"


FILE_ROWS = RowNames()
"""A file's rows: its lines."""


def row_names(table: pd.DataFrame | pd.Series) -> RowNames:
    """How messages name ``table``'s rows (a column keeps its table's ``attrs``): a DataFrame's by its
    labels (:func:`~rnnkit.forecast.frame_input.frame_table` says how), any other table's by file lines."""
    return table.attrs.get(ROW_NAMES, FILE_ROWS)


def _cell(value: object) -> str:
    """A cell as messages show it: ``'x'``, and an empty one ``nan`` (NumPy's repr, ``np.float64(nan)``,
    where a column of numbers has a gap)."""
    return "nan" if isinstance(value, float) and np.isnan(value) else repr(value)


def _lines(rows: np.ndarray, raw: pd.Series) -> str:
    """``line 5 ('03/13/2024'), line 9 ('x') and 4 more`` (``row 3 ('x')`` of a DataFrame), for the first
    :data:`SHOWN` of ``rows`` (positions in ``raw``)."""
    name = row_names(raw)
    labels = raw.index.to_numpy()
    shown = ", ".join(f"{name(labels[int(r)])} ({_cell(raw.iloc[int(r)])})" for r in rows[:SHOWN])
    more = f" and {len(rows) - SHOWN} more" if len(rows) > SHOWN else ""
    return shown + more


# The zone tables: here, below date_zones.py, which reads the zones, so that the words dates are written
# with (_DATE_WORDS) are the same zones
ZONE_OFFSETS = {
    "UTC": "+00:00", "GMT": "+00:00", "UT": "+00:00", "WET": "+00:00", "WEST": "+01:00", "CET": "+01:00",
    "CEST": "+02:00", "MEZ": "+01:00", "MESZ": "+02:00", "EET": "+02:00", "EEST": "+03:00", "MSK": "+03:00",
    "EST": "-05:00", "EDT": "-04:00", "MST": "-07:00", "MDT": "-06:00", "PDT": "-07:00", "AKST": "-09:00", "AKDT": "-08:00", "HST": "-10:00", "JST": "+09:00", "KST": "+09:00",
    "HKT": "+08:00", "SGT": "+08:00", "AWST": "+08:00", "ACST": "+09:30", "ACDT": "+10:30", "AEST": "+10:00",
    "AEDT": "+11:00", "NZST": "+12:00", "NZDT": "+13:00",
}  # fmt: skip
"""Time-zone abbreviations that name one offset wherever they are written, read as that fixed offset. A
fixed table, not the zone database: an abbreviation is a clock reading with its offset stated (``EST`` is
-05:00 in July too, as the writer said), and the table is the same on every machine and Python. An
abbreviation that names several zones is refused instead (:data:`AMBIGUOUS_ZONES`): guessing one would
shift every time by hours without a word."""

AMBIGUOUS_ZONES = {
    "IST": (("India", "+05:30"), ("Ireland", "+01:00"), ("Israel", "+02:00")),
    "CST": (("US Central", "-06:00"), ("China", "+08:00"), ("Cuba", "-05:00")),
    "BST": (("British summer", "+01:00"), ("Bangladesh", "+06:00")),
    "AST": (("Atlantic", "-04:00"), ("Arabia", "+03:00")),
    "CDT": (("US Central summer", "-05:00"), ("Cuba summer", "-04:00")),
    "PST": (("US Pacific", "-08:00"), ("Philippines", "+08:00")),
}
"""Abbreviations that name several zones: a date column writing one is an error line asking for the offset."""

SETTLED_BY = {("PST", "PDT"): "-08:00", ("BST", "GMT"): "+01:00", ("IST", "GMT"): "+01:00"}
"""An ambiguous abbreviation settled by another one in the same column: a column of ``PST`` and ``PDT``
is US Pacific time (the Philippines keep no summer time), and a British or Irish file writes ``GMT`` in
winter beside ``BST`` or ``IST`` (+01:00) in summer (Bangladesh and India never write ``GMT``)."""

# Words that dates are written with (months, weekdays, zones, clock halves): a value that holds no other
# word may be a date written wrong (``June 31, 2024``), not a note
_DATE_WORDS = frozenset({
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
    "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "am", "pm",
} | {zone.casefold() for zone in ZONE_OFFSETS.keys() | AMBIGUOUS_ZONES.keys()})  # fmt: skip


def _is_note(value: str) -> bool:
    """Whether ``value`` reads as words, not as a date written wrong: no digit (``Total``, ``Source: ECB``),
    or a word of three letters or more that no date is written with (``Highest: 1``, the first field of
    investing.com's ``Highest: 1,100.00 Lowest: ...`` summary line; ``Data as of 2024-06-30``)."""
    if not re.search(r"\d", value):
        return True
    return any(w.casefold() not in _DATE_WORDS for w in re.findall(r"[^\W\d_]{3,}", value))


def _footer(rows: np.ndarray, text: pd.Series) -> bool:
    """Whether the values that are no dates are words that end the file: a spreadsheet's totals or notes
    row (``Total``, ``Average``), a download's summary or source line, which no date format reads and
    which the user should delete."""
    n = len(text)
    ends = len(rows) < n and np.array_equal(rows, np.arange(n - len(rows), n))
    return bool(ends) and all(_is_note(str(text.iloc[int(r)])) for r in rows)


def _not_dates_advice(rows: np.ndarray, text: pd.Series, hint: str = "") -> str:
    """What to do about values that are not dates: delete a totals row, else give the format."""
    if _footer(rows, text):
        return (
            f"they end {row_names(text).whole}, like a totals or notes row: delete them (every row is one "
            "date's values)"
        )
    return f"give the format with --date-format{hint}"


def _with_format(text: pd.Series, fmt: str | None) -> pd.Series:
    """Parse with one format (None: pandas' inference for the column); unparseable cells become NaT.

    Offsets that differ between rows (a daylight-saving change) cannot share one zone: they are
    converted to UTC, which keeps the order and the spacing of the instants.
    """
    try:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    except ValueError:  # mixed UTC offsets
        parsed = pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
    return _spreadsheet_century(parsed) if fmt and "%y" in fmt else parsed


def holds_month_years(column: pd.Series) -> bool:
    """Whether every value of a text column is a month and its year in digits (:data:`MONTH_YEAR_FORMATS`,
    one format for all): a first column of them is the date column whatever its name (``Monat``), though
    pandas' own inference reads none of them."""
    text = column.dropna().astype(str).str.strip()
    return len(text) > 0 and any(_with_format(text, fmt).notna().all() for fmt in MONTH_YEAR_FORMATS)


SPREADSHEET_PIVOT = 30
"""A two-digit year below this is 20yy, from it 19yy, as Excel and LibreOffice read ``01-Jan-50`` (1950).
Python's strptime pivots at 69, which put a spreadsheet's 1950s rows in the 2050s: data that cannot have
been observed yet, read without a word."""


def _spreadsheet_century(parsed: pd.Series) -> pd.Series:
    """Dates read with ``%y`` moved to the century a spreadsheet gives them (:data:`SPREADSHEET_PIVOT`)."""
    late = (parsed.dt.year >= 2000 + SPREADSHEET_PIVOT).fillna(False).to_numpy(dtype=bool)
    if not late.any():
        return parsed
    moved = parsed.copy()
    moved[late] = parsed[late] - pd.DateOffset(years=100)  # 2030-2068 to 1930-1968: leap days line up
    return moved


def _refuse_yearless(parsed: pd.Series, raw: pd.Series, col: str, where: str) -> None:
    """One line for free-text dates pandas read before year 1000: ``Jan 13`` without its year is 13 January
    of year 1 (most often ``Jan 13, 2019`` unquoted in a comma-separated file, its year cut off into the
    next field), and no rnnkit series reaches back that far."""
    early = np.flatnonzero((parsed.dt.year < 1000).to_numpy())
    if len(early):
        raise RnnkitError(
            f"{where}: {len(early)} value(s) in date column {col!r} have no year (read as year "
            f"{parsed.iloc[int(early[0])].year}): {_lines(early, raw)}; write each date with its year (in a "
            'comma-separated file, quote dates that hold a comma: "Jan 13, 2019")'
        )


def _inferred(text: pd.Series) -> tuple[pd.Series, bool]:
    """``(parsed, cell by cell)``: pandas' inference for the column (free text). When it finds no format
    it reads every value on its own and warns with its own source line; that warning is caught and
    reported as the second value, for a warning of ours."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        parsed = _with_format(text, None)
    one_by_one = any("Could not infer format" in str(w.message) for w in caught)
    return parsed, one_by_one


def _offsets_from_infer_freq() -> contextlib.AbstractContextManager:
    """pandas' option that makes ``infer_freq`` return an offset, where this pandas has it."""
    try:
        pd.get_option("future.infer_freq_returns_offset")
    except (KeyError, pd.errors.OptionError):
        return contextlib.nullcontext()
    return pd.option_context("future.infer_freq_returns_offset", True)


def inferred_offset(dates: pd.DatetimeIndex) -> pd.DateOffset | None:
    """The offset of the frequency pandas infers for ``dates`` (3 or more), or None.

    Asks pandas for an offset (``future.infer_freq_returns_offset``) rather than a string: the string is
    deprecated and warns on every call (a ``Pandas4Warning`` leaking into the user's console). A pandas
    without the option returns a string, made an offset here.
    """
    if len(dates) < 3:
        return None
    with _offsets_from_infer_freq():
        try:
            freq = pd.infer_freq(dates)
        except (TypeError, ValueError):
            freq = None
    if freq is None or freq == "":
        return None
    return pd.tseries.frequencies.to_offset(freq) if isinstance(freq, str) else freq


_FREQ_WORDS = {"D": "daily", "B": "business daily", "W": "weekly", "M": "monthly", "Q": "quarterly",
               "Y": "yearly", "A": "yearly", "h": "hourly", "H": "hourly", "min": "every minute",
               "s": "every second"}  # fmt: skip
# ... and the unit of a multiple of them: every 2 days, not pandas' code "every 2D"
_FREQ_UNITS = {"D": "day", "B": "business day", "W": "week", "M": "month", "Q": "quarter", "Y": "year",
               "A": "year", "h": "hour", "H": "hour", "min": "minute", "s": "second"}  # fmt: skip


def median_spacing(dates: pd.DatetimeIndex) -> pd.Timedelta:
    """The median step between ``dates``, for naive and timezone-aware dates alike (and any unit)."""
    return pd.Timedelta(int(np.median(np.diff(dates.asi8))), unit=dates.unit)


def usual_step(dates: pd.DatetimeIndex) -> pd.Timedelta:
    """The lower median step between ``dates``: with an even number of steps the smaller middle one, so
    that a short business-day file (Thursday, Friday, Monday: steps of 1 and 3 days) steps by 1 day, not
    by their mean of 2, which is also the step of rows every 2 days."""
    steps = np.sort(np.diff(dates.asi8))
    return pd.Timedelta(int(steps[(len(steps) - 1) // 2]), unit=dates.unit)


def timedelta_words(step: pd.Timedelta) -> str:
    """``1 day``, ``7 days``, ``1 hour``: the step in its largest whole unit, else pandas' text."""
    for unit, seconds in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count = step.total_seconds() / seconds
        if count >= 1 and count == int(count):
            return f"{int(count)} {unit}{'s' if count != 1 else ''}"
    return str(step)


def calendar_gaps(dates: pd.DatetimeIndex, where: str) -> str | None:
    """A note when a regular series skips dates of its own calendar (a daily series without 2024-01-11),
    or None. Each row is one step, so a window reaches across a skipped date as if it were not there;
    the user should know (and may fill the rows in). Business-day series are not judged: holidays are
    their normal gaps. A calendar is the frequency pandas infers most often over short runs of dates,
    and only dates that all fall on it count."""
    if len(dates) < 8:
        return None
    runs = [
        inferred_offset(dates[i : i + 7]) for i in range(0, len(dates) - 6, max(1, (len(dates) - 6) // 20))
    ]
    found = [o for o in runs if o is not None]
    if not found:
        return None
    offset = max(found, key=found.count)
    try:
        expected = pd.date_range(dates[0], dates[-1], freq=offset)
    except (ValueError, OverflowError):
        return None
    if not dates.isin(expected).all():
        return None  # not this calendar throughout: irregular, nothing to count
    skipped = expected.difference(dates)
    if skipped.empty:
        return None
    words = spacing(expected[:8]) or f"every {offset.freqstr}"
    business = offset.rule_code.startswith(("B", "C"))  # holidays are its own gaps: only long ones count
    if business or len(expected) > 2 * len(dates):
        return _long_gaps(dates, expected, words, where)
    shown = ", ".join(show_date(d) for d in skipped[:SHOWN]) + (" ..." if len(skipped) > SHOWN else "")
    return (
        f"{where} skips {len(skipped)} date(s) of its {words} calendar ({shown}); each row is one step, "
        "so windows reach across them (add those rows, with --missing fill, to keep the steps even)"
    )


LONG_GAP = 10
"""Steps of its calendar a series must skip at once for :func:`calendar_gaps` to name the gap where it
does not count every skipped date (no holiday break of a business-day series is so long)."""
MOST_LONG_GAPS = 3  # more such gaps: an irregular series (rows on random days), nothing to note


def _long_gaps(dates: pd.DatetimeIndex, expected: pd.DatetimeIndex, words: str, where: str) -> str | None:
    """The note for a series that skips more than :data:`LONG_GAP` steps of its calendar (``expected``)
    at once, at most :data:`MOST_LONG_GAPS` times (a year missing from a daily series; a business-day
    series closed for a month), or None. Such a gap is longer than every window: each row being one
    step, windows join the rows on either side as if they were adjacent."""
    positions = expected.get_indexer(dates)
    skipped = np.diff(positions) - 1  # (n - 1,) dates of the calendar skipped after each row
    long = np.flatnonzero(skipped > LONG_GAP)
    if not len(long) or len(long) > MOST_LONG_GAPS:
        return None
    shown = ", ".join(
        f"{skipped[i]} dates from {show_date(expected[positions[i] + 1])} to "
        f"{show_date(expected[positions[i + 1] - 1])}"
        for i in long
    )
    return (
        f"{where} has {len(long)} long gap(s) in its {words} calendar ({shown}); each row is one step, so "
        "windows join the rows on either side of a gap as if they were adjacent (if the series changed "
        "over the gap, keep only the rows after it)"
    )


def spacing(dates: pd.DatetimeIndex) -> str | None:
    """How evenly spaced ``dates`` (sorted) are, in words (``monthly``, ``daily``), or None if not.

    Evenly: a frequency pandas infers, or the same day of every month (the 5th: no pandas frequency
    names it), or one step throughout.
    """
    dates = pd.DatetimeIndex(dates).sort_values()
    if len(dates) < 3:
        return None
    offset = inferred_offset(dates)
    if offset is not None:
        code = offset.rule_code.split("-")[0]
        for prefix in (code, code.rstrip("SE"), code[:1]):
            if prefix in _FREQ_WORDS:
                return _FREQ_WORDS[prefix] if offset.n == 1 else f"every {offset.n} {_FREQ_UNITS[prefix]}s"
        return f"every {offset.freqstr}"
    months = np.diff(dates.year * 12 + dates.month)
    clock = (dates - dates.normalize()).asi8  # the time of day
    same_day = bool((dates.day == dates[0].day).all() and (clock == clock[0]).all())
    if same_day and len(set(months)) == 1 and months[0] > 0:
        return "monthly" if months[0] == 1 else f"every {int(months[0])} months"
    steps = np.diff(dates.asi8)
    if len(set(steps)) == 1:  # in the index's own unit (seconds, microseconds...), not always ns
        return f"every {timedelta_words(pd.Timedelta(int(steps[0]), unit=dates.unit))}"
    return None


def _grouped_spacing(dates: pd.Series, groups: np.ndarray | None) -> str | None:
    """:func:`spacing` of the dates; with ``groups``, of every series (None unless all are even)."""
    if groups is None:
        return spacing(pd.DatetimeIndex(dates))
    frame = pd.DataFrame({"g": groups, "d": pd.DatetimeIndex(dates)})
    found = [spacing(pd.DatetimeIndex(part["d"])) for _, part in frame.groupby("g", sort=False)]
    return found[0] if found and all(found) else None


def reading_name(fmt: str) -> str:
    """``day first`` / ``month first`` for a day-month format, else the format itself."""
    d, m = fmt.find("%d"), fmt.find("%m")
    year_first = fmt.startswith(("%Y", "%y"))
    if 0 <= d < m and not year_first:
        return "day first"
    if 0 <= m < d and not year_first:
        return "month first"
    return "two-digit year first" if fmt.startswith("%y") else fmt


def dayfirst_of(fmt: str | None) -> bool | None:
    """Whether a format reads a day/month date day first (True), month first (False), or neither (None:
    year first, or no format): what ``--dayfirst/--monthfirst`` would say to read it the same way."""
    if not fmt:
        return None
    return {"day first": True, "month first": False}.get(reading_name(fmt))


def _year_day_month(fmt: str) -> bool:
    """``%Y-%d-%m`` and the like: a year first, then the day before the month (never meant)."""
    y, d, m = fmt.find("%Y"), fmt.find("%d"), fmt.find("%m")
    return 0 <= y < d < m


def _guesses(first: str, dayfirst: bool | None) -> list[str]:
    """Candidate formats from the first value: month-first reading, then day-first (deduplicated).

    A year-first value is read year-month-day only: ``dayfirst`` applies to day/month-first dates.
    Values pandas guesses no format for are tried with :data:`DAY_MONTH_FORMATS` (both readings, or
    the one ``dayfirst`` says).
    """
    readings = (False, True) if dayfirst is None else (dayfirst, False)
    out: list[str] = []
    with warnings.catch_warnings():  # pandas warns when a reading ignores dayfirst; we decide below
        warnings.simplefilter("ignore", UserWarning)
        for k, day in enumerate(readings):
            fmt = guess_datetime_format(first, dayfirst=day)
            if not fmt or fmt in out or _year_day_month(fmt):
                continue
            if k == 1 and dayfirst is not None and (out or not fmt.startswith("%Y")):
                continue  # the other reading, only for a year-first value that dayfirst cannot apply to
            out.append(fmt)
    if out:
        return out
    value = pd.Series([first])
    no_reading = MONTH_NAME_FORMATS + MONTH_YEAR_FORMATS + YEAR_FIRST_TWELVE_HOUR_FORMATS
    for fmt in DAY_MONTH_FORMATS + SHORT_YEAR_FIRST_FORMATS + no_reading:
        if dayfirst is not None and fmt not in no_reading and dayfirst_of(fmt) != dayfirst:
            # a month's name, a month without a day, a year first: --dayfirst does not exclude them
            continue
        if _with_format(value, fmt).notna().all():
            out.append(fmt)
    return out


def _is_ordered(dates: pd.Series, groups: np.ndarray | None = None) -> bool:
    """In time order (either way); with ``groups`` (long format), within every group."""
    if groups is None:
        idx = pd.DatetimeIndex(dates)
        return bool(idx.is_monotonic_increasing or idx.is_monotonic_decreasing)
    frame = pd.DataFrame({"g": groups, "d": pd.DatetimeIndex(dates)})
    return all(_is_ordered(part["d"]) for _, part in frame.groupby("g", sort=False))


def parse_date_column(
    raw: pd.Series,
    col: str,
    where: str,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    groups: np.ndarray | None = None,
) -> ParsedDates:
    """Parse ``raw`` with one format (see the module docstring).

    Args:
        raw: the column as read.
        col: its name; where: the file name, for messages.
        date_format: strptime codes (``--date-format``); None guesses.
        dayfirst: True reads ``01/02/2024`` as 1 February, False as January 2; None decides from the data.
        groups: long format: each row's series id. The format is still one for the whole column
            (one file, one format); "in time order" then means within every series.
    """
    dated = pd.api.types.is_datetime64_any_dtype(raw)  # a DataFrame's parsed dates: NaT is the empty one
    text = raw.astype("string").str.strip()
    missing = np.flatnonzero(text.isna().to_numpy() | (text == "").fillna(True).to_numpy())
    if len(missing):
        # a totals row whose date cell is empty (",1234" after the last date): said as for "Total,1234"
        ends = f"{_not_dates_advice(missing, text)}, or " if _footer(missing, text) else ""
        raise RnnkitError(
            f"{where}: date column {col!r} has {len(missing)} empty value(s): {_lines(missing, raw)}; "
            f"{ends}--missing drop drops such rows"
        )
    if dated:
        return ParsedDates(pd.DatetimeIndex(raw), None)
    if date_format:
        parsed = _with_format(text, date_format)
        bad = np.flatnonzero(parsed.isna().to_numpy())
        if len(bad):
            raise RnnkitError(
                f"{where}: {len(bad)} value(s) in date column {col!r} do not match --date-format "
                f"{date_format!r}: {_lines(bad, raw)}"
            )
        return ParsedDates(pd.DatetimeIndex(parsed), date_format)
    candidates = [
        fmt
        for fmt in _guesses(str(text.iloc[0]), dayfirst)
        if fmt not in MONTH_SHORT_YEAR_FORMATS or _months_apart(_with_format(text, fmt), groups)
    ]
    if not candidates:  # free text: pandas' inference over the whole column
        parsed, one_by_one = _inferred(text)
        bad = np.flatnonzero(parsed.isna().to_numpy())
        if len(bad):
            raise RnnkitError(
                f"{where}: {len(bad)} value(s) in date column {col!r} are not dates: {_lines(bad, raw)}; "
                + _not_dates_advice(bad, text, " (e.g. %d/%m/%Y)")
            )
        _refuse_yearless(parsed, raw, col, where)
        warn = []
        if one_by_one:  # each value read on its own: day and month may be read differently row by row
            warn.append(
                f"dates in column {col!r} such as {str(text.iloc[0])!r} fit no single format; each was "
                "read on its own, so check them, or give the format with --date-format (e.g. %d.%m.%Y)"
            )
        return ParsedDates(pd.DatetimeIndex(parsed), None, warnings=warn)
    tries = [(fmt, _with_format(text, fmt)) for fmt in candidates]
    complete = [(fmt, p) for fmt, p in tries if not p.isna().any()]
    if not complete and all(fmt.startswith("%Y-%m-%d") for fmt in candidates):
        # ISO dates with and without a time of day (a midnight written as the day alone, as rnnkit's own
        # forecast.csv and many exporters write it): one standard, so one format still
        tries.append(("ISO8601", _with_format(text, "ISO8601")))  # which, if it fails, names fewer values
        complete = [(fmt, p) for fmt, p in tries[-1:] if not p.isna().any()]
    if not complete:
        fmt, parsed = min(tries, key=lambda fp: int(fp[1].isna().sum()))
        bad = np.flatnonzero(parsed.isna().to_numpy())
        hint = " or --dayfirst" if dayfirst is None and fmt[:2] in ("%d", "%m") else ""
        whole = f" (one format for every series of {row_names(raw).whole})" if groups is not None else ""
        raise RnnkitError(
            # the first row's own text beside its format: "the format '%Y-%m-%d' of line 2" read as if
            # line 2 were wrong, and a student cannot read %-codes without an example
            f"{where}: {len(bad)} value(s) in date column {col!r} are not dates in the format of "
            f"{row_names(raw)(raw.index[0])} ({str(text.iloc[0]).strip()!r} is {fmt}){whole}: {_lines(bad, raw)}; "
            f"{_not_dates_advice(bad, text, hint)}"
        )
    if len(complete) == 1 or all(p.equals(complete[0][1]) for _, p in complete[1:]):
        fmt, parsed = complete[0]  # one reading, or both give the same dates (01/01, 02/02, ...)
        notes = []
        if fmt in MONTH_SHORT_YEAR_FORMATS:  # the rows decided it: say so, as for day and month
            notes.append(
                f"dates in column {col!r} read as months of two-digit years ({fmt!r}): "
                f"{str(text.iloc[0])!r} is {show_date(parsed.iloc[0])}"
            )
        return ParsedDates(pd.DatetimeIndex(parsed), fmt, notes=notes)
    # Every row reads both ways (no day above 12): the reading that is in time order wins.
    ordered = [(fmt, p) for fmt, p in complete if _is_ordered(p, groups)]
    if len(ordered) == 1:
        fmt, parsed = ordered[0]
        note = f"dates in column {col!r} read as {fmt!r}: the only reading that puts the rows in time order"
        return ParsedDates(pd.DatetimeIndex(parsed), fmt, notes=[note])
    why = f"{'neither' if len(complete) == 2 else 'none'} puts the rows in time order"
    if len(ordered) > 1:  # in time order: the reading whose dates are evenly spaced wins
        spaced = [(fmt, p, _grouped_spacing(p, groups)) for fmt, p in ordered]
        even = [(fmt, p, how) for fmt, p, how in spaced if how]
        if len(even) == 1:
            (fmt, parsed, how), other = even[0], next(f for f, _, h in spaced if not h)
            note = (
                f"dates in column {col!r} read as {fmt!r} ({reading_name(fmt)}): that reading is evenly "
                f"spaced ({how}), while as {other!r} ({reading_name(other)}) the dates would be irregular"
            )
            return ParsedDates(pd.DatetimeIndex(parsed), fmt, notes=[note])
        if even:  # two of three readings evenly spaced: the irregular one is out
            ordered = [(fmt, p) for fmt, p, _ in even]
        two = len(ordered) == 2
        spacing = (
            ("both " if two else "") + "evenly spaced"
            if even
            else ("neither" if two else "none") + " evenly spaced"
        )
        why = f"{'both' if two else f'all {len(ordered)}'} readings are in time order and {spacing}"
    kept = ordered or complete
    fmt, parsed = kept[0]
    # with a two-digit year (10.03.24), day first, month first and year first may all fit: each is named
    others = " or ".join(_another_reading(other) for other, _ in kept[1:])
    warn = (
        f"dates in column {col!r} such as {str(text.iloc[0])!r} read as {fmt!r} ({reading_name(fmt)}); they "
        f"also read as {' and as '.join(f'{o!r} ({reading_name(o)})' for o, _ in kept[1:])} and {why}: "
        f"pass {others} to read them so, or {_flag(fmt)} to keep this reading"
    )
    others_fmts = tuple(other for other, _ in kept[1:])
    return ParsedDates(
        pd.DatetimeIndex(parsed), fmt, warnings=[warn], others=others_fmts, others_warning=warn
    )


def _months_apart(parsed: pd.Series, groups: np.ndarray | None) -> bool:
    """Whether every value parsed and the rows step by whole months (monthly, quarterly, ...): the test
    that ``Jan-10`` is January 2010, not a yearless 10 January."""
    if parsed.isna().any():
        return False
    words = _grouped_spacing(parsed, groups) or ""
    if words in ("monthly", "quarterly") or words.endswith((" months", " quarters")):
        return True
    # a month or a quarter missing (Jan-10, Feb-10, Apr-10) leaves no even spacing: forward by whole
    # months, most often one or three, is still a monthly series (a yearless daily one steps by years)
    index = pd.DatetimeIndex(parsed)
    months = pd.Series(index.year * 12 + index.month)
    keys = pd.Series(np.zeros(len(months)) if groups is None else groups)
    steps = months.groupby(keys.to_numpy(), sort=False).diff().dropna()
    return bool(len(steps)) and bool((steps > 0).all()) and int(steps.mode().iloc[0]) in (1, 3)


def _another_reading(fmt: str) -> str:
    """How to ask for the reading ``fmt``: ``--dayfirst (or --date-format '%d/%m/%Y')``, or the format."""
    return _flag(fmt) + ("" if dayfirst_of(fmt) is None else f" (or --date-format {fmt!r})")


def _flag(fmt: str) -> str:
    """The option that reads dates as ``fmt`` does: ``--dayfirst``, ``--monthfirst`` or ``--date-format``."""
    first = dayfirst_of(fmt)
    if first is None:
        return f"--date-format {fmt!r}"
    return "--dayfirst" if first else "--monthfirst"


def show_date(day: pd.Timestamp, seconds: bool = True) -> str:
    """``YYYY-MM-DD``, with ``HH:MM[:SS]`` when the time is not midnight. Built from the fields, not
    strftime, which fails on years Python's datetime cannot hold (year 0, which pandas reads)."""
    text = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    if day == day.normalize():
        return text
    return f"{text} {day.hour:02d}:{day.minute:02d}" + (f":{day.second:02d}" if seconds else "")


def _clock_change(dates: pd.DatetimeIndex, dup: np.ndarray) -> str:
    """Advice for duplicated times that may be the hour a clock set back for daylight saving repeats
    (``2024-11-03 01:00`` twice in local times without an offset): every one between midnight and 4 a.m.
    in a month clocks change (March, April, September to November), in a column of times of day. Keeping
    one row would drop a real hour."""
    repeated = dates[dup]
    if (dates.normalize() == dates).all() or dates.tz is not None:
        return ""
    if not (np.isin(repeated.month, (3, 4, 9, 10, 11)).all() and (repeated.hour < 4).all()):
        return ""
    return (
        " (or, if the clock was set back an hour for daylight saving, write the times in UTC, or each with "
        f"its UTC offset: {repeated[0]:%Y-%m-%dT%H:%M:%S}+HH:MM)"
    )


def time_order(
    dates: pd.DatetimeIndex, where: str, rows: np.ndarray | None = None, names: RowNames = FILE_ROWS
) -> tuple[np.ndarray | None, str | None]:
    """``(row order or None, a note)``: None when ascending; reversed rows for a newest-first file.

    Duplicated dates and an order that goes both ways are errors naming the rows (``rows``: each
    date's row label, named by ``names``: a file's labels are 0-based positions, header excluded;
    default ``0..T-1``).
    """
    labels = np.arange(len(dates)) if rows is None else np.asarray(rows)

    def at(r: int, twin: int | None = None) -> str:
        """ "line 7 (2024-01-02)", or with the row it repeats "line 8 (2024-01-02, as line 7)"."""
        name, day = names(labels[r]), show_date(dates[r])
        if name.startswith(f"row {day}"):  # a row named by its date is not dated twice
            return name
        return f"{name} ({day})" if twin is None else f"{name} ({day}, as {names(labels[twin])})"

    dup = np.flatnonzero(dates.duplicated(keep="first"))
    if len(dup):
        # each with the row it repeats: the user deletes one of the two, and had to search for the other
        shown = ", ".join(at(int(r), int(np.flatnonzero(dates == dates[r])[0])) for r in dup[:SHOWN])
        raise RnnkitError(
            f"{where} has {len(dup)} duplicated date(s) ({shown}); keep one row per date{_clock_change(dates, dup)}"
        )
    if dates.is_monotonic_increasing:
        return None, None
    if dates.is_monotonic_decreasing:
        return np.arange(len(dates))[
            ::-1
        ].copy(), f"{where} lists the newest date first; reversed it to oldest first"
    steps = np.diff(dates.asi8)
    up, down = np.flatnonzero(steps > 0), np.flatnonzero(steps < 0)
    # The minority direction holds the rows out of place.
    breaks = down if len(down) <= len(up) else up
    shown = ", ".join(f"{at(int(b) + 1)} after {at(int(b))}" for b in breaks[:SHOWN])
    more = f" and {len(breaks) - SHOWN} more" if len(breaks) > SHOWN else ""
    raise RnnkitError(
        f"{where}: dates are neither in ascending nor in descending order: {shown}{more}; "
        "sort the rows by date (or check --date-format / --dayfirst)"
    )
