"""Layouts of data sites' downloads that a plain CSV reading gets wrong, read right or named in one line.

- **yfinance** (``Price,Close,...`` then ``Ticker,AAPL,...`` and ``Date,,,...``): three header lines,
  joined into one (:func:`join_yfinance_headers`).
- **Yahoo Finance's history page** copied or saved (``Close*``, ``Adj Close**``, footnote stars matched
  away by :func:`~rnnkit.forecast.columns.loose_name`): its dividend and split rows among the prices
  (``"May 05, 2023",0.24 Dividend``) are dropped with a note (:func:`drop_event_rows`).
- **Wide tables** (the World Bank's and DataBank's years as columns, Eurostat's TSV with its periods as
  columns): one error line with the pandas ``melt`` that makes them one row per date
  (:func:`wide_format`); a World Bank download's preamble lines before its header are seen through
  (:func:`check_world_bank_preamble`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from rnnkit.forecast.columns import loose_name
from rnnkit.forecast.csv_file import file_start, read_csv_file
from rnnkit.forecast.date_values import is_period_text
from rnnkit.utils.errors import RnnkitError


def check_world_bank_preamble(path: Path, header: pd.DataFrame, kw: dict[str, Any]) -> None:
    """A World Bank download (``"Data Source","World Development Indicators"``, its date, then the wide
    table's header on line 5) is :func:`wide_format`'s one line, with the lines to skip; it said "line 5
    has more fields than the header's 3"."""
    if loose_name(header.columns[0]) != "datasource":
        return
    lines = file_start(path, 1 << 16).decode("utf-8", "replace").splitlines()
    for skip, line in enumerate(lines[1:20], start=1):
        if line.strip():
            columns = read_csv_file(path, skiprows=skip, nrows=0, **kw).columns
            if len(columns) > len(header.columns):
                wide_format(columns, path, skip)
                return


def join_yfinance_headers(
    path: Path, frame: pd.DataFrame, kw: dict[str, Any], notes: list[str]
) -> pd.DataFrame:
    """A yfinance download saved with ``to_csv`` (``Price,Close,High,...``, then ``Ticker,AAPL,...`` and
    ``Date,,,...``, or ``Datetime,,,...`` intraday: three header lines; ``Ticker`` first with
    ``group_by="ticker"``) as one header: ``Date,Close,High,...``, or ``Close AAPL,Close MSFT,...`` for
    several tickers, with a note. It read as a ``Price`` column of dates whose lines 2
    and 3 were "not dates", and numbers as text."""
    first = frame.columns[0]
    if loose_name(first) not in ("price", "ticker") or len(frame) < 3 or len(frame.columns) < 2:
        return frame
    labels = frame[first].iloc[:2].astype("string").str.strip().str.lower().tolist()
    other = "ticker" if loose_name(first) == "price" else "price"  # group_by="ticker" puts Ticker first
    if labels not in ([other, "date"], [other, "datetime"]) or not frame.iloc[1, 1:].isna().all():  # intraday
        return frame
    first_line = read_csv_file(path, header=None, nrows=1, **kw).iloc[0, 1:]  # as written: no Close.1
    header = [str(c).strip() for c in first_line]
    second = frame.iloc[0, 1:].astype("string").str.strip().tolist()
    fields, tickers = (header, pd.Series(second)) if other == "ticker" else (second, pd.Series(header))
    out = frame.iloc[2:].copy()
    if tickers.nunique() == 1:
        names = fields
        said = f"its ticker {tickers.iloc[0]}"
    else:
        names = [f"{field} {ticker}" for field, ticker in zip(fields, tickers, strict=True)]
        said = f"the tickers in the column names (e.g. {names[0]!r})"
    out.columns = [str(frame.iloc[1, 0]).strip(), *names]
    notes.append(
        f"{path.name} has yfinance's three header lines ({first}, {frame.iloc[0, 0]}, {out.columns[0]}); read "
        f"them as one, {said}"
    )
    return out


_YEAR_HEADER = re.compile(r"(1[89]|20)\d\d(\s*\[YR\d{4}\])?")  # 1960, or DataBank's 1960 [YR1960]
_HAS_YEAR = re.compile(r"(?<!\d)(1[89]|20)\d\d(?!\d)")


def _period_header(name: str) -> bool:
    """A column name that is a date or a period with its year: 2020-01, 2020-01-31, Jan 2020, 2019Q1,
    Q1 2019, 2020M01, 2020-W05 (a wide table's periods as columns); not a year alone (see _YEAR_HEADER)."""
    if not _HAS_YEAR.search(name) or _YEAR_HEADER.fullmatch(name):
        return False
    if is_period_text(name):
        return True
    try:
        return not pd.isna(pd.to_datetime(name, format="mixed"))
    except (ValueError, OverflowError):
        return False


def wide_format(columns: Iterable[object], path: Path, skip: int = 0) -> None:
    """One line for a file whose years are columns (the World Bank's ``Country Name,...,1960,1961,...``):
    it names the layout and the pandas ``melt`` that makes it one row per date. Not read as it is: each
    row is a country's (and an indicator's) series, and choosing one for the user would forecast a
    series they did not ask for; the long file the recipe writes is read with ``--id-column``."""
    names = [str(c).strip() for c in columns]
    if any("\\time" in n.lower() for n in names):  # geo\TIME_PERIOD: its periods are columns after a tab
        raise RnnkitError(
            f"{path.name} is Eurostat's TSV, in wide format (its periods are columns, flags such as 'p' "
            "follow the numbers, ':' is a missing value); download the dataset as SDMX-CSV instead "
            "(TIME_PERIOD,OBS_VALUE columns, one row per date), and pass --id-column geo if it holds "
            "several countries"
        )
    years = [n for n in names if _YEAR_HEADER.fullmatch(n)]
    if len(years) < 3:
        _periods_as_columns(names, path)
        return
    ids = [n for n in names if n not in years and not n.startswith("Unnamed:")]  # a trailing comma's column
    bank = years[0] != years[0][:4]  # DataBank: 1960 [YR1960] headers and .. for a missing value
    read = f"{str(path)!r}" + (f", skiprows={skip}" if skip else "") + (", na_values='..'" if bank else "")
    year = ".assign(Year=lambda d: d['Year'].str[:4])" if bank else ""
    by = next(
        (n for n in ids if loose_name(n) in ("countryname", "country", "entity", "geo")),
        ids[0] if ids else "",
    )
    then = f" --id-column {by!r}" if by else ""
    raise RnnkitError(
        f"{path.name} is in wide format: its years are columns ({years[0]} to {years[-1]}), not rows; "
        "rnnkit reads one row per date: reshape it first, e.g. in Python: import pandas as pd; "
        f"pd.read_csv({read}).melt(id_vars={ids!r}, var_name='Year', value_name='value')"
        f".dropna(subset=['value']){year}.to_csv('long.csv', index=False); then pass --data long.csv{then}"
    )


def _periods_as_columns(names: list[str], path: Path) -> None:
    """One line for a wide table whose months, quarters, weeks or days are columns (``region,2020-01,
    2020-02,...``, ``item,2019Q1,...``, ``item,Jan 2020,...``): it said "has no date column; name one with
    --date-column", which cannot help, as no column holds dates. It names the layout and the ``melt``
    that makes the file one row per date (read with ``--id-column`` when it holds several series)."""
    periods = [n for n in names if _period_header(n)]
    if len(periods) < 3:
        return
    ids = [n for n in names if n not in periods and not n.startswith("Unnamed:")]
    then = f" --id-column {ids[0]!r}" if ids else ""
    raise RnnkitError(
        f"{path.name} is in wide format: its dates are columns ({periods[0]} to {periods[-1]}), not rows; "
        "rnnkit reads one row per date: reshape it first, e.g. in Python: import pandas as pd; "
        f"pd.read_csv({str(path)!r}).melt(id_vars={ids!r}, var_name='date', value_name='value')"
        f".dropna(subset=['value']).to_csv('long.csv', index=False); then pass --data long.csv{then}"
    )


# A Yahoo Finance history page's event rows: "0.24 Dividend", "2:1 Stock Splits" in the first value column
_EVENT = re.compile(
    r"\s*(?:\d+(?:\.\d+)?\s+Dividends?|\d+(?:\.\d+)?\s*[:/]\s*\d+(?:\.\d+)?\s+Stock Splits?)\s*", re.I
)


def drop_event_rows(path: Path, frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """``frame`` without the dividend and split rows a Yahoo Finance history page lists among the prices
    (a date, ``0.24 Dividend`` and no price), with a note naming the first. They were read as a second
    row of that date ("duplicated date ... keep one row per date", naming the price row) or, by
    ``--missing drop``, a row without a close."""
    if len(frame.columns) < 3:
        return frame
    values = frame.iloc[:, 1:].astype("string")
    event = values.iloc[:, 0].str.fullmatch(_EVENT).fillna(False).to_numpy()
    if not event.any():
        return frame
    rest = values.iloc[:, 1:]
    empty = (rest.isna() | rest.apply(lambda c: c.str.strip().eq(""))).fillna(True).all(axis=1).to_numpy()
    dropped = event & empty & frame.iloc[:, 0].notna().to_numpy()
    if not dropped.any():
        return frame
    first = int(dropped.argmax())
    notes.append(
        f"{path.name} lists {int(dropped.sum())} dividend or split row(s) among its prices, as a Yahoo Finance "
        f"page does (line {int(frame.index[first]) + 2}: {str(values.iloc[first, 0]).strip()!r}); ignored them"
    )
    return frame[~dropped]
