"""Dates in a column after the first whose name says nothing of dates (``Item,When,Sales``): ISO and
English month-name dates were "no date column; name one with --date-column" while Spanish ones (``3 ene
2024``) were found there; a DataFrame's datetime column after its values was refused the same way."""

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError

DAYS = pd.date_range("2024-01-01", periods=40)


def _write(tmp_path, columns: dict) -> object:
    path = tmp_path / "sales.csv"
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("written", ["%Y-%m-%d", "%d %b %Y", "%Y-%m-%dT%H:%M:%S"])
def test_dates_in_a_later_column_are_found(tmp_path, written):
    path = _write(tmp_path, {"Item": ["pen"] * 40, "When": DAYS.strftime(written), "Sales": np.arange(40.0)})
    series = load_series(path)
    assert list(series.dates) == list(DAYS) and series.columns == ["Sales"]


def test_a_frames_datetime_column_after_its_values_dates_them():
    series = load_series(pd.DataFrame({"sales": np.arange(40.0), "when": DAYS}))
    assert list(series.dates) == list(DAYS) and series.columns == ["sales"]


def test_two_later_columns_of_dates_are_one_line_naming_both(tmp_path):
    iso = DAYS.strftime("%Y-%m-%d")
    path = _write(tmp_path, {"Item": ["pen"] * 40, "Ordered": iso, "Shipped": iso, "Sales": np.arange(40.0)})
    with pytest.raises(RnnkitError) as caught:
        load_series(path)
    assert str(caught.value) == (
        "sales.csv has 2 columns of dates (Ordered, Shipped); name the one that dates the values with "
        "--date-column"
    )
    assert list(load_series(path, date_column="Shipped").dates) == list(DAYS)


@pytest.mark.parametrize(
    "cells",
    [
        ["10:30"] * 40,  # times of day: pandas reads them as today
        [f"{k}/{k % 12 + 1}" for k in range(40)],  # pandas reads 1/2 as a day in year 1
        [str(1000 + k) for k in range(40)],  # an order's id, kept as text
    ],
)
def test_text_that_pandas_reads_as_dates_is_no_date_column(cells):
    frame = pd.DataFrame({"sales": np.arange(40.0), "code": pd.Series(cells, dtype=object)})
    with pytest.raises(RnnkitError, match="has no date column"):
        load_series(frame)


def test_a_year_column_still_dates_a_table_with_an_update_date(tmp_path):
    # Country,Year,Updated,Value: the years date the values, not the day the table was published
    years = list(range(1990, 2030))
    path = _write(
        tmp_path,
        {"Country": ["NZ"] * 40, "Year": years, "Updated": ["2024-05-01"] * 40, "Value": np.arange(40.0)},
    )
    series = load_series(path, target="Value")
    assert series.dates[0] == pd.Timestamp("1990-01-01") and len(series) == 40


@pytest.mark.parametrize("stamp", ["2024-05-01", "2024-01-01 10:00"])
def test_month_names_still_date_a_table_with_another_column_of_dates(tmp_path, stamp):
    # Producto,Fecha,Ventas,Actualizado: Fecha was read before ISO columns were looked for; the
    # '2 columns of dates' line was raised ahead of it
    path = _write(
        tmp_path,
        {
            "Producto": ["lapiz"] * 40,
            "Fecha": [f"{d.day} ene 2024" if d.month == 1 else f"{d.day} feb 2024" for d in DAYS],
            "Ventas": np.arange(40.0),
            "Actualizado": DAYS.strftime("%Y-%m-%d %H:%M") if " " in stamp else [stamp] * 40,
        },
    )
    series = load_series(path, target="Ventas")
    assert list(series.dates) == list(DAYS)


def test_a_year_column_still_dates_a_table_with_two_iso_columns(tmp_path):
    path = _write(
        tmp_path,
        {
            "Country": ["NZ"] * 40,
            "Year": list(range(1980, 2020)),
            "Updated": DAYS.strftime("%Y-%m-%d"),
            "Published": DAYS.strftime("%Y-%m-%d"),
            "Value": np.arange(40.0),
        },
    )
    series = load_series(path, target="Value")
    assert series.dates[0] == pd.Timestamp("1980-01-01") and len(series) == 40


