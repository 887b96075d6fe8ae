"""A trained model: network, scalers and settings, saved as and loaded from a model folder.

This module is what ``rnnkit forecast predict`` and ``eval`` import: torch, safetensors and JSON only,
never the training engine or Accelerate, so prediction starts fast.

The folder's ``config.json`` holds ``application: "forecast"``, the architecture, the window, horizon
and target transform, the input and target columns, both scalers (fitted on training data) and the
season used by the seasonal naive. Loading never unpickles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from rnnkit.forecast.calibrate import apply_offsets, symmetric_pairs
from rnnkit.forecast.model import EnsembleNet, ForecastNet, ForecastNetConfig, LinearBlend
from rnnkit.forecast.windows import FEATURE_CHANGES, PREDICT_CHOICES, Scaler, to_price
from rnnkit.train.options import Composed, FitOptions
from rnnkit.utils import strict_json
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.progress import progress

if TYPE_CHECKING:
    from rnnkit.train.modelcard import ModelCard

APPLICATION = "forecast"
MIN_EPOCHS, MAX_EPOCHS = 20, 300  # bounds of the step budget's epoch count (Hyper.epochs_for)


def _fit() -> FitOptions:
    # epochs None: a budget of about max_steps optimisation steps (Hyper.epochs_for).
    # lr_schedule "auto": chosen on validation per run (rnnkit.forecast.schedule).
    return FitOptions(epochs=None, batch_size=128, lr=3e-3, lr_schedule="auto", lr_patience=3, patience=10)


@dataclass(init=False)
class Hyper(Composed):
    """Architecture and training settings of a forecaster (``rnnkit forecast train`` options): the
    network's :class:`~rnnkit.forecast.model.ForecastNetConfig`, the shared
    :class:`~rnnkit.train.options.FitOptions`, and the budget and stopping rules of forecasting.

    Built and read flat as well (``Hyper(hidden_size=8, epochs=2).cell``); the seed, device and progress
    bar are the run's, not settings of the model: a run's
    :class:`~rnnkit.forecast.settings.ForecastSettings` holds them beside this ``Hyper``.
    """

    PARTS = ("model", "fit")
    NOT_SETTINGS = ("seed", "device", "show_progress")

    model: ForecastNetConfig = field(default_factory=ForecastNetConfig)
    # The training budget adapts to the data (see :meth:`epochs_for`): ``epochs=None`` gives the run
    # about ``max_steps`` optimisation steps, and it stops on a validation plateau relative to its
    # progress: after ``patience`` epochs without improvement, or ``patience_growth`` times the best
    # epoch if that is longer (a run still improving at epoch 80 waits 20 epochs, not 10).
    # lr_schedule "auto" (rnnkit.forecast.schedule): a constant rate with 3 x patience where the linear
    # AR beats naive on validation, else ReduceLROnPlateau (halve after lr_patience epochs without
    # improvement). A constant rate keeps a learnable series learning (noisy Mackey-Glass: 12% below
    # the AR on validation instead of 8%), but on a random walk it lets the point forecast drift into
    # fitting noise once a spurious validation gain resets the patience (MSFT +1.7% over naive's MASE
    # against +0.3%); halving the rate keeps it at the unconditional start (docs/RESULTS.md).
    fit: FitOptions = field(default_factory=_fit)
    max_steps: int = 3000
    patience_growth: float = 0.25
    weight_decay: float = 0.0
    # Early stopping watches the point forecast's validation loss (val_point) by default; val_loss
    # (all quantiles) keeps training while the interval improves, and the point forecast of a random
    # walk then drifts into fitting noise (+0.7 to 1.3% MAE over naive on AAPL and IBM, against +0.1%).
    monitor: str = "val_point"
    calibrate: bool = True  # conformal calibration of the interval on the validation part
    # Input jitter: Gaussian noise of this standard deviation (in scaled input units) added to every
    # training window, drawn anew each step; a regulariser for short noisy series. 0 trains as before.
    input_noise: float = 0.0
    # Auxiliary steps (rnnkit.forecast.auxsteps): the network trains on horizon + aux_steps steps ahead
    # and keeps the first horizon; 0 (default) trains on the horizon alone. 4 helped the chaotic series
    # and unemployment on validation (noisy Mackey-Glass 12.4% -> 14.7% below the linear AR) but cost
    # the weekly series 0.7 to 0.9%, and on test it gained nothing (docs/RESULTS.md, third pass).
    aux_steps: int = 0
    # The point forecast shrunk toward the linear AR's by a weight chosen on validation, kept only where
    # it gains 1% there (rnnkit.forecast.blend); False keeps the network alone.
    linear_blend: bool = True
    # Tiny recurrent models train fastest on one thread: each step's matrices are so small that
    # handing work between threads costs more than the arithmetic (10x slower on a busy 2-core machine).
    threads: int | None = None  # None: rnnkit.utils.threads' policy (one thread unless --threads)

    def epochs_for(self, batches_per_epoch: int) -> int:
        """The epoch limit: ``epochs`` if set, else ``max_steps`` steps' worth, within [MIN, MAX]_EPOCHS.

        A short series gets many epochs (each is a few steps), a long one few (each is many), so the
        default run costs about the same on 1,500 rows as on 5,000 (seconds on one CPU thread).
        """
        if self.epochs is not None:
            return self.epochs
        return int(min(MAX_EPOCHS, max(MIN_EPOCHS, -(-self.max_steps // max(1, batches_per_epoch)))))

    def build(self, input_size: int, horizon: int) -> ForecastNet | EnsembleNet:
        return self.model.build(input_size, horizon)


@dataclass
class TrainedModel:
    """A network plus what it needs to turn windows into prices.

    ``transform`` is what the network predicts (``returns|log-returns|differences|prices``, the resolved
    ``--predict``; saved as ``"predict"`` in ``config.json``). The user-facing estimator with
    ``fit``/``predict`` methods is :class:`rnnkit.forecast.Forecaster`.
    """

    model: ForecastNet | EnsembleNet | LinearBlend
    hyper: Hyper
    window: int
    horizon: int
    transform: str
    columns: list[str]
    in_scaler: Scaler
    out_scaler: Scaler
    season: int | None = None
    info: dict = field(default_factory=dict)
    # (H, P) conformal offsets of the interval pairs in scaled target units (see calibrate.py);
    # None leaves the raw quantiles.
    interval_offsets: np.ndarray | None = None
    # A global model over many series (long format): each series' own (input, target) scalers, fitted
    # on its training rows; ``in_scaler``/``out_scaler`` are then the first series'.
    series_scalers: dict[str, tuple[Scaler, Scaler]] | None = None
    # ... and each series' own target transform (chosen per series by --predict auto); a series not
    # listed (a model saved before transforms were chosen per series) uses ``transform``.
    series_transforms: dict[str, str] | None = None
    # How each feature column's one-step change is taken (rnnkit.forecast.windows.feature_changes),
    # decided on the training data; None (a folder saved before it was kept) decides it on the data given.
    feature_changes: tuple[str, ...] | None = None
    # ... and a global model's per series (a feature positive in one series, not in another): a series
    # not listed uses ``feature_changes``
    series_feature_changes: dict[str, tuple[str, ...]] | None = None
    # The model card (README.md) of the folder it was loaded from, read with its weights (:meth:`load`);
    # None for a new model or a folder without one.
    card: str | None = None

    def for_series(self, name: str) -> TrainedModel:
        """The same network with series ``name``'s scalers (a global model); an error naming the known ones."""
        if not self.series_scalers:
            return self
        if name not in self.series_scalers:
            names = list(self.series_scalers)
            more = f" and {len(names) - 10} more" if len(names) > 10 else ""  # a model of 5,000 stores
            known = ", ".join(names[:10]) + more
            bare = _bare_id(name)
            twin = next((k for k in self.series_scalers if bare and _bare_id(k) == bare), None)
            hint = (
                f"; {name!r} is its {twin!r} with the leading zeros lost or added: read the ids as text, "
                "as written (pandas: dtype=str for the id column)"
                if twin is not None
                else ""
            )
            raise RnnkitError(f"the model was not trained on a series {name!r} (its series: {known}){hint}")
        in_s, out_s = self.series_scalers[name]
        transform = (self.series_transforms or {}).get(name, self.transform)
        return replace(
            self,
            in_scaler=in_s,
            out_scaler=out_s,
            transform=transform,
            feature_changes=(self.series_feature_changes or {}).get(name, self.feature_changes),
            series_scalers=None,
            series_transforms=None,
            series_feature_changes=None,
        )

    @torch.no_grad()
    def predict_z(self, x: np.ndarray, batch_size: int = 4096, show_progress: bool = False) -> np.ndarray:
        """Scaled windows ``(N, W, C)`` -> quantile forecasts ``(N, H, Q)`` in target units (unscaled)."""
        self.model.eval()
        device = next(self.model.parameters()).device
        parts = []
        starts = range(0, len(x), batch_size)
        for s in progress(starts, "forecast", total=len(starts), enabled=show_progress):
            xb = torch.from_numpy(np.ascontiguousarray(x[s : s + batch_size])).to(device)  # (B, W, C)
            parts.append(self.model(xb).float().cpu().numpy())  # (B, H, Q)
        q = np.concatenate(parts, axis=0) if parts else np.zeros((0, self.horizon, len(self.hyper.quantiles)))
        if self.interval_offsets is not None:
            q = apply_offsets(q.astype(np.float64), self.interval_offsets, self.hyper.quantiles)
        scale = self.out_scaler.std[None, :, None]  # (1, H, 1)
        shift = self.out_scaler.mean[None, :, None]
        return q.astype(np.float64) * scale + shift  # (N, H, Q)

    def predict_prices(self, x: np.ndarray, last: np.ndarray, show_progress: bool = False) -> np.ndarray:
        """Quantile forecasts in price units ``(N, H, Q)`` from windows and last seen prices ``(N,)``."""
        return to_price(self.predict_z(x, show_progress=show_progress), last, self.transform)

    @property
    def point_index(self) -> int:
        return self.model.point_index()

    def config(self) -> dict:
        """JSON-serialisable settings for ``config.json``."""
        h = self.hyper
        return {
            "application": APPLICATION,
            "cell": h.cell,
            "hidden_size": h.hidden_size,
            "num_layers": h.num_layers,
            "dropout": h.dropout,
            "quantiles": [float(q) for q in h.quantiles],
            "ensemble": h.ensemble,
            # the network's forecast blended with a linear AR (--linear-blend): its weights are buffers
            "linear_blend": isinstance(self.model, LinearBlend),
            "window": self.window,
            "horizon": self.horizon,
            "predict": self.transform,
            "columns": list(self.columns),
            "input_scaler": self.in_scaler.to_dict(),
            "target_scaler": self.out_scaler.to_dict(),
            "season": self.season,
            # a record for people (an exploded baseline's validation MAE is inf): JSON holds no Infinity,
            # and a config.json holding one is refused when read back, so no value is null there
            "info": strict_json.nulls(self.info),
            "interval_offsets": None if self.interval_offsets is None else self.interval_offsets.tolist(),
            "series_scalers": None
            if not self.series_scalers
            else {
                k: {"input": a.to_dict(), "target": b.to_dict()} for k, (a, b) in self.series_scalers.items()
            },
            "series_transforms": self.series_transforms or None,
            "feature_changes": None if self.feature_changes is None else list(self.feature_changes),
            "series_feature_changes": None
            if not self.series_feature_changes
            else {k: list(v) for k, v in self.series_feature_changes.items()},
        }

    def save(self, folder: str | Path, card: ModelCard | str | None = None) -> Path:
        """Write the model folder; ``card``: its README (a :class:`~rnnkit.train.modelcard.ModelCard` or text)."""
        from rnnkit.train.modelfile import save_model

        return save_model(folder, self.model, self.config(), card=card)

    @classmethod
    def load(cls, folder: str | Path, device: str = "cpu") -> TrainedModel:
        """Read a model folder; any missing key or mismatch is a one-line error."""
        from rnnkit.forecast.config_schema import FORECAST_CONFIG
        from rnnkit.train.modelfile import load_model_with, load_weights, read_card
        from rnnkit.utils.config_keys import renamed_keys
        from rnnkit.utils.device import resolve_device
        from rnnkit.utils.markers import file_not_model_folder

        if Path(folder).is_file():  # a CSV given as --model: not "not found", it is there
            # a model's or a run's own file: which folder to give
            hint = " (give the folder forecast train wrote, OUT/model, or its run folder OUT)"
            raise RnnkitError(file_not_model_folder(folder, hint))
        # folders written before one vocabulary say hidden and layers
        # The card is read with the weights, inside load_model_with's repeated reads: read after this
        # returned (Forecaster.from_pretrained), a save in between gave the old weights with the new
        # model's card, which a later save_pretrained wrote back beside them.
        mf, card = load_model_with(
            folder, lambda mf: read_card(mf.path), APPLICATION, FORECAST_CONFIG, renamed_keys
        )
        c = mf.config
        try:
            hyper = Hyper(
                cell=str(c["cell"]),
                hidden_size=int(c["hidden_size"]),
                num_layers=int(c["num_layers"]),
                dropout=float(c["dropout"]),
                quantiles=tuple(float(q) for q in c["quantiles"]),
                ensemble=int(c.get("ensemble") or 1),  # folders written before ensembles: one network
            )
            window, horizon, predict = int(c["window"]), int(c["horizon"]), str(c["predict"])
            columns = [str(col) for col in c["columns"]]
            in_scaler = Scaler.from_dict(c["input_scaler"])
            out_scaler = Scaler.from_dict(c["target_scaler"])
            series_scalers = {
                str(k): (Scaler.from_dict(v["input"]), Scaler.from_dict(v["target"]))
                for k, v in (c.get("series_scalers") or {}).items()
            }
            series_transforms = {str(k): str(v) for k, v in (c.get("series_transforms") or {}).items()}
            changes = c.get("feature_changes")  # absent in folders written before it was kept
            changes = None if changes is None else tuple(str(v) for v in changes)
            series_changes = {
                str(k): tuple(str(x) for x in v) for k, v in (c.get("series_feature_changes") or {}).items()
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise RnnkitError(f"{folder}: config.json lacks or garbles a forecast setting ({exc})") from None
        if (
            predict not in PREDICT_CHOICES
            or len(in_scaler.mean) != len(columns)
            or not set(series_transforms.values()) <= set(PREDICT_CHOICES)
            or not set(series_transforms) <= set(series_scalers)
            or any(
                len(ch) != len(columns) - 1 or not set(ch) <= set(FEATURE_CHANGES)
                for ch in [*([changes] if changes is not None else []), *series_changes.values()]
            )
            or not set(series_changes) <= set(series_scalers)
        ):
            raise RnnkitError(f"{folder}: config.json is inconsistent (predict or columns)")
        levels = list(hyper.quantiles)
        if any(b <= a for a, b in zip(levels, levels[1:], strict=False)) or not all(
            0 < q < 1 for q in levels
        ):
            # the network's outputs are the quantiles in this order: swapped, every interval is upside down
            raise RnnkitError(
                f"{folder}: config.json has quantiles {levels}; they must be increasing levels between 0 and 1 "
                "(such as [0.1, 0.5, 0.9])"
            )
        offsets = c.get("interval_offsets")
        if offsets is not None:
            try:
                offsets = np.asarray(offsets, dtype=np.float64)
            except (TypeError, ValueError):  # ragged or non-numeric lists
                raise RnnkitError(
                    f"{folder}: config.json has interval offsets that are not a table of numbers"
                ) from None
            pairs = len(symmetric_pairs(hyper.quantiles))
            # a folder from before the point forecast was left out of every pair (an uneven list of
            # levels such as 0.1, 0.5, 0.9, 0.95) holds more columns: its outermost pairs come first
            if offsets.ndim != 2 or offsets.shape[0] != horizon or offsets.shape[1] < pairs:
                raise RnnkitError(f"{folder}: config.json has interval offsets of the wrong shape")
            offsets = offsets[:, :pairs]
        blended = bool(c.get("linear_blend"))  # absent in folders written before the blend
        said = (
            f"says linear_blend {json.dumps(c['linear_blend'])}"
            if "linear_blend" in c
            else "has no linear_blend"
        )
        _check_blend_weights(folder, blended, mf.state_dict, said)

        def build() -> ForecastNet | EnsembleNet | LinearBlend:
            net = hyper.build(len(columns), horizon)
            return LinearBlend(net, window * len(columns), horizon) if blended else net

        model = load_weights(build, mf.state_dict, source=folder)
        model.to(resolve_device(device)).eval()
        season = c.get("season")
        return cls(
            model=model,
            hyper=hyper,
            window=window,
            horizon=horizon,
            transform=predict,
            columns=columns,
            in_scaler=in_scaler,
            out_scaler=out_scaler,
            season=int(season) if season else None,
            info=dict(c.get("info") or {}),
            interval_offsets=offsets,
            series_scalers=series_scalers or None,
            series_transforms=series_transforms or None,
            feature_changes=changes,
            series_feature_changes=series_changes or None,
            card=card,
        )


def _check_blend_weights(folder: str | Path, blended: bool, state: object, said: str) -> None:
    """config.json's ``linear_blend`` must agree with the weights file, whose blend weights must lie
    between 0 and 1: a mismatch is said as its cause (not as a list of missing weight names), and a weight
    of 1.5 would push the forecast past both the network's and the AR's without a word. (Non-finite
    values are refused for every weight by :func:`~rnnkit.train.modelfile.load_model`.)"""
    if not isinstance(state, Mapping):
        return  # load_weights says what is wrong with it
    holds = "coef" in state or "weight" in state
    if holds != blended:
        raise RnnkitError(
            f"{folder}: config.json {said} but the weights file holds "
            f"{'no' if blended else 'a'} linear blend (coef and weight): the two files are not of one model"
        )
    weight = state.get("weight")
    if blended and isinstance(weight, torch.Tensor) and not bool(((weight >= 0) & (weight <= 1)).all()):
        raise RnnkitError(
            f"{folder}: the weights file's linear blend weights must lie between 0 and 1 "
            f"(got {[round(float(w), 4) for w in weight.flatten()[:10]]})"
        )


def _bare_id(name: str) -> str | None:
    """A series id written as a whole number, without its leading zeros and a ``.0`` (``'007'``, ``'7'``
    and ``'7.0'`` are ``'7'``: a column of ids pandas read as numbers); None for any other id."""
    found = re.fullmatch(r"\s*(\d+)(?:\.0*)?\s*", str(name))
    return (found.group(1).lstrip("0") or "0") if found else None
