"""Seasons and fiscal years written across two years (``2019-20``, ``2019/20``, ``2019-2020``), as sports
tables (``Team,Season,Points``) and national accounts write them: the file was "no date column", and with
--date-column the seasons 2000-01 to 2011-12 were months to pandas (January 2000, February 2001, ...)
and later ones no dates. They are read as the years they start in, with a note; a column named Season
(or FY) of plain years is a year column."""

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError

YEARS = pd.date_range("2000-01-01", periods=20, freq="YS")


def _write(tmp_path, labels: list[str], teams=("Arsenal",), season="Season"):
    path = tmp_path / "league.csv"
    rows = "".join(f"{team},{label},{60 + k}\n" for k, label in enumerate(labels) for team in teams)
    path.write_text(f"Team,{season},Points\n" + rows, encoding="utf-8")
    return path


def _seasons(sep: str = "-", digits: int = 2) -> list[str]:
    return [f"{y}{sep}{(y + 1) % 10**digits:0{digits}d}" for y in YEARS.year]


@pytest.mark.parametrize(
    "labels", [_seasons(), _seasons("/"), _seasons("-", 4), _seasons("–"), [f"FY{s}" for s in _seasons()]]
)
def test_seasons_are_the_years_they_start_in(tmp_path, labels):
    series = load_series(_write(tmp_path, labels))
    assert list(series.dates) == list(YEARS) and series.columns == ["Points"]
    assert (
        f"read the seasons in date column 'Season' as the years they start in: {labels[0]} is 2000-01-01"
        in (series.notes)
    )


def test_seasons_pandas_reads_as_months_are_years(tmp_path):
    # 2000-01 to 2008-09: every one a month to pandas, read without a word as January 2000, February 2001...
    series = load_series(_write(tmp_path, _seasons()[:9]), date_column="Season")
    assert list(series.dates) == list(YEARS[:9])


@pytest.mark.parametrize("season", ["Season", "FY"])
def test_a_season_column_of_years_is_a_year_column(tmp_path, season):
    series = load_series(_write(tmp_path, [str(y) for y in YEARS.year], season=season))
    assert list(series.dates) == list(YEARS)


def test_a_league_table_names_its_teams_and_reads_with_them(tmp_path):
    path = _write(tmp_path, _seasons(), teams=("Arsenal", "Chelsea"))
    with pytest.raises(RnnkitError, match=r"duplicated date.*pass --id-column 'Team'"):
        load_series(path)
    panel = load_panel(path, "Team")
    assert [s.name for s in panel] == ["Arsenal", "Chelsea"] and list(panel[1].dates) == list(YEARS)


def test_months_are_still_months(tmp_path):
    months = pd.date_range("2000-01-01", periods=12, freq="MS")
    series = load_series(_write(tmp_path, list(months.strftime("%Y-%m")), season="Month"))
    assert list(series.dates) == list(months)


def test_two_years_apart_are_no_seasons(tmp_path):
    labels = [f"{y}-{(y + 2) % 100:02d}" for y in YEARS.year]  # 2000-02: no season
    with pytest.raises(RnnkitError, match="no date column"):
        load_series(_write(tmp_path, labels))


MATCH_DAYS = pd.date_range("2018-08-10", periods=200, freq="3D")


def test_a_season_column_beside_each_matchs_date_is_no_date_column(tmp_path):
    # the season was taken before the dates: '198 duplicated date(s)'
    seasons = [f"{d.year - (d.month < 8)}-{(d.year + (d.month >= 8)) % 100:02d}" for d in MATCH_DAYS]
    path = tmp_path / "matches.csv"
    frame = {"season": seasons, "match_date": MATCH_DAYS.strftime("%Y-%m-%d"), "goals": range(200)}
    pd.DataFrame(frame).to_csv(path, index=False)
    series = load_series(path)
    assert list(series.dates) == list(MATCH_DAYS) and series.columns == ["goals"]


