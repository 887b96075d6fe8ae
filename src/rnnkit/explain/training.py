"""Train a :class:`~rnnkit.explain.models.TaskModel` on a memory task with the training engine.

:func:`train_on_task`, used by ``rnnkit explain memory``, ``gradient-flow``, ``gates`` and the demo, is
the recipe's steps: *prepare* the train/validation/test sets from separate seeded generators, *build*
the model (seeded, :func:`rnnkit.train.recipe.start_run`), *fit* it with
:func:`rnnkit.train.recipe.fit_model` (AdamW, gradient clipping, best weights on validation restored)
and *score* it on the test set beside the task's trivial baseline. How to train is one
:class:`TrainSettings`: the model's config, the shared :class:`~rnnkit.train.options.FitOptions` and
the split sizes.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from rnnkit.explain.models import TaskModel, TaskModelConfig, get_variant
from rnnkit.train.options import Composed, FitOptions
from rnnkit.utils.errors import RnnkitError

if TYPE_CHECKING:
    from rnnkit.train.modelcard import ModelCard
    from rnnkit.train.recipe import Fitted

ADDING_SOLVED_MSE = 0.01  # the bar: LSTM and GRU reach this at length 100
COPY_SOLVED_ACCURACY = 0.99  # recall accuracy on the copied symbols
# The fewest test sequences on which a score below the bar is called solved. Copy: a perfect recall of m
# symbols bounds the error rate below 3/m with 95% confidence (the rule of three), so 99% needs 300
# symbols, 30 sequences of COPY_LENGTH. Adding: 30 squared errors average with a standard error of about
# a quarter of their mean (sqrt(2/30) for normal errors), where one sequence says nothing: the no-memory
# answer 1.0 is within 0.1 of one sum (squared error under 0.01) about one time in five.
MIN_SOLVED_TESTS = math.ceil(3 / (1 - COPY_SOLVED_ACCURACY) / COPY_LENGTH - 1e-9)
# What "solved" means and what must be carried to the end, per task, in the verdicts' words: the bar
# beside its constants, so that every text naming it (verdicts, model card, gates note) says the same.
TASK_WORDS = {
    "adding": (f"the adding problem (test MSE below {ADDING_SOLVED_MSE:g})", "the marked steps"),
    "copy": (
        f"the copy task (at least {COPY_SOLVED_ACCURACY:.0%} of the symbols recalled)",
        "the symbols to copy",
    ),
}
SPLITS = ("train", "val", "test")


def _model() -> TaskModelConfig:
    return TaskModelConfig(hidden_size=64)


def _fit() -> FitOptions:
    # AdamW at 5e-3 with clipping at norm 1 (vital for the ReLU RNNs), every epoch trained (no early
    # stopping): about 1500 optimizer steps at the defaults, which fit 2 CPU cores.
    return FitOptions(epochs=12, batch_size=64, lr=5e-3, clip_norm=1.0, patience=None)


@dataclass(init=False)
class TrainSettings(Composed):
    """How to train an explain model: the model's :class:`~rnnkit.explain.models.TaskModelConfig`
    (its ``hidden_size``), the shared :class:`~rnnkit.train.options.FitOptions` (``epochs``,
    ``batch_size``, ``lr``, ``clip_norm``, ``patience``, ``seed``, ...) and the sizes of the three
    splits, which only explain has.

    Built and read flat (``TrainSettings(hidden_size=8, epochs=2).lr``), see
    :class:`~rnnkit.train.options.Composed`; :meth:`flat` is what ``config.json`` (``training``),
    ``run.json`` and ``--config`` see. Not settings: the cell (chosen per model by ``--cells`` or
    ``--cell``), the sizes that follow from the task, and where and how visibly to train (``device``,
    ``show_progress``: arguments of :func:`train_on_task`).

    Attributes:
        train_size, val_size, test_size: sequences per split (fresh, independent draws).
    """

    PARTS = ("model", "fit")
    NOT_SETTINGS = ("cell", "input_size", "output_size", "per_step", "device", "show_progress")

    model: TaskModelConfig = field(default_factory=_model)
    fit: FitOptions = field(default_factory=_fit)
    train_size: int = 8192
    val_size: int = 512
    test_size: int = 2048

    def check(self) -> TrainSettings:
        """Raise :class:`RnnkitError` for a non-positive size or rate."""
        for name in ("hidden_size", "batch_size", "train_size", "val_size", "test_size", "epochs"):
            if getattr(self, name) < 1:
                raise RnnkitError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise RnnkitError(f"--lr must be a positive number, got {self.lr}")
        return self

    def replaced(self, **changes: Any) -> TrainSettings:
        """A copy with the given settings changed, skipping those passed as None."""
        twin = copy.deepcopy(self)
        for name, value in changes.items():
            if value is not None:
                if name not in self.setting_names():
                    raise TypeError(f"TrainSettings has no setting {name}")
                setattr(twin, name, value)
        return twin


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
    test_sequences: int | None = None  # None: a result saved before rnnkit recorded it

    @property
    def metric(self) -> str:
        return "MSE" if self.task == "adding" else "cross-entropy"

    @property
    def too_few_tests(self) -> bool:
        """Below the solved bar on fewer than :data:`MIN_SOLVED_TESTS` test sequences: not called solved,
        since so few say nothing (one sequence was 'solved' by the no-memory answer itself)."""
        return (
            not self.diverged
            and self.test_sequences is not None
            and self.test_sequences < MIN_SOLVED_TESTS
            and meets_bar(self.task, self.error, self.accuracy)
        )

    @property
    def ratio(self) -> float:
        """Test error over baseline error: 1 is no better than the trivial guess, 0 is perfect."""
        return self.error / self.baseline if self.baseline > 0 else math.nan

    def card(self, hidden_size: int) -> ModelCard:
        """The model card of this result's model folder: the task, test error beside the trivial baseline."""
        from rnnkit.train.modelcard import ModelCard, ScoreTable

        what = "sequence length" if self.task == "adding" else "delay"
        summary = (
            f"A {self.cell} recurrent layer ({hidden_size} units) with a linear read-out, trained "
            f"{self.epochs_run} epochs on the {self.task} task ({what} {self.length})."
        )
        data = (
            f"The {self.task} task, generated from a seed (rnnkit.explain.memory_tasks): fresh training "
            "sequences, and a test set never trained on."
        )
        rows = [[f"{self.cell}", self.error], ["trivial baseline", self.baseline]]
        table = ScoreTable(f"test set, {what} {self.length}", ["system", f"test {self.metric}"], rows)
        scores = f"test {self.metric} {self.error:.4g} against {self.baseline:.4g} for the trivial baseline"
        if self.task == "copy" and self.accuracy is not None:  # its bar is the recall, not the loss
            base = self.baseline_accuracy
            trivial = "" if base is None else f", the trivial baseline's {base:.1%}"
            scores = f"recall {self.accuracy:.1%} of the copied symbols{trivial}; {scores}"
        verdict = f"{'Solved' if self.solved else 'Not solved'}: {scores} (ratio {self.ratio:.3g})."
        if self.too_few_tests:
            verdict = (
                f"Reached the bar of {TASK_WORDS[self.task][0]}: {scores}, but on "
                f"{too_few_tests_words(self.test_sequences or 0)}."
            )
        return ModelCard(
            f"rnnkit explain model: {self.cell} on the {self.task} task", summary, data, [table], verdict
        )


