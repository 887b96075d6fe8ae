"""Time-zone abbreviations ending the times of a date column (``2024-03-01 09:00 CET``): pandas reads
``UTC`` and ``GMT`` but no other, so such a file was "24 value(s) ... are not dates; give the format with
--date-format", advice no format could follow. Abbreviations that name one offset are read as it (a fixed
table); one that names several (``IST``, ``CST``) is one line asking for the offset."""

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

HOURS = pd.date_range("2024-03-01", periods=24, freq="h")


def _write(tmp_path, times: list[str]):
    path = tmp_path / "zoned.csv"
    path.write_text("Date,Value\n" + "".join(f"{t},{100 + i}\n" for i, t in enumerate(times)))
    return path


@pytest.mark.parametrize(("zone", "offset"), [("CET", "+01:00"), ("EST", "-05:00"), ("JST", "+09:00")])
def test_an_abbreviation_reads_as_its_offset(tmp_path, zone, offset):
    series = load_series(_write(tmp_path, [f"{h:%Y-%m-%d %H:%M} {zone}" for h in HOURS]))
    assert list(series.dates) == list(HOURS.tz_localize(offset))  # the same instants as +01:00 written
    assert f"{zone} as {offset}" in " ".join(series.notes)


def test_a_twelve_hour_clock_with_a_zone(tmp_path):
    series = load_series(_write(tmp_path, [f"2024-03-01 {h}:00 AM EST" for h in range(1, 12)]))
    assert series.dates[0] == pd.Timestamp("2024-03-01 01:00-05:00")


def test_winter_and_summer_time_read_as_a_daylight_saving_change(tmp_path):
    days = pd.date_range("2024-03-20", periods=30, freq="D")
    times = [f"{d:%Y-%m-%d} 09:00 {'CET' if d < pd.Timestamp('2024-03-31') else 'CEST'}" for d in days]
    series = load_series(_write(tmp_path, times))
    assert list(series.dates) == list(days + pd.Timedelta(hours=9))  # the local times written, every day
    assert "daylight-saving change" in " ".join(series.notes)


@pytest.mark.parametrize(
    ("zone", "places"),
    [
        ("IST", "India +05:30, Ireland +01:00 or Israel +02:00"),
        ("CST", "US Central -06:00, China +08:00 or Cuba -05:00"),
        ("PST", "US Pacific -08:00 or Philippines +08:00"),  # a Manila file read as US Pacific: 16 hours off
        ("CDT", "US Central summer -05:00 or Cuba summer -04:00"),
    ],
)
def test_an_abbreviation_of_several_zones_is_refused(tmp_path, zone, places):
    path = _write(tmp_path, [f"{h:%Y-%m-%d %H:%M} {zone}" for h in HOURS])
    with pytest.raises(RnnkitError) as caught:
        load_series(path)
    assert str(caught.value) == (
        f"zoned.csv: line 2 of date column 'Date' ('2024-03-01 00:00 {zone}') writes the time zone "
        f"{zone!r}, which names several ({places}); write each time with its UTC offset instead "
        f"(e.g. 2024-03-01 00:00{places.split(' or ')[0].split(', ')[0].split(' ')[-1]})"
    )


@pytest.mark.parametrize("zone", ["UTC", "GMT"])
def test_utc_reads_as_before(tmp_path, zone):
    series = load_series(_write(tmp_path, [f"{h:%Y-%m-%d %H:%M} {zone}" for h in HOURS]))
    assert list(series.dates) == list(HOURS.tz_localize("UTC"))
    assert not series.notes


@pytest.mark.parametrize(
    ("written", "offset"),
    [
        ("GMT+1", "+01:00"),
        ("UTC-5", "-05:00"),
        ("GMT+05:30", "+05:30"),
        ("(GMT+1)", "+01:00"),
        ("UTC+0100", "+01:00"),
    ],
)
def test_an_offset_after_utc_or_gmt_keeps_its_sign(tmp_path, written, offset):
    # pandas read 'GMT+1' as a POSIX zone, an hour behind UTC: every time two hours wrong, with a warning
    series = load_series(_write(tmp_path, [f"{h:%Y-%m-%d %H:%M} {written}" for h in HOURS]))
    assert list(series.dates) == list(HOURS.tz_localize(offset))
    assert not series.warnings
    assert f"{written!r} is {offset}" in " ".join(series.notes)


