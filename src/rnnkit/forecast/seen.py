"""Which rows of a series a saved model has already seen: scoring on them flatters it.

A model trained on rows ``[0, val_end)`` of its data (training rows, then the validation rows that
chose its epoch, its target transform and its blend) has seen every one of them. ``forecast eval`` on
the same data (or the same data with rows added at the end, the usual update) scores the last
``--test`` fraction; when that fraction is larger than the one the model was trained with, the test
part reaches back into those rows and the score is optimistic. This module finds how many.

The training data are recognised by their first date and their row count (``info["first_date"]``,
``info["rows"]``, both in every ``config.json`` since the first release): a series that starts on the
same date and has at least as many rows is taken to hold the training rows as its first rows. Data
of another series or starting elsewhere give 0: nothing can be said, and nothing is claimed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rnnkit.forecast.data import Series

__all__ = ["seen_rows", "seen_test_warning"]


def seen_rows(info: dict, series: Series) -> int:
    """The number of first rows of ``series`` the model trained or validated on (0: cannot tell).

    ``info``: the model's ``config.json`` ``info`` (``rows``, ``first_date``, ``test``); the model saw
    ``rows - round(rows * test)`` rows, as :meth:`rnnkit.forecast.windows.Split.by_fraction` split them.
    """
    rows, first, test = info.get("rows"), info.get("first_date"), info.get("test")
    if not (isinstance(rows, int) and first and isinstance(test, int | float)) or len(series) < rows:
        return 0
    if str(series.dates[0]) != str(first):
        return 0
    return rows - int(round(rows * test))


def seen_test_warning(info: dict, series: Series, test_start: int) -> str | None:
    """A warning when the test part, rows ``[test_start, len(series))``, holds rows the model has seen."""
    seen = seen_rows(info, series) - test_start
    if seen <= 0:
        return None
    scored = len(series) - test_start
    return (
        f"{seen} of the {scored} test rows are rows this model trained or validated on (it saw the first "
        f"{seen_rows(info, series)} rows of these data): the scores are optimistic; leave --test and --val "
        f"out to score the test rows it was trained with ({info['test']:g})"
    )
