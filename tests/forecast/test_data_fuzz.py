"""The forecast reader on a clean series written the messy ways real files come (separators, decimal
commas, thousands separators, currency and percent signs, quotes, spaces, missing-value marks, date
formats, byte-order marks, CRLF, reversed rows, trailers): either exactly the clean series (same dates
in order, same values to the float) or one line naming the problem, never a silently wrong series and
never a traceback. Then the cases the fuzzing found, one test each."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

STARTS = ("2019-01-13", "2020-02-27", "2021-12-25", "2023-06-01")
DATES = {  # how a date is written: (strftime, without the time of day)
    "iso": ("%Y-%m-%d", True),
    "day first": ("%d/%m/%Y", True),
    "month first": ("%m/%d/%Y", True),
    "dots": ("%d.%m.%Y", True),
    "two-digit year": ("%d/%m/%y", True),
    "month name": ("%b %d, %Y", True),  # unquoted in a comma-separated file: its year cut off
    "day month name": ("%d %b %Y", True),
    "yyyymmdd": ("%Y%m%d", True),
    "iso time": ("%Y-%m-%dT%H:%M:%S", False),
    "space time": ("%Y-%m-%d %H:%M", False),
    "utc offset": ("%Y-%m-%dT%H:%M:%S+00:00", False),
    "zulu": ("%Y-%m-%dT%H:%M:%SZ", False),
    "day first time": ("%d/%m/%Y %H:%M", False),
}
NUMBERS = ("plain", "comma", "1,234.50", "1.234,50", "1 234,50", "1'234.50")
MISSING_MARKS = ("", "NA", "N/A", "null", ".", " NA ", "-", " - ", "n/a ")


def _grouped(whole: str, sep: str) -> str:
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sep.join([whole, *groups])


def _number(value: float, style: str, sign: str, negative: str = "-") -> str:
    """``value`` (two decimals) written in ``style`` with ``sign`` (``$``, `` €``, ``%`` or none), its
    minus as ``negative`` says (``-``, ``−`` or an accounting ``(...)``)."""
    whole, cents = f"{abs(value):.2f}".split(".")
    text = {
        "plain": f"{whole}.{cents}",
        "comma": f"{whole},{cents}",
        "1,234.50": f"{_grouped(whole, ',')}.{cents}",
        "1.234,50": f"{_grouped(whole, '.')},{cents}",
        "1 234,50": f"{_grouped(whole, ' ')},{cents}",
        "1'234.50": f"{_grouped(whole, chr(39))}.{cents}",
    }[style]
    text = f"${text}" if sign == "$" else text + sign
    if value >= 0:
        return text
    return f"({text})" if negative == "()" else negative + text


@st.composite
def messy_files(draw):
    """``(bytes, dates, values, missing row or None)``: a clean series and one messy file of it."""
    n = draw(st.integers(20, 32))
    freq = draw(st.sampled_from(["D", "MS", "W-MON", "h"]))
    dates = pd.date_range(draw(st.sampled_from(STARTS)), periods=n, freq=freq)
    columns = draw(st.integers(1, 2))
    cents = st.integers(-9_999_999, 99_999_999) if draw(st.booleans()) else st.integers(-5000, 50000)
    values = np.array(
        draw(st.lists(st.lists(cents, min_size=columns, max_size=columns), min_size=n, max_size=n))
    )
    values = values / 100
    sep = draw(st.sampled_from([",", ";", "\t"]))
    style, sign = draw(st.sampled_from(NUMBERS)), draw(st.sampled_from(["", "", "$", " €", "%"]))
    negative = draw(st.sampled_from(["-", "\u2212", "()"]))
    kinds = [k for k, (_, daily) in DATES.items() if freq != "h" or not daily]  # hourly: with times
    date_format = DATES[draw(st.sampled_from(kinds))][0]
    quote, pad = draw(st.booleans()), draw(st.booleans())
    missing_row = draw(st.one_of(st.none(), st.integers(1, n - 2)))
    mark = draw(st.sampled_from(MISSING_MARKS))
    extra = draw(st.booleans())  # an empty column at the end, named or not, and trailing separators
    header = ["Date", *(f"v{j}" for j in range(columns))] + ([""] if extra else [])
    if draw(st.booleans()):
        header = [f" {h} " if h else h for h in header]
    lines = [sep.join(header)]
    order = range(n - 1, -1, -1) if draw(st.booleans()) else range(n)
    for i in order:
        cells = [dates[i].strftime(date_format)]
        for j in range(columns):
            cell = mark if (i, j) == (missing_row, 0) else _number(values[i, j], style, sign, negative)
            cell = f" {cell} " if pad else cell
            cells.append(f'"{cell}"' if quote or sep in cell else cell)
        lines.append(sep.join(cells + ([""] if extra else [])))
    if draw(st.booleans()):
        lines.append("Source: somewhere")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    data = (newline.join(lines) + newline).encode()
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data, dates, values, missing_row


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=messy_files(), drop=st.booleans())
def test_a_messy_file_reads_as_the_clean_series_or_is_one_line(tmp_path, case, drop):
    data, dates, values, missing_row = case
    path = tmp_path / "messy.csv"
    path.write_bytes(data)
    features = [f"v{j}" for j in range(1, values.shape[1])]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            series = load_series(path, target="v0", features=features, missing="drop" if drop else "error")
    except RnnkitError as exc:
        assert "\n" not in str(exc) and "messy.csv" in str(exc)
        return
    if missing_row is not None:
        assert drop, "a missing value was read without --missing"
        keep = np.arange(len(dates)) != missing_row
        dates, values = dates[keep], values[keep]
    got = series.dates.tz_localize(None) if series.dates.tz is not None else series.dates
    # hours of one day (01/06/2023 00:00 to 19:00) read day first and month first alike: the warning
    # names the reading taken and the option for the other
    two_ways = any("--dayfirst" in w and "--monthfirst" in w for w in series.warnings)
    assert list(got) == list(dates) or (two_ways and list(got) == _day_and_month_swapped(dates))
    assert np.array_equal(series.values, values)


def _day_and_month_swapped(dates) -> list:
    """The other reading of dates whose day and month could each be the other (None where one cannot)."""
    return [d.replace(month=d.day, day=d.month) if d.day <= 12 else None for d in dates]


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path, **kw) -> str:
    with pytest.raises(RnnkitError) as info:
        load_series(path, **kw)
    assert "\n" not in str(info.value)
    return str(info.value)


def test_a_dash_among_numbers_written_for_people_is_the_cell_named(tmp_path):
    # every other cell reads as 1.234,50 €: the message named line 2's '1.200,50 €' (as pandas alone
    # cannot read it) and "20 such values", hiding the '-' on line 9
    rows = [f"2024-01-{d:02d};{'-' if d == 8 else f'1.2{d:02d},50 €'}" for d in range(1, 21)]
    message = _error(_write(tmp_path, "eu.csv", "Date;Close\n" + "\n".join(rows) + "\n"))
    assert "line 9 holds '-' (1 such value(s))" in message
    assert "leave missing values empty" in message


def test_pandas_words_for_missing_with_spaces_around_are_missing_values(tmp_path):
    # ' NA ' and 'null ' are pandas' own marks of a missing value with the spaces of a padded export
    rows = [
        f"2024-01-{d:02d}, {' NA ' if d == 5 else 'null ' if d == 9 else f'{100 + d}.5'} "
        for d in range(1, 21)
    ]
    path = _write(tmp_path, "pad.csv", "Date,Close\n" + "\n".join(rows) + "\n")
    assert "'Close': 2 on lines 6, 10" in _error(path)
    series = load_series(path, missing="drop")
    assert len(series) == 18 and series.target[4] == 106.5


def test_a_notes_line_after_times_with_offsets_is_named_as_a_notes_line(tmp_path):
    rows = [f"2024-01-{d:02d}T09:00:00+01:00,{d}" for d in range(1, 21)]
    for offsets in ("+01:00", "mixed"):
        if (
            offsets == "mixed"
        ):  # a daylight-saving change: converted to UTC, the notes line kept for the parser
            rows[10:] = [r.replace("+01:00", "+02:00") for r in rows[10:]]
        text = "time,value\n" + "\n".join(rows) + "\nSource: ECB\n"
        message = _error(_write(tmp_path, "tz.csv", text))
        assert "line 22 ('Source: ECB'); they end the file, like a totals or notes row" in message
        assert "mixes times with a timezone offset" not in message


def test_a_time_without_an_offset_among_offsets_is_still_refused(tmp_path):
    rows = [f"2024-01-{d:02d}T09:00:00{'' if d == 7 else '+01:00'},{d}" for d in range(1, 21)]
    message = _error(_write(tmp_path, "tz.csv", "time,value\n" + "\n".join(rows) + "\n"))
    assert "mixes times with a timezone offset and without one (line 8: '2024-01-07T09:00:00')" in message


def test_spreadsheet_day_numbers_in_a_file_of_decimal_commas_are_named(tmp_path):
    # a decimal comma keeps every cell as text: the day numbers were "not dates ... give --date-format"
    rows = [f"{45292 + d};{100 + d},25" for d in range(20)]
    message = _error(_write(tmp_path, "days.csv", "Date;Close\n" + "\n".join(rows) + "\n"))
    assert "holds numbers such as 45292, not dates: a spreadsheet's day numbers?" in message
    ymd = [f"202401{d:02d};{100 + d},25" for d in range(1, 21)]
    series = load_series(_write(tmp_path, "ymd.csv", "Date;Close\n" + "\n".join(ymd) + "\n"))
    assert series.dates[0] == pd.Timestamp("2024-01-01") and series.target[0] == 101.25
    assert "read the numbers in date column 'Date' as YYYYMMDD dates" in series.notes


def test_an_unquoted_thousands_comma_under_a_header_with_a_trailing_separator_is_refused(tmp_path):
    # every line ends with a separator: "1,210.50" unquoted made the row one field longer, its extra
    # field empty, and pandas read every close as 1 without a word
    rows = [f"2024-01-{d},1,2{d}.50," for d in range(10, 31)]
    message = _error(_write(tmp_path, "shift.csv", "Date,Close,\n" + "\n".join(rows) + "\n"))
    assert message.startswith("shift.csv: line 2 has more fields than the header's 3")
    # a trailing separator the header does not have is still no field
    rows = [f"2024-01-{d},1{d}.50," for d in range(10, 31)]
    series = load_series(_write(tmp_path, "trail.csv", "Date,Close\n" + "\n".join(rows) + "\n"))
    assert series.target[0] == 110.5 and len(series) == 21
    # nor is one separator more than the header's own, its column left empty (it was this error)
    rows = [f"2024-01-{d},1{d}.50,," for d in range(10, 31)]
    series = load_series(_write(tmp_path, "trail2.csv", "Date,Close,\n" + "\n".join(rows) + "\n"))
    assert series.target[0] == 110.5 and len(series) == 21


def test_dates_without_a_year_are_refused_not_read_as_year_one(tmp_path):
    rows = [f"Jan {d},{d}" for d in range(10, 31)]
    message = _error(_write(tmp_path, "md.csv", "Date,Close\n" + "\n".join(rows) + "\n"))
    assert "21 value(s) in date column 'Date' have no year (read as year 1): line 2 ('Jan 10')" in message
    # "Jan 13, 2019" quoted, as a comma-separated file must write it, reads whole
    rows = [f'"Jan {d}, 2019",{d}' for d in range(10, 31)]
    series = load_series(_write(tmp_path, "mdy.csv", "Date,Close\n" + "\n".join(rows) + "\n"))
    assert series.dates[0] == pd.Timestamp("2019-01-10")


def test_spreadsheet_day_numbers_above_a_notes_line_are_named_as_day_numbers(tmp_path):
    # the notes line made the column text: "29 value(s) are not dates: line 2 ('45292') ...; give the format"
    rows = [f"{45292 + d},{100 + d}" for d in range(20)]
    path = _write(tmp_path, "days.csv", "Date,Close\n" + "\n".join(rows) + "\nSource: ledger\n")
    assert "holds numbers such as 45292, not dates: a spreadsheet's day numbers?" in _error(path)
    ymd = [f"202401{d:02d},{d}" for d in range(1, 21)]
    path = _write(tmp_path, "ymd.csv", "Date,Close\n" + "\n".join(ymd) + "\nSource: ledger\n")
    assert "line 22 ('Source: ledger'); they end the file, like a totals or notes row" in _error(path)


def test_an_empty_date_among_yyyymmdd_numbers_is_shown_as_nan(tmp_path):
    rows = [f"{'' if d == 4 else f'202401{d:02d}'},{d}" for d in range(1, 21)]
    path = _write(tmp_path, "gap.csv", "Date,Close\n" + "\n".join(rows) + "\n")
    assert "date column 'Date' has 1 empty value(s): line 5 (nan); --missing drop" in _error(path)
    assert len(load_series(path, missing="drop")) == 19


def test_iso_dates_with_and_without_a_time_of_day_read_as_one_standard(tmp_path):
    # midnight written as the day alone beside full times (rnnkit's own forecast.csv, many exporters):
    # "15 value(s) ... are not dates in the format '%Y-%m-%d %H:%M:%S'"
    stamps = pd.date_range("2024-03-01", periods=40, freq="6h")
    rows = [f"{t:%Y-%m-%d}," if t.hour == 0 else f"{t:%Y-%m-%d %H:%M:%S}," for t in stamps]
    path = _write(
        tmp_path, "mix.csv", "time,value\n" + "\n".join(f"{r}{i}" for i, r in enumerate(rows)) + "\n"
    )
    series = load_series(path)
    assert list(series.dates) == list(stamps) and series.reading["dayfirst"] is None
    rows[5] = "2024-13-02 06:00:00,5"  # a month 13 is still no date, named
    message = _error(
        _write(tmp_path, "bad.csv", "time,value\n" + "\n".join(f"{r}{i}" for i, r in enumerate(rows)) + "\n")
    )
    assert "'2024-13-02 06:00:00'" in message


def test_a_date_of_more_digits_than_any_date_is_one_line(tmp_path):
    # it was an OverflowError: digits kept as text beside an empty value, past int64
    path = _write(tmp_path, "big.csv", "Date,Close\n18446744073709551616,\n")
    assert "big.csv" in _error(path)


def test_excels_separator_line_is_named(tmp_path):
    # "sep=;" read as the header: "column 'Unnamed: 1' ... is not numeric: line 2 holds 'Close'"
    rows = [f"2024-01-{d:02d};{100 + d},5" for d in range(1, 21)]
    path = _write(tmp_path, "sep.csv", "sep=;\nDate;Close\n" + "\n".join(rows) + "\n")
    assert _error(path) == (
        "sep.csv starts with Excel's separator line ('sep=;'); delete that line, so that the column names come first"
    )


def test_a_title_line_above_the_header_is_named_as_one(tmp_path):
    # it was "line 2 has more fields than the header's 1 (a number with a decimal comma ...?)"
    rows = [f"2024-01-{d:02d},{100 + d}" for d in range(1, 21)]
    for title in ("Daily closes", "# exported by the bank"):
        message = _error(_write(tmp_path, "t.csv", f"{title}\nDate,Close\n" + "\n".join(rows) + "\n"))
        assert message.startswith(
            f"t.csv: line 1 ({title!r}) has one field and line 2 more: a title or a note"
        )
