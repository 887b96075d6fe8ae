"""The steps every application's training recipe shares: start (seed, begin or resume the run) and fit
(the engine, resumed from the run folder's newest checkpoint, then the plain model unwrapped).

A recipe is four steps of its own around these two: *prepare* the data, *build* the model, *fit* it
here, *save* the model folder with :func:`rnnkit.train.modelfile.save_model`. Every application
(forecast, translate, caption, explain) calls :func:`start_run` and :func:`fit_model` instead of
wiring :class:`~rnnkit.train.engine.Trainer`, ``begin_run`` and ``unwrap_model`` by hand.

The engine (Accelerate) is imported when :func:`fit_model` runs, never when this module is imported.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import torch
from torch import nn

from rnnkit.train.config import FitResult, TrainConfig
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.runs import RunFolder

LossFn = Callable[[nn.Module, Any], torch.Tensor]
EvaluateFn = Callable[[nn.Module, Iterable], dict[str, float]]

# The engine's message when a loss turns NaN or infinite (rnnkit.train.engine).
STOPPED = "training stopped"


@dataclass
class Fitted:
    """What :func:`fit_model` returns.

    Attributes:
        model: the trained module, unwrapped from Accelerate (the best weights when the config
            restores them), on ``device``.
        result: the engine's :class:`~rnnkit.train.config.FitResult`; None when the run stopped on a
            non-finite loss and ``allow_divergence`` was set.
        device: where it trained.
        stopped: the engine's one-line reason when the run stopped on a non-finite loss, else None.
        seconds: wall time of the fit alone (not building the engine), also when it stopped.
    """

    model: nn.Module
    result: FitResult | None
    device: torch.device
    stopped: str | None = None
    seconds: float = 0.0


def start_run(
    run: RunFolder | None,
    settings: dict[str, Any],
    seed: int,
    state: dict[str, Any] | None = None,
    may_differ: Iterable[str] = ("--epochs",),
) -> dict[str, Any] | None:
    """Seed everything, then begin ``run`` (or check a resumed one); the saved state, or None.

    ``settings`` is what a resumed run must share with its start (named by option: ``--hidden-size``);
    ``may_differ`` lists those that may change on ``--resume``. Without a run folder, only seeds.
    """
    from rnnkit.train.checkpoint import begin_run
    from rnnkit.utils.seeding import seed_everything

    seed_everything(seed)
    if run is None:
        return None
    return begin_run(run, settings, state, may_differ)


def fit_model(
    model: nn.Module,
    config: TrainConfig,
    loss_fn: LossFn,
    train: Iterable,
    valid: Iterable | None = None,
    evaluate: EvaluateFn | None = None,
    run: RunFolder | None = None,
    allow_divergence: bool = False,
) -> Fitted:
    """Train ``model`` on the engine and return it unwrapped.

    Args:
        model: the module to train (moved to the config's device).
        config: the engine's settings; with ``run`` its ``run_dir`` and ``resume`` come from the run
            folder (metrics.csv, checkpoints, ``--resume`` from the newest one).
        loss_fn: ``(model, batch) -> scalar loss``.
        train, valid: batches for training and validation (``valid`` optional).
        evaluate: ``(model, valid) -> {metric: value}``, the validation metrics (default: the loss).
        run: the run folder, or None to keep nothing on disk.
        allow_divergence: a loss that turns NaN or infinite ends the run with ``stopped`` set (and the
            weights of that moment) instead of raising (explain reports exploding RNNs).
    """
    from rnnkit.train.engine import Trainer

    if run is not None:
        config = replace(config, run_dir=run.path, resume=run.resume)
    trainer = Trainer(model, config, loss_fn=loss_fn, evaluate=evaluate)
    result, stopped = None, None
    start = time.monotonic()
    try:
        result = trainer.fit(train, valid)
    except RnnkitError as exc:
        if not (allow_divergence and str(exc).startswith(STOPPED)):
            raise
        stopped = str(exc).splitlines()[0]
    seconds = time.monotonic() - start
    return Fitted(trainer.accelerator.unwrap_model(trainer.model), result, trainer.device, stopped, seconds)
