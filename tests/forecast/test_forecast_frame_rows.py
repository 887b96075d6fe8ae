"""A DataFrame has rows, not lines: every reader's message names its rows by the frame's index labels,
while a file's messages keep naming its lines (header line 1; a BOM, blank lines, yfinance's three
header lines and a newest-first file counted right); ``--missing drop`` and ``fill`` notes name them too."""

import gzip
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError


def _frame(n: int = 8) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.date_range("2024-01-01", periods=n), "sales": np.arange(n) + 1.0})


def _error(source, **kw) -> str:
    with pytest.raises(RnnkitError) as info:
        load_series(source, **kw)
    return str(info.value)


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _not_numeric() -> pd.DataFrame:
    frame = _frame().astype({"sales": object})
    frame.loc[3, "sales"] = "x"
    return frame


def _duplicated() -> pd.DataFrame:
    frame = _frame()
    frame.loc[5, "date"] = frame.loc[4, "date"]
    return frame


def _disordered() -> pd.DataFrame:
    frame = _frame()
    frame.loc[5, "date"] = pd.Timestamp("2023-01-01")
    return frame


def _empty_date() -> pd.DataFrame:
    frame = _frame()
    frame.loc[5, "date"] = pd.NaT
    return frame


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_not_numeric, "column 'sales' of DataFrame is not numeric: row 3 holds 'x' (1 such value(s))"),
        (
            _duplicated,
            "DataFrame has 1 duplicated date(s) (row 5 (2024-01-05, as row 4)); keep one row per date",
        ),
        (_disordered, "order: row 5 (2023-01-01) after row 4 (2024-01-05); sort the rows"),
        (_empty_date, "DataFrame: date column 'date' has 1 empty value(s): row 5 (NaT); --missing drop"),
    ],
)
def test_a_dataframes_errors_name_its_rows_by_label_not_a_line(make, said):
    # they said "line 5", "line 7 (2024-01-05)": a frame's label + 2, which is nothing in a frame
    message = _error(make())
    assert said in message and "line" not in message


def test_rows_are_the_frames_own_labels_whatever_its_index():
    frame = _not_numeric().set_axis(list("abcdefgh"))  # df.loc["d"] is the bad cell
    assert "not numeric: row d holds 'x'" in _error(frame, target="sales")
    dated = _duplicated().set_index("date")  # a DatetimeIndex: the row is its date, said once
    assert "(row 2024-01-05 at position 5); keep one row per date" in _error(dated)
    assert "(row 0 at position 5 (2024-01-05, as row 0 at position 4))" in _error(
        _duplicated().set_axis([0] * 8)
    )  # repeated labels
    months = pd.PeriodIndex(["2020-01", "2020-02", "2020-04", "2020-03", "2020-05", "2020-06"], freq="M")
    monthly = pd.DataFrame({"sales": np.arange(6) + 1.0}, index=months)  # the row is its period
    assert "order: row 2020-03 (2020-03-01) after row 2020-04 (2020-04-01); sort" in _error(monthly)


def test_date_value_errors_of_a_frame_name_rows():
    parts = pd.DataFrame({"year": [2020] * 3, "month": [1, 2, 2], "day": [1, 30, 3], "sales": [1.0, 2, 3]})
    assert _error(parts, target="sales") == "DataFrame: row 1: year 2020, month 2, day 30 is no date"
    weeks = pd.DataFrame(
        {"date": ["2020-W01", "2020-W53", "2021-W53"], "sales": [1.0, 2, 3]}, index=[7, 8, 9]
    )
    assert _error(weeks).startswith("DataFrame: row 9 of date column 'date' (2021-W53) is no ISO week")
    clocks = ["2020-01-01 10:00+01:00", "2020-01-02 10:00", "2020-01-03 10:00+01:00"]
    mixed = pd.DataFrame({"date": clocks, "sales": [1.0, 2, 3]})
    assert "(row 1: '2020-01-02 10:00'); give every time an offset" in _error(mixed)
    formats = pd.DataFrame({"date": ["2020-01-01", "2020-01-02", "03/01/2020"], "sales": [1.0, 2, 3]})
    assert "in the format of row 0 ('2020-01-01' is %Y-%m-%d): row 2 ('03/01/2020')" in _error(formats)
    early = pd.DataFrame({"year": [999, 1000, 1001], "sales": [1.0, 2, 3]})
    assert "holds years before 1000 (row 0: 999)" in _error(early, date_column="year")


def test_a_files_messages_keep_its_lines_bom_and_blank_lines_counted(tmp_path):
    bom = _file(tmp_path, "bom.csv", "\ufeffdate,sales\n2024-01-01,1\n\n2024-01-02,x\n2024-01-03,3\n")
    assert "of bom.csv is not numeric: line 4 holds 'x'" in _error(bom)
    dup = _file(tmp_path, "dup.csv", "date,sales\n2024-01-01,1\n\n2024-01-02,2\n2024-01-02,3\n2024-01-04,4\n")
    assert "(line 5 (2024-01-02, as line 4))" in _error(dup)  # line 3 is blank
    text = "date,sales\n2024-01-01,1\n\n2024-01-03,2\n2024-01-02,3\n2024-01-04,4\n2024-01-05,5\n"
    assert "order: line 5 (2024-01-02) after line 4 (2024-01-03)" in _error(_file(tmp_path, "o.csv", text))
    empty = _file(tmp_path, "e.csv", "date,sales\n2024-01-01,1\n\n,2\n2024-01-03,3\n2024-01-04,4\n")
    assert "date column 'date' has 1 empty value(s): line 4 (nan)" in _error(empty)
    assert "dropped 1 row(s) with an empty date (line 4)" in load_series(empty, missing="drop").notes