@pytest.mark.parametrize(
    "stamps",
    [
        ["2024-05-01"] * 40,  # the day the table was updated
        ["2024-05-01 10:00"] * 20 + ["2024-06-01 10:00"] * 20,  # two updates
    ],
)
def test_a_later_column_of_one_date_repeated_is_no_date_column(tmp_path, stamps):
    # it was taken, then 'duplicated dates' asked to delete 39 rows of 40
    path = _write(
        tmp_path, {"Week": [f"W{k:02d}" for k in range(40)], "Sales": np.arange(40.0), "Updated": stamps}
    )
    with pytest.raises(RnnkitError) as caught:
        load_series(path)
    assert str(caught.value) == (
        "sales.csv has no date column (columns: Week, Sales, Updated); name one with --date-column"
    )


@pytest.mark.parametrize("stores", [2, 30])
def test_a_later_column_a_long_files_series_share_is_their_date_column(tmp_path, stores):
    """Stores sharing eight quarters, the dates after a label column: a rule of nine dates in ten distinct
    made it 'no date column' with --id-column given or not. It is the date column: named by
    --id-column, each store is a series; without it, the line says to name the ids."""
    quarters = pd.date_range("2022-03-31", periods=8, freq="QE")
    path = _write(
        tmp_path,
        {
            "Store": np.repeat([f"s{k}" for k in range(stores)], 8),
            "Region": ["north"] * (8 * stores),
            "When": list(quarters.strftime("%Y-%m-%d")) * stores,
            "Sales": np.arange(8.0 * stores),
        },
    )
    series = load_panel(path, "Store", target="Sales")
    assert len(series) == stores and list(series[0].dates) == list(quarters)
    with pytest.raises(RnnkitError, match="duplicated date.*--id-column"):
        load_series(path, target="Sales")


def test_a_column_of_batch_stamps_beside_the_dates_is_no_second_date_column(tmp_path):
    # loaded_at, a date a week (six of seven rows each), beside the daily When: '2 columns of dates'
    # under the rule of three dates, none on a third of the rows; the distinct column comes first
    path = _write(
        tmp_path,
        {
            "Sales": np.arange(42.0),
            "When": pd.date_range("2024-01-01", periods=42).strftime("%Y-%m-%d"),
            "loaded_at": np.repeat(pd.date_range("2024-01-08", periods=6, freq="7D").strftime("%Y-%m-%d"), 7),
        },
    )
    series = load_series(path, target="Sales")
    assert series.dates[0] == pd.Timestamp("2024-01-01") and len(series) == 42


def test_a_few_rows_written_twice_are_named_not_no_date_column(tmp_path):
    # the last day written six times: 'no date column' under nine in ten distinct, hiding the duplicates
    when = list(DAYS.strftime("%Y-%m-%d")[:34]) + [DAYS[34].strftime("%Y-%m-%d")] * 6
    path = _write(tmp_path, {"Item": ["pen"] * 40, "When": when, "Sales": np.arange(40.0)})
    with pytest.raises(RnnkitError, match="duplicated date"):
        load_series(path)


def test_a_stamp_of_month_names_on_every_row_does_not_beat_iso_dates(tmp_path):
    # 'Actualizado: 3 ene 2024' on every row was taken before the daily ISO column, then 'duplicated dates'
    path = _write(
        tmp_path,
        {
            "Producto": ["pan"] * 40,
            "Dia": DAYS.strftime("%Y-%m-%d"),
            "Actualizado": ["3 ene 2024"] * 40,
            "Ventas": np.arange(40.0),
        },
    )
    series = load_series(path, target="Ventas")
    assert list(series.dates) == list(DAYS)


def test_a_later_column_of_dates_a_long_files_series_share_still_dates_them(tmp_path):
    # Item,When,Sales with two items: each date on two rows of 80, the items named by --id-column
    path = _write(
        tmp_path,
        {
            "Item": ["pen"] * 40 + ["ink"] * 40,
            "When": list(DAYS.strftime("%Y-%m-%d")) * 2,
            "Sales": np.arange(80.0),
        },
    )
    series = load_panel(path, "Item")
    assert list(series[0].dates) == list(DAYS) and len(series) == 2


def _two_months_of_each_product(tmp_path):
    """A Kaggle-style file: an id column, then two months (3 ene 2024, 3 feb 2024) of each product."""
    return _write(
        tmp_path,
        {
            "id": np.arange(1, 7),
            "fecha": ["3 ene 2024"] * 3 + ["3 feb 2024"] * 3,
            "producto": ["pan", "leche", "queso"] * 2,
            "ventas": np.arange(10.0, 70.0, 10.0),
        },
    )


