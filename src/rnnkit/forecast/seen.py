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

from rnnkit.forecast.settings import ForecastSettings
from rnnkit.forecast.windows import Split
from rnnkit.utils.errors import RnnkitError

if TYPE_CHECKING:
    from rnnkit.forecast.data import Series

__all__ = ["model_split", "seen_rows", "seen_test_warning"]

DEFAULT_VAL, DEFAULT_TEST = ForecastSettings.val, ForecastSettings.test  # train's, for a model without


def model_split(info: dict, val: float | None, test: float | None) -> tuple[float, float]:
    """The split to score a saved model on: ``val`` and ``test`` where given, else the model's own
    (``info["val"]``, ``info["test"]``), else train's defaults. A model fitted by :class:`Forecaster`
    has no test part (its ``test`` is 0): its data's last rows are then scored as train would split them,
    and :func:`seen_test_warning` says that the model saw them."""
    if val is None:
        val = _recorded(info, "val", DEFAULT_VAL)
    if test is None:
        test = _recorded(info, "test", DEFAULT_TEST) or DEFAULT_TEST
    return val, test


def _recorded(info: dict, key: str, default: float) -> float:
    """``info[key]``, a fraction in [0, 1) as train wrote it, or ``default`` when the model records none;
    anything else is a damaged config.json, said in one line (not a TypeError from the split)."""
    value = info.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        raise RnnkitError(
            f"the model's config.json has info.{key} {value!r}, not a fraction in [0, 1): give --{key} "
            "to choose the split"
        )
    return float(value)


def seen_rows(info: dict, series: Series) -> int:
    """The number of first rows of ``series`` the model trained or validated on (0: cannot tell).

    ``info``: the model's ``config.json`` ``info`` (``rows``, ``first_date``, ``test``); the model saw
    the rows before its test part, as :meth:`rnnkit.forecast.windows.Split.by_fraction` split them.
    """
    rows, first, test = info.get("rows"), info.get("first_date"), info.get("test")
    if not (isinstance(rows, int) and first and isinstance(test, int | float)) or len(series) < rows:
        return 0
    if str(series.dates[0]) != str(first):
        return 0
    return rows - Split.rows_of(rows, test)


def seen_test_warning(info: dict, series: Series, val: float, test: float) -> str | None:
    """A warning when the test part of ``series`` split by ``val`` and ``test`` (its last rows, as
    ``eval`` scores them) holds rows the model has seen; None when it holds none."""
    test_start = Split.by_fraction(len(series), val, test).val_end
    saw = seen_rows(info, series)
    seen = saw - test_start
    if seen <= 0:
        return None
    scored = len(series) - test_start
    advice = (
        f"leave --test and --val out to score the test rows it was trained with ({info['test']:g})"
        if info["test"]
        else "it was fitted with no test part (Forecaster.fit), so score it on rows after these"
    )
    return (
        f"{seen} of the {scored} test rows are rows this model trained or validated on (it saw the first "
        f"{saw} rows of these data): the scores are optimistic; {advice}"
    )
