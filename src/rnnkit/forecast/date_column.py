"""The date column of a table: found by name or content, and read with one format for every row.

For a CSV file's or a DataFrame's table (after :mod:`rnnkit.forecast.date_parts` joined a date's parts):
:func:`find_date_column` takes the column ``--date-column`` names, else one named like a date, else a
first column of dates, else one of local month names anywhere, else a year column of calendar years
(unless its years repeat beside a column of a date a row: ``Year,match_date,value``), else
one column after the first of dates that write their years (``Item,When,Sales`` with ``2024-01-31``); a
table with none (or with two such columns) is one line (a wide table's years as columns:
:func:`~rnnkit.forecast.downloads.wide_format`). :func:`read_dates` parses it
(:mod:`rnnkit.forecast.date_values`, then :func:`~rnnkit.forecast.dates.parse_date_column`), with a note
when the last date is after today (:mod:`rnnkit.forecast.future_dates`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from rnnkit.forecast.columns import column_list, find_column, loose_name
from rnnkit.forecast.date_intervals import holds_intervals
from rnnkit.forecast.date_parts import WHOLE_DATE_NAMES, YEAR_NAMES, holds_years, whole_numbers
from rnnkit.forecast.date_values import (
    check_weekdays,
    explicit_dates,
    holds_bracketed_weekdays,
    holds_periods,
    holds_seasons,
    without_weekdays,
    written_weekdays,
)
from rnnkit.forecast.date_zones import zones_for_format
from rnnkit.forecast.dates import (
    ParsedDates,
    holds_month_years,
    parse_date_column,
    reading_name,
    row_names,
)
from rnnkit.forecast.downloads import wide_format
from rnnkit.forecast.future_dates import future_note
from rnnkit.forecast.month_names import (
    dates_in_month_names,
    english_month_names,
    holds_cjk_dates,
    holds_local_month_names,
)
from rnnkit.utils.errors import RnnkitError

_PART_DATE_NAMES = ("time", "day", "month", "quarter")  # a time of day, a day or a month: a part of one
# a year's column by another name: Team,Season,Points with 2019 or 2019-20, a fiscal year (FY)
_SEASON_NAMES = ("season", "seasons", "fiscalyear", "financialyear", "fy")


def find_date_column(
    frame: pd.DataFrame, path: Path, date_column: str | None, ids: np.ndarray | None = None
) -> str:
    """The named date column, else the first called date/datetime/timestamp/ds/period, else the first
    called time/day/month/quarter, else a first column of dates, else the one column of dates written
    with local month names or 年月日 (:func:`~rnnkit.forecast.month_names.dates_in_month_names`), else a
    year column of calendar years (or a season column of years or of seasons, ``2019-20``, where no
    later column holds a date a row: :func:`_dated_elsewhere`), else the one later column of dates
    (:func:`_dates_elsewhere`). Two
    later columns of dates are one line naming both. ``ids`` (--id-column's, one a row): a later column's
    dates are counted within each series, so a long file of two months shared by every series is dated."""
    if date_column:
        found = find_column(frame, date_column, "date", path)
        if loose_name(found) in YEAR_NAMES:
            _no_early_years(frame[found], found, path)
        return found
    for names in (WHOLE_DATE_NAMES, _PART_DATE_NAMES):  # Year,Month,Value,Date is dated by Date
        for col in frame.columns:
            if loose_name(col) in names:
                return str(col)
    first = frame.columns[0]
    if _holds_dates(frame[first]) and not (  # Season,match_date,Goals: dated by each match's date
        holds_seasons(frame[first]) and _dated_elsewhere(frame, str(first), ids)
    ):
        return str(first)
    # Producto,Fecha,Ventas with 3 ene 2024: dates no other column could be, wherever they stand
    # (a stamp of one date repeated, 'Actualizado: 3 ene 2024' on every row, dates no values: as below)
    month_named = [str(c) for c in frame.columns[1:] if dates_in_month_names(frame[c])]
    if named := _dating_one(frame, path, month_named, ids):
        return named
    for col in frame.columns:  # year,y with 1980..2019: the years are the dates (the parser reads them so)
        # before other dates: Country,Year,Updated,Value is dated by its years; a season beside a
        # column of each match's date (Season,match_date,Goals) is the match's label, not its date, and
        # so is a year that repeats beside one (Year,match_date,value: taken, 120 weekly rows were 117
        # duplicated dates); a year a row (Year,published,Value) stays the date
        if (
            loose_name(col) in YEAR_NAMES + _SEASON_NAMES
            and (holds_years(frame[col]) or holds_seasons(frame[col]))
            and not (
                (loose_name(col) not in YEAR_NAMES or not _distinct_each_row(frame[col], ids))
                and _dated_elsewhere(frame, str(col), ids)
            )
        ):
            return str(col)
        if loose_name(col) in YEAR_NAMES:
            _no_early_years(frame[col], str(col), path)
    # Item,When,Sales with 2024-01-31, a frame's datetime column after its values; a column of one date
    # repeated (the day the table was updated) dates no values
    elsewhere = [str(c) for c in frame.columns[1:] if _dates_elsewhere(frame[c])]
    if found := _dating_one(frame, path, elsewhere, ids):
        return found
    wide_format(frame.columns, path)
    cols = column_list(frame.columns)
    if all(pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns):  # no column to name
        raise RnnkitError(
            f"{path.name} has no date column (columns: {cols}); add a column with each row's date "
            "(e.g. Date: 2024-01-31)"
        )
    raise RnnkitError(f"{path.name} has no date column (columns: {cols}); name one with --date-column")


def _one_of(path: Path, dated: list[str]) -> str | None:
    """The one column of ``dated``, or None; two or more are the user's to name (one line naming them)."""
    if len(dated) > 1:
        raise RnnkitError(
            f"{path.name} has {len(dated)} columns of dates ({', '.join(dated)}); name the one that dates "
            "the values with --date-column"
        )
    return dated[0] if dated else None


def _dating_one(
    frame: pd.DataFrame, path: Path, dated: list[str], ids: np.ndarray | None = None
) -> str | None:
    """The one of the later columns of dates ``dated`` that dates the rows, or None; two are one line.

    First those whose dates are nine in ten distinct, or none on more than a tenth of the rows (one
    series; with ``ids``, nine in ten distinct within each series: :func:`_dates_each_row`): beside such a column, a column of batch stamps
    (``loaded_at``, a date a week) is no second date column. Else those of three dates or more, none on
    more than a third of the rows: a long file of a few periods, a daily file with a few rows written
    twice (their lines then name the ids or the duplicated dates). A column of one or two dates repeated
    (``Updated``: the day the table was published) dates nothing: taken, it was 'duplicated dates'
    asking to delete all rows but one per date. Last, a column of two dates or more beside a column
    naming series that each hold its dates once (two months of each product: :func:`series_column`),
    whose line then names --id-column; with ``ids`` given, dates are counted within each series."""
    strict = [c for c in dated if _dates_each_row(frame[c], ids)]
    spread = {col: frame[col].dropna().value_counts() for col in dated}
    loose = [c for c, n in spread.items() if len(n) >= 3 and n.iloc[0] <= n.sum() / 3]
    if strict or loose or ids is not None:
        return _one_of(path, strict or loose)
    keyed = [c for c, n in spread.items() if len(n) >= 2 and series_column(frame, frame[c], [c])]
    return _one_of(path, keyed)


def _dates_each_row(column: pd.Series, ids: np.ndarray | None) -> bool:
    """Whether ``column``'s dates are nine in ten distinct or none on more than a tenth of the rows, or,
    with ``ids``, nine in ten distinct within each series (a long file's series share their dates).
    With ``ids``, a column of one date (``Updated``, the same stamp on every row) is no such column: each
    series holding it on all its rows, counted per series it passed the tenth's test (12 series: a
    twelfth of the rows each), beat the real dates as a second date column or dated every row alike.
    Nor is the whole file's tenth asked with ``ids``: a date of each series repeated on its rows (a
    player's ``Born``, a store's ``updated``) is on a tenth of the rows or fewer once there are ten
    series, and was taken as a date a row (Season passed over, or 'has 2 columns of dates')."""
    counts = column.dropna().value_counts()
    if not len(counts):
        return False
    if ids is None:
        return counts.iloc[0] <= 0.1 * counts.sum() or len(counts) >= 0.9 * counts.sum()
    pairs = pd.DataFrame({"id": ids, "date": column.to_numpy()}, index=column.index).dropna()
    return len(counts) >= 2 and int((~pairs.duplicated()).sum()) >= 0.9 * len(pairs)


def _distinct_each_row(column: pd.Series, ids: np.ndarray | None) -> bool:
    """Whether ``column``'s values are nine in ten distinct (with ``ids``: within each series), as a year
    column's must be to date its rows beside a column of a date a row. :func:`_dates_each_row`'s other
    test, no value on more than a tenth of the rows, is no test of years: weekly rows over 14 years hold
    each year on a fourteenth of them, and Year,match_date,value was dated by Year ('686 duplicated
    date(s)')."""
    values = column.dropna()
    if not len(values):
        return False
    if ids is None:
        return values.nunique() >= 0.9 * len(values)
    pairs = pd.DataFrame({"id": ids, "value": column.to_numpy()}, index=column.index).dropna()
    return int((~pairs.duplicated()).sum()) >= 0.9 * len(pairs)


def _dated_elsewhere(frame: pd.DataFrame, col: str, ids: np.ndarray | None) -> bool:
    """Whether a later column than the first, other than ``col``, holds a date a row
    (:func:`_dates_elsewhere`, :func:`_dates_each_row`): such a column dates the rows, and a season or
    fiscal year column ``col`` beside it labels them (``Season,match_date,Goals``: taken, 200 matches of
    two seasons were 198 duplicated dates)."""
    return any(
        str(c) != col and _dates_elsewhere(frame[c]) and _dates_each_row(frame[c], ids)
        for c in frame.columns[1:]
    )


def series_column(frame: pd.DataFrame, keys: pd.Series, exclude: list[str]) -> str | None:
    """A column (not in ``exclude``) that looks like the ids of a long file: a few values that repeat,
    each with ``keys`` (its rows' dates, one a row) of its own, none twice; text columns first. None
    when there is none."""
    candidates = [c for c in frame.columns if c not in exclude]
    candidates.sort(key=lambda c: pd.api.types.is_numeric_dtype(frame[c]))  # text first, order kept
    for col in candidates:
        ids = frame[col].astype("string")
        if ids.isna().any() or not 2 <= ids.nunique() <= len(frame) // 2:
            continue
        if not pd.DataFrame({"id": ids, "key": keys.to_numpy()}, index=frame.index).duplicated().any():
            return str(col)
    return None


def _holds_dates(column: pd.Series) -> bool:
    """Whether ``column`` holds dates as a first column may: a datetime column, or text of which nine values
    in ten are dates pandas reads, or dates it reads none of (``2020-W05``, ``2020M01``, ``01.2015``,
    ``2024/03/04(月)``, an interval, ``ene-24``, ``2024年1月20日``)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return True
    if column.dtype != object and not str(column.dtype).startswith("str"):
        return False
    try:
        parsed = pd.to_datetime(column, errors="coerce", format="mixed")
    except ValueError:  # mixed timezones: dates all the same (explicit_dates resolves them)
        parsed = pd.to_datetime(column, errors="coerce", format="mixed", utc=True)
    return (
        parsed.notna().mean() >= 0.9
        or holds_periods(column)
        or holds_month_years(column)
        or holds_seasons(column)
        or holds_bracketed_weekdays(column)
        or holds_intervals(column)
        or holds_local_month_names(column)
        or holds_cjk_dates(column)
    )


def _dates_elsewhere(column: pd.Series) -> bool:
    """Whether a column after the first holds dates (:func:`_holds_dates`) that nothing else could be: a
    datetime column, dates with local month names (:func:`~rnnkit.forecast.month_names.dates_in_month_names`),
    or text whose values (nine in ten) each write a four-digit year beside other parts (``2024-01-31``,
    ``31 Jan 2024``, ``2020-W05``). pandas reads ``10:30`` as today and ``1/2`` as a day of year 1, and a
    text column of numbers (``1001``, an order's id) is no dates: such a column is named with
    --date-column."""
    if pd.api.types.is_datetime64_any_dtype(column) or dates_in_month_names(column):
        return True
    if column.dtype != object and not str(column.dtype).startswith("str"):
        return False
    text = column.dropna().astype("string").str.strip()
    text = text[text != ""]
    # the years first: a column of labels is passed over without pandas parsing each of its values
    dated = text.str.contains(r"(?<!\d)[12]\d{3}(?!\d)") & ~text.str.fullmatch(r"[+-]?\d+(?:[.,]\d+)?")
    return len(text) > 0 and bool(dated.mean() >= 0.9) and _holds_dates(column)


def _no_early_years(column: pd.Series, col: str, path: Path) -> None:
    """One line for a year column that reaches back before year 1000 (Our World in Data's historical
    series start at -10000): it said "no date column", or with --date-column that -10000 was nanoseconds."""
    years = whole_numbers(column, -999_999, 2999)
    if years is None or years.max() < 1000 or years.min() >= 1000:
        return
    row = years.index[int(np.argmax((years < 1000).to_numpy()))]
    raise RnnkitError(
        f"{path.name}: year column {col!r} holds years before 1000 ({row_names(column)(row)}: {int(years[row])}), "
        "which rnnkit cannot read as dates; delete the rows before year 1000"
    )


@dataclass(frozen=True)
class _DateColumn:
    """The date column being read: its values as ``written`` in the file, the text ``read`` from them (months
    in English, weekdays in brackets and zones made explicit: :func:`read_dates`), and the user's options.
    A second reading (the other order of day and month, the dates without their weekdays) repeats them all."""

    written: pd.Series
    read: pd.Series
    col: str
    path: Path
    date_format: str | None
    dayfirst: bool | None
    groups: np.ndarray | None

    def parse(self, dayfirst: bool | None, text: pd.Series | None = None) -> ParsedDates:
        """``text`` (else ``read``) parsed as the column's (:func:`~rnnkit.forecast.dates.parse_date_column`),
        day first as ``dayfirst`` says."""
        text = self.read if text is None else text
        return parse_date_column(text, self.col, self.path.name, self.date_format, dayfirst, self.groups)


def read_dates(
    frame: pd.DataFrame,
    date_col: str,
    path: Path,
    date_format: str | None,
    dayfirst: bool | None,
    missing: str = "error",
    groups: np.ndarray | None = None,
) -> tuple[pd.DataFrame, ParsedDates, list[str]]:
    """``(frame, its parsed dates, notes)``: the date column read with one format for every row.

    ``missing="drop"`` drops the rows whose date is empty first (said in a note); ``groups`` (long
    format: each row's series) makes one format for the whole file, in time order within each series.
    """
    notes: list[str] = []
    if missing == "drop":
        cells = frame[date_col]
        empty = (cells.isna() | cells.astype("string").str.strip().eq("").fillna(True)).to_numpy()
        if empty.any():
            shown = row_names(frame).listed(frame.index[empty])
            notes.append(f"dropped {int(empty.sum())} row(s) with an empty date ({shown})")
            frame = frame[~empty]
            groups = None if groups is None else groups[~empty]
            if frame.empty:
                raise RnnkitError(f"{path.name} has no rows with a date")
    if date_format:  # the user's format reads the column as written, its months and zones as without one
        named, month_note = english_month_names(frame[date_col], date_col, date_format)
        raw_dates, date_format, date_note = zones_for_format(named, date_col, path, date_format)
        date_note = "; ".join(n for n in (month_note, date_note) if n) or None
    else:  # integer dates and mixed timezone offsets made explicit (date_values.py)
        raw_dates, date_note = explicit_dates(frame[date_col], date_col, path)
    column = _DateColumn(frame[date_col], raw_dates, date_col, path, date_format, dayfirst, groups)
    written = not pd.api.types.is_datetime64_any_dtype(frame[date_col])  # dates read from text
    past_note = None  # said first, once the weekdays chose the reading (which re-parses the dates)
    try:
        parsed = column.parse(dayfirst)
    except RnnkitError as exc:
        if (past := _past_weekdays(column)) is None:
            raise RnnkitError(_as_written(str(exc), raw_dates, frame[date_col])) from None
        column, parsed, past_note = past  # whose weekdays are checked below
    except (ValueError, TypeError) as exc:  # timezones explicit_dates cannot see ("EST" written out)
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RnnkitError(
            f"{path.name}: dates in column {date_col!r} do not parse together ({first})"
        ) from None
    else:  # Tue 02/01/24: pandas has no format for it, and read it value by value, day or month first
        if written and parsed.fmt is None and (past := _past_weekdays(column)) and past[1].fmt is not None:
            column, parsed, past_note = past
    if written:  # Monday, 2 January 2024: a Tuesday
        parsed = _weekdays_reading(parsed, column)
    if past_note:
        parsed.notes.insert(0, past_note)
    notes += ([date_note] if date_note else []) + parsed.notes
    if written:
        future = future_note(parsed.dates, frame[date_col], date_col, path.name)
        notes += [future] if future else []
    return frame, parsed, notes


def _weekdays_reading(parsed: ParsedDates, column: _DateColumn) -> ParsedDates:
    """``parsed`` once its weekdays are checked (:func:`~rnnkit.forecast.date_values.check_weekdays`), or,
    where the order of day and month was guessed (no --date-format, --dayfirst or --monthfirst) and the
    other order fits more of the weekdays, the dates ``read`` in that order: with a note where all fit,
    else the line names a row that order leaves wrong. ``Tue 02/01/2024`` with every day at most 12 was read
    month first, and the line to correct the date or its weekday would have damaged a right file (2 January
    2024 is a Tuesday)."""
    written, col, path = column.written, column.col, column.path
    try:
        check_weekdays(parsed.dates, written, col, path)
        return _weekdays_decide(parsed, column)
    except RnnkitError:
        if column.date_format or column.dayfirst is not None:
            raise
    days = written_weekdays(written).to_numpy()

    def wrong(dates: pd.DatetimeIndex) -> int:
        return int((days != np.asarray(dates.day_of_week, dtype=float))[~np.isnan(days)].sum())

    best, first = parsed, None
    for order in (True, False):
        try:
            other = column.parse(order)
        except (RnnkitError, ValueError, TypeError):
            continue
        if wrong(other.dates) < wrong(best.dates):
            best, first = other, order
    check_weekdays(best.dates, written, col, path)  # the line of the order that fits the most
    if first is None:  # not reached: parsed's own weekdays were refused above
        return parsed
    flag, order_name = ("--dayfirst", "day") if first else ("--monthfirst", "month")
    k = int(np.flatnonzero(best.dates != parsed.dates)[0])  # a row the order changed
    day = best.dates[k]
    best.notes.append(
        f"read date column {col!r} {order_name} first, as its weekdays say ({written.iloc[k]!r} is "
        f"{day.day} {day:%B %Y}); pass {flag} to say so"
    )
    return best


def _weekdays_decide(parsed: ParsedDates, column: _DateColumn) -> ParsedDates:
    """``parsed``, whose weekdays fit, without its warning that every row also reads in other formats
    (no day above 12) where the weekdays rule each of them out, said in a note instead: ``Mon 01/01/24``
    to ``Fri 01/12/24`` warned that they also read day first and asked for --dayfirst, which then
    refused every weekday but the first."""
    if not parsed.others or column.date_format or column.dayfirst is not None:
        return parsed
    days = written_weekdays(column.written).to_numpy()
    known = ~np.isnan(days)
    ruled_out = []
    for other in parsed.others:
        dates = pd.to_datetime(column.read, format=other, errors="coerce")
        wrong = (days != np.asarray(dates.dt.day_of_week, dtype=float)) & known
        if not wrong.any():
            return parsed  # that reading fits the weekdays too: the warning stands
        k = int(np.flatnonzero(wrong)[0])
        day = dates.iloc[k]
        shown = "no date" if pd.isna(day) else f"{day:%A} {day.day} {day:%B %Y}"
        ruled_out.append(f"{other!r} ({reading_name(other)}) reads {column.written.iloc[k]!r} as {shown}")
    note = (
        f"read date column {column.col!r} as {parsed.fmt!r} ({reading_name(str(parsed.fmt))}), as its "
        f"weekdays say: {'; '.join(ruled_out)}"
    )
    warnings = [w for w in parsed.warnings if w != parsed.others_warning]
    return replace(parsed, notes=[*parsed.notes, note], warnings=warnings, others=(), others_warning=None)


def _past_weekdays(column: _DateColumn) -> tuple[_DateColumn, ParsedDates, str] | None:
    """The column read without its weekdays' words (:func:`~rnnkit.forecast.date_values.without_weekdays`),
    its dates, whose weekdays :func:`_weekdays_reading` then checks, and the note that says so (which
    read_dates puts first once the weekdays chose the reading); None where it writes no weekday,
    the user gave the format, or the dates do not parse without them either. Where the dates ``read``
    failed because the first names another day (``Tuesday, 1 January 2024``: the format guessed from it
    read ``Tuesday`` as text and no other row fit it), the line blamed those rows and asked for a format;
    where pandas had no format for dates with a weekday (``Tue 02/01/24``) it read them value by value,
    some day first and some month first, and the weekdays were refused (--date-format read them)."""
    if column.date_format or written_weekdays(column.read).isna().all():
        return None
    plain = replace(column, read=without_weekdays(column.read))
    try:
        parsed = plain.parse(column.dayfirst)
    except (RnnkitError, ValueError, TypeError):
        return None
    shown = int(np.argmax(plain.read.notna().to_numpy()))  # the note names the format read without them
    note = (
        f"read the dates in column {column.col!r} without their weekdays: {str(column.written.iloc[shown])!r} "
        f"as {str(plain.read.iloc[shown])!r}"
    )
    return plain, parsed, note


def _as_written(message: str, read: pd.Series, written: pd.Series) -> str:
    """``message`` quoting the file's values where it quotes them as rewritten before parsing (``'Jan'``
    for ``'ene'``, ``'2024-01-01 00:00'`` for an interval): the user searches the file for what the line
    names, and a value the file never held sends them looking for a typo that is not there."""
    changed = (read.astype("string") != written.astype("string")).fillna(False).to_numpy()
    for new, old in dict(zip(read[changed].astype(str), written[changed].astype(str), strict=True)).items():
        message = message.replace(repr(new), repr(old))
    return message
