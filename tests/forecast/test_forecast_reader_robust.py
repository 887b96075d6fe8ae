"""The forecast CSV reader on hostile files: corrupt compressed files, mixed timezone offsets, integer
dates (issue 10, item 9), and any bytes at all (hypothesis): a series or one line, never a traceback."""

import bz2
import gzip
import lzma
import warnings
import zipfile

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnkit.cli import main
from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

CSV = "Date,Close\n" + "".join(f"2020-01-{d:02d},{100 + d}\n" for d in range(1, 29))


def _error(path) -> str:
    with pytest.raises(RnnkitError) as info:
        load_series(path)
    assert "\n" not in str(info.value)
    return str(info.value)


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("bad.zip", b"PK\x03\x04 not really a zip", "not a readable CSV file: File is not a zip file"),
        ("bad.xz", b"\xfd7zXZ\x00 garbage", "not a readable CSV file"),
        ("cut.xz", lzma.compress(CSV.encode())[:40], "not a readable CSV file"),
        ("bad.zst", b"\x28\xb5\x2f\xfd garbage", "not a readable CSV file"),
        ("bad.bz2", b"BZh9 garbage", "not a readable CSV file"),
        ("cut.gz", gzip.compress(CSV.encode())[:30], "not a readable CSV file"),
        ("bad.tar", b"\x00" * 10 + b"garbage", "not a readable CSV file"),
    ],
)
def test_a_corrupt_compressed_file_is_one_line(tmp_path, name, data, needle):
    path = tmp_path / name
    path.write_bytes(data)
    message = _error(path)
    assert name in message
    if not name.endswith(".zst"):  # .zst needs the optional zstandard package, or is corrupt
        assert needle in message


