"""Training settings and results: :class:`TrainConfig` and :class:`FitResult`.

Plain dataclasses with no heavy imports, so a command can build and check its settings before the
engine (and Accelerate) is loaded. :meth:`TrainConfig.validate` turns an impossible setting into a
one-line :class:`~rnnkit.utils.errors.RnnkitError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from pathlib import Path

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.strict_json import plain
from rnnkit.utils.whole import is_whole

MIXED_PRECISION = ("no", "fp16", "bf16")
MODES = ("min", "max")
LR_SCHEDULES = ("constant", "plateau", "cosine")


def _check_whole(name: str, value: object) -> None:
    """A count must be an int: ``epochs=2.5`` trained 3 epochs (shown as "epoch 3/2.5"), and
    ``epochs="3"`` failed deep inside the loop with a TypeError."""
    if not is_whole(value):
        raise RnnkitError(f"{name} must be a whole number, got {value!r}")


@dataclass
class TrainConfig:
    """Training hyperparameters and run options.

    Attributes:
        epochs: maximum number of passes over the training data (counting epochs run before a resume).
        lr, weight_decay: AdamW settings (used when no optimizer is given).
        lr_schedule: how the learning rate changes, stepped once per epoch after validation:
            ``constant``; ``plateau`` multiplies it by ``lr_factor`` after ``lr_patience`` epochs
            without improvement of ``monitor`` (``torch.optim.lr_scheduler.ReduceLROnPlateau``);
            ``cosine`` anneals it from ``lr`` to ``min_lr`` over ``epochs`` (``CosineAnnealingLR``).
        lr_factor, lr_patience: the ``plateau`` schedule's factor (in (0, 1)) and patience (epochs).
        min_lr: the floor of ``plateau`` and the end point of ``cosine``.
        clip_norm: maximum total L2 norm of the gradients; None turns clipping off.
        patience: epochs without improvement of ``monitor`` before stopping; None never stops early.
        patience_growth: makes the plateau relative to progress: after a best epoch ``b`` the run stops
            only after ``max(patience, ceil(patience_growth * b))`` epochs without improvement, so a
            run that still improved late (slow, steady progress) waits proportionally longer, and a
            run whose best came early (nothing to learn) stops after ``patience``. 0 keeps ``patience``.
        monitor, mode: the metric to watch (``val_loss``, or any key ``evaluate`` returns; without
            validation data, ``train_loss``) and whether lower (``min``) or higher (``max``) is better.
        seed: seeds Python, NumPy and torch when the trainer is built, and shuffled DataLoaders.
        device: ``auto|cpu|cuda``.
        mixed_precision: ``no|fp16|bf16`` (Accelerate's autocast and, for fp16, gradient scaling).
        run_dir: folder for ``metrics.csv`` and ``checkpoints/``; None keeps nothing on disk.
        resume: continue from the newest checkpoint in ``run_dir`` when there is one.
        show_progress: show a progress bar (plain lines when not on a terminal) and a line per epoch.
        checkpoint_every: write a checkpoint every this many epochs (and after the last); 0 never.
        log_with: experiment trackers that get every epoch's metrics (``tensorboard``, ``wandb``, ... as
            in :data:`rnnkit.utils.tracking.TRACKERS`; their logs go under ``run_dir``); None follows
            the command line's ``--log-with``; ``csv`` is ``metrics.csv``, written anyway.
        project_name: the tracker's project (run) name.
    """

    epochs: int = 10
    lr: float = 1e-3
    weight_decay: float = 0.0
    lr_schedule: str = "constant"
    lr_factor: float = 0.5
    lr_patience: int = 2
    min_lr: float = 0.0
    clip_norm: float | None = 1.0
    patience: int | None = 5
    patience_growth: float = 0.0
    monitor: str = "val_loss"
    mode: str = "min"
    seed: int = 0
    device: str = "auto"
    mixed_precision: str = "no"
    run_dir: Path | None = None
    resume: bool = False
    show_progress: bool = True
    checkpoint_every: int = 1
    log_with: tuple[str, ...] | None = None
    project_name: str = "rnnkit"

    def __post_init__(self) -> None:
        # Values as a notebook has them, kept as the plain ones they stand for: an np.float32 lr_factor
        # reached the scheduler's state and failed the first checkpoint's JSON ("Object of type float32
        # is not JSON serializable"), after an epoch of training.
        for f in fields(self):
            setattr(self, f.name, plain(getattr(self, f.name)))
        if isinstance(self.log_with, str):  # one tracker by name: "tensorboard" read as 11 one-letter names
            self.log_with = (self.log_with,)

    def trackers(self) -> list[str]:
        """The Accelerate trackers to start (``log_with``, or the command line's choice)."""
        from rnnkit.utils.tracking import accelerate_trackers, chosen_trackers

        return accelerate_trackers(tuple(self.log_with) if self.log_with is not None else chosen_trackers())

    def validate(self) -> None:
        """Raise a one-line :class:`RnnkitError` for a setting that cannot work."""
        for name in ("epochs", "seed", "lr_patience", "checkpoint_every"):
            _check_whole(name, getattr(self, name))
        if self.patience is not None:
            _check_whole("patience", self.patience)
        if self.epochs < 1:
            raise RnnkitError(f"epochs must be at least 1, got {self.epochs}")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise RnnkitError(f"learning rate must be positive, got {self.lr}")
        if not (self.weight_decay >= 0 and math.isfinite(self.weight_decay)):
            # else torch's own ValueError, with a traceback, once the optimizer is built
            raise RnnkitError(f"weight_decay must be 0 or more, got {self.weight_decay}")
        if self.lr_schedule not in LR_SCHEDULES:
            raise RnnkitError(
                f"unknown lr schedule {self.lr_schedule!r}; choose one of: {', '.join(LR_SCHEDULES)}"
            )
        if not 0 < self.lr_factor < 1:
            raise RnnkitError(f"lr_factor must be in (0, 1), got {self.lr_factor}")
        if self.lr_patience < 0:
            raise RnnkitError(f"lr_patience must be 0 or more, got {self.lr_patience}")
        if not 0 <= self.min_lr <= self.lr:
            raise RnnkitError(f"min_lr must be in [0, lr], got {self.min_lr}")
        if self.clip_norm is not None and not self.clip_norm > 0:
            raise RnnkitError(f"clip_norm must be positive or None, got {self.clip_norm}")
        if not self.patience_growth >= 0:
            raise RnnkitError(f"patience_growth must be 0 or more, got {self.patience_growth}")
        if self.patience is not None and self.patience < 1:
            raise RnnkitError(f"patience must be at least 1 or None, got {self.patience}")
        if self.mode not in MODES:
            raise RnnkitError(f"unknown mode {self.mode!r}; choose one of: {', '.join(MODES)}")
        if self.mixed_precision not in MIXED_PRECISION:
            raise RnnkitError(
                f"unknown mixed precision {self.mixed_precision!r}; choose one of: {', '.join(MIXED_PRECISION)}"
            )
        from rnnkit.utils.device import check_device_name

        check_device_name(self.device)  # one parser and one wording for every device setting ('cudax' passed)
        if self.resume and self.run_dir is None:
            raise RnnkitError("resume needs a run folder (run_dir) to find the checkpoint in")
        if self.checkpoint_every < 0:
            raise RnnkitError(f"checkpoint_every must be 0 or more, got {self.checkpoint_every}")
        if self.trackers() and self.run_dir is None:
            raise RnnkitError("logging to a tracker needs a run folder (run_dir) for its logs")


@dataclass
class FitResult:
    """What :meth:`Trainer.fit` returns.

    Attributes:
        best_epoch: the epoch whose weights the model now holds (1-based; 0 if none improved).
        best_metric: the monitored metric at that epoch.
        epochs_run: epochs finished in total, including those before a resume.
        history: one dict per epoch: ``epoch``, ``train_loss``, validation metrics, ``lr`` (the
            learning rate the epoch trained with; only under a schedule other than ``constant``),
            ``seconds``.
        stopped_early: whether patience ran out before ``epochs``.
        seconds: wall time of this call.
    """

    best_epoch: int
    best_metric: float
    epochs_run: int
    history: list[dict[str, float]] = field(default_factory=list)
    stopped_early: bool = False
    seconds: float = 0.0
