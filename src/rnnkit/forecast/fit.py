"""Training a forecaster with :class:`rnnkit.train.Trainer` (the only module here that imports it).

Training samples are shuffled among themselves each epoch; validation samples (the rows after the
training part) only choose the epoch whose weights are kept (early stopping on the validation pinball
loss). Test samples are never seen here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from rnnkit.forecast.forecaster import Forecaster, Hyper
from rnnkit.forecast.model import pinball_loss
from rnnkit.forecast.prepare import Prepared


def _loader(x: np.ndarray, z: np.ndarray, batch_size: int, shuffle: bool, seed: int) -> Any:
    from torch.utils.data import DataLoader, TensorDataset

    data = TensorDataset(torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(np.ascontiguousarray(z)))
    gen = torch.Generator().manual_seed(seed)
    return DataLoader(data, batch_size=batch_size, shuffle=shuffle, generator=gen if shuffle else None)


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

    train = _loader(prep.x[prep.train], prep.z_scaled[prep.train], hyper.batch_size, True, seed)
    val = None
    if prep.val.any():
        val = _loader(prep.x[prep.val], prep.z_scaled[prep.val], 4096, False, seed)
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
