"""The Python API: ``Forecaster(...).fit(df)``, ``.predict(df, horizon=...)``, ``.backtest(df)``, on DataFrames.

::

    from rnnkit.forecast import Forecaster

    fc = Forecaster(window=14, horizon=7).fit(df)          # df: a date column and the target (or a path)
    fc.predict(df)                                         # DataFrame: date, step, forecast, q0.1, q0.5, q0.9
    fc.backtest(df, folds=5, stride=30)                    # DataFrame: one row per fold, labelled by dates
    fc.save_pretrained("my_model"); Forecaster.from_pretrained("my_model").predict(df)

    Forecaster(id_column="symbol").fit(long_df)            # many series, one global model

Everything is what ``rnnkit forecast train|predict|backtest`` does: the same checks and messages (an
:class:`~rnnkit.utils.errors.RnnkitError`), the same ``predict="auto"`` choice (:attr:`choice`), the same
training budget. :meth:`fit` trains on every row but the last ``val`` fraction, which chooses the target
transform, stops training, chooses the linear blend (``linear_blend``, :attr:`blend_`) and calibrates the
interval; scoring on held-out rows is :meth:`backtest`'s job.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rnnkit.forecast.checks import (
    as_data,
    check_float,
    check_horizon_arg,
    check_int,
    check_settings,
    check_switch,
    check_threads,
    choice,
    column_names,
)
from rnnkit.forecast.choose import AUTO, Choice
from rnnkit.forecast.columns import find_column, has_column
from rnnkit.forecast.data import (
    MISSING_CHOICES,
    READ_OPTIONS,
    Series,
    load_series,
    saved_reading,
)
from rnnkit.forecast.decimal_mark import DECIMAL_CHOICES
from rnnkit.forecast.forecaster import Hyper, TrainedModel
from rnnkit.forecast.frame_input import FRAME_NAME, index_date_column
from rnnkit.forecast.python_words import python_message, python_words
from rnnkit.forecast.settings import ForecastSettings
from rnnkit.utils.config_keys import renamed_keys
from rnnkit.utils.device import check_device_name, device_name
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.limits import OPTION_LIMITS, Range
from rnnkit.utils.strict_json import plain
from rnnkit.utils.threads import cpu_threads

if TYPE_CHECKING:
    from rnnkit.forecast.windows import Split

Data = pd.DataFrame | pd.Series | str | Path


class _Setting:
    """A :class:`Forecaster` attribute kept in its :class:`ForecastSettings` (read and set there)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Forecaster | None, owner: type | None = None) -> Any:
        return self if obj is None else getattr(obj.settings, self.name)

    def __set__(self, obj: Forecaster, value: Any) -> None:
        setattr(obj.settings, self.name, _plain(value))  # np.int64 as int: it reaches config.json


class _DeviceSetting(_Setting):
    """``device``, kept by name: a ``torch.device``, an int (a CUDA index) or None (auto) as torch users
    pass them (:func:`rnnkit.utils.device.device_name`)."""

    def __set__(self, obj: Forecaster, value: Any) -> None:
        setattr(obj.settings, self.name, device_name(value))


_NAME_THE_FEATURE = "; name the column with --features"
_FITTED_FEATURE = "; the model was fitted with it: give data holding a column of that name (rename yours so)"


