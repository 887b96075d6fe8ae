"""Notes about a long file as a whole, said once rather than once per series.

:func:`calendars_note`: series on different calendars (daily and monthly ids in one file). One global
network learns from every series' windows, whatever their step: a window of 8 is 8 days of a daily
series and 8 months of a monthly one, and each series is forecast on its own calendar. That is a right
answer (global models of M4 are trained so), but a file that mixes them by mistake (a monthly export
appended to a daily one) should not pass without a word, so the calendars are named once.

:func:`merge_newest_first`: a file sorted newest first reverses every series; one note says so for the
file, where each series said it again (500 lines for 500 series).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rnnkit.forecast.data import Series
from rnnkit.forecast.dates import spacing

_SHOWN = 3  # series named per calendar; the rest are counted


def calendars_note(panel: Sequence[Series], where: str) -> str | None:
    """``x.csv holds series on different calendars (daily: A, B; monthly: C): ...``, or None when every
    series whose recent dates are evenly spaced has the same spacing (irregular ones are not judged).

    The spacing in words (:func:`~rnnkit.forecast.dates.spacing`) is asked once per distinct shortest,
    median and longest step of the last 12 dates, not once per series: a file of 10,000 daily series
    costs one call."""
    named: dict[tuple[int, int, int], str | None] = {}
    calendars: dict[str, list[str]] = {}
    for series in panel:
        recent = series.dates[-12:]
        if len(recent) < 3:
            continue
        steps = np.diff(recent.asi8)
        key = (int(steps.min()), int(np.median(steps)), int(steps.max()))  # business days: 1, 1, 3 days
        if key not in named:
            named[key] = spacing(recent)
        words = named[key]
        if words is not None:
            calendars.setdefault(words, []).append(series.name)
    if len(calendars) < 2:
        return None
    said = "; ".join(f"{words}: {_names(names)}" for words, names in calendars.items())
    return (
        f"{where} holds series on different calendars ({said}); one network learns from them all, and each "
        "series is forecast on its own calendar"
    )


def merge_newest_first(panel: Sequence[Series], where: str) -> None:
    """Each series' note that it was reversed (``series A lists the newest date first; ...``) made one
    note of the file, on the first series (the file's notes come first), when two or more series say it."""
    said = [s for s in panel if _reversed_note(s) in s.notes]
    if len(said) < 2:
        return
    for series in said:
        series.notes.remove(_reversed_note(series))
    if len(said) == len(panel):
        note = f"{where} lists the newest date first; reversed each series to oldest first"
    else:
        names = _names([s.name for s in said])
        note = f"{where} lists {len(said)} of its {len(panel)} series newest first ({names}); reversed them to oldest first"
    panel[0].notes.insert(0, note)


def _reversed_note(series: Series) -> str:
    """The note :func:`~rnnkit.forecast.dates` gives a reversed series of a long file (named as a series)."""
    return f"series {series.name} lists the newest date first; reversed it to oldest first"


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    return shown if len(names) <= _SHOWN else f"{shown} and {len(names) - _SHOWN} more"
