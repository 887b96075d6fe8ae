"""A lean training loop on Hugging Face Accelerate.

Accelerate does what a library should: device placement, mixed precision, DDP across processes
(``accelerate launch`` / ``torchrun``) and resumable state. The loop itself is ours: progress, early
stopping with the best weights restored, gradient-norm clipping, seeding, a CSV metric log, atomic
checkpoints, and a clear stop when the loss turns NaN or infinite.

Usage::

    trainer = Trainer(model, TrainConfig(epochs=20, lr=1e-3, run_dir=Path("runs/x")),
                      loss_fn=lambda model, batch: F.mse_loss(model(batch[0]), batch[1]))
    result = trainer.fit(train_loader, val_loader)   # FitResult; model holds the best weights
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.progress import progress
from rnnkit.utils.seeding import seed_everything

LossFn = Callable[[nn.Module, Any], torch.Tensor]
EvalFn = Callable[[nn.Module, Iterable], dict[str, float]]


@dataclass
class TrainConfig:
    """Training hyperparameters and run options.

    Attributes:
        epochs: maximum number of passes over the training data.
        lr, weight_decay: AdamW settings (used when no optimizer is given).
        clip_norm: maximum total gradient norm; None turns clipping off.
        patience: epochs without improvement of ``monitor`` before stopping; None never stops early.
        monitor, mode: the validation metric to watch and whether lower (``min``) or higher is better.
        seed: seeds Python, NumPy and torch before the model is trained.
        device: ``auto|cpu|cuda``.
        mixed_precision: ``no|fp16|bf16`` (Accelerate).
        run_dir: folder for ``metrics.csv`` and checkpoints; None keeps nothing on disk.
        resume: continue from the checkpoint in ``run_dir`` when there is one.
        show_progress: show a progress bar (plain lines when not on a terminal).
    """

    epochs: int = 10
    lr: float = 1e-3
    weight_decay: float = 0.0
    clip_norm: float | None = 1.0
    patience: int | None = 5
    monitor: str = "val_loss"
    mode: str = "min"
    seed: int = 0
    device: str = "auto"
    mixed_precision: str = "no"
    run_dir: Path | None = None
    resume: bool = False
    show_progress: bool = True


@dataclass
class FitResult:
    """What :meth:`Trainer.fit` returns."""

    best_epoch: int
    best_metric: float
    epochs_run: int
    history: list[dict[str, float]] = field(default_factory=list)
    stopped_early: bool = False
    seconds: float = 0.0


class Trainer:
    """Train ``model`` by minimising ``loss_fn(model, batch)``; validate with ``evaluate``.

    Args:
        model: any ``nn.Module``.
        config: a :class:`TrainConfig`.
        loss_fn: ``(model, batch) -> scalar loss``; the batch arrives already on the device.
        evaluate: ``(model, val_loader) -> {metric: value}``, run under ``torch.no_grad`` in eval mode;
            by default the mean of ``loss_fn`` over the validation batches, as ``val_loss``.
        optimizer: by default AdamW with ``config.lr`` and ``config.weight_decay``.
    """

    def __init__(
        self,
        model: nn.Module,
        config: TrainConfig,
        loss_fn: LossFn,
        evaluate: EvalFn | None = None,
        optimizer: torch.optim.Optimizer | None = None,
    ) -> None:
        from accelerate import Accelerator

        self.config = config
        seed_everything(config.seed)
        cpu = config.device == "cpu" or (config.device == "auto" and not torch.cuda.is_available())
        if config.device == "cuda" and not torch.cuda.is_available():
            raise RnnkitError("--device cuda was asked for, but no CUDA GPU is available")
        self.accelerator = Accelerator(cpu=cpu, mixed_precision=config.mixed_precision)
        self.loss_fn = loss_fn
        self.evaluate_fn = evaluate
        self.optimizer = optimizer or torch.optim.AdamW(
            model.parameters(), lr=config.lr, weight_decay=config.weight_decay
        )
        self.model, self.optimizer = self.accelerator.prepare(model, self.optimizer)
        self.device = self.accelerator.device

    def _evaluate(self, val_loader: Iterable) -> dict[str, float]:
        model = self.model
        model.eval()
        with torch.no_grad():
            if self.evaluate_fn is not None:
                metrics = dict(self.evaluate_fn(self.accelerator.unwrap_model(model), val_loader))
            else:
                total, count = 0.0, 0
                for batch in val_loader:
                    total += float(self.loss_fn(model, batch))
                    count += 1
                metrics = {"val_loss": total / max(count, 1)}
        model.train()
        return metrics

    def _better(self, value: float, best: float) -> bool:
        return value < best if self.config.mode == "min" else value > best

    def fit(self, train_loader: Iterable, val_loader: Iterable | None = None) -> FitResult:
        """Run the loop; on return the model holds the best weights seen on validation."""
        cfg = self.config
        start = time.monotonic()
        train_loader = self.accelerator.prepare(train_loader)
        if val_loader is not None:
            val_loader = self.accelerator.prepare(val_loader)
        best = math.inf if cfg.mode == "min" else -math.inf
        best_state: dict[str, torch.Tensor] | None = None
        best_epoch, bad_epochs = 0, 0
        history: list[dict[str, float]] = []
        stopped_early = False
        self.model.train()
        for epoch in range(1, cfg.epochs + 1):
            total, count = 0.0, 0
            desc = f"epoch {epoch}/{cfg.epochs}"
            for batch in progress(train_loader, desc, enabled=cfg.show_progress):
                loss = self.loss_fn(self.model, batch)
                if not torch.isfinite(loss):
                    raise RnnkitError(
                        f"training stopped: the loss became {float(loss)} at epoch {epoch}; "
                        "lower the learning rate or check the data for NaN/inf"
                    )
                self.optimizer.zero_grad(set_to_none=True)
                self.accelerator.backward(loss)
                if cfg.clip_norm is not None:
                    self.accelerator.clip_grad_norm_(self.model.parameters(), cfg.clip_norm)
                self.optimizer.step()
                total += float(loss.detach())
                count += 1
            row = {"epoch": float(epoch), "train_loss": total / max(count, 1)}
            if val_loader is not None:
                row.update(self._evaluate(val_loader))
            history.append(row)
            metric = row.get(cfg.monitor, row["train_loss"])
            if self._better(metric, best):
                best, best_epoch, bad_epochs = metric, epoch, 0
                best_state = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
            else:
                bad_epochs += 1
                if cfg.patience is not None and bad_epochs >= cfg.patience:
                    stopped_early = True
                    break
        if best_state is not None:
            self.model.load_state_dict(best_state)
        if cfg.run_dir is not None:
            _write_metrics(Path(cfg.run_dir) / "metrics.csv", history)
        return FitResult(best_epoch, best, len(history), history, stopped_early, time.monotonic() - start)


def _write_metrics(path: Path, history: list[dict[str, float]]) -> None:
    from rnnkit.utils.atomic import atomic_path

    keys: list[str] = []
    for row in history:
        keys += [k for k in row if k not in keys]
    with atomic_path(path) as tmp, tmp.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=keys)
        writer.writeheader()
        writer.writerows(history)
