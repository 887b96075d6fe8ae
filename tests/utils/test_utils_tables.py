"""utils.tables: one printed table style, aligned as the HTML report aligns (numbers right, text left)."""

from __future__ import annotations

import math

import pytest

from rnnkit.report import Section
from rnnkit.utils.tables import format_table, is_number, numeric_columns


def test_numbers_right_text_left_with_a_rule():
    text = format_table(
        ["forecaster", "MAE", "note"], [["model", 1.23456, "ok"], ["naive", 10.0, "baseline"]]
    )
    assert text.splitlines() == [
        "forecaster    MAE  note",
        "----------  -----  --------",
        "model       1.235  ok",
        "naive          10  baseline",
    ]


def test_title_blanks_nan_and_formatted_numbers():
    rows = [["model", "0.912", "61.2%", math.nan], ["naive", "-", "50.0%", 2.5]]
    lines = format_table(["system", "MASE", "dir_acc", "x"], rows, title="scores").splitlines()
    assert lines[0] == "scores"
    assert lines[1:] == [
        "system   MASE  dir_acc    x",
        "------  -----  -------  ---",
        "model   0.912    61.2%  nan",
        "naive       -    50.0%  2.5",
    ]


def test_what_counts_as_a_number():
    assert all(is_number(v) for v in (1, 2.5, "3", "-0.5", "1e-3", "61.2%", "1,024", ".5", "nan", "inf"))
    assert not any(is_number(v) for v in (True, "a1", "1 to 2", "2024-01-01", "", None, "lstm"))
    # a column of blanks only is text; a column with one number and blanks is numeric
    assert numeric_columns(["a", "b", "c"], [["-", 1, "x"], ["", "–", "2"]]) == [False, True, False]


def test_the_report_aligns_by_the_same_rule():
    headers, rows = ["system", "MAE", "dates"], [["model", "1.5", "2024 to 2025"], ["naive", 2.0, "-"]]
    section = Section("t").add_table(headers, rows)
    assert numeric_columns(headers, rows) == [False, True, False]
    cells = section.blocks[-1]
    assert '<th class="num">MAE</th>' in cells and "<th>system</th>" in cells and "<th>dates</th>" in cells


def test_a_ragged_row_is_refused():
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        format_table(["a", "b", "c"], [[1, 2]])


def test_hangul_takes_two_columns_so_the_next_column_lines_up():
    from rich.cells import cell_len

    text = format_table(["output", "chrF"], [["저는 학생이에요.", 71.2], ["I am a student.", 9.5]])
    body = text.splitlines()
    ends = {cell_len(line) for line in body}  # the numbers end in one terminal column
    assert len(ends) == 1, text
    assert body[2].startswith("저는 학생이에요.  ") and body[3].startswith("I am a student.   ")