class Forecaster:
    r"""A recurrent forecaster with scikit-learn-style ``fit``/``predict`` on DataFrames.

    ``df`` below is a DataFrame with a date column (or a DatetimeIndex) and the values, one row per date;
    a CSV path or a bundled name (``"ibm"``) is read the same way:

    >>> fc = Forecaster(window=14, horizon=7, epochs=20).fit(df)          # doctest: +SKIP
    >>> fc.predict(df).columns.tolist()                                   # doctest: +SKIP
    ['date', 'step', 'forecast', 'q0.1', 'q0.5', 'q0.9']
    >>> fc.predict(df, horizon=3).shape        # the first 3 of the 7 steps  # doctest: +SKIP
    (3, 6)
    >>> fc.backtest(df, folds=5).iloc[-1]["MASE model"]   # row "all"     # doctest: +SKIP

    Bad data or settings raise a one-line :class:`~rnnkit.utils.errors.RnnkitError` (a ``ValueError``)
    naming the argument or the column; what the reading of the data did (a column chosen, rows filled)
    is said in a ``UserWarning``.

    Args:
        window, horizon: input steps per forecast and steps ahead.
        transform: what the network predicts: ``auto`` (chosen on the validation part, see
            :mod:`rnnkit.forecast.choose`), ``returns``, ``log-returns``, ``differences`` or ``prices``.
        val: the last fraction of rows that chooses the transform, stops training, chooses the linear
            blend and calibrates.
        target, features, date_column, date_format, dayfirst, missing, decimal: how the data are read
            (as ``--target`` etc.; default target ``Adj Close``, else ``Close``, else ``Price`` beside
            ``Open``, ``High`` and ``Low``, else the only numeric column; ``decimal``: ``point`` or ``comma``, a file's decimal mark, by default told by the file).
        id_column: long format: the column naming each series; one global model across them.
        seed, device, show_progress: as on the command line.
        **hyper: any :class:`~rnnkit.forecast.forecaster.Hyper` field (``cell``, ``hidden_size``, ``num_layers``,
            ``epochs``, ``max_steps``, ``lr``, ``lr_schedule``, ``patience``, ``quantiles``, ``ensemble``,
            ``aux_steps``, ``input_noise``, ...), and ``predict``, ``progress``: the command line's
            names of ``transform`` and ``show_progress``. Options that are no setting here (``test``,
            ``folds``, ``stride``, ``season``, ...) are refused in one line saying where they go.

    Attributes (after :meth:`fit` or :meth:`from_pretrained`): ``model_`` the trained network with its scalers,
    ``choice_`` the target transform and why, ``fit_`` the training result (epochs, history, seconds).
    With ``id_column`` each series' transform is chosen on its own validation rows: ``choices_`` maps
    each series to its choice, and ``choice_`` sums them up (``predict`` is ``"mixed"`` when they differ).
    """

    def __init__(
        self,
        window: int = 4,
        horizon: int = 1,
        transform: str = AUTO,
        val: float = 0.1,
        target: str | None = None,
        features: Sequence[str] = (),
        date_column: str | None = None,
        date_format: str | None = None,
        dayfirst: bool | None = None,
        id_column: str | None = None,
        missing: str = "error",
        decimal: str | None = None,
        seed: int = 0,
        device: Any = "auto",
        show_progress: bool = False,
        **hyper: Any,
    ) -> None:
        hyper = renamed_keys(hyper, {"hidden": "hidden_size", "layers": "num_layers"})  # the old names
        # the command line's names of two settings: --predict is transform, --progress show_progress
        if "predict" in hyper:
            transform = _alias("transform", transform, AUTO, "predict", hyper.pop("predict"))
        if "progress" in hyper:
            show_progress = _alias("show_progress", show_progress, False, "progress", hyper.pop("progress"))
        known = Hyper.setting_names()
        unknown = sorted(set(hyper) - known)
        elsewhere = [name for name in unknown if name in ELSEWHERE]
        if elsewhere:
            name = elsewhere[0]
            raise RnnkitError(f"{name} is not a Forecaster setting: {ELSEWHERE[name]}")
        if unknown:
            arguments = set(inspect.signature(Forecaster.__init__).parameters) - {"self", "hyper"}
            names = sorted(known | arguments | {"predict", "progress"})
            raise RnnkitError(
                f"unknown Forecaster setting(s) {', '.join(unknown)}; known: {', '.join(names)}"
            )
        # the run's settings, as forecast train builds them from its options (test: backtest's default)
        if "quantiles" in hyper:  # "0.1,0.9" as --quantiles takes it; 0.5 added (the point forecast)
            from rnnkit.forecast.checks import quantile_levels

            hyper["quantiles"] = quantile_levels(_plain(hyper["quantiles"]))
        # NumPy values (read from an array) as the plain ones they stand for: the settings reach config.json
        hyper = {k: _plain(v) for k, v in hyper.items()}
        window, horizon, seed, val = _plain(window), _plain(horizon), _plain(seed), _plain(val)
        show_progress, dayfirst = _plain(show_progress), _plain(dayfirst)
        self.settings = ForecastSettings(
            hyper=Hyper(**hyper),
            window=window,
            horizon=horizon,
            predict=transform,
            val=val,
            seed=seed,
            device=device_name(device),  # "cuda:1" from torch.device("cuda", 1) or 1; "auto" from None
            show_progress=show_progress,
        )
        _check_settings(self.settings)  # types and ranges, as the command line checks its options
        choice("missing", missing, MISSING_CHOICES)
        if decimal is not None:
            choice("decimal", decimal, DECIMAL_CHOICES)
        for arg, value in (("target", target), ("date_column", date_column), ("id_column", id_column)):
            if value is not None and not isinstance(value, str):
                raise RnnkitError(f"{arg} must be a column name (got {value!r})")
        if date_format is not None and not isinstance(date_format, str):
            raise RnnkitError(f"date_format must be strptime codes such as '%d/%m/%Y' (got {date_format!r})")
        if dayfirst is not None and not isinstance(dayfirst, bool):
            raise RnnkitError(f"dayfirst must be True, False or None (got {dayfirst!r})")
        self.target, self.date_column = target, date_column
        self.features = column_names("features", _plain(features))  # "Close" is ["Close"]
        self.date_format, self.dayfirst, self.id_column, self.missing = (
            date_format,
            dayfirst,
            id_column,
            missing,
        )
        self.decimal = decimal
        self._check_id_column()
        self.model_: TrainedModel | None = None
        self.choice_: Choice | None = None
        self.choices_: dict[str, Choice] = {}
        self.fit_: Any = None
        self.card_: str | None = None  # the model card of the folder it was loaded from

    # The arguments that are run settings read and write :attr:`settings` (one copy of each).
    window = _Setting("window")
    horizon = _Setting("horizon")
    transform = _Setting("predict")
    val = _Setting("val")
    seed = _Setting("seed")
    device = _DeviceSetting("device")
    show_progress = _Setting("show_progress")
    hyper = _Setting("hyper")

    def __repr__(self) -> str:
        state = "fitted" if self.model_ is not None else "not fitted"
        if self.model_ is not None and self._changed_since_fit():  # the settings shown are not the model's
            state = f"fitted with {', '.join(self._changed_since_fit())}; fit again to use the settings above"
        levels = ",".join(f"{q:g}" for q in self.hyper.quantiles)
        series = f", id_column={self.id_column!r}" if self.id_column else ""
        # auto's choice, once made: what the fitted model predicts (a loaded one says it as its transform)
        chose = (
            f" (chose {self.choice_.predict!r})"
            if self.transform == AUTO and self.choice_ is not None
            else ""
        )
        return (
            f"Forecaster(window={self.window}, horizon={self.horizon}, transform={self.transform!r}{chose}, "
            f"cell={self.hyper.cell!r}, hidden_size={self.hyper.hidden_size}, quantiles={levels!r}{series}; "
            f"{state})"
        )

    # -- data ----------------------------------------------------------------------------------------
    def _load(self, data: Data, columns: list[str] | None = None, verb: str = "fit") -> list[Series]:
        """The series in ``data`` (one, or one per id), reading the columns a fitted model needs."""
        data = _as_data(data, verb)
        one_column = columns is not None and len(columns) == 1
        # a one-column model reads self.target when set, as predict --target (e.g. a renamed column)
        target = self.target if columns is None or (one_column and self.target) else columns[0]
        features = self.features if columns is None else columns[1:]
        kw = dict(
            target=target,
            features=features,
            # a DatetimeIndex (or a date level of the index) dates the rows, whatever its columns are named
            date_column=self.date_column
            or (index_date_column(data) if isinstance(data, pd.DataFrame) else None),
            missing=self.missing,
            date_format=self.date_format,
            dayfirst=self.dayfirst,
            decimal=self.decimal,
        )
        try:
            if self.id_column:
                from rnnkit.forecast.panel import load_panel

                panel = load_panel(
                    data, self.id_column, target_fallback=one_column and self.target is None, **kw
                )
            else:  # a one-column model reads another column when its own is missing (a note says so)
                panel = [load_series(data, target_fallback=one_column and self.target is None, **kw)]
        except RnnkitError as exc:
            # a fitted model reads the feature columns it was fitted on, by name: "name the column with
            # features=" pointed at a setting that changes nothing until the next fit
            text = str(exc.args[0]) if exc.args else ""
            if columns is not None and text.endswith(_NAME_THE_FEATURE):
                exc.args = (text.removesuffix(_NAME_THE_FEATURE) + _FITTED_FEATURE, *exc.args[1:])
            raise
        # What the command line prints about how the data were read (its "rnnkit: warning:" lines and
        # "note:" lines: a newest-first file reversed, --missing counts, how the dates were read, the
        # separator, another target column), one UserWarning each, with the same text and in its order.
        for series in panel:
            for text in [*series.warnings, *series.notes]:
                warnings.warn(python_message(text), UserWarning, stacklevel=3)
        return panel

    def _check_id_column(self) -> None:
        """An id column named as a column :meth:`predict` returns (``step``) is refused before any
        training: pandas refused it after the fit, when predict put it beside its own."""
        taken = ["date", "step", "forecast", *(f"q{level:g}" for level in self.hyper.quantiles)]
        if self.id_column in taken:
            raise RnnkitError(
                f"id_column {self.id_column!r} is the name of a column predict returns ({', '.join(taken)}); "
                f"rename it in the data, e.g. df.rename(columns={{{self.id_column!r}: 'series'}})"
            )

    def _changed_since_fit(self) -> list[str]:
        """The fitted model's architecture settings that differ from this Forecaster's (set since fitting,
        as ``fc.window = 30``), as ``window=5``: the model keeps its own until :meth:`fit` runs again."""
        model = self._fitted()
        h, mine = model.hyper, self.hyper
        pairs = {
            "window": (model.window, self.window),
            "horizon": (model.horizon, self.horizon),
            "cell": (h.cell, mine.cell),
            "hidden_size": (h.hidden_size, mine.hidden_size),
            "num_layers": (h.num_layers, mine.num_layers),
        }
        return [f"{name}={kept!r}" for name, (kept, now) in pairs.items() if kept != now]

    @property
    def blend_(self) -> dict | None:
        """How the fitted model's point forecast was made (``linear_blend``, on by default): ``blended``,
        ``weight_on_network`` (one per step; 1 is the network alone), the validation MAEs (scaled units)
        and the ``reason`` ``forecast train`` prints. None before fitting, or with ``linear_blend=False``."""
        return None if self.model_ is None else self.model_.info.get("linear_blend")

    def _fitted(self) -> TrainedModel:
        if self.model_ is None:
            raise RnnkitError(
                "this Forecaster is not fitted yet: call .fit(df) or Forecaster.from_pretrained(folder)"
            )
        return self.model_

    def _on_threads(self) -> AbstractContextManager[int]:
        """The thread policy (:func:`rnnkit.utils.threads.cpu_threads`) with this Forecaster's ``threads``
        (None: one thread unless a command chose), for a whole verb: every step that runs the network
        (the blend and calibration after training, ``predict``, ``backtest``'s scoring) ran at the
        process's own count, and two spinning threads on a busy 2-core machine made each step several
        times slower; torch's count is restored afterwards, as :class:`~rnnkit.translate.Translator`
        restores it."""
        check_threads(self.hyper.threads)  # fc.hyper.threads = 0 after __init__: one line, not torch's
        return cpu_threads(self.hyper.threads)

    # -- the three verbs -------------------------------------------------------------------------------
    def fit(self, data: Data) -> Forecaster:
        """Train on ``data`` (a DataFrame, a CSV path or a bundled name); returns ``self``."""
        with python_words(), self._on_threads():  # messages name target=, not --target
            from rnnkit.forecast.nextstep import trained_data_marks
            from rnnkit.forecast.panel import choice_summary, fit_global, panel_splits

            _check_settings(self.settings)  # settings may have been changed since __init__
            self._check_id_column()
            panel = self._load(data)
            splits = panel_splits(panel, self.val, 0.0)  # every row but the last val fraction: a final fit
            info = {"id_column": self.id_column, "reading": panel[0].reading}  # how the data were read
            # predict warns when new data step by another calendar or are another series'; one row has no
            # step between dates, and fit_global refuses it as too short for any window
            if len(panel) == 1 and len(panel[0]) >= 2:
                info.update(trained_data_marks(panel[0]))
                # forecast eval knows these data again, and that every row of them was seen (no test part)
                info.update(rows=len(panel[0]), first_date=str(panel[0].dates[0]), val=self.val, test=0.0)
            g = fit_global(panel, self.settings, splits, info=info)
            self.model_, self.fit_ = g.model, g.fit
            self.choices_ = {s.name: c for s, c in zip(panel, g.choices, strict=True)}
            self.choice_ = choice_summary([s.name for s in panel], g.choices)
            self.card_ = None  # a new model: the card of a folder loaded before no longer describes it
            return self

    def predict(self, data: Data | None = None, horizon: int | None = None) -> pd.DataFrame:
        """Forecasts of the ``horizon`` steps after the last row of each series in ``data``.

        Returns a DataFrame with columns ``[id_column,] date, step, forecast`` (the point forecast, the
        median) and one ``q<level>`` column per quantile (``q0.1, q0.5, q0.9`` by default), in the
        target's units. ``horizon`` (default :attr:`horizon`) may be at most the model's (the steps it was
        trained for); beyond it is an error naming the trained horizon (no recursive forecasts:
        :mod:`rnnkit.forecast.nextstep`).
        """
        with python_words(), self._on_threads():  # messages name target=, not --target
            from rnnkit.forecast.nextstep import check_horizon, data_warnings, forecast_next

            model = self._fitted()
            self._check_id_column()  # id_column may have been set since
            # fc.window = 30 after a fit: the model still reads its own window; said, not only in repr
            changed = [c for c in self._changed_since_fit() if not c.startswith("horizon=")]
            if changed:
                warnings.warn(
                    f"the model was fitted with {', '.join(changed)} and predicts with them; the settings "
                    "changed since take effect when you fit again",
                    UserWarning,
                    stacklevel=2,
                )
            # the default is this Forecaster's horizon: fc.horizon = 10 after a fit of 3 steps is refused, not
            # answered with 3 rows
            horizon = self.horizon if horizon is None else horizon
            check_horizon_arg(horizon)
            horizon = check_horizon(horizon, model.horizon)
            if data is None:
                raise RnnkitError("give the data to forecast from: .predict(df)")
            data = _as_data(data, "predict")  # a Series as the frame it is read as (its ids for _users_ids)
            frames = []
            for series in self._load(data, list(model.columns), verb="predict"):
                fc = model.for_series(series.name) if self.id_column else model
                # what forecast predict warns of (another calendar, another series), as a UserWarning
                for text in data_warnings(fc.info, series):
                    warnings.warn(python_message(text), UserWarning, stacklevel=3)
                nxt = forecast_next(fc, series, horizon=horizon)
                frame = pd.DataFrame({"date": nxt.dates, "step": np.arange(1, horizon + 1)})
                frame["forecast"] = nxt.point
                for k, level in enumerate(nxt.levels):
                    frame[f"q{level:g}"] = nxt.quantiles[:, k]
                if self.id_column:
                    frame.insert(0, self.id_column, series.name)
                frames.append(frame)
            out = pd.concat(frames, ignore_index=True)
            if self.id_column:
                out[self.id_column] = _users_ids(out[self.id_column], data, self.id_column)
            return out

    def backtest(
        self,
        data: Data,
        folds: int = 5,
        stride: int | None = None,
        test: float = 0.2,
        season: int | None = None,
    ) -> pd.DataFrame:
        """Walk-forward backtest with this forecaster's settings (one new model per fold).

        Returns one row per fold (``fold, train_end, test_start, test_end`` as Timestamps, or row
        numbers for a series without dates; ``samples``, ``predict``, ``weight_on_network``, then
        ``MAE``/``MASE`` of the model, naive, seasonal naive and linear AR) and a last row ``all``
        (sample-weighted). ``stride``: rows per fold, the last fold ending at the last row; default
        the last ``test`` fraction cut into ``folds`` blocks. ``season``: the seasonal naive's season,
        as ``rnnkit forecast backtest --season``: None (default) detects it on each fold's training
        rows, and the seasonal naive's columns are there only when every fold finds one; 0 leaves it
        out; ``N`` uses ``N`` steps. Does not change the fitted model.

        With ``id_column``: one global model per fold, and one row per fold and series (with the
        ``id_column``), one ``all`` row per series over its folds, and an ``all``/``pooled`` row with the
        MASE pooled over every series and fold (:mod:`rnnkit.forecast.panel_backtest`). The ids are as
        the data hold them (:meth:`predict`'s), so with ``pooled`` beside them the column is of object
        dtype (a categorical gains the category ``pooled``): ``out.iloc[:-1]`` are the series' rows, and
        ``.astype({id_column: df[id_column].dtype})`` gives them the ids' own dtype again.
        """
        with python_words(), self._on_threads():  # messages name target=, not --target
            from rnnkit.forecast.backtest import backtest as run_backtest

            _check_settings(self.settings)
            folds, stride, test, season = _plain(folds), _plain(stride), _plain(test), _plain(season)
            check_int("folds", folds, 1, int(OPTION_LIMITS["--folds", "int"].hi))
            check_int("stride", stride, 1, int(OPTION_LIMITS["--stride", "int"].hi), none_ok=True)
            check_float("test", test, Range(0.0, 1.0, float, min_open=True), hi_open=True)
            check_int("season", season, 0, int(OPTION_LIMITS["--season", "int"].hi), none_ok=True)
            data = _as_data(data, "backtest")
            settings = replace(self.settings, test=test, season=season)
            if self.id_column:
                from rnnkit.forecast.panel_backtest import backtest_panel

                res = backtest_panel(self._load(data), settings, folds=folds, stride=stride)
                bounds = [(f.splits[name], res.dates[name]) for f in res.folds for name in f.evaluations]
                frame = _dated(res.to_frame(self.id_column), bounds)
                return _users_backtest_ids(frame, data, self.id_column)
            (series,) = self._load(data)
            one = run_backtest(series, settings, folds=folds, stride=stride)
            return _dated(one.to_frame(), [(split, one.dates) for split in one.splits])

    # -- files -------------------------------------------------------------------------------------------
    def save_pretrained(self, folder: str | Path) -> Path:
        """Write the model folder (``config.json`` + ``model.safetensors`` + model card), written whole;
        ``forecast predict --model`` and :meth:`from_pretrained` read it."""
        model = self._fitted()
        model.info = {**model.info, "api": self._settings()}
        from rnnkit.forecast.card import fitted_card

        return model.save(folder, card=self.card_ if self.card_ is not None else fitted_card(model))

    @classmethod
    def from_pretrained(
        cls, name_or_path: str | Path, device: Any = "cpu", revision: str | None = None
    ) -> Forecaster:
        """A fitted Forecaster from a model folder (:meth:`save_pretrained`, ``forecast train``'s
        ``OUT/model``) or a Hugging Face Hub id ``owner/name`` (see :mod:`rnnkit.utils.hub`).
        ``device``: ``"cpu"``, ``"cuda"``, ``"cuda:k"``, ``"auto"``, a ``torch.device``, an int (a
        CUDA index) or None (auto)."""
        from rnnkit.forecast.panel import choice_summary
        from rnnkit.utils.hub import model_dir

        device = check_device_name(device)  # a bad device is the caller's, not the folder's config.json
        folder = model_dir(name_or_path, revision)
        model = TrainedModel.load(folder, device=device)
        saved = dict(model.info.get("api") or {})
        saved.setdefault("id_column", model.info.get("id_column"))
        # how the data were read (a forecast train model's dates day first, its --missing fill)
        saved.update(saved_reading(model.info, folder))
        h = model.hyper
        try:
            fc = cls(
                window=model.window,
                horizon=model.horizon,
                transform=model.transform,
                device=device,
                cell=h.cell,
                hidden_size=h.hidden_size,
                num_layers=h.num_layers,
                dropout=h.dropout,
                quantiles=tuple(h.quantiles),
                ensemble=h.ensemble,
                **_trained_with(model.info),  # so that fit and backtest train as the model was trained
                **{k: saved[k] for k in SETTINGS if k in saved},
            )
        except RnnkitError as exc:
            raise RnnkitError(f"{folder}: config.json holds a setting that is out of range: {exc}") from None
        fc.model_ = model
        fc.card_ = model.card  # read with the weights: read after them, it could be a newer save's card
        saved_choice = model.info.get("predict_choice") or {}
        if model.series_scalers:  # a global model: each series' choice by name
            fc.choices_ = {
                name: _choice(model.for_series(name).transform, saved_choice.get(name) or {})
                for name in model.series_scalers
            }
            fc.choice_ = choice_summary(list(fc.choices_), list(fc.choices_.values()))
        else:
            fc.choice_ = _choice(model.transform, saved_choice)
        return fc

    # The names before save_pretrained/from_pretrained (#15: one way to load and save); kept for old code.
    save = save_pretrained
    load = from_pretrained

    def _settings(self) -> dict:
        out = {k: getattr(self, k) for k in SETTINGS}
        out["features"] = list(self.features)
        out.update({k: getattr(self.hyper, k) for k in TRAINING})
        return out


