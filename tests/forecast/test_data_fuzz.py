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
DATES = {  # how a date is written: (strftime, only for series without a time of day)
    "iso": ("%Y-%m-%d", True),
    "day first": ("%d/%m/%Y", True),
    "month first": ("%m/%d/%Y", True),
    "dots": ("%d.%m.%Y", True),
    "yyyymmdd": ("%Y%m%d", True),
    "iso time": ("%Y-%m-%dT%H:%M:%S", False),
    "space time": ("%Y-%m-%d %H:%M", False),
    "utc offset": ("%Y-%m-%dT%H:%M:%S+00:00", False),
}
NUMBERS = ("plain", "comma", "1,234.50", "1.234,50", "1 234,50", "1'234.50")
MISSING_MARKS = ("", "NA", "N/A", "null", ".", " NA ", "-", " - ", "n/a ")


def _grouped(whole: str, sep: str) -> str:
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sep.join([whole, *groups])


def _number(value: float, style: str, sign: str) -> str:
    """``value`` (two decimals) written in ``style`` with ``sign`` (``$``, `` €``, ``%`` or none)."""
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
    return f"-{text}" if value < 0 else text


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
    kinds = (
        [k for k, (_, daily) in DATES.items() if daily or freq == "h"]
        if freq != "h"
        else ["iso time", "space time", "utc offset"]
    )
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
            cell = mark if (i, j) == (missing_row, 0) else _number(values[i, j], style, sign)
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
    assert list(got) == list(dates)
    assert np.array_equal(series.values, values)


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
