"""A long file whose series are on different calendars (daily and monthly ids mixed) is read, each series
on its own calendar, with one note naming the calendars."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rnnkit.forecast.panel import load_panel
from rnnkit.forecast.panel_notes import calendars_note


def long_frame(freqs: dict[str, str], n: int = 30) -> pd.DataFrame:
    parts = [
        pd.DataFrame(
            {"id": name, "date": pd.date_range("2020-01-06", periods=n, freq=freq), "y": np.arange(n) % 7}
        )
        for name, freq in freqs.items()
    ]
    return pd.concat(parts, ignore_index=True)


def test_daily_and_monthly_series_in_one_file_are_named_once(tmp_path):
    path = tmp_path / "mixed.csv"
    long_frame({"d": "D", "m": "MS", "b": "B"}).to_csv(path, index=False)
    panel = load_panel(path, "id")
    assert panel[1].dates[-1] == pd.Timestamp("2022-07-01")  # each series on its own calendar
    notes = [note for s in panel for note in s.notes if "calendars" in note]
    assert notes == [
        "mixed.csv holds series on different calendars (daily: d; monthly: m; business daily: b); one network "
        "learns from them all, and each series is forecast on its own calendar"
    ]


def test_one_calendar_or_irregular_dates_say_nothing():
    same = load_panel(long_frame({"a": "D", "b": "D"}), "id")
    assert calendars_note(same, "x.csv") is None and not any("calendars" in n for n in same[0].notes)
    rng = np.random.default_rng(0)
    odd = long_frame({"a": "D", "b": "D"}).assign(
        date=lambda f: f["date"].where(
            f["id"] == "a",
            pd.Timestamp("2020-01-01") + pd.to_timedelta(np.cumsum(rng.integers(1, 9, len(f))), "D"),
        )
    )
    assert calendars_note(load_panel(odd, "id"), "x.csv") is None  # b has no calendar to compare


def test_many_series_are_counted_after_three():
    frame = long_frame({**{f"d{k}": "D" for k in range(5)}, "m": "MS"})
    note = calendars_note(load_panel(frame, "id"), "x.csv")
    assert note is not None and "(daily: d0, d1, d2 and 2 more; monthly: m)" in note


def test_a_file_newest_first_says_so_once_not_once_per_series(tmp_path):
    frame = long_frame({"a": "D", "b": "D", "c": "D"})
    path = tmp_path / "newest.csv"
    frame.iloc[::-1].to_csv(path, index=False)  # every series newest first, rows interleaved by date
    panel = load_panel(path, "id")
    assert all(s.dates.is_monotonic_increasing for s in panel)
    notes = [note for s in panel for note in s.notes]
    assert notes == ["newest.csv lists the newest date first; reversed each series to oldest first"]  # was 3
    some = pd.concat([frame[frame["id"] != "c"].iloc[::-1], frame[frame["id"] == "c"]])
    some.to_csv(path, index=False)
    notes = [note for s in load_panel(path, "id") for note in s.notes]
    assert notes == ["newest.csv lists 2 of its 3 series newest first (b, a); reversed them to oldest first"]
