"""Training a forecaster with :class:`rnnkit.train.Trainer` (the only module here that imports it).

Training samples are shuffled among themselves each epoch; validation samples (the rows after the
training part) only choose the epoch whose weights are kept (early stopping on the validation pinball
loss). Test samples are never seen here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from rnnkit.forecast.forecaster import Forecaster, Hyper
from rnnkit.forecast.model import pinball_loss
from rnnkit.forecast.prepare import Prepared


class ShuffledBatches:
    """Training batches, reshuffled on every pass, cut from whole tensors by one index each.

    A ``DataLoader`` over a ``TensorDataset`` fetches and collates sample by sample, which costs more
    than a training step of a model this small; indexing the stacked tensors with a batch of indices
    does the same job in one call. The order of pass ``k`` depends only on ``(seed, k)``.

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

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        gen = torch.Generator().manual_seed(self.seed * 100_003 + self.passes)
        self.passes += 1
        order = torch.randperm(len(self.x), generator=gen)
        for idx in order.split(self.batch_size):
            yield self.x[idx], self.z[idx]  # (B, W, C), (B, H)


def train_forecaster(
    prep: Prepared,
    hyper: Hyper,
    seed: int = 0,
    device: str = "auto",
    run_dir: Path | None = None,
    show_progress: bool = True,
    season: int | None = None,
    info: dict | None = None,
) -> tuple[Forecaster, Any]:
    """Fit a :class:`ForecastNet` on ``prep``'s training samples; return it with the ``FitResult``.

    Args:
        prep: windows, targets and training-only scalers for one split.
        hyper: architecture and optimiser settings.
        seed: seeds the weights and the shuffling.
        device: ``auto|cpu|cuda``.
        run_dir: where the engine writes ``metrics.csv``; None writes nothing.
        show_progress: the engine's progress bar.
        season, info: stored with the forecaster (for the model folder).
    """
    from rnnkit.train import TrainConfig, Trainer
    from rnnkit.utils.seeding import seed_everything

    seed_everything(seed)
    model = hyper.build(prep.x.shape[-1], prep.horizon)
    quantiles = model.quantiles

    def loss_fn(m: torch.nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        xb, zb = batch  # (B, W, C), (B, H)
        return pinball_loss(m(xb), zb, quantiles.to(xb.device))

    train = ShuffledBatches(prep.x[prep.train], prep.z_scaled[prep.train], hyper.batch_size, seed)
    val = None
    if prep.val.any():
        val = [(torch.from_numpy(prep.x[prep.val]), torch.from_numpy(prep.z_scaled[prep.val]))]  # one batch
    config = TrainConfig(
        epochs=hyper.epochs,
        lr=hyper.lr,
        weight_decay=hyper.weight_decay,
        clip_norm=1.0,
        patience=hyper.patience,
        seed=seed,
        device=device,
        run_dir=run_dir,
        show_progress=show_progress,
    )
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(hyper.threads)
    try:
        trainer = Trainer(model, config, loss_fn=loss_fn)
        result = trainer.fit(train, val)
    finally:
        torch.set_num_threads(previous_threads)
    trained = trainer.accelerator.unwrap_model(trainer.model)
    trained.eval()
    forecaster = Forecaster(
        model=trained,
        hyper=hyper,
        window=prep.window,
        horizon=prep.horizon,
        predict=prep.predict,
        columns=list(prep.series.columns),
        in_scaler=prep.in_scaler,
        out_scaler=prep.out_scaler,
        season=season,
        info=dict(info or {}),
    )
    return forecaster, result