def test_a_fiscal_year_column_beside_each_rows_date_is_no_date_column(tmp_path):
    path = tmp_path / "ledger.csv"
    frame = {"FY": MATCH_DAYS.year, "posted": MATCH_DAYS.strftime("%Y-%m-%d"), "amount": range(200)}
    pd.DataFrame(frame).to_csv(path, index=False)
    series = load_series(path, target="amount")
    assert list(series.dates) == list(MATCH_DAYS) and series.columns == ["amount"]


def _year_and_match_date(tmp_path):
    path = tmp_path / "matches.csv"
    frame = {"Year": MATCH_DAYS.year, "match_date": MATCH_DAYS.strftime("%Y-%m-%d"), "value": range(200)}
    pd.DataFrame(frame).to_csv(path, index=False)
    return path


def test_a_year_column_that_repeats_beside_each_rows_date_is_no_date_column(tmp_path):
    """Year,match_date,value: the Year column came first, and 200 matches of three years were '197
    duplicated date(s)'; the years repeat, the match dates date the rows (and Year is no target)."""
    series = load_series(_year_and_match_date(tmp_path))
    assert list(series.dates) == list(MATCH_DAYS) and series.columns == ["value"]


@pytest.mark.parametrize(
    ("days", "date_name"),
    [
        (pd.date_range("2000-01-02", periods=700, freq="7D"), "match_date"),  # 14 years of weeks
        (pd.date_range("2000-01-01", periods=240, freq="MS"), "obs_date"),  # 20 years of months
    ],
)
def test_a_year_column_over_ten_years_or_more_beside_each_rows_date_is_no_date_column(
    tmp_path, days, date_name
):
    """Over ten years or more each year is on a tenth of the rows or fewer: Year,match_date,value of 700
    weekly rows was still dated by Year ('686 duplicated date(s) ... 'Year' holds only their years')."""
    path = tmp_path / "long.csv"
    frame = {"Year": days.year, date_name: days.strftime("%Y-%m-%d"), "value": range(len(days))}
    pd.DataFrame(frame).to_csv(path, index=False)
    series = load_series(path)
    assert list(series.dates) == list(days) and series.columns == ["value"]


def test_a_year_column_over_ten_years_in_a_long_file_is_no_date_column(tmp_path):
    days = pd.date_range("2000-01-01", periods=240, freq="MS")
    path = tmp_path / "long.csv"
    frame = pd.concat(
        pd.DataFrame(
            {"id": key, "Year": days.year, "obs_date": days.strftime("%Y-%m-%d"), "value": range(240)}
        )
        for key in ("A", "B")
    )
    frame.to_csv(path, index=False)
    panel = load_panel(path, id_column="id", target="value")
    assert [list(series.dates) for series in panel] == [list(days)] * 2


def test_forecast_train_dates_a_year_and_match_date_file_by_its_match_dates(tmp_path, capsys):
    from rnnkit.cli import main

    path, out = _year_and_match_date(tmp_path), tmp_path / "run"
    tiny = ["--epochs", "1", "--hidden-size", "4", "--no-progress", "--device", "cpu", "--threads", "1"]
    code = main(["forecast", "train", "--data", str(path), "--out", str(out), *tiny])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "duplicated date" not in printed.err + printed.out
    predictions = pd.read_csv(out / "predictions.csv")
    assert str(MATCH_DAYS[-1].date()) in set(predictions.iloc[:, 0].astype(str))


def test_a_season_column_beside_a_stamp_still_dates_the_rows(tmp_path):
    path = tmp_path / "league.csv"
    rows = "".join(f"Arsenal,{s},{60 + k},2024-06-01\n" for k, s in enumerate(_seasons()))
    path.write_text("Team,Season,Points,Updated\n" + rows, encoding="utf-8")
    assert list(load_series(path, target="Points").dates) == list(YEARS)
