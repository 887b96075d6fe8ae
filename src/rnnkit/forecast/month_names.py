"""Dates in the languages spreadsheets are set to: month names read as the English names strptime reads,
and dates written with 年月日 as ISO dates.

A spreadsheet set to Spanish saves Excel's ``mmm-yy`` months as ``ene-24``, ``abr-24``, ``dic-24``; one
set to German as ``Mär 2024``, ``Okt 2024``; French as ``janv.-24``, ``févr.-24``. ``%b`` reads English
names only (the C locale every rnnkit run has), so such a column was "no date column", and naming it
"not dates; give the format with --date-format", advice no format could follow. The names of
:data:`LOCAL_MONTHS` (German, French, Spanish, Italian, Portuguese, Dutch: each word names one month in
every language that writes it) are written as English abbreviations before the dates are parsed, with a
note; a column is rewritten only when every word of every value is a month's name, so a note or a word
that is no month (``Total``) stays as written for the parser to name. A long date's weekday and ``de``
(``lunes, 1 de enero de 2024``, ``Montag, 1. Januar 2024``) are dropped. Chinese, Japanese and Korean
spreadsheets write ``2024年1月20日``, ``2024年1月`` and ``2024년 1월 20일``, which pandas reads no more
than it guesses a format for: they are written as ISO dates (:func:`cjk_dates`).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import numpy as np
import pandas as pd

_NAMES = {
    1: "januar jänner janvier enero gennaio janeiro januari ene jän janv gen",
    2: "februar février fevrier febrero febbraio fevereiro februari févr fevr fév fev",
    3: "märz maerz mär mrz mars marzo março maart mrt",
    4: "avril abril aprile avr abr",
    5: "mai mayo maggio maio mei mag",
    6: "juni juin junio giugno junho giu",
    7: "juli juillet julio luglio julho juil lug",
    8: "august août aout agosto augustus ago",
    9: "septembre septiembre setiembre settembre setembro sept set",
    10: "oktober octobre octubre ottobre outubro okt ott out",
    11: "novembre noviembre novembro",
    12: "dezember décembre diciembre dicembre dezembro déc dez dic",
}
LOCAL_MONTHS = {word: month for month, words in _NAMES.items() for word in words.split()}
"""Month names and abbreviations that strptime's ``%b`` and ``%B`` do not read, each with its month (1-12):
other languages', and ``Sept`` (French, and English as people write it)."""