def test_a_newest_first_file_and_yfinance_headers_name_the_right_lines(tmp_path):
    newest = "date,sales\n2024-01-05,1\n2024-01-04,2\n\n2024-01-03,\n2024-01-02,4\n2024-01-01,5\n"
    path = _file(tmp_path, "newest.csv", newest)
    assert "('sales': 1 on line 5)" in _error(path)
    assert (
        "dropped 1 row(s) with 1 missing value(s) ('sales': 1 on line 5)"
        in load_series(path, missing="drop").notes
    )
    header = "Price,Close,High\nTicker,AAPL,AAPL\nDate,,\n"
    rows = "2024-01-02,1,2\n2024-01-03,,2\n2024-01-04,1,2\n2024-01-05,1,2\n"
    yf = _file(tmp_path, "yf.csv", header + rows)
    assert "('Close': 1 on line 5)" in _error(yf, target="Close")


def test_missing_drop_and_fill_notes_name_the_rows_as_the_error_does(tmp_path):
    frame = _frame(40)
    frame.loc[[3, 5, 9, 12], "sales"] = np.nan
    dropped = load_series(frame, missing="drop").notes
    assert "dropped 4 row(s) with 4 missing value(s) ('sales': 4 on rows 3, 5, 9 and 1 more)" in dropped
    filled = load_series(frame, missing="fill").notes
    assert "filled 4 missing value(s) ('sales': 4 on rows 3, 5, 9 and 1 more) with the last value" in filled
    path = tmp_path / "gaps.csv"
    frame.to_csv(path, index=False)
    assert any(
        "('sales': 4 on lines 5, 7, 11 and 1 more)" in n for n in load_series(path, missing="drop").notes
    )
    dated = frame.set_index("date")  # a DatetimeIndex: rows by their dates
    assert re.search(
        r"'sales': 4 on rows 2024-01-04, 2024-01-06, 2024-01-10 and 1 more",
        str(load_series(dated, missing="drop").notes),
    )


def test_a_long_frames_series_name_the_frames_rows():
    parts = [
        pd.DataFrame({"id": k, "date": pd.date_range("2024-01-01", periods=6), "sales": np.arange(6.0)})
        for k in "AB"
    ]
    long = pd.concat(parts, ignore_index=True)
    long.loc[8, "sales"] = np.nan
    with pytest.raises(RnnkitError, match=r"\('sales': 1 on row 8\)"):
        load_panel(long, "id")
    with pytest.raises(RnnkitError, match=r"\('sales': 1 on row \(B, 2024-01-03\)\)"):
        load_panel(long.set_index(["id", "date"]), "id")


def test_a_dataframe_is_not_called_a_file():
    totals = pd.DataFrame(
        {"date": ["2024-01-01", "2024-01-02", "2024-01-03", "Total"], "sales": [1.0, 2, 3, 6]}
    )
    assert "row 3 ('Total'); they end the DataFrame, like a totals or notes row" in _error(totals)
    ids = pd.DataFrame(
        {"id": list("AABB"), "date": ["2024-01-01", "2024-01-02", "2024-01-01", "x"], "y": [1.0] * 4}
    )
    with pytest.raises(RnnkitError, match=r"\(one format for every series of the DataFrame\): row 3 \('x'\)"):
        load_panel(ids, "id")


def test_a_file_is_still_called_a_file(tmp_path):
    path = _file(tmp_path, "t.csv", "date,sales\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\nTotal,6\n")
    assert "line 5 ('Total'); they end the file, like a totals" in _error(path)


def test_a_quoted_line_break_does_not_shift_the_lines_after_it(tmp_path):
    # "two\nlines" is one record on lines 2-3: the rows after it were named one line early
    text = 'date,note,sales\n2024-01-01,"two\nlines",1\n2024-01-02,ok,2\n\n2024-01-03,ok,x\n2024-01-04,ok,4\n'
    assert "not numeric: line 6 holds 'x'" in _error(_file(tmp_path, "notes.csv", text), target="sales")
    gaps = text.replace(",x\n", ",\n")
    path = tmp_path / "notes.csv.gz"
    with gzip.open(path, "wt", newline="") as handle:
        handle.write(gaps)
    assert "('sales': 1 on line 6)" in _error(path, target="sales")
    header = 'date,"sales\n(units)"\n2024-01-01,1\n2024-01-02,x\n2024-01-03,3\n'  # a header on two lines
    assert "line 4 holds 'x'" in _error(_file(tmp_path, "head.csv", header))


def test_an_empty_id_names_the_dataframes_row_and_the_files_line(tmp_path):
    """load_panel said 'the id column 'id' is empty on line 5' for a DataFrame's row 3."""
    from rnnkit.forecast.panel import load_panel
    from rnnkit.utils.errors import RnnkitError

    parts = [
        pd.DataFrame(
            {"id": k, "date": pd.date_range("2024-01-01", periods=30).strftime("%Y-%m-%d"), "y": range(30)}
        )
        for k in "AB"
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame.loc[3, "id"] = None
    with pytest.raises(
        RnnkitError, match=r"^DataFrame: the id column 'id' is empty on row 3; pd.read_csv reads"
    ):
        load_panel(frame, "id")  # text ids: the one missing may be a file's 'NA', which pandas reads as NaN
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(RnnkitError, match=r"the id column 'id' is empty on line 5"):
        load_panel(path, "id")
