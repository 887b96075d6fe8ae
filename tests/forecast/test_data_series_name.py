"""``load_series(..., name=...)``: the name a caller gives (serve: the file the user uploaded, read from a
copy of another name) is the one its notes use."""

from __future__ import annotations

import pandas as pd

from rnnkit.forecast.data import load_series


def test_the_calendar_gaps_note_uses_the_name_given(tmp_path):
    days = pd.date_range("2024-01-01", periods=40).delete([10, 11, 20])  # three days of a daily calendar
    path = tmp_path / "copy.csv"
    path.write_text("Date,Close\n" + "".join(f"{d:%Y-%m-%d},{100 + i % 5}\n" for i, d in enumerate(days)))
    gaps = [note for note in load_series(path, name="prices.csv").notes if "calendar" in note]
    assert len(gaps) == 1 and gaps[0].startswith("prices.csv skips 3 date(s) of its daily calendar"), gaps
    # it was "copy.csv skips ...": the copy's name, which the user never saw
    assert load_series(path).notes[-1].startswith("copy.csv skips 3 date(s)")
