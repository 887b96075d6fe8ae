"""A lean training loop on Hugging Face Accelerate.

Accelerate does what a library should: device placement, mixed precision (``no|fp16|bf16``), DDP across
processes, GPUs and nodes (``accelerate launch`` / ``torchrun``) and resumable state
(``save_state``/``load_state``, random states included). The loop itself is ours and short: a progress
bar, early stopping with the best weights restored, gradient-norm clipping, seeding that makes a CPU
run repeat bit for bit, a CSV metric log and atomic checkpoints in the run folder, and a one-line stop
when the loss turns NaN or infinite.

One optimisation step is::

    loss = loss_fn(model, batch)             # batch already on the device
    accelerator.backward(loss)               # scaled for fp16; gradients all-reduced under DDP
    clip_grad_norm_(parameters, clip_norm)   # ||g||_2 <= clip_norm, unscaled first for fp16
    optimizer.step(); optimizer.zero_grad()

After each epoch's validation a learning-rate schedule (``TrainConfig.lr_schedule``), if any, takes
one step: ``ReduceLROnPlateau`` on the monitored metric or ``CosineAnnealingLR``; its state is part of
every checkpoint, so a resumed run follows the same rates.

The running loss is summed on the device, so a step never waits for the GPU; the host reads it only to
check for NaN every few steps and at the end of the epoch.

Usage::

    trainer = Trainer(model, TrainConfig(epochs=20, lr=1e-3, run_dir=Path("runs/x")),
                      loss_fn=lambda model, batch: F.mse_loss(model(batch[0]), batch[1]))
    result = trainer.fit(train_loader, val_loader)   # FitResult; model holds the best weights
"""

from __future__ import annotations

import math
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch
from torch import nn

from rnnkit.train.callbacks import Callback
from rnnkit.train.checkpoint import (
    LoopState,
    check_clearable,
    clear_run,
    has_random_state,
    latest_checkpoint,
    load_checkpoint,
    save_checkpoint,
)
from rnnkit.train.config import FitResult, TrainConfig
from rnnkit.train.data import worker_seed
from rnnkit.train.metrics_log import write_metrics_csv
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.progress import progress
from rnnkit.utils.seeding import seed_everything

LossFn = Callable[[nn.Module, Any], torch.Tensor]
EvalFn = Callable[[nn.Module, Iterable], dict[str, float]]


class _OnDevice:
    """Wraps an iterable of batches (tensors, or tuples/dicts of them) to move each to ``device``."""

    def __init__(self, batches: Iterable, device: torch.device) -> None:
        self.batches = batches
        self.device = device

    def __len__(self) -> int:
        return len(self.batches)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Any]:
        from accelerate.utils import send_to_device

        for batch in self.batches:
            yield send_to_device(batch, self.device)


