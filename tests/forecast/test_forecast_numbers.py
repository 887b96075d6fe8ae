"""Numbers written for people (``$1,234.50``, ``1.234,56``, ``4.5%``, ``(12.30)``) read exactly, with a note
that shows one cell and its value, or not at all: never a separator dropped where it does not belong."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.forecast.numbers import read_numbers, unread_cells
from rnnkit.utils.errors import RnnkitError

DAYS = [f"2024-01-{d:02d}" for d in range(1, 21)]


def _csv(tmp_path, name: str, header: str, cells: list[str], sep: str = ",", bom: bool = False) -> str:
    rows = [f"{day}{sep}{cell}" for day, cell in zip(DAYS, cells, strict=False)]
    text = ("\ufeff" if bom else "") + "\n".join([header, *rows]) + "\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("cells", "values"),
    [
        (["1,234.50", "999", "12,345,678.9"], [1234.5, 999, 12345678.9]),  # thousands commas
        (["1.234,56", "999,5", "2.000"], [1234.56, 999.5, 2000]),  # thousands dots, a decimal comma
        (["1 234,56", "1\u00a0000,5"], [1234.56, 1000.5]),  # spaces (and no-break spaces) group
        (["100,25", "0,500"], [100.25, 0.5]),  # a decimal comma; 0,500 is a half, never 500
        (["$12.30", "-$1,000.00", "$-5"], [12.3, -1000, -5]),
        (["12,30 €", "1.000,00 €"], [12.3, 1000]),
        (["4.5%", "-0.25%"], [4.5, -0.25]),  # percent kept in percent
        (["(12.30)", "7.5"], [-12.3, 7.5]),  # an accounting negative
        (["12.50K", "3.1M", "2B", "900"], [12500, 3100000, 2e9, 900]),  # a finance site's volumes
    ],
)
def test_numbers_written_for_people_read_exactly(cells, values):
    out, note = read_numbers(pd.Series(cells, name="Close"))
    np.testing.assert_array_equal(out, values)
    assert note.startswith("column 'Close' writes numbers with ") and " as " in note


@pytest.mark.parametrize(
    "cells",
    [
        ["1,2,34", "5"],  # pandas' thousands="," reads 1234
        ["1.2.3", "5"],  # and thousands="." 123
        ["01.01.2024", "5"],  # a date, never 1012024
        ["1,234.5", "1.234,5"],  # two decimal marks in one column
        ["(12.30", "5"],
        ["$12€", "5"],
        ["12abc", "5"],
        ["5K%", "5"],
    ],
)
def test_anything_else_is_not_read_as_numbers(cells):
    assert read_numbers(pd.Series(cells, name="Close")) is None


def test_the_note_names_only_what_the_cells_carry():
    assert (
        read_numbers(pd.Series(["$1.125", "$2"], name="p"))[1]
        == "column 'p' writes numbers with '$'; read '$1.125' as 1.125"
    )


def test_plain_numbers_are_left_to_pandas_and_missing_cells_stay_missing():
    assert read_numbers(pd.Series(["1.5", "-2"], name="x")) is None
    out, _ = read_numbers(pd.Series(["$1", np.nan, "$3"], name="x"))
    np.testing.assert_array_equal(out, [1, np.nan, 3])


def test_an_excel_export_with_a_bom_semicolons_and_thousands_dots_reads_its_values(tmp_path):
    # 'Schluss' was "no numeric column to forecast", and named with --target "not numeric"
    cells = [
        f"{2000 + 37.5 * k:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") for k in range(20)
    ]
    path = _csv(tmp_path, "excel.csv", "Datum;Schluss", cells, sep=";", bom=True)
    series = load_series(path)
    assert series.columns == ["Schluss"] and series.dates[0] == pd.Timestamp("2024-01-01")
    np.testing.assert_allclose(series.target, 2000 + 37.5 * np.arange(20))
    assert series.notes == [
        "excel.csv is ';'-separated with decimal commas; read it so",
        "column 'Schluss' writes numbers with thousands separators; read '2.000,00' as 2000",
    ]


def test_thousands_dots_in_a_file_of_decimal_commas_are_thousands(tmp_path):
    # pandas, told decimal=",", still read 1.500 as 1.5: a quantity column a thousand times too small
    path = tmp_path / "de.csv"
    rows = [f"{d:02d}.01.2024;{100 + d},5;{d}.{500 + d}" for d in range(1, 21)]
    path.write_text("Datum;Preis;Menge\n" + "\n".join(rows) + "\n")
    series = load_series(path, target="Preis", features=["Menge"])
    np.testing.assert_array_equal(series.values[:2], [[101.5, 1501], [102.5, 2502]])
    assert series.dates[1] == pd.Timestamp("2024-01-02")  # 02.01.2024 stays a date, never 2012024
    assert series.notes[1:] == [
        "column 'Menge' writes numbers with thousands separators; read '1.501' as 1501"
    ]


@pytest.mark.parametrize(
    ("cells", "value", "note"),
    [
        (
            [f'"{1000 + k:,}.50"' for k in range(20)],
            1000.5,
            "thousands separators; read '1,000.50' as 1000.5",
        ),
        ([f"${10 + k}.25" for k in range(20)], 10.25, "'$'; read '$10.25' as 10.25"),
        (
            [f"{3 + k / 10:.1f}%" for k in range(20)],
            3.0,
            "'%' (kept in percent: 4.5% is 4.5); read '3.0%' as 3",
        ),
        ([f'"{10 + k},5"' for k in range(20)], 10.5, "a decimal comma; read '10,5' as 10.5"),
    ],
)
def test_a_comma_separated_export_is_read_with_its_default_target(tmp_path, cells, value, note):
    series = load_series(_csv(tmp_path, "x.csv", "Date,Price", cells))  # the only numeric column
    assert series.columns == ["Price"] and series.target[0] == value and len(series) == 20
    assert series.notes == [f"column 'Price' writes numbers with {note}"]


def test_tab_separated_decimal_commas_are_read(tmp_path):
    series = load_series(
        _csv(tmp_path, "x.tsv", "Date\tClose", [f"{100 + k},25" for k in range(20)], sep="\t")
    )
    assert series.target[0] == 100.25 and series.notes == [
        "x.tsv is tab-separated with decimal commas; read it so"
    ]


def test_a_dash_for_a_missing_value_says_to_leave_it_empty(tmp_path):
    cells = [str(100 + k) for k in range(20)]
    cells[5] = "-"
    with pytest.raises(
        RnnkitError, match=r"line 7 holds '-' \(1 such value\(s\)\); leave missing values empty"
    ):
        load_series(_csv(tmp_path, "x.csv", "Date,Close", cells))


def test_a_fred_dot_is_a_missing_value(tmp_path):
    # FRED writes "." for a missing value: the file had "no numeric column to forecast; name one with
    # --target", and named with it, "is not numeric: line 9 holds '.'"
    cells = [f"{4 + k / 10:.1f}" for k in range(20)]
    cells[7] = "."
    path = _csv(tmp_path, "fred.csv", "DATE,UNRATE", cells)
    with pytest.raises(
        RnnkitError,
        match=r"^fred.csv has 1 missing value\(s\) \('UNRATE': 1 on line 9\); pass --missing fill",
    ):
        load_series(path)
    series = load_series(path, missing="fill")
    assert series.target[7] == series.target[6] == 4.6


def test_the_only_column_that_is_not_numbers_says_why():
    frame = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=20), "v": [f"{k}x" for k in range(20)]})
    with pytest.raises(
        RnnkitError, match=r"^column 'v' of DataFrame is not numeric: row 0 holds '0x' \(20 such"
    ):
        load_series(frame)  # was "no numeric column to forecast; name one with --target"


@pytest.mark.parametrize("space", ["\u00a0", "\u202f"])
def test_the_note_shows_a_no_break_space_as_a_space(space):
    """A French or German export groups thousands with a no-break space; the note showed it as Python
    writes it, '1\\xa0003,46', which no user typed."""
    _, note = read_numbers(pd.Series([f"1{space}003,46", "2,5"], name="Close"))
    assert note.endswith("read '1 003,46' as 1003.46"), note


def test_indian_lakh_and_crore_groups():
    # an Indian export writes 1,12,012.50 (one lakh twelve thousand): it was 'not numeric'
    raw = pd.Series(["1,12,012.50", "12,34,56,789", "99,999.00", "1,00,000"], name="Sales")
    values, note = read_numbers(raw)
    assert values.tolist() == [112012.5, 123456789.0, 99999.0, 100000.0]
    assert note == "column 'Sales' writes numbers with thousands separators; read '1,12,012.50' as 112012.5"
    assert read_numbers(pd.Series(["1,2,345", "5"])) is None  # a group of one digit is no grouping


def test_a_trailing_minus_as_sap_writes_it():
    # SAP's and COBOL programs' '1.234,56-' (and '12.30-'): it was 'not numeric'
    values, note = read_numbers(pd.Series(["1.234,56-", "12,30", "0,64-"], name="Betrag"), ",")
    assert values.tolist() == [-1234.56, 12.3, -0.64]
    assert note == (
        "column 'Betrag' writes numbers with thousands separators and trailing minus signs ('12.30-' as -12.3); "
        "read '1.234,56-' as -1234.56"
    )
    assert read_numbers(pd.Series(["12.30-", "4.5"]))[0].tolist() == [-12.3, 4.5]
    for twice in ("-12.30-", "(12.30)-"):  # one sign at most
        assert read_numbers(pd.Series([twice, "4.5"])) is None


def test_a_currency_code_before_or_after_the_amount():
    # bank exports' '1.234,56 EUR' and 'USD 12.30': they were 'not numeric'
    values, note = read_numbers(pd.Series(["USD 12.30", "USD 1,001.26", "(USD 5.00)"], name="Amount"))
    assert values.tolist() == [12.3, 1001.26, -5.0]
    assert note == (
        "column 'Amount' writes numbers with thousands separators, 'USD' and accounting negatives ('(12.30)' as "
        "-12.3); read 'USD 12.30' as 12.3"
    )
    assert read_numbers(pd.Series(["1.234,56 EUR", "7,50 EUR"]), ",")[0].tolist() == [1234.56, 7.5]
    assert read_numbers(pd.Series(["12 KWH", "13 KWH"])) is None  # three capitals that name no currency


def test_amounts_in_two_currencies_are_refused(tmp_path):
    # read alike, '12 USD' and '13 EUR' were one series of dollars plus euros, said only in the note
    cells = ["12.00 USD", "13.50 USD", "11.20 EUR", *["14.00 USD"] * 17]
    with pytest.raises(RnnkitError) as err:
        load_series(_csv(tmp_path, "x.csv", "Date,Amount", cells))
    message = str(err.value)
    assert "more than one currency" in message
    assert "'12.00 USD'" in message and "'11.20 EUR'" in message
    assert "\n" not in message
    # one currency written two ways (a sign and its code) is one currency
    series = load_series(
        _csv(tmp_path, "y.csv", "Date;Amount", ["12,00 €", "EUR 13,50", *["14,00 €"] * 18], sep=";")
    )
    assert series.values[:3, 0].tolist() == [12.0, 13.5, 14.0]


def test_a_sign_beside_a_code_it_stands_for_is_one_currency():
    from rnnkit.forecast.numbers import mixed_currencies

    assert mixed_currencies(pd.Series(["$11.50", "USD 15.50", "12.00"])) is None  # '$' was another currency
    assert mixed_currencies(pd.Series(["¥1001", "1005 JPY"])) is None
    assert mixed_currencies(pd.Series(["$11.50", "USD 15.50", "CAD 3.00"])) == (1, 2)  # two codes: two
    assert mixed_currencies(pd.Series(["$1", "¥2"])) == (0, 1)
    assert mixed_currencies(pd.Series(["12 €", "EUR 3", None, "4"])) is None


@pytest.mark.parametrize(("sep", "mark"), [(",", "."), (";", ",")])
def test_eurostats_flags_after_the_values_are_dropped_with_a_note(tmp_path, sep, mark):
    # 12.3 p (provisional), 12.4 e (estimated), as Eurostat writes a value with its flag: it was "column
    # 'OBS_VALUE' is not numeric: line 3 holds '100.1 p'"
    months = pd.date_range("2020-01-01", periods=36, freq="MS")
    flags = ["", " p", "", " e", " bp"]
    path = tmp_path / "hicp.csv"
    path.write_text(
        f"TIME_PERIOD{sep}OBS_VALUE\n"
        + "".join(
            f"{m:%Y-%m}{sep}{100 + i / 10:.1f}{flags[i % 5]}\n".replace(".", mark)
            for i, m in enumerate(months)
        )
    )
    series = load_series(path)
    np.testing.assert_allclose(series.values[:, 0], 100 + np.arange(36) / 10)
    assert "Eurostat's flags after them ('bp', 'e', 'p': dropped, 12.3 p is 12.3)" in series.notes[-1]


def test_a_word_after_a_number_is_no_flag():
    assert read_numbers(pd.Series(["12.3 kg", "12.4 kg"])) is None
    assert read_numbers(pd.Series(["12.3 P", "12.4"])) is None  # flags are lower case: P is no flag
    # a unit in letters that are also flags' is a unit: a latency column was read 1.5, 250 (seconds and
    # microseconds as one scale), '30 fps' as 30, each "Eurostat's flags"
    assert read_numbers(pd.Series(["1.5 s", "2 s", "250 us", "3"])) is None
    assert read_numbers(pd.Series(["30 fps", "25 fps"])) is None
    assert list(unread_cells(pd.Series(["1.5 s", "250 us", "3"]))) == [True, True, False]
    values, note = read_numbers(pd.Series(["12.3", "12.4 s", "12.5"]))  # a flag on some values only
    assert list(values) == [12.3, 12.4, 12.5] and "flags" in note
    values, note = read_numbers(pd.Series(["0.5 p", "1.5 p", "2.5 e"]))  # flagged in every row: still flags
    assert list(values) == [0.5, 1.5, 2.5] and "flags" in note