def _plain(value: Any) -> Any:
    """A setting as a notebook has it, as the plain Python value it stands for: a NumPy scalar
    (``np.float32(0.1)`` for a dropout: the network refused it; ``np.int64`` for a window: config.json
    refused it after the whole fit; ``np.False_`` for dayfirst), or a one-dimensional array or an index
    (``quantiles=np.array([0.1, 0.9])``, ``features=df.columns[2:]``) as a list of such values."""
    if isinstance(value, np.ndarray | pd.Index) and value.ndim == 1:
        return [plain(v) for v in value]
    if isinstance(value, list | tuple):
        return type(value)(plain(v) for v in value)
    return plain(value)


def _check_settings(settings: ForecastSettings) -> None:
    """:func:`~rnnkit.forecast.checks.check_settings`, and ``show_progress`` a bool: ``"no"`` is a true
    string, and would draw progress bars unasked."""
    check_settings(settings)
    settings.show_progress = check_switch("show_progress", settings.show_progress)


def _as_data(data: object, verb: str) -> pd.DataFrame | str | Path:
    """:func:`~rnnkit.forecast.checks.as_data`, with an empty path refused by name: ``""`` was read as
    the current folder (" is a folder, not a CSV file"), as ``--data ""`` is refused on the command line.
    Another library's table (a polars DataFrame, a pyarrow Table) is read as the pandas frame its
    ``to_pandas()`` gives: it was refused as "got DataFrame", a pandas user's own word for it."""
    if isinstance(data, str | Path) and not str(data).strip():
        raise RnnkitError(f"{verb}() was given an empty path: pass a DataFrame, a CSV path or a bundled name")
    if not isinstance(data, pd.DataFrame | pd.Series | str | Path) and callable(
        getattr(data, "to_pandas", None)
    ):
        kind = f"{type(data).__module__.split('.')[0]}.{type(data).__name__}"  # polars.DataFrame
        try:
            data = data.to_pandas()
        except Exception as exc:  # the library's own reason (pyarrow missing, a type pandas has not)
            raise RnnkitError(
                f"{verb}() could not read the {kind} as a pandas DataFrame ({type(exc).__name__}: "
                f"{' '.join(str(exc).split())}); pass a pandas DataFrame"
            ) from None
        if not isinstance(data, pd.DataFrame | pd.Series):
            raise RnnkitError(
                f"{verb}() takes a pandas DataFrame; {kind}.to_pandas() gave a {type(data).__name__}"
            )
    return as_data(data, verb)


