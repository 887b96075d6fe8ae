"""Month names in a spreadsheet's language (Spanish ``ene-24``, German ``Mär 2024``, French ``janv.-24``):
``%b`` reads English names only, so such a file was "no date column", and naming the column, "not dates;
give the format with --date-format", advice no format could follow. They are read as English names."""

from __future__ import annotations

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

MONTHS = pd.date_range("2020-01-01", periods=36, freq="MS")
NAMES = {  # the names, how a cell writes one, and the first cell the note shows (the first one changed)
    "es": ("ene feb mar abr may jun jul ago sep oct nov dic", "{m}-{d:%y}", "'ene-20' as 'Jan-20'"),
    "fr": (
        "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
        "{m}-{d:%y}",
        "'janv.-20' as 'Jan-20'",
    ),
    "de": ("Jan Feb Mär Apr Mai Jun Jul Aug Sep Okt Nov Dez", "{m} {d:%Y}", "'Mär 2020' as 'Mar 2020'"),
    "it": (
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
        "{m} {d:%Y}",
        "'gennaio 2020' as 'Jan 2020'",
    ),
}


@pytest.mark.parametrize("language", sorted(NAMES))
def test_a_spreadsheets_month_names_in_its_language_are_months(tmp_path, language):
    names, written, shown = NAMES[language]
    cells = [written.format(m=names.split()[d.month - 1], d=d) for d in MONTHS]
    path = tmp_path / "sales.csv"
    path.write_text("Mes;Ventas\n" + "".join(f"{c};{100 + i},5\n" for i, c in enumerate(cells)))
    series = load_series(path)  # the first column, named in its language: the date column
    assert list(series.dates) == list(MONTHS)
    assert series.values[0, 0] == 100.5
    assert f"read the month names in date column 'Mes' as English ones: {shown}" in series.notes


def test_a_day_month_year_date_with_a_spanish_month(tmp_path):
    days = pd.date_range("2024-01-20", periods=40, freq="D")
    names = NAMES["es"][0].split()
    path = tmp_path / "ventas.csv"
    path.write_text(
        "Fecha;Ventas\n"
        + "".join(f"{d.day:02d}-{names[d.month - 1]}-{d:%Y};{i}\n" for i, d in enumerate(days))
    )
    assert list(load_series(path).dates) == list(days)


def test_a_column_of_words_that_are_no_months_is_no_date_column(tmp_path):
    path = tmp_path / "words.csv"
    path.write_text("Mes,Ventas\n" + "".join(f"ene total {i},{i}\n" for i in range(30)))
    with pytest.raises(RnnkitError, match="no date column"):
        load_series(path)


def test_one_month_like_value_over_a_list_of_products_is_no_date_column(tmp_path):
    # 'März 2024' above four products was a German date column whose four rows were a footer to delete
    path = tmp_path / "produkte.csv"
    path.write_text(
        "Produkt,Menge\nMärz 2024,\nÄpfel,3\nBirnen,4\nKirschen,5\nPflaumen,6\n", encoding="utf-8"
    )
    with pytest.raises(RnnkitError, match="no date column"):
        load_series(path)


@pytest.mark.parametrize(
    ("header", "written", "dates"),
    [
        ("日付,終値", "{d.year}年{d.month}月{d.day}日", pd.date_range("2024-01-20", periods=40, freq="D")),
        ("年月,売上", "{d.year}年{d.month}月", MONTHS),
        ("일자,값", "{d.year}년 {d.month}월 {d.day}일", pd.date_range("2024-01-20", periods=40, freq="D")),
        (
            "时间,数值",
            "{d.year}年{d.month}月{d.day}日 {d.hour}:00",
            pd.date_range("2024-01-20", periods=40, freq="h"),
        ),
    ],
)
def test_dates_written_with_year_month_day_characters(tmp_path, header, written, dates):
    # a Chinese, Japanese or Korean spreadsheet's dates: pandas reads none and guesses no format for them,
    # so such a file was "no date column"
    path = tmp_path / "cjk.csv"
    path.write_text(
        header + "\n" + "".join(f"{written.format(d=d)},{100 + i}\n" for i, d in enumerate(dates))
    )
    series = load_series(path)
    assert list(series.dates) == list(dates)
    col, first = header.split(",")[0], written.format(d=dates[0])
    assert series.notes[0].startswith(f"read the dates in column {col!r}") and repr(first) in series.notes[0]


def test_a_month_that_is_none_is_named(tmp_path):
    path = tmp_path / "cjk.csv"
    path.write_text("年月,売上\n" + "".join(f"2020年{m}月,{m}\n" for m in range(1, 14)))
    with pytest.raises(RnnkitError, match=r"line 14 \('2020年13月'\)"):
        load_series(path)


