"""Training a forecaster with :class:`rnnkit.train.Trainer` (the only module here that imports it).

Training samples are shuffled among themselves each epoch; validation samples (the rows after the
training part) only choose the epoch whose weights are kept. Test samples are never seen here.

Two choices keep the model honest on series without structure (daily stock returns):

- The head starts as the unconditional forecast (weights 0, biases the training targets' quantiles),
  so the model begins at "the same distribution for every window", which is the naive forecast plus
  the median drift, and leaves it only as far as the data pull it.
- Early stopping watches ``val_point``, the validation loss of the point forecast (the median head)
  alone, by default; the interval's quantiles keep improving for longer (volatility is predictable)
  while the median would already be fitting noise. ``monitor="val_loss"`` watches all quantiles.

The budget adapts to the series (:meth:`Hyper.epochs_for`): about ``max_steps`` optimisation steps'
worth of epochs, a stop on a validation plateau relative to progress (``patience``, grown to
``patience_growth`` times the best epoch; :attr:`TrainConfig.patience_growth`), and a learning-rate
schedule chosen on validation (``lr_schedule="auto"``, :mod:`rnnkit.forecast.schedule`): constant with
a longer patience where there is something to learn, halved on a plateau where there is not, which
keeps a random walk's point forecast from drifting into noise. A random walk stops after about
``patience`` epochs; a learnable series keeps training as long as it keeps improving, up to the budget.

Three options change what is trained, none by default (docs/RESULTS.md, third pass): ``ensemble``
trains that many networks, member ``k`` from seed ``seed + 1000 k``, and averages their quantile
forecasts (:class:`~rnnkit.forecast.model.EnsembleNet`); ``aux_steps`` trains on that many more steps
ahead and cuts the head back afterwards (:mod:`rnnkit.forecast.auxsteps`); ``input_noise`` adds
Gaussian jitter to the training windows.

After training, the interval is calibrated on the validation samples (conformalized quantile
regression, :mod:`rnnkit.forecast.calibrate`), so that its coverage matches its nominal level there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from rnnkit.forecast.auxsteps import training_samples
from rnnkit.forecast.blend import blend_with_ar, no_validation
from rnnkit.forecast.calibrate import conformal_offsets, point_index, symmetric_pairs
from rnnkit.forecast.config_schema import MAX_ENSEMBLE
from rnnkit.forecast.forecaster import Hyper, TrainedModel
from rnnkit.forecast.model import EnsembleNet, pinball_loss
from rnnkit.forecast.prepare import Prepared
from rnnkit.forecast.schedule import resolve_schedule
from rnnkit.train.config import FitResult
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.threads import cpu_threads

MEMBER_SEED_STEP = 1000  # ensemble member k trains from seed + 1000 k (no overlap with nearby seeds)


class ShuffledBatches:
    """Training batches, reshuffled on every pass, cut from whole tensors by one index each.

    A ``DataLoader`` over a ``TensorDataset`` fetches and collates sample by sample, which costs more
    than a training step of a model this small; indexing the stacked tensors with a batch of indices
    does the same job in one call. The order of pass ``k`` depends only on ``(seed, k)``; the engine
    names ``k`` (:meth:`set_epoch`) before every epoch, so a resumed run shuffles as an unbroken one.

    Args:
        x: ``(N, W, C)`` windows; z: ``(N, H)`` targets.
        batch_size: samples per batch (the last batch may be smaller).
        seed: seeds the shuffling.
    """

    def __init__(self, x: np.ndarray, z: np.ndarray, batch_size: int, seed: int) -> None:
        self.x = torch.from_numpy(np.ascontiguousarray(x))  # (N, W, C)
        self.z = torch.from_numpy(np.ascontiguousarray(z))  # (N, H)
        self.batch_size = batch_size
        self.seed = seed
        self.passes = 0

    def __len__(self) -> int:
        return -(-len(self.x) // self.batch_size)

    def set_epoch(self, epoch: int) -> None:
        """Make the next pass the ``epoch``-th (0-based), as the training engine asks before each epoch."""
        self.passes = epoch

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        gen = torch.Generator().manual_seed(self.seed * 100_003 + self.passes)
        self.passes += 1
        order = torch.randperm(len(self.x), generator=gen)
        for idx in order.split(self.batch_size):
            yield self.x[idx], self.z[idx]  # (B, W, C), (B, H)


def device_of(module: torch.nn.Module) -> torch.device:
    return next(module.parameters()).device


def epoch_budget(prep: Prepared, hyper: Hyper, schedule_preps: list[Prepared] | None = None) -> int:
    """The epochs :func:`train_forecaster` trains at most on ``prep``: ``hyper.epochs``, or the
    ``max_steps`` budget of its batches per epoch (:meth:`Hyper.epochs_for`)."""
    fit_prep, _ = training_samples(prep, schedule_preps or [prep], hyper.aux_steps)
    return hyper.epochs_for(-(-int(fit_prep.train.sum()) // hyper.batch_size))  # as ShuffledBatches


def train_forecaster(
    prep: Prepared,
    hyper: Hyper,
    seed: int = 0,
    device: str = "auto",
    run_dir: Path | None = None,
    show_progress: bool = True,
    season: int | None = None,
    info: dict | None = None,
    resume: bool = False,
    schedule_preps: list[Prepared] | None = None,
) -> tuple[TrainedModel, Any]:
    """Fit a :class:`ForecastNet` on ``prep``'s training samples; return it with the ``FitResult``.

    Args:
        prep: windows, targets and training-only scalers for one split.
        hyper: architecture and optimiser settings.
        seed: seeds the weights and the shuffling.
        device: ``auto|cpu|cuda``.
        run_dir: where the engine writes ``metrics.csv`` and checkpoints; None writes nothing.
        show_progress: the engine's progress bar.
        season, info: stored with the forecaster (for the model folder).
        resume: continue from the newest checkpoint in ``run_dir`` (see :func:`pipeline.train_run`
            for the checks that make it the same run).
        schedule_preps: the series ``lr_schedule="auto"`` decides on (a global model's, one each);
            default ``[prep]``. The schedule and why are saved in the model's ``info["schedule"]``.
    """
    from rnnkit.train.recipe import fit_model, start_run

    if not 1 <= hyper.ensemble <= MAX_ENSEMBLE or not hyper.input_noise >= 0 or hyper.aux_steps < 0:
        raise RnnkitError(
            f"ensemble must be 1 to {MAX_ENSEMBLE}, input_noise and aux_steps at least 0 "
            f"(got {hyper.ensemble}, {hyper.input_noise} and {hyper.aux_steps})"
        )
    hyper, schedule = resolve_schedule(hyper, schedule_preps or [prep])
    n_members = hyper.ensemble
    horizon = prep.horizon  # what the forecaster keeps; the network may train on more (--aux-steps)
    fit_prep, aux_note = training_samples(prep, schedule_preps or [prep], hyper.aux_steps)
    start = np.quantile(fit_prep.z_scaled[fit_prep.train], np.asarray(hyper.quantiles), axis=0).T  # (H+K, Q)
    quantiles = torch.tensor(list(hyper.quantiles), dtype=torch.float32)
    noise = float(hyper.input_noise)

    def loss_fn(m: torch.nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        xb, zb = batch  # (B, W, C), (B, H)
        if noise > 0:  # jitter: x + sigma e, e ~ N(0, 1) in scaled units, drawn anew every step
            xb = xb + noise * torch.randn_like(xb)
        return pinball_loss(m(xb), zb, quantiles.to(xb.device))

    point = point_index(hyper.quantiles)

    def evaluate(m: torch.nn.Module, loader: Any) -> dict[str, float]:
        # val_point: the point forecast's own loss (MAE/2 for the median), kept apart from the
        # interval's quantiles, whose loss keeps improving (volatility is predictable) while the
        # point forecast may already be fitting noise.
        # Both on steps 1..H only: the auxiliary steps (--aux-steps) train the network, they are not
        # what it forecasts.
        total, point_total, n = 0.0, 0.0, 0
        for xb, zb in loader:
            xb, zb = xb.to(device_of(m)), zb[:, :horizon].to(device_of(m))
            pred = m(xb)[:, :horizon]  # (B, H, Q)
            q = quantiles.to(xb.device)
            total += float(pinball_loss(pred, zb, q)) * len(xb)
            point_total += float(pinball_loss(pred[..., point : point + 1], zb, q[point : point + 1])) * len(
                xb
            )
            n += len(xb)
        return {"val_loss": total / n, "val_point": point_total / n}

    val = None
    if fit_prep.val.any():
        val = [
            (torch.from_numpy(fit_prep.x[fit_prep.val]), torch.from_numpy(fit_prep.z_scaled[fit_prep.val]))
        ]
    members, results = [], []
    for k in range(n_members):
        member_seed = seed + MEMBER_SEED_STEP * k  # member 0 is the single model of this seed
        start_run(None, {}, member_seed)  # the run folder was begun by the pipeline, which checked the data
        net = hyper.model.build_member(fit_prep.x.shape[-1], fit_prep.horizon)
        net.start_from(torch.as_tensor(start, dtype=torch.float32))
        train = ShuffledBatches(
            fit_prep.x[fit_prep.train], fit_prep.z_scaled[fit_prep.train], hyper.batch_size, member_seed
        )
        config = hyper.fit.train_config(
            monitor=hyper.monitor if val is not None else "val_loss",  # the engine then watches train_loss
            mode="min",
            epochs=hyper.epochs_for(len(train)),
            min_lr=hyper.lr / 64,
            weight_decay=hyper.weight_decay,
            patience_growth=hyper.patience_growth,
            seed=member_seed,
            device=device,
            run_dir=member_dir(run_dir, k),
            resume=resume,
            show_progress=show_progress,
        )
        with cpu_threads(hyper.threads):
            fitted = fit_model(net, config, loss_fn, train, val, evaluate)
        members.append(fitted.model.keep_steps(horizon))
        results.append(fitted.result)
    trained = members[0] if n_members == 1 else EnsembleNet(members)
    result = results[0] if n_members == 1 else ensemble_result(results)
    if aux_note is not None:
        info = {**(info or {}), "aux_steps": aux_note}
    if n_members > 1:
        info = {
            **(info or {}),
            "ensemble": [
                {"seed": seed + MEMBER_SEED_STEP * k, "epochs_run": r.epochs_run, "best_epoch": r.best_epoch}
                for k, r in enumerate(results)
            ],
        }
    trained.eval()
    if hyper.linear_blend:  # said either way, as the schedule is: a blend asked for is never dropped unsaid
        trained, blend = (
            blend_with_ar(trained, prep) if val is not None else (trained, no_validation(horizon))
        )
        info = {**(info or {}), "linear_blend": blend.to_dict()}
    offsets = None
    if val is not None and hyper.calibrate and len(symmetric_pairs(hyper.quantiles)) > 0:
        with torch.no_grad():
            xv = torch.from_numpy(prep.x[prep.val]).to(device_of(trained))  # the forecaster's own samples
            pred_val = trained(xv).float().cpu().numpy().astype(np.float64)  # (n_val, H, Q), scaled
        offsets = conformal_offsets(pred_val, prep.z_scaled[prep.val].astype(np.float64), hyper.quantiles)
    forecaster = TrainedModel(
        model=trained,
        hyper=hyper,
        window=prep.window,
        horizon=prep.horizon,
        transform=prep.predict,
        columns=list(prep.series.columns),
        in_scaler=prep.in_scaler,
        out_scaler=prep.out_scaler,
        season=season,
        info={**(info or {}), "schedule": schedule},
        interval_offsets=offsets,
        feature_changes=prep.changes,
    )
    return forecaster, result


def member_dir(run_dir: Path | None, k: int) -> Path | None:
    """Where member ``k`` keeps its ``metrics.csv`` and checkpoints: the run folder for the first (so a
    single model's folder is as before), ``members/k`` inside it for the others."""
    if run_dir is None or k == 0:
        return run_dir
    return Path(run_dir) / "members" / str(k)


def ensemble_result(results: list[FitResult]) -> FitResult:
    """One ``FitResult`` for an ensemble: epochs and seconds summed over the members, the best epoch
    the members' mean (rounded), the history every member's epochs with a ``member`` column."""
    return FitResult(
        best_epoch=int(round(float(np.mean([r.best_epoch for r in results])))),
        best_metric=float(np.mean([r.best_metric for r in results])),
        epochs_run=sum(r.epochs_run for r in results),
        history=[{"member": k, **row} for k, r in enumerate(results) for row in r.history],
        stopped_early=all(r.stopped_early for r in results),
        seconds=sum(r.seconds for r in results),
    )
