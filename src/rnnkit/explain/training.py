"""Train a :class:`~rnnkit.explain.models.TaskModel` on a memory task with the training engine.

One function, :func:`train_on_task`, used by ``rnnkit explain memory``, ``gradient-flow``, ``gates`` and
the demo: it draws train/validation/test sets from separate seeded generators, trains with
:class:`rnnkit.train.Trainer` (AdamW, gradient clipping, best weights on validation restored) and scores
the model on the test set beside the task's trivial baseline.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from rnnkit.explain.memory_tasks import (
    COPY_LENGTH,
    COPY_SYMBOLS,
    TaskData,
    adding_baseline,
    check_task,
    copy_baseline,
    make_task,
)
from rnnkit.explain.models import TaskModel, get_variant
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.seeding import seed_everything

ADDING_SOLVED_MSE = 0.01  # the bar: LSTM and GRU reach this at length 100
COPY_SOLVED_ACCURACY = 0.99  # recall accuracy on the copied symbols
SPLITS = ("train", "val", "test")


@dataclass
class TrainSettings:
    """How hard to train; the defaults fit 2 CPU cores (about 1500 optimizer steps).

    Attributes:
        hidden_size: recurrent units ``H``.
        batch_size: sequences per optimizer step.
        train_size, val_size, test_size: sequences per split (fresh, independent draws).
        epochs: passes over the training set (steps = epochs * train_size / batch_size).
        lr: AdamW learning rate.
        clip_norm: gradient-norm clipping (vital for the ReLU RNNs).
        patience: epochs without validation improvement before stopping; None trains every epoch.
    """

    hidden_size: int = 64
    batch_size: int = 64
    train_size: int = 8192
    val_size: int = 512
    test_size: int = 2048
    epochs: int = 12
    lr: float = 5e-3
    clip_norm: float = 1.0
    patience: int | None = None

    def check(self) -> TrainSettings:
        """Raise :class:`RnnkitError` for a non-positive size or rate."""
        for name in ("hidden_size", "batch_size", "train_size", "val_size", "test_size", "epochs"):
            if getattr(self, name) < 1:
                raise RnnkitError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise RnnkitError(f"--lr must be a positive number, got {self.lr}")
        return self


@dataclass
class TaskResult:
    """The test score of one trained model beside the task's trivial baseline.

    ``error`` is the test MSE (adding) or cross-entropy per step (copy); ``baseline`` is the same metric
    for the trivial predictor on the same test set; ``accuracy`` (copy) is the recall accuracy.
    """

    task: str
    length: int
    cell: str
    error: float
    baseline: float
    solved: bool
    accuracy: float | None = None
    baseline_accuracy: float | None = None
    diverged: bool = False
    epochs_run: int = 0
    steps: int = 0
    seconds: float = 0.0
    history: list[dict[str, float]] = field(default_factory=list)

    @property
    def metric(self) -> str:
        return "MSE" if self.task == "adding" else "cross-entropy"

    @property
    def ratio(self) -> float:
        """Test error over baseline error: 1 is no better than the trivial guess, 0 is perfect."""
        return self.error / self.baseline if self.baseline > 0 else math.nan


@dataclass
class TrainedModel:
    """A model after training, its weights at initialisation, its test data and its score."""

    model: TaskModel
    initial_state: dict[str, torch.Tensor]
    test: TaskData
    result: TaskResult

    def initial_model(self) -> TaskModel:
        """A copy of the model holding its weights from before training."""
        twin = copy.deepcopy(self.model)
        twin.load_state_dict(self.initial_state)
        return twin


def build_model(cell: str, task: str, hidden: int) -> TaskModel:
    """The task's model: scalar read-out of the last step (adding) or per-step classes (copy)."""
    get_variant(cell)
    if check_task(task) == "adding":
        return TaskModel(cell, 2, hidden)
    return TaskModel(cell, COPY_SYMBOLS + 2, hidden, COPY_SYMBOLS + 2, per_step=True)