def meets_bar(task: str, error: float, accuracy: float | None) -> bool:
    """Whether a test score is below the task's solved bar: MSE under :data:`ADDING_SOLVED_MSE` (adding),
    at least :data:`COPY_SOLVED_ACCURACY` of the symbols recalled (copy); whatever the test set's size."""
    if task == "adding":
        return error < ADDING_SOLVED_MSE
    return accuracy is not None and accuracy >= COPY_SOLVED_ACCURACY


def too_few_tests_words(sequences: int) -> str:
    """Why a score below the bar on ``sequences`` test sequences is not called solved, in plain words."""
    return (
        f"only {sequences} test sequence{'' if sequences == 1 else 's'}: too few to call that solved (at least "
        f"{MIN_SOLVED_TESTS} are needed for the score to say more than luck: raise --test-size)"
    )


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


def model_config(cell: str, task: str, hidden_size: int) -> TaskModelConfig:
    """The architecture for ``task``: scalar read-out of the last step (adding) or per-step classes (copy)."""
    get_variant(cell)
    if check_task(task) == "adding":
        return TaskModelConfig(cell, hidden_size, input_size=2, output_size=1, per_step=False)
    return TaskModelConfig(cell, hidden_size, COPY_SYMBOLS + 2, COPY_SYMBOLS + 2, per_step=True)