@pytest.mark.parametrize(
    ("header", "row"),
    [("Mês,Data,Vendas", "{m},{d:%Y-%m-%d},{i}"), ("Turno,Fecha,Piezas", "{m},{d:%d/%m/%Y},{i}")],
)
def test_month_names_without_a_year_are_no_date_column(tmp_path, header, row):
    # a label column of months (jan, fev, ...) beside the dates, or a shift's code (mar, mag), took the
    # date column from the file's dates: "24 value(s) in date column 'Mês' have no year"; the dates beside
    # them (which write their years) date the values
    names = ["jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"]
    path = tmp_path / "vendas.csv"
    path.write_text(
        header
        + "\n"
        + "".join(row.format(m=names[d.month - 1], d=d, i=i) + "\n" for i, d in enumerate(MONTHS[:24]))
    )
    series = load_series(path)
    assert list(series.dates) == list(MONTHS[:24]) and series.columns == [header.split(",")[2]]
    second = header.split(",")[1]
    assert list(load_series(path, date_column=second).dates) == list(MONTHS[:24])


def test_a_date_the_parser_refuses_is_quoted_as_the_file_writes_it(tmp_path):
    # the month names are read as English ones, but the line names the value the file holds: '30 feb
    # 2024', not '30 Feb 2024', and the format's example as written
    names = NAMES["es"][0].split()
    cells = [f"{d.day} {names[d.month - 1]} {d.year}" for d in pd.date_range("2024-01-01", periods=40)]
    cells[35] = "30 feb 2024"
    path = tmp_path / "ventas.csv"
    path.write_text("Fecha,Ventas\n" + "".join(f"{c},{i}\n" for i, c in enumerate(cells)))
    with pytest.raises(RnnkitError) as caught:
        load_series(path)
    assert "line 37 ('30 feb 2024')" in str(caught.value) and "('1 ene 2024' is %d %b %Y)" in str(
        caught.value
    )


def test_a_totals_row_under_local_month_names_is_named_as_in_english(tmp_path):
    # one footer row ('Summe') made the rewrite all-or-nothing: the whole column stayed German and the
    # line said "give the format with --date-format" where the English file's says "delete them"
    german = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ]
    days = pd.date_range("2024-01-01", periods=40)
    path = tmp_path / "werte.csv"
    path.write_text(
        "Datum,Wert\n" + "".join(f"{d.day}. {german[d.month - 1]} {d.year},{i}\n" for i, d in enumerate(days))
    )
    assert list(load_series(path).dates) == list(days)
    path.write_text(path.read_text() + "Summe,999\n")
    with pytest.raises(
        RnnkitError, match=r"line 42 \('Summe'\); they end the file, like a totals or notes row"
    ):
        load_series(path)


@pytest.mark.parametrize(("dates", "footer"), [(8, ["Summe"]), (17, ["Summe", "Mittel"])])
def test_a_footer_under_few_local_month_names_is_named(tmp_path, dates, footer):
    # the footer counted against nine dates in ten: under 8 dates (or 2 under 17) the column stayed
    # German and the line said "give the format with --date-format", not "delete them"
    path = tmp_path / "de.csv"
    rows = [f"{d}. Januar 2024,{d}" for d in range(1, dates + 1)] + [f"{word},36" for word in footer]
    path.write_text("Monat,Wert\n" + "\n".join(rows) + "\n")
    lines = ", ".join(f"line {dates + 2 + i} ('{word}')" for i, word in enumerate(footer))
    with pytest.raises(RnnkitError) as caught:
        load_series(path, date_column="Monat")
    assert str(caught.value).endswith(
        f"{lines}; they end the file, like a totals or notes row: delete them (every row is one date's values)"
    )


@pytest.mark.parametrize(("date_format", "shown"), [("%b-%y", "'Jan-22'"), ("%B-%y", "'January-22'")])
def test_a_date_format_reads_local_month_names(tmp_path, date_format, shown):
    # --date-format "%b-%y" on Spanish ene-22 was "30 value(s) do not match --date-format"
    months = pd.date_range("2022-01-01", periods=30, freq="MS")
    names = NAMES["es"][0].split()
    path = tmp_path / "ventas.csv"
    path.write_text(
        "Mes,Ventas\n" + "".join(f"{names[d.month - 1]}-{d:%y},{i}\n" for i, d in enumerate(months))
    )
    series = load_series(path, date_format=date_format)
    assert list(series.dates) == list(months)
    assert f"read the month names in date column 'Mes' as English ones: 'ene-22' as {shown}" in series.notes


@pytest.mark.parametrize(
    ("header", "row", "dates"),
    [  # a product before the dates, or a row number: it was "no date column; name one with --date-column"
        ("Producto,Fecha,Ventas", "A,{d.day} {m} {d.year},{i}", pd.date_range("2024-01-01", periods=40)),
        ("Nr;Mes;Ventas", "{i};{m}-{d:%y};{i},5", MONTHS),
    ],
)
def test_local_month_names_date_the_file_in_any_column(tmp_path, header, row, dates):
    names = NAMES["es"][0].split()
    path = tmp_path / "ventas.csv"
    path.write_text(
        header
        + "\n"
        + "".join(row.format(d=d, m=names[d.month - 1], i=i) + "\n" for i, d in enumerate(dates))
    )
    series = load_series(path, target="Ventas")
    assert list(series.dates) == list(dates)
    col = header.replace(";", ",").split(",")[1]
    assert any(
        note.startswith(f"read the month names in date column {col!r} as English ones")
        for note in series.notes
    )


