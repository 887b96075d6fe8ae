"""Files in the exact shapes users download them (FRED, Eurostat/ECB, Yahoo Finance, World Bank), read as
such: the right dates, frequency and target, or one line that says what to do."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError


def _write(path, lines: list[str]):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _weeks(first_year: int = 2019, years: int = 3) -> list[str]:
    weeks = [f"{y}-W{w:02d}" for y in range(first_year, first_year + years) for w in range(1, 53)]
    return ["TIME_PERIOD,OBS_VALUE", *[f"{w},{100 + k % 7}.5" for k, w in enumerate(weeks)]]


def test_iso_weeks_of_eurostat_and_the_ecb_are_read_as_their_mondays_with_a_note(tmp_path):
    # it was "ecb_w.csv has no date column (columns: TIME_PERIOD, OBS_VALUE); name one with --date-column"
    series = load_series(_write(tmp_path / "ecb_w.csv", _weeks()))
    assert series.dates[0] == pd.Timestamp(date.fromisocalendar(2019, 1, 1))  # 2018-12-31, a Monday
    assert series.dates[52] == pd.Timestamp("2019-12-30")  # 2020-W01
    assert (series.dates.dayofweek == 0).all() and series.columns == ["OBS_VALUE"]
    assert "read the ISO weeks in date column 'TIME_PERIOD' as their Mondays: 2019-W01 is 2018-12-31" in (
        series.notes
    )


def test_iso_weeks_without_a_dash_or_with_a_weekday_are_weeks_too(tmp_path):
    lines = ["period,v", *[f"2024W{w:02d}-3,{w}" for w in range(1, 41)]]
    series = load_series(_write(tmp_path / "w.csv", lines))
    assert series.dates[0] == pd.Timestamp("2024-01-03") and (series.dates.dayofweek == 2).all()


def test_a_week_the_year_does_not_have_names_its_line(tmp_path):
    lines = ["TIME_PERIOD,OBS_VALUE", "2021-W51,1", "2021-W52,2", "2021-W53,3"]
    with pytest.raises(
        RnnkitError,
        match=r"w.csv: line 4 of date column 'TIME_PERIOD' \(2021-W53\) is no ISO "
        r"week: 2021 has weeks W01 to W52$",
    ):
        load_series(_write(tmp_path / "w.csv", lines))


def test_eurostat_sdmx_csv_is_dated_by_time_period_though_it_is_not_the_first_column(tmp_path):
    # it was "has no date column (columns: DATAFLOW, LAST UPDATE, freq, ...); name one with --date-column"
    head = "DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG"
    rows = [
        f"ESTAT:NAMQ_10_GDP(1.0),28/06/24 23:00:00,Q,CP_MEUR,DE,{y}-Q{q},{700000 + 37 * (4 * y + q) % 991},"
        for y in range(2000, 2020)
        for q in range(1, 5)
    ]
    series = load_series(_write(tmp_path / "estat.csv", [head, *rows]))
    assert series.columns == ["OBS_VALUE"] and len(series) == 80
    assert series.dates[1] == pd.Timestamp("2000-04-01") and series.dates[-1] == pd.Timestamp("2019-10-01")
    weekly = _weeks()
    weekly[0] = "DATAFLOW,freq,TIME_PERIOD,OBS_VALUE"
    weekly[1:] = [f"ECB:X,W,{line}" for line in weekly[1:]]
    assert load_series(_write(tmp_path / "ecb.csv", weekly)).dates[0] == pd.Timestamp("2018-12-31")


def _yahoo_rows(n: int = 60) -> list[tuple[str, float]]:
    days = pd.bdate_range("2023-01-02", periods=n)
    return [(d.strftime("%Y-%m-%d"), 100 + (k * 7 % 11) / 3) for k, d in enumerate(days)]


def test_yfinance_three_header_lines_are_one_header_and_close_is_the_target(tmp_path):
    # it was "2 value(s) in date column 'Price' are not dates: line 2 ('Ticker'), line 3 ('Date')"
    head = ["Price,Close,High,Low,Open,Volume", "Ticker,AAPL,AAPL,AAPL,AAPL,AAPL", "Date,,,,,"]
    rows = [
        f"{d},{v:.6f},{v + 1:.6f},{v - 1:.6f},{v:.6f},{1000 + k}" for k, (d, v) in enumerate(_yahoo_rows())
    ]
    series = load_series(_write(tmp_path / "AAPL.csv", [*head, *rows]))
    assert series.columns == ["Close"] and len(series) == 60
    assert series.dates[0] == pd.Timestamp("2023-01-02") and series.values[1, 0] == pytest.approx(
        _yahoo_rows()[1][1], abs=1e-6
    )
    assert any("yfinance's three header lines" in n and "ticker AAPL" in n for n in series.notes)
    rows[5] = "2023-01-99" + rows[5][10:]
    with pytest.raises(RnnkitError, match=r"line 9 \('2023-01-99'\)"):  # lines count the three header lines
        load_series(_write(tmp_path / "bad.csv", [*head, *rows]))


def test_yfinance_with_several_tickers_names_each_column_with_its_ticker(tmp_path):
    head = ["Price,Close,Close,Volume,Volume", "Ticker,AAPL,MSFT,AAPL,MSFT", "Date,,,,"]
    rows = [f"{d},{v},{2 * v},1,2" for d, v in _yahoo_rows()]
    path = _write(tmp_path / "two.csv", head + rows)
    series = load_series(path, target="Close MSFT")
    assert series.values[0, 0] == pytest.approx(2 * _yahoo_rows()[0][1])
    with pytest.raises(RnnkitError, match=r"several numeric columns \(Close AAPL, Close MSFT, Volume AAPL"):
        load_series(path)


def test_yahoo_finance_classic_csv_forecasts_adj_close_on_business_days(tmp_path):
    head = "Date,Open,High,Low,Close,Adj Close,Volume"
    rows = [
        f"{d},{v},{v + 1},{v - 1},{v + 0.2},{v + 0.1},{5000 + k}" for k, (d, v) in enumerate(_yahoo_rows())
    ]
    series = load_series(_write(tmp_path / "SPY.csv", [head, *rows]))
    assert series.columns == ["Adj Close"] and series.dates[5] == pd.Timestamp("2023-01-09")  # a Monday


def _world_bank(tmp_path, name="API_NY.GDP.MKTP.CD.csv", preamble=True, databank=False):
    years = range(1960, 2024)
    label = (lambda y: f"{y} [YR{y}]") if databank else str
    head = '"Country Name","Country Code","Indicator Name","Indicator Code",' + ",".join(
        f'"{label(y)}"' for y in years
    )
    empty = '".."' if databank else '""'
    rows = [
        f'"{country}","{code}","GDP (current US$)","NY.GDP.MKTP.CD",'
        + ",".join(
            empty if k < 6 else f'"{1e9 * (1 + 0.03 * k + 0.01 * (k % 3)):.1f}"' for k in range(len(years))
        )
        + ","
        for country, code in (("Aruba", "ABW"), ("Germany", "DEU"))
    ]
    lines = [f"{head},", *rows]
    if preamble:  # the API download's four lines before the header
        lines = [
            '"Data Source","World Development Indicators",',
            "",
            '"Last Updated Date","2024-06-28",',
            "",
            *lines,
        ]
    return _write(tmp_path / name, lines)


@pytest.mark.parametrize(("preamble", "databank"), [(True, False), (False, False), (False, True)])
def test_world_bank_wide_format_is_one_line_whose_pandas_recipe_makes_a_file_that_forecasts(
    tmp_path, monkeypatch, preamble, databank
):
    # it was "line 5 has more fields than the header's 3 (a number with a decimal comma ...?)" with the
    # download's preamble, and "has no date column (columns: Country Name, ..., 1960, 1961, ... 2023,
    # Unnamed: 68); name one with --date-column" without it: neither says the years are columns
    from rnnkit.forecast.panel import load_panel

    path = _world_bank(tmp_path, preamble=preamble, databank=databank)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RnnkitError) as caught:
        load_series(path.name)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(
        "API_NY.GDP.MKTP.CD.csv is in wide format: its years are columns (1960"
    )
    assert message.endswith("then pass --data long.csv --id-column 'Country Name'")
    recipe = message.split("e.g. in Python: ")[1].split("; then pass")[0]
    exec(recipe, {})  # the user's next step, as printed, works
    panel = load_panel("long.csv", id_column="Country Name")
    assert [s.name for s in panel] == ["Aruba", "Germany"]
    assert panel[0].dates[0] == pd.Timestamp("1966-01-01") and len(panel[0]) == 58
    assert panel[0].values[0, 0] == pytest.approx(1e9 * 1.18)


def test_yfinance_intraday_headers_keep_their_datetime_name(tmp_path):
    head = ["Price,Close,Volume", "Ticker,SPY,SPY", "Datetime,,"]
    times = pd.date_range("2024-01-02 14:30", periods=40, freq="5min", tz="UTC")
    rows = [f"{t.isoformat(sep=' ')},{470 + k % 5},{k}" for k, t in enumerate(times)]
    series = load_series(_write(tmp_path / "spy.csv", head + rows))
    assert series.columns == ["Close"] and series.dates[1] - series.dates[0] == pd.Timedelta("5min")
    assert any("(Price, Ticker, Datetime)" in n for n in series.notes)


def _owid_history():
    years = [-10000, -5000, -1000, 0, 1000, 1500, *range(1800, 1850)]
    return ["Entity,Code,Year,Population (historical),World region according to OWID"] + [
        f"World,OWID_WRL,{y},{4_000_000 + 10 * k}," for k, y in enumerate(years)
    ]


def test_our_world_in_data_years_before_1000_are_one_line_naming_the_first(tmp_path):
    # it was "has no date column (columns: Entity, ...); name one with --date-column", and with
    # --date-column Year: "holds numbers such as -10000, not dates (they would count nanoseconds ...)"
    path = _write(tmp_path / "population.csv", _owid_history())
    message = r"population.csv: year column 'Year' holds years before 1000 \(line 2: -10000\), which rnnkit "
    for named in (None, "Year"):
        with pytest.raises(
            RnnkitError, match=message + "cannot read as dates; delete the rows before year 1000$"
        ):
            load_series(path, date_column=named)
    kept = _write(tmp_path / "kept.csv", [_owid_history()[0], *_owid_history()[7:]])
    assert load_series(kept).dates[0] == pd.Timestamp("1800-01-01")


def test_our_world_in_data_long_file_is_one_series_per_entity_with_regions_without_a_code(tmp_path):
    from rnnkit.forecast.panel import load_panel

    rows = [
        f"{entity},{code},{y},{50 + 0.2 * (y - 1950) + len(entity) % 3:.3f}"
        for entity, code in (("Afghanistan", "AFG"), ("Africa", ""), ("World", "OWID_WRL"))
        for y in range(1950, 2000)
    ]
    path = _write(tmp_path / "life.csv", ["Entity,Code,Year,Life expectancy at birth (historical)", *rows])
    panel = load_panel(path, id_column="Entity")
    assert [s.name for s in panel] == ["Afghanistan", "Africa", "World"]
    assert panel[1].columns == ["Life expectancy at birth (historical)"] and len(panel[1]) == 50
    with pytest.raises(RnnkitError, match="pass --id-column 'Entity'"):
        load_series(path)


@pytest.mark.parametrize(
    ("header", "periods", "first", "second", "note"),
    [
        (
            "TIME_PERIOD",
            [f"{y}M{m:02d}" for y in range(2015, 2020) for m in range(1, 13)],
            "2015-01-01",
            "2015-02-01",
            "read the months in date column 'TIME_PERIOD' as their first days: 2015M01 is 2015-01-01",
        ),
        (
            "Zeit",
            [f"{y}M{m}" for y in range(2015, 2020) for m in range(1, 13)],
            "2015-01-01",
            "2015-02-01",
            "read the months in date column 'Zeit' as their first days: 2015M1 is 2015-01-01",
        ),
        (
            "TIME_PERIOD",
            [f"{y}-S{s}" for y in range(1990, 2020) for s in (1, 2)],
            "1990-01-01",
            "1990-07-01",
            "read the half years in date column 'TIME_PERIOD' as their first days: 1990-S1 is 1990-01-01",
        ),
        (
            "period",
            [f"{y}H{s}" for y in range(1990, 2020) for s in (1, 2)],
            "1990-01-01",
            "1990-07-01",
            "read the half years in date column 'period' as their first days: 1990H1 is 1990-01-01",
        ),
    ],
)
def test_eurostat_months_and_half_years_are_their_first_days(tmp_path, header, periods, first, second, note):
    # 2015M01 was "108 value(s) in date column 'TIME_PERIOD' are not dates ... give the format with
    # --date-format"; in a first column not named as a date, "no date column"
    lines = [f"{header},OBS_VALUE", *[f"{p},{100 + k % 9}.5" for k, p in enumerate(periods)]]
    series = load_series(_write(tmp_path / "estat.csv", lines))
    assert list(series.dates[:2]) == [pd.Timestamp(first), pd.Timestamp(second)] and len(series) == len(
        periods
    )
    assert series.dates[-1] == pd.Timestamp("2019-12-01" if "M" in periods[0] else "2019-07-01")
    assert note in series.notes


def test_excel_rows_of_empty_fields_at_the_end_are_ignored_with_a_note(tmp_path):
    # it was "date column 'Datum' has 2 empty value(s): line 61 (nan), line 62 (nan); --missing drop ..."
    days = pd.date_range("2024-01-01", periods=59)
    lines = ["Datum;Umsatz", *[f"{d:%d.%m.%Y};{1000 + k % 13},25" for k, d in enumerate(days)], ";", " ; "]
    path = tmp_path / "umsatz.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")  # Excel: a BOM and CRLF
    series = load_series(path)
    assert len(series) == 59 and series.dates[-1] == pd.Timestamp("2024-02-28")
    assert series.values[0, 0] == 1000.25 and series.columns == ["Umsatz"]
    assert "umsatz.csv ends with 2 row(s) of empty fields (from line 61); ignored them" in series.notes
    lines.insert(5, ";")  # among the data: still named
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    with pytest.raises(RnnkitError, match=r"date column 'Datum' has 1 empty value\(s\): line 6"):
        load_series(path)


def test_eurostat_tsv_is_one_line_pointing_to_its_sdmx_csv_which_reads_per_country(tmp_path):
    # it was "has no date column (columns: freq, unit, geo\TIME_PERIOD 2015-Q1 2015-Q2 ...)"
    from rnnkit.forecast.panel import load_panel

    periods = [f"{y}-Q{q}" for y in range(2015, 2024) for q in range(1, 5)]
    head = "freq,unit,geo\\TIME_PERIOD\t" + "\t".join(f"{p} " for p in periods)
    rows = [
        f"Q,CP_MEUR,{g}\t" + "\t".join(f"{700000 + k} p" for k in range(len(periods))) for g in ("DE", "FR")
    ]
    with pytest.raises(
        RnnkitError,
        match=r"^gdp.tsv is Eurostat's TSV, in wide format .* download the dataset as "
        r"SDMX-CSV instead .* pass --id-column geo if it holds several countries$",
    ):
        load_series(_write(tmp_path / "gdp.tsv", [head, *rows]))
    sdmx = ["DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG"] + [
        f"ESTAT:NAMQ_10_GDP(1.0),28/06/24 23:00:00,Q,CP_MEUR,{g},{p},{700000 + 3 * k},{'p' if k > 30 else ''}"
        for g in ("DE", "FR")
        for k, p in enumerate(periods)
    ]
    panel = load_panel(_write(tmp_path / "gdp.csv", sdmx), id_column="geo")
    assert [s.name for s in panel] == ["DE", "FR"] and panel[1].columns == ["OBS_VALUE"]
    assert panel[1].dates[-1] == pd.Timestamp("2023-10-01") and len(panel[1]) == 36


def test_yfinance_grouped_by_ticker_has_its_ticker_line_first(tmp_path):
    # download(..., group_by="ticker"): Ticker,AAPL,AAPL / Price,Close,Volume / Date,,
    head = ["Ticker,AAPL,AAPL", "Price,Close,Volume", "Date,,"]
    rows = [f"{d},{v},{k}" for k, (d, v) in enumerate(_yahoo_rows())]
    series = load_series(_write(tmp_path / "g.csv", head + rows))
    assert series.columns == ["Close"] and series.dates[0] == pd.Timestamp("2023-01-02")
    assert any("(Ticker, Price, Date)" in n and "its ticker AAPL" in n for n in series.notes)


def test_an_owid_code_column_empty_for_regions_points_to_entity(tmp_path):
    # --id-column Code: "the id column 'Code' is empty on line 32", and nothing on what would do
    rows = [
        (entity, code, year, float(year % 7))
        for entity, code in (("France", "FRA"), ("World", None), ("Japan", "JPN"))
        for year in range(1990, 2020)
    ]
    path = tmp_path / "owid.csv"
    pd.DataFrame(rows, columns=["Entity", "Code", "Year", "GDP"]).to_csv(path, index=False)
    with pytest.raises(
        RnnkitError,
        match=r"'Code' is empty on line 32; 'Entity' names every row's series: pass --id-column 'Entity'$",
    ):
        load_panel(path, "Code")
    assert [s.name for s in load_panel(path, "Entity")] == ["France", "World", "Japan"]


_MONTHS = pd.period_range("2018-01", periods=40, freq="M")


@pytest.mark.parametrize(
    ("headers", "first"),
    [
        ([str(p) for p in _MONTHS], "2018-01-01"),  # 2018-01
        ([p.strftime("%b %Y") for p in _MONTHS], "2018-01-01"),  # Jan 2018
        ([f"{p.year}M{p.month:02d}" for p in _MONTHS], "2018-01-01"),  # Eurostat's 2018M01
        ([f"{2010 + k // 4}Q{k % 4 + 1}" for k in range(40)], "2010-01-01"),  # 2010Q1
    ],
)
def test_a_wide_table_of_months_or_quarters_is_one_line_whose_recipe_makes_a_file_that_forecasts(
    tmp_path, monkeypatch, headers, first
):
    # it was "sales.csv has no date column (columns: region, 2018-01, ...); name one with --date-column",
    # advice that cannot help: no column holds dates, the dates are the columns
    rows = [
        f"{region},{','.join(str(100 + k + 7 * j) for k in range(40))}"
        for j, region in enumerate(("north", "south"))
    ]
    path = _write(tmp_path / "sales.csv", ["region," + ",".join(headers), *rows])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RnnkitError) as caught:
        load_series(path.name)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(
        f"sales.csv is in wide format: its dates are columns ({headers[0]} to {headers[-1]}), not rows;"
    )
    assert message.endswith("then pass --data long.csv --id-column 'region'")
    exec(message.split("e.g. in Python: ")[1].split("; then pass")[0], {})  # the next step, as printed
    panel = load_panel("long.csv", id_column="region")
    assert [s.name for s in panel] == ["north", "south"] and len(panel[0]) == 40
    assert panel[0].dates[0] == pd.Timestamp(first) and panel[1].values[0, 0] == 107


def test_a_table_with_a_few_date_like_names_is_not_called_wide(tmp_path):
    # two columns named like dates beside a real date column: an ordinary file, read as one
    lines = ["date,Jan 2020 note,value", *[f"2024-01-{d:02d},ok,{d}" for d in range(1, 31)]]
    series = load_series(_write(tmp_path / "ok.csv", lines))
    assert len(series) == 30