def build_model(cell: str, task: str, hidden_size: int) -> TaskModel:
    """A fresh model of :func:`model_config` (its weights drawn from torch's global generator)."""
    return TaskModel.from_config(model_config(cell, task, hidden_size))


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


# Bytes of autograd state per (sequence, step, unit) of one training batch: what grows with the length.
# Measured as peak memory on CPU (torch 2.x, batch 64, hidden 64, lengths 2000 and 4000, rnnkit's layers).
_TRAIN_BYTES_PER_UNIT = {"rnn": 100, "lstm": 70, "gru": 165}
_SCORE_BATCH = 1024  # score()'s batch: its outputs, (batch, steps, hidden) float32, are held at once


def _sequence_shape(task: str, length: int) -> tuple[int, int]:
    """``(steps, features)`` of one sequence: the adding problem's ``length`` steps of (value, mark), the
    copy task's ``delay + 2S`` steps of one-hot symbols, blank and delimiter."""
    if task == "adding":
        return length, 2
    return length + 2 * COPY_LENGTH, COPY_SYMBOLS + 2


def data_bytes(task: str, length: int, settings: TrainSettings) -> int:
    """The three splits' inputs ``(N, steps, features)`` float32: held in the machine's memory (the
    loaders move one batch at a time to a GPU), whatever the device."""
    steps, features = _sequence_shape(task, length)
    return (settings.train_size + settings.val_size + settings.test_size) * steps * features * 4


def batch_bytes(cell: str, task: str, length: int, settings: TrainSettings) -> int:
    """The larger of one training batch's autograd state and one scoring batch's outputs: what the
    training device (the CPU, or a GPU) holds at its peak beside the model."""
    steps, _ = _sequence_shape(task, length)
    per_unit = _TRAIN_BYTES_PER_UNIT[get_variant(cell).cell]
    train = settings.batch_size * steps * settings.hidden_size * per_unit
    scoring = min(_SCORE_BATCH, max(settings.val_size, settings.test_size)) * steps * settings.hidden_size * 4
    return max(train, scoring)


def training_bytes(cell: str, task: str, length: int, settings: TrainSettings) -> int:
    """About how much memory training ``cell`` on ``task`` at ``length`` takes at its peak on the CPU:
    the three splits (:func:`data_bytes`) plus one batch (:func:`batch_bytes`). A lower bound (the
    model, optimizer and Python are left out), for refusing what cannot fit."""
    return data_bytes(task, length, settings) + batch_bytes(cell, task, length, settings)


def machine_memory(device: torch.device) -> int | None:
    """The memory of ``device`` in bytes (a GPU's own; the CPU's physical memory), or None where the
    platform does not say (``os.sysconf`` is missing on Windows)."""
    if device.type == "cuda":
        return int(torch.cuda.get_device_properties(device).total_memory)
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def check_fits_memory(task: str, lengths: Sequence[int], cells: Sequence[str], settings: TrainSettings,
                      device: torch.device) -> None:  # fmt: skip
    """One line, before anything trains, when the largest model asked for needs more memory than the
    machine has: ``--length 100000`` was killed by the system after minutes of silence, no word said.

    On a GPU only the batches are the GPU's (the splits stay in the machine's memory and are checked
    against it): counting the splits against the GPU refused copy-task runs that fit it twice over."""
    if not cells or not lengths:  # nothing to train (all given): no check
        return
    what = "length" if task == "adding" else "delay"
    sizes = (
        f"batches of {settings.batch_size} sequences, {settings.hidden_size} units, "
        f"{settings.train_size + settings.val_size + settings.test_size} sequences in all"
    )
    advice = f"lower the {what}, --batch-size, --hidden-size, --train-size or --test-size"
    longest = max(lengths)
    if device.type == "cuda":
        have = machine_memory(torch.device("cpu"))
        need = data_bytes(task, longest, settings)
        if have is not None and need > have:
            raise RnnkitError(
                f"the {task} task's sequences at {what} {longest} need about {need / 1e9:.0f} GB ({sizes}); "
                f"this machine has {have / 1e9:.0f} GB: {advice}"
            )
        measure = batch_bytes
    else:
        measure = training_bytes
    have = machine_memory(device)
    if have is None:
        return
    need, cell, length = max((measure(c, task, n, settings), c, n) for c in cells for n in lengths)
    if need > have:
        raise RnnkitError(
            f"training the {get_variant(cell).label} on the {task} task at {what} {length} needs about {need / 1e9:.0f} GB "
            f"({sizes}); {'the GPU' if device.type == 'cuda' else 'this machine'} has {have / 1e9:.0f} GB: "
            f"{advice}"
        )


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


