"""A download's summary or source line that ends the file, holding digits, is named as a line to delete."""

from __future__ import annotations

import pytest

from rnnkit.cli import main
from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

ROWS = [f'"06/{day:02d}/2023","1,0{day:02d}.50"' for day in range(1, 29)]


def test_investing_coms_summary_line_is_named_as_a_line_to_delete(tmp_path, capsys):
    # its unquoted commas make 'Highest: 1' the date: it was "give the format with --date-format or --dayfirst"
    path = tmp_path / "investing.csv"
    footer = "Highest: 1,100.00 Lowest: 900.00 Difference: 200.00 Average: 1,000.00 Change %: 1.2"
    path.write_text("\n".join(['"Date","Price","Open"', *ROWS, footer]) + "\n")
    assert (
        main(["forecast", "train", "--data", str(path), "--target", "Price", "--out", str(tmp_path / "r")])
        == 2
    )
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err.endswith(
        "line 30 ('Highest: 1'); they end the file, like a totals or notes row: delete them (every row is one "
        "date's values)"
    )


def test_a_note_with_a_date_in_it_ends_the_file_but_a_wrong_date_is_a_format_question(tmp_path):
    rows = ["Date,Close", *(f"2024-06-{day:02d},{day}" for day in range(1, 21))]
    note, wrong = tmp_path / "note.csv", tmp_path / "wrong.csv"
    note.write_text("\n".join([*rows, "Data as of 2024-06-30,"]) + "\n")
    wrong.write_text("\n".join([*rows, "June 31 2024,4"]) + "\n")
    with pytest.raises(RnnkitError, match=r"\('Data as of 2024-06-30'\); they end the file"):
        load_series(str(note))
    with pytest.raises(RnnkitError, match=r"\('June 31 2024'\); give the format with --date-format"):
        load_series(str(wrong))


def test_a_totals_row_without_a_date_is_named_as_a_line_to_delete(tmp_path):
    # ',1234' after the last date (the totals row's label in another column, or none): it was only
    # "--missing drop drops such rows"
    rows = ["Date,Sales", *(f"2024-06-{day:02d},{day}" for day in range(1, 21))]
    total, gap = tmp_path / "total.csv", tmp_path / "gap.csv"
    total.write_text("\n".join([*rows, ",210"]) + "\n")
    gap.write_text("\n".join([*rows[:5], ",5", *rows[5:]]) + "\n")
    with pytest.raises(RnnkitError) as caught:
        load_series(str(total))
    assert str(caught.value) == (
        "total.csv: date column 'Date' has 1 empty value(s): line 22 (nan); they end the file, like a totals "
        "or notes row: delete them (every row is one date's values), or --missing drop drops such rows"
    )
    with pytest.raises(RnnkitError, match=r"line 6 \(nan\); --missing drop drops such rows$"):
        load_series(str(gap))  # a date missing among the rows is no totals row


@pytest.mark.parametrize("zone", ["CET", "JST", "MESZ", "AEST"])
def test_a_wrong_date_with_any_zone_of_the_zone_table_is_a_format_question(tmp_path, zone):
    # the words dates are written with listed zones by hand, and only some of the zones read: 'June 31
    # 2024 JST' was "they end the file, like a totals or notes row", where 'June 31 2024 CET' was a date
    path = tmp_path / "wrong.csv"
    path.write_text(
        "\n".join(
            ["Date,Close", *(f"2024-06-{day:02d},{day}" for day in range(1, 21)), f"June 31 2024 {zone},4"]
        )
    )
    with pytest.raises(RnnkitError, match=rf"\('June 31 2024 {zone}'\); give the format with --date-format"):
        load_series(str(path))