def _users_ids(names: pd.Series, data: Data, id_column: str) -> pd.Series:
    """The forecast's ids as the user's id column holds them (the integer 7, not the text '7'; its
    categories), so that ``forecast.merge(df, on=id_column)`` matches. Series are named by their ids as
    text; a CSV path's ids are text, and stay so."""
    if not isinstance(data, pd.DataFrame):
        return names
    for table in (data, data.index.to_frame(index=False)):  # a column, else a level of the index
        if has_column(table, id_column):  # found as load_panel finds it (Symbol for symbol)
            ids = table[find_column(table, id_column, "id", Path(FRAME_NAME))]
            by_text = dict(zip(ids.astype(str), ids, strict=True))
            return names.map(by_text).astype(ids.dtype)
    return names


def _users_backtest_ids(frame: pd.DataFrame, data: Data, id_column: str) -> pd.DataFrame:
    """A long backtest's table with its ids as :meth:`Forecaster.predict` gives them (:func:`_users_ids`),
    so one ``merge`` works on both. Its last row names no series but ``pooled``: the column keeps the
    ids as objects beside it (integer ids are Python ints), and a categorical column gains ``pooled`` as
    a category."""
    ids = _users_ids(frame[id_column].iloc[:-1], data, id_column)
    pooled = frame[id_column].iloc[-1]
    if ids.dtype == object:  # a CSV path's ids, or text ids: as the table has them
        return frame
    if isinstance(ids.dtype, pd.CategoricalDtype):
        categories = ids.cat.categories
        if pooled not in categories:
            categories = categories.append(pd.Index([pooled]))
        column = pd.Categorical([*ids, pooled], categories=categories, ordered=ids.cat.ordered)
    else:
        column = pd.Series([*ids.tolist(), pooled], index=frame.index, dtype=object)
    return frame.assign(**{id_column: column})