def _make_accelerator(
    cpu: bool,
    mixed_precision: str,
    seed: int,
    log_with: list[str] | None = None,
    project_dir: Path | None = None,
) -> Any:
    """An ``Accelerator``; a fresh precision setting per trainer, keeping any distributed setup.

    Accelerate keeps its settings in process-wide singletons and refuses a second ``Accelerator`` with
    other settings. Several trainers in one process (``rnnkit demo``, tests) are normal here, so the
    per-run part (``AcceleratorState``) is reset; the process group (``PartialState``) is kept, and
    reset too only when a single process switches between CPU and GPU.
    """
    from accelerate import Accelerator, DataLoaderConfiguration
    from accelerate.state import AcceleratorState, PartialState

    if AcceleratorState._shared_state:
        AcceleratorState._reset_state()
    partial = PartialState._shared_state
    if partial and partial.get("num_processes", 1) == 1 and partial.get("_cpu", cpu) != cpu:
        PartialState._reset_state()
    # Joining a multi-process CPU launch that set no OMP_NUM_THREADS (srun, mpirun, torchrun with one
    # process per node), Accelerate sets torch's threads to the physical cores per process and warns
    # so: that overrode --threads (rnnkit.utils.threads) for the whole run. The count is kept, and
    # the warning, untrue once it is, is not shown.
    threads = torch.get_num_threads()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="OMP_NUM_THREADS/MKL_NUM_THREADS unset")
            return Accelerator(
                cpu=cpu,
                mixed_precision=mixed_precision,
                # Plain DataLoader(shuffle=True): order seeded by (seed, epoch), so resume and DDP agree.
                dataloader_config=DataLoaderConfiguration(use_seedable_sampler=True, data_seed=seed),
                log_with=log_with or None,
                project_dir=project_dir,
            )
    except (ValueError, RuntimeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        if _is_dist_error(exc):
            # Joining the launch's process group failed: another process (often on another node)
            # stopped before it joined, and its own error says why.
            raise RnnkitError(
                f"cannot join the other processes of the launch ({first}); "
                "another process probably failed first: see its error"
            ) from None
        raise RnnkitError(
            f"cannot set up training with mixed precision {mixed_precision!r}: {first}"
        ) from None
    finally:
        torch.set_num_threads(threads)


def _is_dist_error(exc: BaseException) -> bool:
    """Whether ``exc`` is ``torch.distributed``'s (a store or process-group failure), not a setting's."""
    distributed = sys.modules.get("torch.distributed")
    error = getattr(distributed, "DistError", None) if distributed is not None else None
    return isinstance(error, type) and isinstance(exc, error)


# How a collective reports a peer that is gone: gloo raises a plain RuntimeError from deep inside
# backward (DDP's all-reduce), naming its transport; NCCL and the store raise DistBackendError/DistError
# (torch >= 2.1), caught by their type. "NCCL" is no sign: a plain RuntimeError naming it is a misuse
# of this process's own ("ProcessGroupNCCL does not support gather"), not a lost peer.
_PEER_LOST = ("gloo/transport", "Connection reset by peer", "Connection closed by peer")


def _is_peer_loss(exc: BaseException) -> bool:
    """Whether ``exc`` says another process of the launch is gone (killed, crashed, stopped first)."""
    if _is_dist_error(exc):
        return True
    return isinstance(exc, RuntimeError) and any(sign in str(exc) for sign in _PEER_LOST)


def _peer_loss_words(exc: BaseException) -> str:
    """The gist of a collective's error: gloo's source path and its advice ("GLHF!") cut away."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    first = re.sub(r"^\[[^\]]*\]\s*", "", first)
    return first.split(". ")[0].rstrip(".")


@contextmanager
def _peers_watched(num_processes: int) -> Iterator[None]:
    """Turn a lost peer into one line: under DDP, when one process dies (SIGKILL, out of memory,
    its own error), the others fail in their next collective with a torch traceback; the process
    that died first has said why, so the rest only point there."""
    try:
        yield
    except RuntimeError as exc:
        if num_processes == 1 or not _is_peer_loss(exc):
            raise
        raise RnnkitError(
            f"lost contact with the other processes of the launch ({_peer_loss_words(exc)}); "
            "another process probably failed first: see its error"
        ) from None


def _tracker_config(cfg: TrainConfig) -> dict[str, Any]:
    """The settings a tracker records as hyperparameters (plain numbers and strings only)."""
    from dataclasses import asdict

    return {k: v for k, v in asdict(cfg).items() if isinstance(v, int | float | str | bool)}


class Trainer:
    """Train ``model`` by minimising ``loss_fn(model, batch)``; validate with ``evaluate``.

    Args:
        model: any ``nn.Module``; build it after seeding if its initial weights should repeat.
        config: a :class:`TrainConfig`.
        loss_fn: ``(model, batch) -> scalar loss``; the batch arrives already on the device.
        evaluate: ``(model, val_loader) -> {metric: value}``, run under ``torch.no_grad`` in eval mode
            on the unwrapped model; batches arrive on the device. Every process evaluates the whole
            validation set and the main process's numbers are used everywhere, so all processes take
            the same early-stopping decision. By default: the mean of ``loss_fn`` over the validation
            batches, as ``val_loss``.
        optimizer: by default AdamW with ``config.lr`` and ``config.weight_decay``.
        callbacks: :class:`~rnnkit.train.callbacks.Callback` objects called at the start of ``fit``,
            after every epoch (with that epoch's metrics; one may ask to stop) and at the end.

    Attributes:
        model: the model as prepared by Accelerate (on the device; DDP-wrapped in multi-process runs).
        accelerator: the ``accelerate.Accelerator``.
        device: where batches go.
        is_main: whether this is the main process (the one that should write files after ``fit``).
    """

    def __init__(
        self,
        model: nn.Module,
        config: TrainConfig,
        loss_fn: LossFn,
        evaluate: EvalFn | None = None,
        optimizer: torch.optim.Optimizer | None = None,
        callbacks: Sequence[Callback] = (),
    ) -> None:
        config.validate()
        self.config = config
        if config.device.startswith("cuda") and not torch.cuda.is_available():
            raise RnnkitError(
                "device 'cuda' was asked for, but no CUDA GPU is available (use 'cpu' or 'auto')"
            )
        # 'cpu:0' (torch's name of the one CPU, taken since the device parser is shared) is the CPU too:
        # compared with 'cpu' alone, a run asked for on the CPU went to the GPU
        cpu = config.device.startswith("cpu") or (config.device == "auto" and not torch.cuda.is_available())
        self.trackers = config.trackers()
        self.accelerator = _make_accelerator(
            cpu, config.mixed_precision, config.seed, self.trackers, config.run_dir if self.trackers else None
        )
        self.callbacks = list(callbacks)
        seed_everything(config.seed)
        self.loss_fn = loss_fn
        self.evaluate_fn = evaluate
        if optimizer is None:
            optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
        # Wrapping the model in DDP is the launch's first collective: a peer that failed before it (its
        # own one-line error) must cost this process one line too, not gloo's traceback.
        with _peers_watched(self.accelerator.num_processes):
            self.model, self.optimizer = self.accelerator.prepare(model, optimizer)
        # Its state travels in the checkpoint's trainer_state.json (plain JSON, never a pickle).
        self.scheduler = self._make_scheduler()
        self.device = self.accelerator.device
        self.is_main = self.accelerator.is_main_process
        self._warned_uneven = False

    def _make_scheduler(self) -> Any:
        """The per-epoch learning-rate schedule named by ``config.lr_schedule`` (None for constant)."""
        from torch.optim import lr_scheduler

        cfg = self.config
        raw = self.optimizer.optimizer  # the AcceleratedOptimizer's wrapped optimizer
        if cfg.lr_schedule == "plateau":
            return lr_scheduler.ReduceLROnPlateau(
                raw, mode=cfg.mode, factor=cfg.lr_factor, patience=cfg.lr_patience, min_lr=cfg.min_lr
            )
        if cfg.lr_schedule == "cosine":
            return lr_scheduler.CosineAnnealingLR(raw, T_max=cfg.epochs, eta_min=cfg.min_lr)
        return None

    def _follow_epochs(self, done: int) -> None:
        """After a resume, anneal the cosine schedule over this run's ``--epochs``, not the saved one.

        ``CosineAnnealingLR`` keeps ``T_max`` in its state, so a run of 2 epochs resumed with
        ``--epochs 4`` would restore ``T_max = 2``: lr 0 in epoch 3, then rising again (the cosine's
        periodic continuation). Instead the rate for epoch ``done + 1`` is the closed form over
        ``T = epochs``: ``lr = min_lr + (lr0 - min_lr) (1 + cos(pi done / T)) / 2``. The epochs already
        trained under the old length are not replayed, so such a run equals a straight one only when
        ``--epochs`` is unchanged (then this changes nothing).
        """
        sched, epochs = self.scheduler, self.config.epochs
        if not isinstance(sched, torch.optim.lr_scheduler.CosineAnnealingLR) or sched.T_max == epochs:
            return
        sched.T_max = epochs
        factor = (1 + math.cos(math.pi * min(done, epochs) / epochs)) / 2
        for group, base in zip(sched.optimizer.param_groups, sched.base_lrs, strict=True):
            group["lr"] = sched.eta_min + (base - sched.eta_min) * factor
        sched._last_lr = [group["lr"] for group in sched.optimizer.param_groups]

    # ----------------------------------------------------------------------------------------------
    def _prepare_loader(self, train_loader: Iterable) -> Any:
        """A ``DataLoader`` made seedable by Accelerate (its order a function of seed and epoch); None
        for any other iterable.

        One process: Accelerate's own preparation (it also moves batches to the device). Several:
        the same seedable order, unsharded, since the engine splits every batch among the processes
        itself (:mod:`rnnkit.train.shard`), as it does for plain iterables of batches.
        """
        if not isinstance(train_loader, torch.utils.data.DataLoader):
            return None
        if self.accelerator.num_processes == 1:
            return self.accelerator.prepare(train_loader)
        from accelerate.data_loader import prepare_data_loader

        return prepare_data_loader(
            train_loader,
            num_processes=1,
            process_index=0,
            put_on_device=False,
            use_seedable_sampler=True,
            data_seed=self.config.seed,
        )

    def _sharded(self, loader: Iterable) -> Iterable:
        """``loader``'s batches on the device, each cut to this process's shard under DDP.

        The first batch's size is checked against the number of processes (once per run, on the main
        process): a warning when they do not divide it evenly.
        """
        acc = self.accelerator
        if acc.num_processes == 1:
            return self._batches(loader)
        from rnnkit.train.shard import ShardedBatches, uneven_warning

        def check_first(batch: Any) -> None:
            if not self._warned_uneven:
                self._warned_uneven = True
                message = uneven_warning(batch, acc.num_processes)
                if message and self.is_main:
                    print(f"rnnkit: warning: {message}", file=sys.stderr, flush=True)

        return self._batches(ShardedBatches(loader, acc.process_index, acc.num_processes, check_first))

    def _batches(self, loader: Iterable) -> _OnDevice:
        """An unprepared iterable whose batches arrive on the device (re-iterable, with ``len``)."""
        return _OnDevice(loader, self.device)

    def _unwrapped(self) -> nn.Module:
        return self.accelerator.unwrap_model(self.model)

    def _evaluate(self, val_loader: Iterable) -> dict[str, float]:
        """Validation metrics, computed on the whole validation set and broadcast from process 0."""
        model = self._unwrapped()
        model.eval()
        with torch.no_grad():
            if self.evaluate_fn is not None:
                metrics = {k: float(v) for k, v in self.evaluate_fn(model, self._batches(val_loader)).items()}
            else:
                total = torch.zeros((), device=self.device, dtype=torch.float64)
                count = 0
                for batch in self._batches(val_loader):
                    total += self.loss_fn(model, batch).detach().double()
                    count += 1
                if count == 0:
                    raise RnnkitError("the validation data gave no batches")
                metrics = {"val_loss": float(total) / count}
        model.train()
        if self.accelerator.num_processes > 1:
            from accelerate.utils import broadcast_object_list

            metrics = broadcast_object_list([metrics], from_process=0)[0]
        return metrics

    def _sync_buffers(self) -> None:
        """Give every process the main process's buffers (batch-norm running statistics).

        Each process updates them from its own shard of the last batch; DDP re-broadcasts them from
        process 0 before every forward pass anyway, so this changes nothing in training, but it makes
        validation, the best weights and the final model the same in every process.
        """
        if self.accelerator.num_processes == 1:
            return
        import torch.distributed as dist

        for buffer in self._unwrapped().buffers():
            dist.broadcast(buffer.data, src=0)

    def _better(self, value: float, best: float) -> bool:
        if math.isnan(best):
            return not math.isnan(value)
        return value < best if self.config.mode == "min" else value > best

    def _patience(self, state: LoopState) -> int:
        """Epochs without improvement that end the run: ``patience``, grown with the best epoch."""
        cfg = self.config
        assert cfg.patience is not None
        return max(cfg.patience, math.ceil(cfg.patience_growth * state.best_epoch))

    def _best_copy(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self._unwrapped().state_dict().items()}

    def _nonfinite(self, loss: torch.Tensor, epoch: int) -> RnnkitError:
        # Clipping is suggested only where it is off: every command clips and has no option for it,
        # so "clip gradients" sent its users looking for one.
        clip = self.config.clip_norm
        hint = (
            "lower the learning rate, clip gradients or check the data for NaN/inf"
            if clip is None
            else f"lower the learning rate or check the data for NaN/inf (gradients were clipped to norm {clip:g})"
        )
        return RnnkitError(
            f"training stopped: the training loss became {float(loss.detach())} in epoch {epoch}; {hint}"
        )

    def _step_fn(self) -> Callable[[torch.Tensor], None]:
        """The backward / clip / step / zero-grad sequence for one batch.

        Without a gradient scaler (fp32, bf16) under plain or DDP training, Accelerate's wrappers add
        nothing but per-step checks (its optimizer wrapper looks up optional packages on every
        ``step``, ~0.1-0.5 ms), so the fast path calls torch directly on the prepared (DDP-wrapped)
        model and the raw optimizer. fp16 (gradient scaling) and other setups go through Accelerate.
        """
        from accelerate.utils import DistributedType

        cfg, acc = self.config, self.accelerator
        params = [p for p in self.model.parameters() if p.requires_grad]
        plain = (DistributedType.NO, DistributedType.MULTI_CPU, DistributedType.MULTI_GPU)
        if acc.scaler is None and acc.distributed_type in plain:
            raw = self.optimizer.optimizer  # the AcceleratedOptimizer's wrapped optimizer

            def step(loss: torch.Tensor) -> None:
                loss.backward()
                if cfg.clip_norm is not None:
                    torch.nn.utils.clip_grad_norm_(params, cfg.clip_norm)
                raw.step()
                raw.zero_grad(set_to_none=True)

            return step

        def accelerated_step(loss: torch.Tensor) -> None:
            acc.backward(loss)
            if cfg.clip_norm is not None:
                acc.clip_grad_norm_(params, cfg.clip_norm)  # unscales fp16 gradients first
            self.optimizer.step()
            self.optimizer.zero_grad(set_to_none=True)

        return accelerated_step

    def _no_batches(self) -> str:
        """Why an epoch trained on nothing: empty data, or (under DDP) batches too small to split."""
        world = self.accelerator.num_processes
        if world == 1:
            return "the training data gave no batches"
        # --batch-size 1 on 2 processes: every batch is skipped (see rnnkit.train.shard)
        return (
            f"the training data gave no batch of at least {world} items, one for each of the {world} "
            f"processes (a batch is split among them, and a smaller one is skipped); use a batch size "
            f"that is a multiple of {world}"
        )

    def _train_epoch(self, loader: Iterable, epoch: int) -> float:
        """One pass over ``loader``; returns the mean training loss over all processes."""
        cfg, acc = self.config, self.accelerator
        step = self._step_fn()
        # The running sum stays on the device; reading it on the host would wait for the GPU, so it
        # is checked every few steps (NaN and inf persist in a sum, so no bad step slips through).
        check_every = 16
        total = torch.zeros((), device=self.device, dtype=torch.float32)
        steps = 0
        show = cfg.show_progress and self.is_main
        for batch in progress(loader, f"epoch {epoch}/{cfg.epochs}", enabled=show):
            loss = self.loss_fn(self.model, batch)
            step(loss)
            total += loss.detach().float()
            steps += 1
            # Under DDP only the reduced sum below is checked: one process stopping alone would
            # leave the others waiting forever in the next all-reduce.
            if acc.num_processes == 1 and steps % check_every == 0 and not torch.isfinite(total):
                raise self._nonfinite(total, epoch)
        if steps == 0:
            raise RnnkitError(self._no_batches())
        sums = torch.stack([total, torch.tensor(float(steps), device=self.device)])
        sums = acc.reduce(sums, reduction="sum") if acc.num_processes > 1 else sums
        mean = sums[0] / sums[1]
        if not torch.isfinite(mean):
            raise self._nonfinite(mean, epoch)
        return float(mean)

    # ----------------------------------------------------------------------------------------------
    def fit(self, train_loader: Iterable, val_loader: Iterable | None = None) -> FitResult:
        """Run the loop; on return the model holds the best weights seen (on validation if given).

        Under DDP, a process that finds another gone raises a one-line ``RnnkitError`` (see
        :func:`_peers_watched`), not the collective's traceback.
        """
        with _peers_watched(self.accelerator.num_processes):
            return self._fit(train_loader, val_loader)

    def _fit(self, train_loader: Iterable, val_loader: Iterable | None) -> FitResult:
        cfg, acc = self.config, self.accelerator
        start = time.monotonic()
        prepared = self._prepare_loader(train_loader)
        state, best_state = LoopState(), None
        if cfg.resume:
            # as a fresh run's clear_run: the next checkpoints delete the older ones, never a user's folder
            if cfg.run_dir is not None:
                check_clearable(cfg.run_dir)
            folder = latest_checkpoint(cfg.run_dir)  # type: ignore[arg-type]
            if folder is not None:
                state, best_state = load_checkpoint(acc, folder)
                if state.epoch > cfg.epochs:
                    # Else the loop would not run and the model, saved under the lower --epochs,
                    # would say it trained for fewer epochs than it did.
                    raise RnnkitError(
                        f"cannot resume the run in {cfg.run_dir}: it has trained {state.epoch} epochs, more "
                        f"than --epochs {cfg.epochs}; use --epochs {state.epoch} or more (epochs count "
                        "from the start of the run), or start over with --force instead of --resume"
                    )
                if state.stopped_early and state.epoch < cfg.epochs and self.is_main:
                    # a finished run: without this line --resume --epochs 60 printed "trained in 0.1s
                    # (11 epochs)" and left the user to guess why nothing trained
                    print(
                        f"rnnkit: note: the run in {cfg.run_dir} stopped early after epoch {state.epoch} "
                        f"(its best was epoch {state.best_epoch}), so --resume has nothing left to train; "
                        "to train longer, start it again with a larger --patience",
                        file=sys.stderr,
                    )
                if not has_random_state(folder, acc.process_index):
                    # Saved by fewer processes: this one's dropout draws start from its own seed.
                    seed_everything(cfg.seed + 7919 * state.epoch + 104_729 * acc.process_index)
                if self.scheduler is not None and state.scheduler is not None:
                    self.scheduler.load_state_dict(state.scheduler)
                    self._follow_epochs(state.epoch)
                if self.is_main and cfg.show_progress:
                    print(f"resuming from {folder} (epoch {state.epoch} done)", file=sys.stderr)
        elif cfg.run_dir is not None:
            # A fresh run owns its folder: an older run's checkpoints must never be resumed as ours.
            if self.is_main:
                clear_run(cfg.run_dir)
            acc.wait_for_everyone()
        if self.trackers:
            acc.init_trackers(cfg.project_name, config=_tracker_config(cfg))
        for callback in self.callbacks:
            callback.on_fit_start(self)
        # Without validation data the default monitor falls back to the training loss.
        monitor = "train_loss" if val_loader is None and cfg.monitor == "val_loss" else cfg.monitor
        self.model.train()
        epoch = state.epoch
        while epoch < cfg.epochs and not state.stopped_early:
            epoch += 1
            t0 = time.monotonic()
            # The shuffle order depends on (seed, epoch) only: resumed and DDP runs see the same.
            if prepared is not None:
                # A DataLoader draws its workers' seeds from its generator as an epoch starts; one left
                # to run on hands the first epoch after a resume other seeds than an unbroken run.
                # The seedable sampler reseeds the same generator for the order, which stays as it was;
                # make_loader's sampler reseeds it in set_epoch, from its own seed.
                if isinstance(getattr(prepared, "generator", None), torch.Generator):
                    prepared.generator.manual_seed(worker_seed(cfg.seed, epoch - 1))
                prepared.set_epoch(epoch - 1)
                loader: Iterable = prepared if acc.num_processes == 1 else self._sharded(prepared)
            else:
                if hasattr(train_loader, "set_epoch"):
                    train_loader.set_epoch(epoch - 1)
                loader = self._sharded(train_loader)
            lr = self.optimizer.param_groups[0]["lr"]  # the rate this epoch trains with
            row: dict[str, float] = {"epoch": epoch, "train_loss": self._train_epoch(loader, epoch)}
            self._sync_buffers()
            if val_loader is not None:
                row.update(self._evaluate(val_loader))
            if self.scheduler is not None:
                row["lr"] = lr
            if monitor not in row:
                known = ", ".join(k for k in row if k != "epoch")
                raise RnnkitError(f"monitored metric {monitor!r} is not among the metrics: {known}")
            if not math.isfinite(row[monitor]):
                # Else a NaN never counted as better: the run went on without a best epoch, cut the
                # rate under a plateau schedule and "stopped early" after its patience, in silence.
                raise RnnkitError(
                    f"training stopped: the monitored metric {monitor} became {row[monitor]} in epoch "
                    f"{epoch}; check the validation data for NaN/inf, or lower the learning rate"
                )
            row["seconds"] = round(time.monotonic() - t0, 4)
            state.history.append(row)
            state.epoch = epoch
            if self._better(row[monitor], state.best):
                state.best, state.best_epoch, state.bad_epochs = row[monitor], epoch, 0
                best_state = self._best_copy()
            else:
                state.bad_epochs += 1
                state.stopped_early = cfg.patience is not None and state.bad_epochs >= self._patience(state)
            if isinstance(self.scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                self.scheduler.step(row[monitor])
            elif self.scheduler is not None:
                self.scheduler.step()
            if self.is_main and cfg.show_progress:
                shown = "  ".join(f"{k} {v:.5g}" for k, v in row.items() if k not in ("epoch", "seconds"))
                print(f"epoch {epoch}/{cfg.epochs}: {shown}", file=sys.stderr, flush=True)
            if self.trackers:
                acc.log({k: v for k, v in row.items() if k != "epoch"}, step=epoch)
            # A callback may end training early: recorded like early stopping, so resume agrees.
            if any([bool(callback.on_epoch_end(self, dict(row))) for callback in self.callbacks]):
                state.stopped_early = True
            self._persist(state, best_state, last=epoch >= cfg.epochs or state.stopped_early)
        if best_state is not None:
            self._unwrapped().load_state_dict(best_state)
        if self.trackers:
            acc.end_training()
        result = FitResult(
            best_epoch=state.best_epoch,
            best_metric=state.best,
            epochs_run=state.epoch,
            history=list(state.history),
            stopped_early=state.stopped_early,
            seconds=time.monotonic() - start,
        )
        for callback in self.callbacks:
            callback.on_fit_end(self, result)
        return result

    def _persist(self, state: LoopState, best_state: dict[str, torch.Tensor] | None, last: bool) -> None:
        """Metrics CSV every epoch (main process) and a checkpoint when due (all processes)."""
        cfg = self.config
        if cfg.run_dir is None:
            return
        run_dir = Path(cfg.run_dir)
        if self.is_main:
            write_metrics_csv(run_dir / "metrics.csv", state.history)
        every = cfg.checkpoint_every
        if every and (state.epoch % every == 0 or last):
            state.scheduler = self.scheduler.state_dict() if self.scheduler is not None else None
            save_checkpoint(self.accelerator, run_dir, state, best_state)