@dataclass
class TaskSplits:
    """The three splits of one task and length."""

    train: TaskData
    val: TaskData
    test: TaskData


def train_on_task(
    cell: str,
    task: str,
    length: int,
    settings: TrainSettings | None = None,
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

    The recipe's steps: :func:`prepare_splits`, :func:`build_task_model`, :func:`fit_task_model` and
    :func:`score_task_model`; saving is the caller's (:meth:`TaskModel.save_pretrained
    <rnnkit.explain.models.TaskModel.save_pretrained>` records these settings in ``config.json``).
    """
    settings = (settings or TrainSettings()).check()
    splits = prepare_splits(task, length, settings)
    model, initial_state = build_task_model(cell, task, length, settings)
    earlier = _seconds_before_resume(run_dir) if resume else 0.0
    fitted, steps_per_epoch = fit_task_model(
        model, task, splits, settings, device, show_progress, run_dir, resume
    )
    result = score_task_model(fitted, task, length, splits.test, steps_per_epoch, earlier)
    return TrainedModel(fitted.model, initial_state, splits.test, result)


def prepare_splits(task: str, length: int, settings: TrainSettings) -> TaskSplits:
    """Prepare: the train, validation and test sets, each from its own generator seeded by ``seed``."""
    sizes = {"train": settings.train_size, "val": settings.val_size, "test": settings.test_size}
    return TaskSplits(**{part: split(task, part, n, length, settings.seed) for part, n in sizes.items()})


def build_task_model(
    cell: str, task: str, length: int, settings: TrainSettings
) -> tuple[TaskModel, dict[str, torch.Tensor]]:
    """Build: seed everything (:func:`rnnkit.train.recipe.start_run`), then the model, which knows what
    it is trained for (task, length, these settings); and a copy of its weights at initialisation."""
    from rnnkit.train.recipe import start_run

    start_run(None, {}, settings.seed)  # explain's run folder is begun by its JobStore, once per command
    model = build_model(cell, task, settings.hidden_size)
    model.task, model.length = task, length  # what save_pretrained records
    model.training_settings = settings.flat()
    initial_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return model, initial_state


def fit_task_model(
    model: TaskModel,
    task: str,
    splits: TaskSplits,
    settings: TrainSettings,
    device: str,
    show_progress: bool,
    run_dir: Path | None,
    resume: bool,
) -> tuple[Fitted, int]:
    """Fit: the engine (:func:`rnnkit.train.recipe.fit_model`) on shuffled training batches, the best
    validation loss's weights restored; a diverging run ends with ``stopped`` set. Returns the fit and
    the optimizer steps per epoch."""
    from rnnkit.train.recipe import fit_model

    config = settings.fit.train_config(
        "val_loss", "min", device=device, show_progress=show_progress, run_dir=run_dir, resume=resume
    )
    generator = torch.Generator().manual_seed(settings.seed)
    train, val = splits.train, splits.val
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
    return fitted, len(loader)


def score_task_model(
    fitted: Fitted, task: str, length: int, test: TaskData, steps_per_epoch: int, earlier: float = 0.0
) -> TaskResult:
    """Score: the fitted model's test error beside the trivial baseline; ``earlier`` adds the training
    seconds of epochs run before a resume."""
    model = fitted.model
    diverged = fitted.stopped is not None
    history, epochs_run = ([], 0) if diverged else (fitted.result.history, fitted.result.epochs_run)
    seconds = fitted.seconds + earlier  # the fit alone, as before the engine was built by fit_model
    metrics = score(model, task, test)
    if task == "adding":
        baseline, base_acc, acc = adding_baseline(test.y), None, None
    else:
        base = copy_baseline(test.y)
        baseline, base_acc, acc = base.cross_entropy, base.recall_accuracy, metrics["accuracy"]
    sequences = test.x.shape[0]
    solved = meets_bar(task, metrics["error"], acc) and sequences >= MIN_SOLVED_TESTS and not diverged
    return TaskResult(
        task, length, model.variant, metrics["error"], baseline, solved, acc, base_acc,
        diverged, epochs_run, epochs_run * steps_per_epoch, seconds, history, sequences,
    )  # fmt: skip
