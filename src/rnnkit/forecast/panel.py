"""Many series, one model: long-format input (``--id-column``) and a global model across the series.

Long format is one row per series and date (``symbol,date,close``), as NeuralForecast and Darts read
it. Each series is checked on its own (dates, order, missing values), split on its own rows (the same
fractions), and scaled on its own training rows (a "local scaler"), so that a series in dollars and
one in cents feed the network alike. The network is one: its training samples are the windows of
every series (a window never crosses two series), its validation samples likewise.

The target transform is chosen per series, as ``--predict auto`` chooses it for one series
(:func:`~rnnkit.forecast.choose.choose_predict` on that series' validation rows): a stock in the panel
gets returns, a mean-reverting series levels. Each series' inputs and targets are then standardised by
its own training rows, so the network sees every series on one scale whatever its transform; the
series' transform, like its scalers, is saved with the model and maps its forecasts back to its units.

Scores (:mod:`~rnnkit.forecast.panel_scores`): each series beside its own baselines (naive, linear AR
fitted on that series' training windows), then pooled as the sample-weighted mean of each forecaster's
MASE (MAE is not comparable across series of different scales, MASE is).

This module is the core (load, prepare, train, score, forecast); :mod:`~rnnkit.forecast.panel_run`
writes ``train``/``eval`` folders and :mod:`~rnnkit.forecast.panel_backtest` walks forward.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype

from rnnkit.forecast.choose import Choice, choose_predict
from rnnkit.forecast.columns import (
    closing_price,
    default_target,
    find_column,
    has_column,
    price_target_note,
    target_fallback_note,
)
from rnnkit.forecast.data import (
    Series,
    load_series,
    reading_of,
    resolve_source,
)
from rnnkit.forecast.date_column import find_date_column, read_dates
from rnnkit.forecast.date_parts import assemble_date_parts
from rnnkit.forecast.dates import row_names
from rnnkit.forecast.evaluate import Evaluation, evaluate
from rnnkit.forecast.forecaster import TrainedModel
from rnnkit.forecast.frame_input import FRAME_NAME, frame_table
from rnnkit.forecast.nextstep import NextForecast, forecast_next
from rnnkit.forecast.panel_notes import calendars_note, merge_newest_first
from rnnkit.forecast.prepare import SHORTER_WINDOW, Prepared, pooled_prepared, prepare
from rnnkit.forecast.settings import ForecastSettings
from rnnkit.forecast.table import read_table
from rnnkit.forecast.windows import Split
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.wording import plural

T = TypeVar("T")


def load_panel(
    source: str | Path | pd.DataFrame,
    id_column: str,
    target: str | None = None,
    features: Sequence[str] = (),
    date_column: str | None = None,
    missing: str = "error",
    date_format: str | None = None,
    dayfirst: bool | None = None,
    target_fallback: bool = False,
    decimal: str | None = None,
) -> list[Series]:
    """One checked :class:`Series` per value of ``id_column``, in order of first appearance.

    The target and feature columns are the file's, checked once (an error names the file, not a
    series). ``target_fallback``: a one-column model's ``target`` missing from the file is replaced by
    ``Adj Close``, else ``Close``, else the only numeric column, with the note a single series gets
    (:func:`~rnnkit.forecast.columns.target_fallback_note`).

    Ids are read as text, exactly as written (``007`` and ``7``, ``01`` and ``1`` are different series).
    The dates are read with one format for the whole file (one file, one format), never series by
    series: a format must parse every row of every series, and a day-first series proves the file
    day-first for a series whose days are all 12 or less.
    """
    if isinstance(source, pd.DataFrame):  # ids or dates in its index (set_index(["id", "date"])) are columns
        frame, where = (
            frame_table(source, date_column),
            FRAME_NAME,
        )  # repeated labels (pd.concat) count by position
    else:
        path, _, where = resolve_source(source)
        frame = read_table(path, text_columns=[id_column], decimal=decimal)
    frame = assemble_date_parts(frame, Path(where), date_column)
    read_notes = list(frame.attrs.pop("rnnkit_notes", []))
    id_col = find_column(frame, id_column, "id", Path(where), "--id-column")
    blank = frame[id_col].isna() | frame[id_col].astype("string").str.strip().eq("").fillna(True)
    if blank.any():  # a series named '' or '  ' is no series: its messages would name nothing
        first = int(np.flatnonzero(blank.to_numpy())[0])
        other = _full_id_column(frame, id_col)
        hint = f"; {other!r} names every row's series: pass --id-column {other!r}" if other else ""
        column = frame[id_col]
        if isinstance(source, pd.DataFrame) and pd.isna(column.iloc[first]) and not is_numeric_dtype(column):
            # text ids, one missing: read from a file by pandas, whose 'NA' (Namibia, a ticker) is NaN
            hint += (
                "; pd.read_csv reads an id written 'NA', 'None' or 'null' as missing: read the file with "
                "keep_default_na=False, or give its path"
            )
        raise RnnkitError(
            f"{where}: the id column {id_col!r} is empty on {row_names(frame)(frame.index[first])}{hint}"
        )
    _refuse_broken_ids(frame[id_col], where)
    _refuse_ids_written_alike(frame[id_col], where)
    ids = frame[id_col].astype(str).to_numpy()
    try:
        date_col = find_date_column(frame.drop(columns=[id_col]), Path(where), date_column, ids)
    except RnnkitError:
        if date_column is None and _date_column_of(frame, id_col, where) == id_col:  # --id-column date
            raise RnnkitError(
                f"{where}: the id column {id_col!r} holds the dates; name the column that names each row's "
                f"series with --id-column{_other_ids(frame, id_col)}"
            ) from None
        raise
    if "pooled" in set(ids):  # the tables' and backtest's row of every series pooled has that name
        raise RnnkitError(
            f"{where}: a series is named 'pooled', as the tables' row of all series pooled is; rename it"
        )
    alone = int((pd.Series(ids).value_counts() == 1).sum())  # rows that are a series of their own
    if len(ids) > 2 and 2 * alone > len(ids):  # --id-column value: most rows a series of one row
        raise RnnkitError(
            f"{where}: the id column {id_col!r} makes {alone} of its {len(ids)} rows a series of one row; "
            f"name the column that names each row's series with --id-column{_other_ids(frame, id_col)}"
        )
    columns = frame.drop(columns=[id_col])
    if target is not None and target_fallback and not has_column(columns, target):
        found = default_target(columns, date_col, Path(where))
        read_notes.append(target_fallback_note(where, target, found))
        target = found
    if target is None and closing_price(columns) is not None:  # said once for the file, not per series
        target = default_target(columns, date_col, Path(where))
        if target == closing_price(columns):
            read_notes.append(price_target_note(where, target))
    if target is not None:
        find_column(columns, target, "target", Path(where), "--target")
    for feat in features:
        find_column(columns, feat, "feature", Path(where), "--features")
    frame, parsed, date_notes = read_dates(
        frame, date_col, Path(where), date_format, dayfirst, missing, groups=ids
    )
    frame = frame.assign(**{date_col: pd.Series(parsed.dates, index=frame.index)})
    panel = []
    for key, part in frame.groupby(id_col, sort=False):
        name = str(key)
        try:
            series = load_series(
                part.drop(columns=[id_col]),  # keeps the file's row labels, so errors name its lines
                target,
                features,
                date_col,
                missing,
                name=name,
                id_hint=False,  # the ids are given: duplicated dates within one series are just that
            )
        except RnnkitError as exc:  # "42 has 1 missing value": say that 42 is a series, not a file
            raise RnnkitError(_of_series(name, str(exc))) from None
        series.reading = reading_of(date_format, dayfirst, missing, parsed.fmt, decimal)  # the file's dates
        series.notes = [_of_series(name, n) for n in series.notes]
        series.warnings = [_of_series(name, w) for w in series.warnings]
        panel.append(series)
    # what holds for the whole file, said once
    merge_newest_first(panel, where)
    calendars = calendars_note(panel, where)
    panel[0].notes[:0] = read_notes + date_notes + ([calendars] if calendars else [])
    panel[0].warnings[:0] = parsed.warnings
    return panel


def _date_column_of(frame: pd.DataFrame, id_col: str, where: str) -> str | None:
    """The column the date reader would date the whole file by, ids included, or None: an id column it
    picks is the file's one column of dates. The reader's own rule, on ids of digits read as the numbers
    they are without --id-column (they are kept as text to be kept as written), so store numbers
    1001..1050 are not taken for years where the reader would not take them."""
    numbers = pd.to_numeric(frame[id_col], errors="coerce")
    if numbers.notna().all():
        frame = frame.assign(**{id_col: numbers})
    try:
        return find_date_column(frame, Path(where), None)
    except RnnkitError:
        return None


def _other_ids(frame: pd.DataFrame, id_col: str) -> str:
    """`` (e.g. 'symbol')``: a column that could name the series instead, or nothing."""
    other = _full_id_column(frame, id_col)
    return f" (e.g. {other!r})" if other else ""


def _refuse_ids_written_alike(column: pd.Series, where: str) -> None:
    """Ids of a DataFrame's column of mixed values that the tables could not tell apart are one line
    naming them: two that differ but print alike (the number 7 and the text '7': two series with one
    name), and two equal that print differently (1 and 1.0: one series, named one way or the other)."""
    if column.dtype != object:  # one type of value: equal text is an equal id
        return
    pairs = pd.DataFrame({"value": column.to_numpy(), "text": column.map(str).to_numpy()}).drop_duplicates()
    if alike := _two_sharing(pairs, "text"):
        twin, key = alike
        raise RnnkitError(
            f"{where}: the ids {twin!r} and {key!r} are two series written alike ({str(key)!r}); write "
            "every id one way (all text or all numbers)"
        )
    if equal := _two_sharing(pairs, "value"):
        one, other = equal
        raise RnnkitError(
            f"{where}: the ids {one!r} and {other!r} are one series written two ways; write every id one "
            "way (all text, or all whole numbers)"
        )


def _two_sharing(pairs: pd.DataFrame, by: str) -> tuple[object, object] | None:
    """The first two distinct (value, text) ``pairs`` that share their ``by`` ("text" or "value"), or None."""
    shared = pairs[by][pairs[by].duplicated()]
    if not len(shared):
        return None
    first, second = pairs["value"][pairs[by] == shared.iloc[0]].iloc[:2]
    return first, second


def _refuse_broken_ids(column: pd.Series, where: str) -> None:
    """An id holding a line break (a quoted field across lines) is one line naming it: every table and
    message that names the series would break there."""
    broken = column.astype("string").str.contains(r"[\r\n]", regex=True).fillna(False).to_numpy()
    if broken.any():
        first = int(np.flatnonzero(broken)[0])
        raise RnnkitError(
            f"{where}: the id on {row_names(column)(column.index[first])} holds a line break "
            f"({str(column.iloc[first])!r}); write each id on one line"
        )


def _of_series(name: str, message: str) -> str:
    """``message`` of one series of a long file, naming it once: ``series 42 skips 3 date(s) ...`` for a
    message that begins with its name (said as a file's name), else ``series 42: ...``."""
    if message.startswith((f"{name} ", f"{name}:")):
        return f"series {message}"
    return f"series {name}: {message}"


def panel_splits(panel: list[Series], val: float, test: float) -> list[Split]:
    """Each series' chronological split; ``test == 0`` leaves no test part (a final fit)."""
    if test == 0:
        if not 0 <= val < 1:
            raise RnnkitError(f"val must be a fraction in [0, 1) (got {val})")
        return [Split(len(s) - int(round(len(s) * val)), len(s), len(s)) for s in panel]
    return [Split.by_fraction(len(s), val, test) for s in panel]


@dataclass
class GlobalFit:
    """A trained global model and the per-series data it was trained and is scored on."""

    model: TrainedModel
    fit: Any
    choices: list[Choice]
    preps: list[Prepared]
    panel: list[Series]


def prepare_global(
    panel: list[Series], window: int, horizon: int, predict: str, splits: list[Split]
) -> tuple[list[Choice], list[Prepared]]:
    """Each series' transform (chosen on its own validation rows) and prepared split; every data error here."""
    names = [s.name for s in panel]
    if len(set(names)) != len(names):
        raise RnnkitError("series names must be distinct")
    choices, preps, short = [], [], []
    for s, sp in zip(panel, splits, strict=True):
        try:
            c = choose_predict(s, window, horizon, predict, split=sp)
            preps.append(prepare(s, window, horizon, c.predict, split=sp, need_test=sp.n_rows > sp.val_end))
        except RnnkitError as exc:
            if len(panel) == 1 or not str(exc).startswith("series too short"):
                raise
            short.append((s, str(exc)))  # every short series is named, not only the first
            continue
        choices.append(c)
    if short:
        raise RnnkitError(too_short(short, len(panel), "--window"))
    return choices, preps


def _full_id_column(frame: pd.DataFrame, empty_one: str) -> str | None:
    """A text column that could name the series where ``empty_one`` cannot (Our World in Data's ``Code``
    is empty for regions, its ``Entity`` never): filled on every row, repeated (at most half as many
    values as rows) and not dates. None when there is no such column."""
    for col in frame.columns:
        column = frame[col]
        if col == empty_one or column.isna().any() or pd.api.types.is_numeric_dtype(column):
            continue
        if not 1 < column.nunique() <= len(column) // 2:
            continue
        # utc: times with two offsets (a clock change) are dates too; without it pandas raised, not coerced
        dates = pd.to_datetime(column.astype(str), errors="coerce", format="mixed", utc=True)
        if dates.notna().mean() < 0.5:
            return str(col)
    return None


def too_short(short: list[tuple[Series, str]], n_series: int, option: str) -> str:
    """The first too-short series' message, every too-short series named, and what to do: drop them
    from the data (none is skipped silently), or lower ``option`` (``--window``, or the backtest's options
    shown to help, joined by "or"; may be empty). ``--window`` is named only when a shorter window fits
    every one of them (their messages say so: a validation part shorter than the horizon, or too few
    rows for any window, is not helped by it). When every series fails, the settings are the problem:
    the first message alone."""
    first = short[0][1]
    if len(short) == n_series:
        return first
    named = ", ".join(f"{s.name} ({plural(len(s), 'row')})" for s, _ in short)
    them = "it" if len(short) == 1 else "them"
    window_helps = all(SHORTER_WINDOW in message for _, message in short)
    options = [o for o in re.split(r", | or ", option) if o and (o != "--window" or window_helps)]
    said = f"{', '.join(options[:-1])} or {options[-1]}" if len(options) > 1 else "".join(options)
    lower = f", or lower {said}" if options else ""
    return f"{first}; {len(short)} of {n_series} series too short: {named}; drop {them} from the data{lower}"


def train_global(
    panel: list[Series],
    choices: list[Choice],
    preps: list[Prepared],
    settings: ForecastSettings,
    info: dict | None = None,
) -> GlobalFit:
    """One network on the samples of every prepared series; each series' scalers and transform kept.

    ``settings``: the model (``settings.hyper``) and the run (seed, device, progress bar); the windows
    and split are the prepared ones'. ``info`` is saved with the model.
    """
    from rnnkit.forecast.fit import train_forecaster

    per_series = {s.name: c.to_dict() for s, c in zip(panel, choices, strict=True)}
    info = {
        **(info or {}),
        "series": [s.name for s in panel],
        # one series: its choice, as forecast train saves it; many: each series' choice by name
        "predict_choice": choices[0].to_dict() if len(panel) == 1 else per_series,
    }
    model, fit = train_forecaster(
        pooled_prepared(preps),
        settings.hyper,
        seed=settings.seed,
        device=settings.device,
        show_progress=settings.show_progress,
        info=info,
        schedule_preps=preps,  # --lr-schedule auto decides on each series in its own units
    )
    if len(panel) > 1:
        model.series_scalers = {
            s.name: (p.in_scaler, p.out_scaler) for s, p in zip(panel, preps, strict=True)
        }
        model.series_transforms = {s.name: p.predict for s, p in zip(panel, preps, strict=True)}
        # each series' feature changes, kept (a feature may be positive in one series, not in another);
        # feature_changes stands for them all where they agree (and for a series not listed)
        model.series_feature_changes = {s.name: p.changes for s, p in zip(panel, preps, strict=True)}
        model.feature_changes = preps[0].changes if len({p.changes for p in preps}) == 1 else None
    return GlobalFit(model, fit, choices, preps, panel)


def fit_global(
    panel: list[Series],
    settings: ForecastSettings,
    splits: list[Split] | None = None,
    info: dict | None = None,
) -> GlobalFit:
    """Choose each series' transform, prepare each series, train one network on all of their samples.

    ``splits``: one per series (default :func:`panel_splits` of ``settings.val`` and ``settings.test``).
    """
    splits = splits or panel_splits(panel, settings.val, settings.test)
    choices, preps = prepare_global(panel, settings.window, settings.horizon, settings.predict, splits)
    return train_global(panel, choices, preps, settings, info)


def score_panel(
    model: TrainedModel, preps: list[Prepared], season: int | None = None
) -> dict[str, Evaluation]:
    """Each series' test scores beside its own baselines (naive, seasonal naive, linear AR), each with
    the many-series tie rule (:data:`~rnnkit.forecast.panel_scores.POOLED_DECIMALS`): its flags in
    ``metrics.json`` then say what the verdict's series counts say."""
    from rnnkit.forecast.panel_scores import POOLED_DECIMALS

    out = {p.series.name: evaluate(p, model.for_series(p.series.name), season=season) for p in preps}
    for ev in out.values():
        ev.tie_decimals = POOLED_DECIMALS
    return out


def forecast_panel(
    model: TrainedModel, panel: list[Series], horizon: int | None = None
) -> list[NextForecast]:
    """The next ``horizon`` (default ``H``) steps of each series, each with its own scalers; a series
    too short for the model's window is named with every other such series in one error."""
    for series in panel:
        model.for_series(series.name)  # a series the model does not know: one line, before any work

    def one(series: Series) -> NextForecast:
        nxt = forecast_next(model.for_series(series.name), series, horizon=horizon)
        nxt.target = f"{series.name} {nxt.target}"
        return nxt

    return each_or_short(panel, one)


def each_or_short(panel: list[Series], work: Callable[[Series], T]) -> list[T]:
    """``work`` on every series of ``panel``, in order; the series too short for it (the errors that say
    ``series too short``) are named together in one error (:func:`too_short`), not the first alone."""
    out, short = [], []
    for series in panel:
        try:
            out.append(work(series))
        except RnnkitError as exc:
            if len(panel) == 1 or not str(exc).startswith("series too short"):
                raise
            short.append((series, str(exc)))
    if short:
        raise RnnkitError(too_short(short, len(panel), ""))
    return out


def predictions_frame(evaluations: dict[str, Evaluation], id_column: str = "series") -> pd.DataFrame:
    """Every series' test predictions (:meth:`Evaluation.predictions`) under an ``id_column`` column."""
    return pd.concat(
        [ev.predictions().assign(**{id_column: name}) for name, ev in evaluations.items()], ignore_index=True
    )[[id_column, *next(iter(evaluations.values())).predictions().columns]]


def choice_summary(names: Sequence[str], choices: Sequence[Choice]) -> Choice:
    """One :class:`Choice` standing for the series' choices: their transform if all agree, else ``mixed``."""
    if len(choices) == 1:
        return choices[0]
    kinds = {c.predict for c in choices}
    reason = "; ".join(f"{name}: {c.reason}" for name, c in zip(names, choices, strict=True))
    return Choice(kinds.pop() if len(kinds) == 1 else "mixed", f"per series: {reason}", {})