def _alias(name: str, value: Any, default: Any, alias: str, alias_value: Any) -> Any:
    """The value of setting ``name`` given as the command line names it (``alias``); both, differing, is
    an error."""
    if value != default and alias_value != value:
        raise RnnkitError(
            f"give {name} or {alias} (the same setting), not both ({value!r} and {alias_value!r})"
        )
    return alias_value


# forecast train/backtest options that are no Forecaster setting, and where the Python API takes them.
ELSEWHERE = {
    "test": "fit keeps no test part (it trains on every row but the last val fraction); "
    "pass it to .backtest(df, test=...)",
    "folds": "pass it to .backtest(df, folds=...)",
    "stride": "pass it to .backtest(df, stride=...)",
    "season": "the seasonal naive is scored by .backtest: pass it to .backtest(df, season=...) "
    "(detected by default, 0 for none)",
    "data": "pass the data to .fit(df), .predict(df) or .backtest(df)",
    "out": "write the model folder with .save_pretrained(folder)",
    "model": "load a model folder with Forecaster.from_pretrained(folder)",
    "resume": "fit keeps no checkpoints to resume (rnnkit forecast train --resume does)",
}


def _choice(transform: str, saved: dict) -> Choice:
    """A :class:`Choice` from its saved dictionary (``Choice.to_dict``); the transform is the model's."""
    return Choice(transform, str(saved.get("reason", "")), dict(saved.get("val_mae_linear_ar", {})))