def test_zip_files_of_several_or_no_members_are_one_line(tmp_path, capsys):
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as z:
        z.writestr("a.csv", CSV)
        z.writestr("b.csv", CSV)
    assert "Multiple files found in ZIP file" in _error(two)
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    assert "Zero files" in _error(empty)
    assert main(["forecast", "train", "--data", str(two), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnkit: error: ") and err.count("\n") == 1


def test_good_compressed_files_still_read(tmp_path):
    for name, pack in (("s.csv.gz", gzip.compress), ("s.csv.bz2", bz2.compress), ("s.csv.xz", lzma.compress)):
        (tmp_path / name).write_bytes(pack(CSV.encode()))
        assert len(load_series(tmp_path / name)) == 28


def test_mixed_timezone_offsets_are_converted_to_utc_with_a_note(tmp_path):
    # a daylight-saving change: +01:00 before, +02:00 after, in hourly data
    rows = [f"2020-03-29T{h:02d}:00:00+01:00,{h}" for h in range(2)]
    rows += [f"2020-03-29T{h:02d}:00:00+02:00,{h}" for h in range(3, 13)]
    path = tmp_path / "dst.csv"
    path.write_text("time,value\n" + "\n".join(rows) + "\n")
    series = load_series(path)
    assert len(series) == 12 and series.dates.is_monotonic_increasing
    assert series.dates[0] == pd.Timestamp("2020-03-28 23:00:00")  # midnight at +01:00, in UTC
    assert series.dates[-1] == pd.Timestamp("2020-03-29 10:00:00")
    assert any("timezone offsets; converted them to UTC" in n for n in series.notes)


def test_mixed_offsets_at_one_local_time_of_day_are_the_local_dates(tmp_path):
    # daily midnights across the change: in UTC they were 23:00 and 22:00 of the day before
    rows = [f"2020-03-{d:02d}T00:00:00+01:00,{d}" for d in range(20, 29)]
    rows += [f"2020-03-{d:02d}T00:00:00+02:00,{d}" for d in range(29, 32)]
    path = tmp_path / "dst.csv"
    path.write_text("time,value\n" + "\n".join(rows) + "\n")
    series = load_series(path)
    assert list(series.dates) == list(pd.date_range("2020-03-20", "2020-03-31"))
    assert any("read them as the local dates written" in n for n in series.notes)


def test_one_offset_throughout_is_kept_as_it_is(tmp_path):
    path = tmp_path / "kst.csv"
    path.write_text("time,value\n" + "".join(f"2020-03-{d:02d}T09:00:00+09:00,{d}\n" for d in range(1, 11)))
    series = load_series(path)
    assert len(series) == 10 and not any("UTC" in n for n in series.notes)


def test_offsets_mixed_with_none_are_one_line(tmp_path, capsys):
    path = tmp_path / "mixed.csv"
    path.write_text("time,value\n2020-03-01T00:00+01:00,1\n2020-03-02T00:00,2\n2020-03-03T00:00+01:00,3\n")
    assert "mixes times with a timezone offset and without one (line 3" in _error(path)
    assert main(["forecast", "train", "--data", str(path), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_yyyymmdd_integer_dates_are_read_as_dates_never_1970(tmp_path):
    path = tmp_path / "ints.csv"
    path.write_text("date,close\n" + "".join(f"202001{d:02d},{100 + d}\n" for d in range(1, 29)))
    series = load_series(path)
    assert series.dates[0] == pd.Timestamp("2020-01-01") and series.dates[-1] == pd.Timestamp("2020-01-28")
    assert any("as YYYYMMDD dates" in n for n in series.notes)


def test_year_integers_are_years(tmp_path):
    path = tmp_path / "years.csv"
    path.write_text("year,value\n" + "".join(f"{y},{y % 7}\n" for y in range(1950, 2000)))
    series = load_series(path, date_column="year")
    assert series.dates[0] == pd.Timestamp("1950-01-01") and series.dates.year.min() == 1950
    assert any("as years" in n for n in series.notes)


@pytest.mark.parametrize(
    "values",
    [
        list(range(10)),  # a row counter
        [10**7 + i for i in range(10)],  # eight digits, too small for Unix seconds and no YYYYMMDD date
        [20201301 + i for i in range(10)],  # eight digits, but month 13
        [f"{1.5 + i}" for i in range(10)],  # fractional numbers
    ],
)
def test_other_numbers_in_the_date_column_are_one_line(tmp_path, capsys, values):
    path = tmp_path / "nums.csv"
    path.write_text("date,close\n" + "".join(f"{v},{i}\n" for i, v in enumerate(values)))
    message = _error(path)
    assert "date column 'date' holds numbers" in message and "1970" not in str(load_series.__name__)
    assert main(["forecast", "train", "--data", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnkit: error: ") and err.count("\n") == 1


@pytest.mark.parametrize(("scale", "unit"), [(1, "seconds"), (1000, "milliseconds")])
def test_unix_times_are_read_as_utc_times_with_a_note(tmp_path, scale, unit):
    # they were refused ("they would count nanoseconds from 1970; write dates like 2020-01-31")
    path = tmp_path / "epoch.csv"
    hourly = [(1704067200 + 3600 * i) * scale for i in range(30)]
    path.write_text("time,load\n" + "".join(f"{t},{i}\n" for i, t in enumerate(hourly)))
    series = load_series(path)
    assert list(series.dates[:2]) == [pd.Timestamp("2024-01-01 00:00"), pd.Timestamp("2024-01-01 01:00")]
    assert series.notes == [
        f"read the numbers in date column 'time' as Unix times in {unit} (UTC): {hourly[0]} is 2024-01-01"
    ]


@pytest.mark.parametrize("written", ["{y}Q{q}", "{y}-Q{q}", "Q{q} {y}", "{y}q{q}"])
def test_quarters_are_read_as_their_first_days_without_a_warning(tmp_path, written):
    # pandas read them one by one, and the warning said to check them and suggested %d.%m.%Y
    path = tmp_path / "gdp.csv"
    quarters = [written.format(y=2000 + k // 4, q=k % 4 + 1) for k in range(24)]
    path.write_text("quarter,gdp\n" + "".join(f"{q},{100 + k}\n" for k, q in enumerate(quarters)))
    series = load_series(path)
    assert list(series.dates[:5].strftime("%Y-%m-%d")) == [
        "2000-01-01",
        "2000-04-01",
        "2000-07-01",
        "2000-10-01",
        "2001-01-01",
    ]
    assert series.warnings == []
    assert series.notes == [
        f"read the quarters in date column 'quarter' as their first days: {quarters[0]} is 2000-01-01"
    ]


def test_a_totals_row_says_to_delete_it_not_to_give_a_date_format(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text(CSV + "Total,3234\nAverage,115.5\n\n")
    message = _error(path)
    assert message.endswith(
        "line 30 ('Total'), line 31 ('Average'); they end the file, like a totals or notes row: delete them "
        "(every row is one date's values)"
    )
    path.write_text(CSV.replace("2020-01-05", "Total"))  # inside the file: a date that does not parse
    assert _error(path).endswith("line 6 ('Total'); give the format with --date-format")


def test_a_file_of_values_alone_says_to_add_dates_not_to_name_a_date_column(tmp_path):
    path = tmp_path / "values.csv"
    path.write_text("value\n" + "".join(f"{k}\n" for k in range(30)))
    assert _error(path) == (
        "values.csv has no date column (columns: value); add a column with each row's date (e.g. Date: 2024-01-31)"
    )


cells = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat() + "+0" + str(d.hour % 10) + ":00"),
)


@settings(max_examples=60, deadline=20_000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.lists(cells, min_size=2, max_size=2), min_size=0, max_size=12),
    st.sampled_from(["Date,Close", "time,value", "date,close,volume", "a,b", ""]),
)
def test_any_csv_gives_a_series_or_one_line(tmp_path, rows, header):
    path = tmp_path / "fuzz.csv"
    body = "\n".join(",".join(r) for r in rows)
    path.write_text(header + "\n" + body + "\n", encoding="utf-8")
    try:
        series = load_series(path, missing="drop")
    except RnnkitError as exc:
        assert "\n" not in str(exc)
    else:
        assert series.dates.is_monotonic_increasing and series.values.shape[0] == len(series.dates)


@settings(max_examples=40, deadline=20_000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300), st.sampled_from(["x.csv", "x.csv.gz", "x.zip", "x.xz", "x.bz2"]))
def test_any_bytes_give_a_series_or_one_line(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        load_series(path)
    except RnnkitError as exc:
        assert "\n" not in str(exc)


def test_an_empty_column_is_no_candidate_for_the_target(tmp_path):
    # a spreadsheet's blank column made "several numeric columns (value, Empty); choose one with --target"
    path = tmp_path / "blank.csv"
    path.write_text("Date,value,Empty\n" + "".join(f"2020-01-{d:02d},{100 + d},\n" for d in range(1, 29)))
    series = load_series(path)
    assert series.columns == ["value"] and series.target[0] == 101


def test_an_empty_target_says_to_choose_another_not_to_fill(tmp_path):
    # "has 28 missing value(s); pass --missing fill ... or --missing drop", which left no rows
    path = tmp_path / "blank.csv"
    path.write_text("Date,Close,Volume\n" + "".join(f"2020-01-{d:02d},,{d}\n" for d in range(1, 29)))
    assert (
        _error(path)
        == "column 'Close' of blank.csv is empty (no value in any row); choose another with --target"
    )
    with pytest.raises(RnnkitError, match="column 'Close' of blank.csv is empty .*with --features$"):
        load_series(path, target="Volume", features=["Close"])


def test_spreadsheet_day_numbers_say_to_format_the_column_as_dates(tmp_path):
    # 45292 is 2024-01-01 in Excel; the message spoke of nanoseconds from 1970
    path = tmp_path / "serial.csv"
    path.write_text("Date,Close\n" + "".join(f"{45292 + d},{100 + d}\n" for d in range(28)))
    assert _error(path) == (
        "serial.csv: date column 'Date' holds numbers such as 45292, not dates: a spreadsheet's day numbers? "
        "Format the column as dates in the spreadsheet before saving the CSV"
    )


def test_header_names_are_read_without_their_spaces(tmp_path):
    # " Close " was the target's name: printed as "forecast ... (+1):  Close  108.7" and saved so in config.json
    path = tmp_path / "spaced.csv"
    path.write_text(
        " Date , Close , Volume \n" + "".join(f"2020-01-{d:02d}, {100 + d}, {d}\n" for d in range(1, 29))
    )
    series = load_series(path, features=["volume"])
    assert series.columns == ["Close", "Volume"] and series.title == "spaced.csv Close"
    assert series.values[0].tolist() == [101.0, 1.0]


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_a_row_with_a_field_beyond_the_header_is_one_line_never_dropped(tmp_path, suffix):
    # decimal commas in a comma-separated file: 2024-01-02,101,5 read as 101 (the 5 dropped, not a word said)
    rows = "".join(f"2020-01-{d:02d},{100 + d}\n" for d in range(1, 29)) + "2020-01-29,101,5\n"
    path = tmp_path / f"comma{suffix}"
    data = ("Date,Close\n" + rows).encode()
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    with warnings.catch_warnings(record=True) as caught:  # pandas' ParserWarning never reaches the user
        warnings.simplefilter("always")
        message = _error(path)
    assert not [w for w in caught if issubclass(w.category, pd.errors.ParserWarning)]
    assert message == (
        f"comma{suffix}: line 30 has more fields than the header's 2 (a number with a decimal comma in a "
        "comma-separated file? Quote such numbers, or separate the fields with ';'. A column the header does "
        "not name? Name it)"
    )
    trailing = tmp_path / "trailing.csv"  # a separator at the end of every row is no field
    trailing.write_text("Date,Close\n" + "".join(f"2020-01-{d:02d},{100 + d},\n" for d in range(1, 29)))
    assert load_series(trailing).target[0] == 101


@pytest.mark.parametrize("name", ["book.xlsx", "old.xls", "sheet.ods"])
def test_a_spreadsheet_workbook_says_to_save_the_sheet_as_csv(tmp_path, name):
    # was "book.xlsx is binary data, not a CSV text file"
    path = tmp_path / name
    if name.endswith(".xls"):
        path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)  # OLE2, as Excel 97-2003 writes
    else:
        with zipfile.ZipFile(path, "w") as book:
            book.writestr("[Content_Types].xml", "<Types/>")
    assert _error(path) == (
        f"{name} is a spreadsheet workbook, not a CSV file; save the sheet as CSV (in Excel: Save As, CSV UTF-8) "
        "and try again"
    )


def test_a_text_export_named_xls_is_read_as_text(tmp_path):
    path = tmp_path / "bank.xls"  # banks' "Excel" exports are often tab-separated text
    path.write_text("Date\tClose\n" + "".join(f"2020-01-{d:02d}\t{100 + d}\n" for d in range(1, 29)))
    assert load_series(path).target[0] == 101


@pytest.mark.parametrize("value", ["1e308", "-3.5e306", "1e305"])
def test_values_too_large_to_compute_with_are_one_line(tmp_path, capsys, value):
    # a file of 1e308 crashed the linear AR (SVD did not converge) and the plot's ticks with tracebacks
    rows = "".join(f"2024-01-{d:02d},{value}\n" for d in range(1, 29))
    path = tmp_path / "huge.csv"
    path.write_text("Date,Close\n" + rows)
    with pytest.raises(RnnkitError, match=r"holds values as large as .*rescale the column"):
        load_series(path)
    assert (
        main(["forecast", "train", "--data", str(path), "--epochs", "1", "--out", str(tmp_path / "r")]) == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "rescale the column" in err and not (tmp_path / "r" / "model").exists()
    frame = pd.read_csv(path)
    with pytest.raises(RnnkitError, match="rescale the column"):  # a DataFrame too
        load_series(frame)


def test_a_constant_series_of_huge_values_is_forecast_without_noise(tmp_path, capfd):
    # 168 equal values of 5e303: least squares printed LAPACK's "DLASCL had an illegal value" twice and
    # failed, and the scaled inputs overflowed float32 (the mean's rounding, 6e287, divided by std 1)
    rows = "".join(f"2024-{1 + d // 28:02d}-{1 + d % 28:02d},5e303\n" for d in range(168))
    (tmp_path / "c.csv").write_text("Date,Close\n" + rows)
    args = [
        "forecast",
        "train",
        "--data",
        str(tmp_path / "c.csv"),
        "--epochs",
        "1",
        "--out",
        str(tmp_path / "r"),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert main(args) == 0
    out, err = capfd.readouterr()
    assert "DLASCL" not in err and "forecast 2024-06-29 (+1): Close 5e+303 (+0.00%)" in out


def test_large_but_computable_values_are_read(tmp_path):
    rows = "".join(f"2024-01-{d:02d},{d}e90\n" for d in range(1, 29))
    (tmp_path / "big.csv").write_text("Date,Close\n" + rows)
    assert load_series(tmp_path / "big.csv").values[-1, 0] == pytest.approx(28e90)