@pytest.mark.parametrize(
    ("winter", "summer", "change", "standard"),
    [
        ("PST", "PDT", "2024-03-10", "-08:00"),  # PST alone may be Manila's; beside PDT it is US Pacific
        ("GMT", "BST", "2024-03-31", "+01:00"),  # a British file: BST is summer time here, not Bangladesh
        ("GMT", "IST", "2024-03-31", "+01:00"),  # an Irish one: IST is Irish summer time, not India's
    ],
)
def test_an_ambiguous_abbreviation_settled_by_its_companion(tmp_path, winter, summer, change, standard):
    days = pd.date_range("2024-03-01", periods=40, freq="D")
    times = [f"{d:%Y-%m-%d} 12:00 {winter if d < pd.Timestamp(change) else summer}" for d in days]
    series = load_series(_write(tmp_path, times))
    assert list(series.dates) == list(days + pd.Timedelta(hours=12))  # local noon every day, as written
    assert "daylight-saving change" in " ".join(series.notes)
    ambiguous = summer if winter == "GMT" else winter
    assert f"{ambiguous} as {standard}" in " ".join(series.notes)


FORMAT = "%Y-%m-%d %H:%M %Z"


@pytest.mark.parametrize(("zone", "offset"), [("CEST", "+02:00"), ("MEZ", "+01:00"), ("JST", "+09:00")])
def test_a_date_format_reads_the_abbreviations_as_without_one(tmp_path, zone, offset):
    # %Z reads UTC, GMT and the zone database's names (CET, EST), not CEST, MEZ or JST: a file that read
    # without --date-format was "24 value(s) in date column 'Date' do not match --date-format"
    series = load_series(_write(tmp_path, [f"{h:%Y-%m-%d %H:%M} {zone}" for h in HOURS]), date_format=FORMAT)
    assert list(series.dates) == list(HOURS.tz_localize(offset))
    assert f"{zone} as {offset}" in " ".join(series.notes)


def test_a_date_format_reads_winter_and_summer_time_as_without_one(tmp_path):
    days = pd.date_range("2024-03-20", periods=30, freq="D")
    times = [f"{d:%Y-%m-%d} 00:00 {'CET' if d < pd.Timestamp('2024-03-31') else 'CEST'}" for d in days]
    for date_format in (None, FORMAT):
        series = load_series(_write(tmp_path, times), date_format=date_format)
        assert list(series.dates) == list(days)  # the local days written, not 23:00 and 22:00 in UTC
    hours = pd.date_range("2024-03-30 20:00", periods=24, freq="h", tz="UTC")  # 02:00 CET is 03:00 CEST
    local = hours.tz_convert("Europe/Berlin")
    times = [f"{t:%Y-%m-%d %H:%M} {'CEST' if t.utcoffset().seconds == 7200 else 'CET'}" for t in local]
    assert list(load_series(_write(tmp_path, times), date_format=FORMAT).dates) == list(
        hours.tz_localize(None)
    )


def test_a_date_format_names_an_ambiguous_abbreviation(tmp_path):
    with pytest.raises(RnnkitError, match="writes the time zone 'IST', which names several"):
        load_series(_write(tmp_path, [f"{h:%Y-%m-%d %H:%M} IST" for h in HOURS]), date_format=FORMAT)


def test_a_date_format_reads_day_first_dates_across_a_clock_change(tmp_path):
    # the conversion to UTC read each value on its own, month first: 01/04/2024 00:00 CEST was
    # 2024-01-03 23:00, and the error blamed --date-format
    local = pd.date_range("2024-03-25", periods=40, freq="6h", tz="Europe/Berlin")  # to 03/04/2024
    times = [f"{t:%d/%m/%Y %H:%M} {'CEST' if t.utcoffset().seconds == 7200 else 'CET'}" for t in local]
    series = load_series(_write(tmp_path, times), date_format="%d/%m/%Y %H:%M %Z")
    assert list(series.dates) == list(local.tz_convert("UTC").tz_localize(None))
    assert "converted them to UTC" in " ".join(series.notes)


def test_a_date_format_reads_an_abbreviation_with_no_space_before_it(tmp_path):
    # 00:00JST under %H:%M%Z was refused quoting '2024-06-01 00:00 +09:00' and a %z format the user never wrote
    series = load_series(
        _write(tmp_path, [f"{h:%Y-%m-%d %H:%M}JST" for h in HOURS]), date_format="%Y-%m-%d %H:%M%Z"
    )
    assert list(series.dates) == list(HOURS.tz_localize("+09:00"))


def test_a_date_format_that_does_not_read_the_dates_is_named_as_written(tmp_path):
    with pytest.raises(RnnkitError) as caught:
        load_series(
            _write(tmp_path, [f"{h:%Y-%m-%d %H:%M} JST" for h in HOURS]), date_format="%d/%m/%Y %H:%M %Z"
        )
    assert "%d/%m/%Y %H:%M %Z" in str(caught.value) and "+09:00" not in str(caught.value)