def _trained_with(info: dict) -> dict[str, Any]:
    """The training settings (:data:`TRAINING`: epochs, lr, calibrate, ...) a model folder recorded: a
    ``forecast train`` model's ``info.settings``, a :meth:`Forecaster.save_pretrained` one's ``info.api``
    (which wins). A value of the wrong type is left at its default (ranges: :func:`check_settings`)."""
    default = Hyper()
    out: dict[str, Any] = {}
    for part in (info.get("settings"), info.get("api")):
        if isinstance(part, dict):
            out.update(
                {k: part[k] for k in TRAINING if k in part and _same_kind(part[k], getattr(default, k))}
            )
    return out


def _same_kind(value: Any, default: Any) -> bool:
    """Whether ``value`` may stand for a setting whose default is ``default`` (None: ``epochs``)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if default is None:
        return value is None or isinstance(value, int)
    return isinstance(value, int | float) if isinstance(default, float) else isinstance(value, type(default))


SETTINGS = (*READ_OPTIONS, "val", "seed")
# The Hyper settings that train a model and are no part of its architecture (config.json keeps that):
# saved by save_pretrained and read back by from_pretrained, so that fit and backtest train the same way.
TRAINING = tuple(
    sorted(
        Hyper.setting_names()
        - {"cell", "hidden_size", "num_layers", "dropout", "quantiles", "ensemble", "threads"}
    )
)


def _dated(frame: pd.DataFrame, folds: list[tuple[Split, pd.DatetimeIndex | None]]) -> pd.DataFrame:
    """``frame`` (a backtest's ``to_frame``) with its fold bounds as the series' own dates: each fold row's
    ``train_end, test_start, test_end`` (:func:`~rnnkit.forecast.backtest.split_rows`) looked up in its
    series' dates, so that a time zone, a sub-second time and a daylight-saving hour stay what the data
    hold (the tables' text shows local times without offset); ``NaT`` on the ``all`` rows; row numbers
    (``Int64``) for a series without dates. ``folds``: each fold row's split and dates, in the frame's order."""
    from rnnkit.forecast.backtest import BOUND_KEYS, split_rows  # loaded with backtest, as its caller is

    fold_rows = frame.index[frame["fold"] != "all"]
    if len(fold_rows) != len(folds):  # to_frame's rows and the results' folds are one list each
        raise AssertionError(f"{len(fold_rows)} fold rows for {len(folds)} folds")
    for j, column in enumerate(BOUND_KEYS):
        rows = [split_rows(split)[j] for split, _ in folds]
        if any(dates is None for _, dates in folds):
            frame[column] = pd.Series(rows, index=fold_rows, dtype="Int64").reindex(frame.index)
        else:
            bounds = [dates[row] for row, (_, dates) in zip(rows, folds, strict=True)]
            frame[column] = pd.Series(bounds, index=fold_rows).reindex(frame.index)
    return frame