def task_loss(task: str, output: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """MSE for adding (``output`` ``(N,)``); mean cross-entropy per step for copy (``(N, L, C)``)."""
    if task == "adding":
        return F.mse_loss(output, y)
    return F.cross_entropy(output.reshape(-1, output.shape[-1]), y.reshape(-1))


@torch.no_grad()
def score(model: TaskModel, task: str, data: TaskData, batch_size: int = 1024) -> dict[str, float]:
    """Test error of ``model`` on ``data``: ``{"error": ..., "accuracy": ...}`` (accuracy: copy only)."""
    model.eval()
    device = next(model.parameters()).device
    total, correct, count = 0.0, 0, 0
    for start in range(0, data.x.shape[0], batch_size):
        x = data.x[start : start + batch_size].to(device)  # (B, L, F)
        y = data.y[start : start + batch_size].to(device)
        out = model(x)
        total += float(task_loss(task, out, y)) * x.shape[0]
        if task == "copy":
            recall = out[:, -COPY_LENGTH:].argmax(-1)  # (B, S)
            correct += int((recall == y[:, -COPY_LENGTH:]).sum())
        count += x.shape[0]
    model.train()
    metrics = {"error": total / count}
    if task == "copy":
        metrics["accuracy"] = correct / (count * COPY_LENGTH)
    return metrics


def _mean_loss(model: TaskModel, task: str, loader: DataLoader) -> float:
    """Mean loss per sequence over a (device-placed) validation loader."""
    total, count = 0.0, 0
    for x, y in loader:
        total += float(task_loss(task, model(x), y)) * x.shape[0]
        count += x.shape[0]
    return total / max(count, 1)


def split(task: str, part: str, n: int, length: int, seed: int) -> TaskData:
    """One split (``train``, ``val`` or ``test``) of ``task``, from its own seeded generator.

    Each split has its own generator, so the test set does not change when ``train_size`` does, and a
    saved model can be scored again on exactly the test set it was scored on.
    """
    generator = torch.Generator().manual_seed(seed * 1000 + SPLITS.index(part) + 1)
    return make_task(task, n, length, generator)


def _seconds_before_resume(run_dir: Path | None) -> float:
    """Training seconds of the epochs saved in ``run_dir``'s newest checkpoint (0 without one)."""
    from rnnkit.train.checkpoint import latest_checkpoint, read_state

    folder = None if run_dir is None else latest_checkpoint(run_dir)
    if folder is None:
        return 0.0
    state = read_state(folder)
    return float(sum(row.get("seconds", 0.0) for row in state.history))


def train_on_task(
    cell: str,
    task: str,
    length: int,
    settings: TrainSettings | None = None,
    seed: int = 0,
    device: str = "auto",
    show_progress: bool = False,
    run_dir: Path | None = None,
    resume: bool = False,
) -> TrainedModel:
    """Train the ``cell`` variant on ``task`` at ``length`` and score it on a held-out test set.

    A loss that turns NaN or infinite (the ReLU RNN can explode) does not abort: the run is reported as
    diverged, with the test error of the weights at that point.

    With ``run_dir`` the engine keeps ``metrics.csv`` and a checkpoint per epoch there; ``resume``
    continues from the newest one (from scratch when there is none). A resumed model's ``seconds``
    include the epochs trained before the resume.
    """
    from rnnkit.train import TrainConfig
    from rnnkit.train.recipe import fit_model

    settings = (settings or TrainSettings()).check()
    train = split(task, "train", settings.train_size, length, seed)
    val = split(task, "val", settings.val_size, length, seed)
    test = split(task, "test", settings.test_size, length, seed)
    seed_everything(seed)
    model = build_model(cell, task, settings.hidden_size)
    initial_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    config = TrainConfig(
        epochs=settings.epochs,
        lr=settings.lr,
        clip_norm=settings.clip_norm,
        patience=settings.patience,
        seed=seed,
        device=device,
        show_progress=show_progress,
        run_dir=run_dir,
        resume=resume,
    )
    earlier = _seconds_before_resume(run_dir) if resume else 0.0
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(
        TensorDataset(train.x, train.y), batch_size=settings.batch_size, shuffle=True, generator=generator
    )
    fitted = fit_model(
        model,
        config,
        loss_fn=lambda m, batch: task_loss(task, m(batch[0]), batch[1]),
        train=loader,
        valid=DataLoader(TensorDataset(val.x, val.y), batch_size=1024),
        evaluate=lambda m, loader: {"val_loss": _mean_loss(m, task, loader)},
        allow_divergence=True,  # an exploding ReLU RNN is a result to report, not an error
    )
    diverged = fitted.stopped is not None
    history, epochs_run = ([], 0) if diverged else (fitted.result.history, fitted.result.epochs_run)
    seconds = fitted.seconds + earlier  # the fit alone, as before the engine was built by fit_model
    model = fitted.model
    metrics = score(model, task, test)
    if task == "adding":
        baseline, base_acc, acc = adding_baseline(test.y), None, None
        solved = metrics["error"] < ADDING_SOLVED_MSE
    else:
        base = copy_baseline(test.y)
        baseline, base_acc, acc = base.cross_entropy, base.recall_accuracy, metrics["accuracy"]
        solved = acc >= COPY_SOLVED_ACCURACY
    steps = epochs_run * len(loader)
    result = TaskResult(
        task, length, cell, metrics["error"], baseline, solved and not diverged, acc, base_acc,
        diverged, epochs_run, steps, seconds, history,
    )  # fmt: skip
    return TrainedModel(model, initial_state, test, result)
