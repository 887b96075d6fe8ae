"""The note for a long file whose series are on different calendars (daily and monthly ids in one file).

One global network learns from every series' windows, whatever their step: a window of 8 is 8 days of a
daily series and 8 months of a monthly one, and each series is forecast on its own calendar. That is a
right answer (global models of M4 are trained so), but a file that mixes them by mistake (a monthly
export appended to a daily one) should not pass without a word, so the calendars are named once.
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


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    return shown if len(names) <= _SHOWN else f"{shown} and {len(names) - _SHOWN} more"
