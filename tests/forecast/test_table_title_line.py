"""A spreadsheet's title line above the header, saved with its row's empty fields, is one line naming it."""

from __future__ import annotations

from helpers_forecast import refused_training

ROWS = [f"2024-01-{day:02d},{100 + day}," for day in range(1, 31)]


def _train(tmp_path, text: str, capsys) -> list[str]:
    return refused_training(tmp_path / "titled.csv", text, capsys)


def test_a_title_with_empty_fields_above_the_header(tmp_path, capsys):
    # it was "titled.csv has no numeric column to forecast; name one with --target"
    err = _train(tmp_path, "\n".join(["Daily closes 2024,,", "Date,Close,", *ROWS]) + "\n", capsys)
    assert err == [
        "rnnkit: error: titled.csv: line 1 ('Daily closes 2024') names one column and line 2 names 2 (Date, "
        "Close): a title or a note above the header? Delete the lines above the column names"
    ]


def test_a_semicolon_title_and_an_empty_row_before_the_header(tmp_path, capsys):
    rows = [r.replace(",", ";") for r in ROWS]
    err = _train(tmp_path, "\r\n".join(["Schlusskurse;;", ";;", "Datum;Wert;", *rows]) + "\r\n", capsys)
    assert err[0].endswith("line 1 ('Schlusskurse') names one column and line 3 names 2 (Datum, Wert): a title "
                           "or a note above the header? Delete the lines above the column names")  # fmt: skip


def test_unnamed_columns_of_numbers_are_no_title(tmp_path, capsys):
    text = "\n".join(["Date,,", *(f"2024-01-{d:02d},{d},{d + 1}" for d in range(1, 31))]) + "\n"
    err = refused_training(tmp_path / "unnamed.csv", text, capsys)
    assert err[-1].endswith("has several numeric columns (Unnamed: 1, Unnamed: 2); choose one with --target")