_MONTHS = {
    **{
        name.casefold(): k
        for names in (calendar.month_name, calendar.month_abbr)
        for k, name in enumerate(names)
        if k
    },
    **LOCAL_MONTHS,
}  # every name a column may write, English too: 'oct.' in French is October with a dot %b does not read
_WORD = re.compile(r"[^\W\d_]+(?:\.(?!\d))?")  # janv.-24: the dot of an abbreviation, not 15.ene.2024's
LOCAL_WEEKDAYS = {
    word: day
    for days in (  # Monday to Sunday, each day's spellings joined by |
        "lunes martes miércoles|miercoles jueves viernes sábado|sabado domingo",
        "segunda terça|terca quarta quinta sexta sábado|sabado domingo",  # segunda-feira
        "montag dienstag mittwoch donnerstag freitag samstag|sonnabend sonntag",
        "lundi mardi mercredi jeudi vendredi samedi dimanche",
        "lunedì|lunedi martedì|martedi mercoledì|mercoledi giovedì|giovedi venerdì|venerdi sabato domenica",
        "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    )
    for day, spellings in enumerate(days.split())
    for word in spellings.split("|")
}
"""The weekdays of those languages written out, each with its number (Monday 0): a long date's weekday,
dropped before parsing and checked against the date after
(:func:`~rnnkit.forecast.date_values.check_weekdays`)."""

_LONG_DATE_WORDS = frozenset({"de", "del", "feira", *LOCAL_WEEKDAYS})  # de: 1 de enero de 2024
"""The other words of a spreadsheet's long date in those languages (``lunes, 1 de enero de 2024``,
``Montag, 1. Januar 2024``, ``segunda-feira, 1 de janeiro de 2024``): weekdays written out and the
``de`` between a date's parts, which no format reads (``%A`` reads English weekdays only): they are
dropped. Weekdays' abbreviations are left out: Spanish ``mar`` (martes) is also March."""


def _month_words(value: str) -> list[str] | None:
    """The words of ``value`` that name a month (an abbreviation's dot dropped, casefolded) when every
    other word is one of a long date's (:data:`_LONG_DATE_WORDS`), else None."""
    words = [w.rstrip(".").casefold() for w in _WORD.findall(value)]
    months = [w for w in words if w not in _LONG_DATE_WORDS]
    return months if months and all(w in _MONTHS for w in months) else None


def _has_long_date_words(value: str) -> bool:
    """Whether ``value`` writes a weekday or a ``de`` of :data:`_LONG_DATE_WORDS`."""
    return any(w.rstrip(".").casefold() in _LONG_DATE_WORDS for w in _WORD.findall(value))


def _month_dates(column: pd.Series) -> tuple[np.ndarray, bool]:
    """``(which filled values write one month's name and a number, whether some such name is not
    English)``. A month's name alone (``jan``, ``fev``: a label beside a ``Data`` column, or a shift's
    code ``mar``) is no date."""
    marked, local = [], False
    for value in column.dropna().astype("string").str.strip():
        words = _month_words(value)
        dated = words is not None and len(words) == 1 and any(c.isdigit() for c in value)
        marked.append(dated)
        local = local or (dated and (words[0] in LOCAL_MONTHS or _has_long_date_words(value)))
    return np.array(marked, dtype=bool), local


def holds_local_month_names(column: pd.Series) -> bool:
    """Whether nine in ten filled values (at least) above a footer write one month's name and a number (its
    year), and some value a name that is not English (``ene-24``, ``Mär 2024``): a column of dates,
    whatever its name (``Mes``, ``Monat``). The values after the last date (totals or notes rows,
    ``Summe``) are left out of the count and to the parser to name: counted, one such row under eight
    dates (or two under seventeen) kept the column German and the line asked for ``--date-format``."""
    marked, local = _month_dates(column)
    body = marked[: int(np.flatnonzero(marked)[-1]) + 1] if marked.any() else marked
    # a footer is short (two rows, or a tenth of the column) under several dates: one month-like value
    # over a list of products ('März 2024' above Äpfel, Birnen, ...) is no column of dates whose rows to
    # delete (the English file says 'no date column')
    footer = len(marked) - len(body)
    short = footer <= max(2, len(marked) // 10) and int(body.sum()) >= 3
    return local and len(body) > 0 and short and body.mean() >= 0.9


def dates_in_month_names(column: pd.Series) -> bool:
    """Whether ``column`` is a column of dates written with local month names (or with 年月日) wherever it
    stands in a table, for a date column that is not the first (``Producto,Fecha,Ventas`` with ``3 ene
    2024``): :func:`holds_local_month_names` (or :func:`holds_cjk_dates`), and its dated values are dates
    rather than labels with a number: each writes a four-digit year (``3 ene 2024``), or they name more
    than one month (``ene-24``, ``feb-24``). ``Set 1``, ``Set 2`` (a product's set, or Italian and
    Portuguese September) is a label column; a column of names alone (``ene``, ``feb``) never is dates."""
    if column.dtype != object and not str(column.dtype).startswith("str"):
        return False
    if holds_cjk_dates(column):
        return True
    if not holds_local_month_names(column):
        return False
    marked = _month_dates(column)[0]
    dated = column.dropna().astype("string").str.strip()[marked]
    months = {_MONTHS[_month_words(value)[0]] for value in dated}
    return len(months) > 1 or bool(dated.str.contains(r"(?<!\d)[12]\d{3}(?!\d)").all())


def english_month_names(
    raw: pd.Series, col: str, date_format: str | None = None
) -> tuple[pd.Series, str | None]:
    """``raw`` with its months' names written as English abbreviations (``ene-24`` as ``Jan-24``,
    ``15. März 2024`` as ``15. Mar 2024``; a long date's weekday and ``de`` dropped: ``lunes, 1 de enero de
    2024`` as ``1 Jan 2024``), and a note; unchanged unless :func:`holds_local_month_names`.
    Only the values that are dates change: a totals row (``Summe``) stays as written, for the parser to
    name as the English file's is. Under a ``date_format`` (``--date-format "%b-%y"``) the names are
    written as its ``%b`` or ``%B`` reads them, the other words as written (``%d de %B de %Y``), and a
    format with neither leaves the column as it is."""
    if date_format is not None and not re.search("%[bB]", date_format):
        return raw, None
    if not holds_local_month_names(raw):
        return raw, None
    names = calendar.month_name if date_format and "%B" in date_format else calendar.month_abbr

    def english(m: re.Match) -> str:
        word = m.group(0).rstrip(".").casefold()
        if word in _LONG_DATE_WORDS:  # lunes, 1 de enero de 2024: 1 Jan 2024, as a short date writes it
            return m.group(0) if date_format else ""  # '%d de %B de %Y' reads the de as written
        return names[_MONTHS[word]] if word in _MONTHS else m.group(0)

    def written(value: str) -> str:
        out = _WORD.sub(english, value)
        if date_format or not _has_long_date_words(value):
            return out
        return re.sub(r"\s+", " ", out).lstrip(" ,-").strip()  # the weekday's comma, feira's dash

    filled = raw.notna().to_numpy()
    text = raw[filled].astype("string").str.strip()
    dated = _month_dates(raw)[0]
    out = raw.astype(object)
    out.iloc[np.flatnonzero(filled)[dated]] = [written(v) for v in text[dated]]
    rewritten = np.flatnonzero((out[filled] != text).to_numpy())
    if not len(rewritten):  # Montag, 1. April 2024 under a format: its weekday kept, April as written
        return raw, None
    changed = int(rewritten[0])  # one that changed, for the note
    shown, read = str(text.iloc[changed]), str(out[filled].iloc[changed])
    return out, f"read the month names in date column {col!r} as English ones: {shown!r} as {read!r}"


_CJK_DATE = re.compile(
    r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?:(?P<d>\d{1,2})\s*[日일])?(?P<rest>(?:\s+\d.*)?)"
)
"""A date written with the characters of Chinese and Japanese (``2024年1月20日``, ``2024年1月``) or the
syllables of Korean (``2024년 1월 20일``), as spreadsheets set to those languages write dates and months,
perhaps with a time after (``2024年1月20日 9:00``)."""


def holds_cjk_dates(column: pd.Series) -> bool:
    """Whether every filled value is a date or month written with 年月日 (:data:`_CJK_DATE`): a column of
    dates, whatever its name (``日付``, ``年月``)."""
    text = column.dropna().astype("string").str.strip()
    return len(text) > 0 and bool(text.str.fullmatch(_CJK_DATE).all())


def cjk_dates(raw: pd.Series, col: str) -> tuple[pd.Series, str | None]:
    """``raw`` with dates written with 年月日 as ISO dates (a month as its first day: ``2024年1月`` as
    ``2024-01-01``), and a note; unchanged unless every filled value is one. No format is guessed for them
    and pandas reads none, so such a file was "no date column"."""
    if not holds_cjk_dates(raw):
        return raw, None
    filled = raw.notna().to_numpy()
    text = raw[filled].astype("string").str.strip()
    found = text.str.extract(_CJK_DATE)
    out = raw.astype(object)
    out[filled] = [
        _iso(value, y, m, d, rest)
        for value, y, m, d, rest in zip(text, found["y"], found["m"], found["d"], found["rest"], strict=True)
    ]
    months = " (a month as its first day)" if found["d"].isna().all() else ""
    return out, f"read the dates in column {col!r}{months}: {text.iloc[0]!r} as {out[filled].iloc[0]!r}"


def _iso(value: str, year: str, month: str, day: str | None, rest: str) -> str:
    """One 年月日 date as ``YYYY-MM-DD`` and what follows it; a day the calendar has not (``2024年13月``)
    stays as written, for the parser to name as the user wrote it."""
    try:
        day_of = date(int(year), int(month), 1 if pd.isna(day) else int(day))
    except ValueError:
        return value
    return f"{day_of.isoformat()}{rest}"