def test_two_months_each_products_own_are_dated_and_name_the_id_column(tmp_path):
    # two dates, each on half the rows: 'no date column' under the rules of 208d9bee and b42752a4, which
    # hid the long file; the products hold each date once, so the line names --id-column
    path = _two_months_of_each_product(tmp_path)
    with pytest.raises(RnnkitError) as caught:
        load_series(path, target="ventas")
    assert str(caught.value).startswith("sales.csv has 4 duplicated date(s)")
    assert str(caught.value).endswith("(a long file with several series? pass --id-column 'producto')")


def test_two_months_each_products_own_are_read_with_the_id_column(tmp_path):
    series = load_panel(_two_months_of_each_product(tmp_path), "producto", target="ventas")
    assert [s.name for s in series] == ["pan", "leche", "queso"]
    assert list(series[1].dates) == [pd.Timestamp("2024-01-03"), pd.Timestamp("2024-02-03")]
    assert list(series[1].values[:, 0]) == [20.0, 50.0]


def _long_file_with_a_stamp(tmp_path, with_dates: bool = True):
    """12 stores' daily sales, each row stamped with the one day the table was updated."""
    days = DAYS[:30].strftime("%Y-%m-%d")
    columns = {"store": np.repeat([f"s{k}" for k in range(12)], 30), "sales": np.arange(360.0)}
    if with_dates:
        columns["when"] = np.tile(days, 12)
    columns["updated"] = ["2024-03-05"] * 360
    return _write(tmp_path, columns)


def test_with_the_id_column_a_stamp_of_one_date_is_no_second_date_column(tmp_path):
    # counted per series, the stamp was on a twelfth of the rows each: 'has 2 columns of dates'
    series = load_panel(_long_file_with_a_stamp(tmp_path), "store", target="sales")
    assert len(series) == 12 and list(series[3].dates) == list(DAYS[:30])


def test_with_the_id_column_a_stamp_alone_dates_nothing(tmp_path):
    # it was 'series s0 has 29 duplicated date(s) ...; keep one row per date', asking to delete rows
    with pytest.raises(RnnkitError) as caught:
        load_panel(_long_file_with_a_stamp(tmp_path, with_dates=False), "store", target="sales")
    assert str(caught.value).startswith("sales.csv has no date column (columns: sales, updated)")


def test_with_the_id_column_a_stamp_of_each_series_own_is_no_second_date_column(tmp_path):
    # each store updated on its own day: over the whole file no stamp is on more than a tenth of the
    # rows, which passed as 'a date a row': 'has 2 columns of dates (logged, updated)'
    stores = [f"s{k}" for k in range(12)]
    path = _write(
        tmp_path,
        {
            "store": np.repeat(stores, 30),
            "region": np.repeat(["north", "south"] * 6, 30),
            "logged": np.tile(DAYS[:30].strftime("%Y-%m-%d"), 12),
            "updated": np.repeat(pd.date_range("2024-03-01", periods=12).strftime("%Y-%m-%d"), 30),
            "sales": np.arange(360.0),
        },
    )
    series = load_panel(path, "store", target="sales")
    assert len(series) == 12 and list(series[5].dates) == list(DAYS[:30])


def test_with_the_id_column_a_season_beside_each_players_birth_date_dates_the_rows(tmp_path):
    # a player's Born, the same on all his rows, is on a thirtieth of the rows: taken as a date a row,
    # Season was passed over and the file was 'series P0 has 14 duplicated date(s) ...'
    players = [f"P{k}" for k in range(30)]
    born = pd.date_range("1985-01-01", periods=30, freq="37D").strftime("%Y-%m-%d")
    path = tmp_path / "goals.csv"
    pd.DataFrame(
        {
            "Season": np.tile([f"{y}-{(y + 1) % 100:02d}" for y in range(2005, 2020)], 30),
            "Player": np.repeat(players, 15),
            "Goals": np.arange(450.0),
            "Born": np.repeat(born, 15),
        }
    ).to_csv(path, index=False)
    series = load_panel(path, "Player", target="Goals")
    assert len(series) == 30
    assert list(series[0].dates) == list(pd.date_range("2005-01-01", periods=15, freq="YS"))
