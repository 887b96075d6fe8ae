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

After training, the interval is calibrated on the validation samples (conformalized quantile
regression, :mod:`rnnkit.forecast.calibrate`), so that its coverage matches its nominal level there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from rnnkit.forecast.calibrate import conformal_offsets, symmetric_pairs
from rnnkit.forecast.forecaster import Hyper, TrainedModel
from rnnkit.forecast.model import pinball_loss
from rnnkit.forecast.prepare import Prepared
from rnnkit.forecast.schedule import resolve_schedule
from rnnkit.utils.threads import cpu_threads


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

    hyper, schedule = resolve_schedule(hyper, schedule_preps or [prep])
    start_run(None, {}, seed)  # the run folder was begun by the pipeline, which checked the data first
    model = hyper.build(prep.x.shape[-1], prep.horizon)
    quantiles = model.quantiles
    start = np.quantile(prep.z_scaled[prep.train], np.asarray(hyper.quantiles), axis=0).T  # (H, Q)
    model.start_from(torch.as_tensor(start, dtype=torch.float32))

    def loss_fn(m: torch.nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        xb, zb = batch  # (B, W, C), (B, H)
        return pinball_loss(m(xb), zb, quantiles.to(xb.device))

    point = model.point_index()

    def evaluate(m: torch.nn.Module, loader: Any) -> dict[str, float]:
        # val_point: the point forecast's own loss (MAE/2 for the median), kept apart from the
        # interval's quantiles, whose loss keeps improving (volatility is predictable) while the
        # point forecast may already be fitting noise.
        total, point_total, n = 0.0, 0.0, 0
        for xb, zb in loader:
            xb, zb = xb.to(device_of(m)), zb.to(device_of(m))
            pred = m(xb)  # (B, H, Q)
            q = quantiles.to(xb.device)
            total += float(pinball_loss(pred, zb, q)) * len(xb)
            point_total += float(pinball_loss(pred[..., point : point + 1], zb, q[point : point + 1])) * len(
                xb
            )
            n += len(xb)
        return {"val_loss": total / n, "val_point": point_total / n}

    train = ShuffledBatches(prep.x[prep.train], prep.z_scaled[prep.train], hyper.batch_size, seed)
    val = None
    if prep.val.any():
        val = [(torch.from_numpy(prep.x[prep.val]), torch.from_numpy(prep.z_scaled[prep.val]))]  # one batch
    config = hyper.fit.train_config(
        monitor=hyper.monitor if val is not None else "val_loss",  # the engine then watches train_loss
        mode="min",
        epochs=hyper.epochs_for(len(train)),
        min_lr=hyper.lr / 64,
        weight_decay=hyper.weight_decay,
        patience_growth=hyper.patience_growth,
        seed=seed,
        device=device,
        run_dir=run_dir,
        resume=resume,
        show_progress=show_progress,
    )
    with cpu_threads(hyper.threads):
        fitted = fit_model(model, config, loss_fn, train, val, evaluate)
    trained, result = fitted.model, fitted.result
    trained.eval()
    offsets = None
    if val is not None and hyper.calibrate and len(symmetric_pairs(hyper.quantiles)) > 0:
        with torch.no_grad():
            xv = val[0][0].to(device_of(trained))
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
    )
    return forecaster, result
