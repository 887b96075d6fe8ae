"""A header repeated inside a file (two exports joined) is one line naming it, not advice about formats."""

from __future__ import annotations

import pytest
from helpers_forecast import price_frame

from rnnkit.cli import main
from rnnkit.forecast.data import load_series
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError


def _joined(tmp_path, header: str = "Date,Open,High,Low,Close,Adj Close,Volume"):
    text = price_frame(80).to_csv(index=False).splitlines()
    path = tmp_path / "joined.csv"
    path.write_text("\n".join([*text[:41], header, *text[41:]]) + "\n")
    return path


def test_a_repeated_header_names_its_line(tmp_path, capsys):
    # it was "1 value(s) in date column 'Date' are not dates in the format of line 2 ...: line 42 ('Date');
    # give the format with --date-format"
    path = _joined(tmp_path)
    assert main(["forecast", "train", "--data", str(path), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "rnnkit: error: joined.csv: line 42 repeats the header (the column names): files joined one after the "
        "other? Delete the repeated header, and check that the rows after it continue the dates before it"
    ]
    assert not (tmp_path / "run").exists()


def test_in_other_case_with_spaces_and_in_long_files(tmp_path):
    with pytest.raises(RnnkitError, match="line 42 repeats the header"):
        load_series(str(_joined(tmp_path, " date , OPEN,High,Low,Close,Adj Close,Volume")))
    long = tmp_path / "long.csv"
    long.write_text("id,Date,Close\na,2024-01-01,1\nid,Date,Close\na,2024-01-02,2\n")
    with pytest.raises(RnnkitError, match="line 3 repeats the header"):
        load_panel(str(long), "id")


def test_a_cell_that_holds_its_column_name_is_no_header(tmp_path):
    path = tmp_path / "names.csv"
    rows = [f"2024-01-{d:02d},Close,{d}" for d in range(1, 21)]
    path.write_text("\n".join(["Date,Note,Close", *rows]) + "\n")  # 'Close' as a note, not the header
    assert len(load_series(str(path), target="Close")) == 20


def test_a_header_that_names_a_column_twice_is_found_repeated_too(tmp_path):
    """pandas names the second 'Close' of 'Date,Close,Close' 'Close.1', so the repeated header's 'Close'
    did not match it, and the old advice about date formats came back."""
    days = [f"2024-01-{d:02d},{d},{d}" for d in range(1, 31)]
    path = tmp_path / "twice.csv"
    path.write_text("\n".join(["Date,Close,Close", *days[:10], "Date,Close,Close", *days[10:]]) + "\n")
    with pytest.raises(RnnkitError, match=r"^twice\.csv: line 12 repeats the header"):
        load_series(path, target="Close")
