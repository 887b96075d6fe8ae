"""Time intervals in the date column: ENTSO-E's ``01.01.2024 00:00 - 01.01.2024 01:00`` under
``MTU (CET/CEST)`` was "no date column", and a meter's ``2024-01-01 00:00-01:00`` was read as 00:00 at the
UTC offset -01:00, a different "offset" every hour. Both are read as their starts, with a note; an offset
(one value, or two across a daylight-saving change) stays an offset."""

import pandas as pd

from rnnkit.forecast.data import load_series

HOURS = pd.date_range("2024-01-01", periods=48, freq="h")


def _write(tmp_path, header: str, cells: list[str]):
    path = tmp_path / "load.csv"
    path.write_text(header + "\n" + "".join(f'"{c}",{50 + i % 7}\n' for i, c in enumerate(cells)))
    return path


def test_entsoe_intervals_make_the_date_column(tmp_path):
    cells = [f"{h:%d.%m.%Y %H:%M} - {h + pd.Timedelta('1h'):%d.%m.%Y %H:%M}" for h in HOURS]
    series = load_series(_write(tmp_path, '"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]"', cells))
    assert list(series.dates) == list(HOURS)
    assert series.notes[0] == (
        "read the intervals in date column 'MTU (CET/CEST)' as their starts: '01.01.2024 00:00 - 01.01.2024 "
        "01:00' as '01.01.2024 00:00'"
    )


def test_an_hour_range_is_no_utc_offset(tmp_path):
    cells = [f"{h:%Y-%m-%d %H:%M}-{h + pd.Timedelta('1h'):%H:%M}" for h in HOURS]
    series = load_series(_write(tmp_path, "Time,Load", cells))
    assert list(series.dates) == list(HOURS)  # not 'duplicated dates' nor times in another zone
    assert series.dates.tz is None


def test_an_offset_stays_an_offset(tmp_path):
    series = load_series(_write(tmp_path, "Time,Load", [f"{h:%Y-%m-%dT%H:%M}-05:00" for h in HOURS]))
    assert list(series.dates) == list(HOURS.tz_localize("-05:00"))
