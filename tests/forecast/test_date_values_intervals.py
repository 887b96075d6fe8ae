"""Time intervals in the date column: ENTSO-E's ``01.01.2024 00:00 - 01.01.2024 01:00`` under
``MTU (CET/CEST)`` was "no date column", and a meter's ``2024-01-01 00:00-01:00`` was read as 00:00 at the
UTC offset -01:00, a different "offset" every hour. Both are read as their starts, with a note; an offset
(one value, or two across a daylight-saving change) stays an offset."""

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

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


DAYS = pd.date_range("2024-01-01 09:00", periods=40, freq="D")


def test_a_daily_clock_range_is_no_utc_offset(tmp_path):
    # one range a day ('09:00-10:00' every row: the end takes one value, as an offset would) was read as
    # 09:00 at the offset -10:00; '09:00-17:00' (opening hours) as an offset no zone has
    cells = [f"{d:%Y-%m-%d} {'09:00-10:00' if i % 2 else '09:00-17:00'}" for i, d in enumerate(DAYS)]
    series = load_series(_write(tmp_path, "Time,Visitors", cells))
    assert list(series.dates) == list(DAYS) and series.dates.tz is None
    assert series.notes[0] == (
        "read the intervals in date column 'Time' as their starts: '2024-01-01 09:00-17:00' as '2024-01-01 09:00'"
    )


def test_an_offset_after_seconds_or_under_moving_times_stays_an_offset(tmp_path):
    # an offset stays put while the times of day move (hourly 00:00-05:00, 01:00-05:00, ...: midnight in
    # New York reads as an hour range 00:00 to 05:00 on its own), or follows seconds (Python writes
    # 2024-01-01 09:00:00-10:00); a daily 09:00-05:00 reads both ways (below)
    for cells, dates in (
        ([f"{d:%Y-%m-%d %H:%M:%S}-10:00" for d in DAYS], DAYS.tz_localize("-10:00")),
        ([f"{h:%Y-%m-%d %H:%M}-05:00" for h in HOURS], HOURS.tz_localize("-05:00")),
    ):
        series = load_series(_write(tmp_path, "Time,Load", cells))
        assert list(series.dates) == list(dates)


MIDNIGHTS = pd.date_range("2024-01-01", periods=40, freq="D")


@pytest.mark.parametrize(("days", "suffix"), [(MIDNIGHTS, "-05:00"), (DAYS, "-08:00"), (DAYS, "-05:00")])
def test_a_daily_time_whose_suffix_reads_both_ways_is_refused(tmp_path, days, suffix):
    # 2024-01-01 00:00-05:00 every day is midnight in New York, or the hours 00:00 to 05:00; 09:00-08:00
    # 09:00 in US Pacific time, or a night to 08:00: it was read as an interval, its zone dropped, or as
    # an offset, without a word; the line names both readings and the format that reads each
    cells = [f"{d:%Y-%m-%d %H:%M}{suffix}" for d in days]
    path = _write(tmp_path, "Time,Load", cells)
    start = f"{days[0]:%Y-%m-%d %H:%M}"
    with pytest.raises(RnnkitError) as caught:
        load_series(path)
    assert str(caught.value) == (
        f"load.csv: date column 'Time' writes '{cells[0]}' at one time of day in every row, which reads as "
        f"{start} at the UTC offset {suffix} or as the interval {start} to {suffix[1:]}; for the offset give "
        f"--date-format '%Y-%m-%d %H:%M%z', for the interval --date-format '%Y-%m-%d %H:%M{suffix}' (the "
        "end written as it is, read as the start)"
    )
    offset = load_series(path, date_format="%Y-%m-%d %H:%M%z")  # the formats the line gives read them
    assert list(offset.dates) == list(days.tz_localize(suffix))
    interval = load_series(path, date_format=f"%Y-%m-%d %H:%M{suffix}")
    assert list(interval.dates) == list(days) and interval.dates.tz is None


def test_a_daily_midnight_across_a_clock_change_is_an_offset(tmp_path):
    # one time of day under two suffixes an hour apart is midnight in New York across the change (a
    # range's end does not move while its start stays put): it was refused as reading both ways
    days = pd.date_range("2024-10-25", "2024-11-10", freq="D")
    cells = [f"{d:%Y-%m-%d} 00:00{'-05:00' if d < pd.Timestamp('2024-11-03') else '-04:00'}" for d in days]
    series = load_series(_write(tmp_path, "Time,Load", cells))
    assert list(series.dates) == list(days) and series.dates.tz is None
    assert series.notes[0] == (
        "dates in column 'Time' had 2 timezone offsets (a daylight-saving change) and one local time of day; "
        "read them as the local dates written"
    )


def test_a_daily_range_whose_end_is_no_offset_is_an_interval(tmp_path):
    # no zone is 17 hours behind UTC, nor 23:59: an opening time's range, read as its start
    for end in ("17:00", "23:59"):
        series = load_series(_write(tmp_path, "Time,Visitors", [f"{d:%Y-%m-%d %H:%M}-{end}" for d in DAYS]))
        assert list(series.dates) == list(DAYS) and series.dates.tz is None


def test_iso_intervals_read_as_their_starts(tmp_path):
    # ISO 8601's start/end and start/duration, as energy and statistics APIs write a period: "no date
    # column", and named, "not dates; give the format", which no format could follow for start/end
    forms = {
        "{h:%Y-%m-%dT%H:%M}Z/{e:%Y-%m-%dT%H:%M}Z": HOURS.tz_localize("UTC"),
        "{h:%Y-%m-%dT%H:%M:%S}/{e:%Y-%m-%dT%H:%M:%S}": HOURS,
        "{h:%Y-%m-%dT%H:%M}/PT1H": HOURS,
    }
    for form, dates in forms.items():
        cells = [form.format(h=h, e=h + pd.Timedelta("1h")) for h in HOURS]
        series = load_series(_write(tmp_path, "interval,Load", cells))
        assert list(series.dates) == list(dates)
        assert series.notes[0].startswith(
            f"read the intervals in date column 'interval' as their starts: {cells[0]!r}"
        )