def test_two_columns_of_local_month_names_are_one_line_asking_which(tmp_path):
    names = NAMES["es"][0].split()
    days = pd.date_range("2024-01-01", periods=40)
    path = tmp_path / "pedidos.csv"
    path.write_text(
        "Producto,Pedido,Entrega,Ventas\n"
        + "".join(
            f"A,{d.day} {names[d.month - 1]} {d.year},{e.day} {names[e.month - 1]} {e.year},{i}\n"
            for i, (d, e) in enumerate(zip(days, days + pd.Timedelta(days=3), strict=True))
        )
    )
    with pytest.raises(RnnkitError) as caught:
        load_series(path)
    assert str(caught.value) == (
        "pedidos.csv has 2 columns of dates (Pedido, Entrega); name the one that dates the values with "
        "--date-column"
    )
    assert load_series(path, date_column="Entrega").dates[0] == pd.Timestamp("2024-01-04")


def test_a_label_column_of_one_month_name_and_a_number_is_no_date_column(tmp_path):
    # 'Set 1', 'Set 2' (a product's set; 'set' is Italian and Portuguese September) is no column of dates
    # after the first: no year, and one month for every row
    path = tmp_path / "sets.csv"
    path.write_text("Nr,Artikel,Menge\n" + "".join(f"{i},Set {i % 5 + 1},{i}\n" for i in range(30)))
    with pytest.raises(RnnkitError, match=r"has no date column \(columns: Nr, Artikel, Menge\)"):
        load_series(path, target="Menge")


def test_dates_written_with_year_month_day_characters_in_any_column(tmp_path):
    days = pd.date_range("2024-01-20", periods=40)
    path = tmp_path / "売上.csv"
    path.write_text(
        "商品,日付,売上\n" + "".join(f"A,{d.year}年{d.month}月{d.day}日,{i}\n" for i, d in enumerate(days))
    )
    series = load_series(path)
    assert list(series.dates) == list(days) and series.columns == ["売上"]


LONG = {  # a spreadsheet's long date in each language: weekdays written out, and Spanish/Portuguese 'de'
    "es": ("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
           "lunes martes miércoles jueves viernes sábado domingo", "{w}, {d.day} de {m} de {d.year}"),
    "pt": ("janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
           "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo",
           "{w}, {d.day} de {m} de {d.year}"),
    "de": ("Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
           "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag", "{w}, {d.day}. {m} {d.year}"),
    "fr": ("janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
           "lundi mardi mercredi jeudi vendredi samedi dimanche", "{w} {d.day} {m} {d.year}"),
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(LONG))
@pytest.mark.parametrize("weekday", [True, False])
def test_a_spreadsheets_long_dates_are_read(tmp_path, language, weekday):
    # Excel's long date ('lunes, 1 de enero de 2024') was "no date column", and named, "not dates": the
    # weekday and the 'de' are no month, and no format reads them
    months, weekdays, written = LONG[language]
    if not weekday:
        written = written.removeprefix("{w}, ").removeprefix("{w} ")
    days = pd.date_range("2024-03-20", periods=40)
    cells = [
        written.format(w=weekdays.split()[d.weekday()], d=d, m=months.split()[d.month - 1]) for d in days
    ]
    path = tmp_path / "ventas.csv"
    path.write_text("Fecha;Ventas\n" + "".join(f"{c};{i}\n" for i, c in enumerate(cells)), encoding="utf-8")
    series = load_series(path)
    assert list(series.dates) == list(days)
    assert any(
        note.startswith("read the month names in date column 'Fecha' as English ones")
        for note in series.notes
    )


def test_a_date_format_reads_a_long_dates_de(tmp_path):
    # --date-format '%d de %B de %Y' on '20 de marzo de 2024' was "40 value(s) do not match --date-format"
    names = LONG["es"][0].split()
    days = pd.date_range("2024-03-20", periods=40)
    path = tmp_path / "ventas.csv"
    path.write_text(
        "Fecha;Ventas\n"
        + "".join(f"{d.day} de {names[d.month - 1]} de {d.year};{i}\n" for i, d in enumerate(days))
    )
    assert list(load_series(path, date_format="%d de %B de %Y").dates) == list(days)


def test_a_long_date_under_a_format_that_changes_no_word_is_the_formats_line(tmp_path):
    # German weekdays over April (a name English shares): under a format nothing is rewritten, which is
    # the format's line to name, not a crash while the note looked for a rewritten value
    days = pd.date_range("2024-04-01", periods=20)
    weekdays = LONG["de"][1].split()
    path = tmp_path / "werte.csv"
    path.write_text(
        "Datum;Wert\n"
        + "".join(f"{weekdays[d.weekday()]}, {d.day}. April 2024;{i}\n" for i, d in enumerate(days))
    )
    assert list(load_series(path).dates) == list(days)
    with pytest.raises(RnnkitError, match="--date-format"):
        load_series(path, date_format="%A, %d. %B %Y")
