"""Resumable training checkpoints in the run folder, written so that a crash never leaves a broken one.

Layout of ``<run_dir>/checkpoints/``::

    epoch-0004/            one complete checkpoint (the newest; older ones are deleted)
      pytorch_model.bin    model weights           } Accelerate's save_state: model, optimizer,
      optimizer.bin        optimizer state         } gradient scaler and the random states of
      random_states_0.pkl  Python/NumPy/torch RNG  } every process
      best.safetensors     the best weights so far (ours)
      trainer_state.json   epoch, best metric, patience counter, history, the learning-rate
                           schedule's state (ours, plain JSON; written last)
    LATEST                 the name of the newest complete checkpoint

Atomicity: a checkpoint is built in a hidden sibling folder, renamed into place only when complete (a
rename to a new name is atomic), then ``LATEST`` is replaced atomically, and only then is the previous
checkpoint deleted. A crash at any moment leaves ``LATEST`` naming a complete checkpoint, or no
``LATEST`` and no checkpoint at all. Checkpoint files are our own and may be unpickled by Accelerate
(``pytorch_model.bin``, ``optimizer.bin``, ``random_states_*.pkl``, with ``weights_only``); the
schedule's state is JSON, not a pickle. Model files handed to others are :mod:`rnnkit.train.modelfile`
folders, which never are.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from rnnkit.utils import strict_json
from rnnkit.utils.atomic import write_text_atomic
from rnnkit.utils.dist import is_main_process
from rnnkit.utils.errors import RnnkitError

if TYPE_CHECKING:
    from rnnkit.utils.runs import RunFolder

CHECKPOINTS = "checkpoints"
LATEST = "LATEST"
STATE_NAME = "trainer_state.json"
BEST_NAME = "best.safetensors"
_NAME = re.compile(r"^epoch-(\d+)$")


@dataclass
class LoopState:
    """The loop's own counters, saved beside Accelerate's state.

    Attributes:
        epoch: the last finished epoch (0 before training).
        best: the best value of the monitored metric so far.
        best_epoch: the epoch that reached it (0 when none has).
        bad_epochs: epochs since the last improvement (the patience counter).
        history: one dict of metrics per finished epoch.
        stopped_early: whether patience ran out.
        scheduler: the learning-rate schedule's ``state_dict()`` (None without a schedule).
    """

    epoch: int = 0
    best: float = float("nan")
    best_epoch: int = 0
    bad_epochs: int = 0
    history: list[dict[str, float]] = field(default_factory=list)
    stopped_early: bool = False
    scheduler: dict[str, Any] | None = None

    def to_json(self) -> str:
        # Standard JSON: the best metric starts as NaN, a plateau schedule's best as inf.
        return strict_json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> LoopState:
        return cls(**strict_json.loads(text))


def latest_checkpoint(run_dir: str | Path) -> Path | None:
    """The newest complete checkpoint folder in ``run_dir``, or None when there is none."""
    root = Path(run_dir) / CHECKPOINTS
    pointer = root / LATEST
    if pointer.is_file():
        folder = root / pointer.read_text(encoding="utf-8").strip()
        if (folder / STATE_NAME).is_file():
            return folder
    # No pointer (or a stale one): fall back to the newest folder that holds the completion marker.
    found = sorted(
        (int(m.group(1)), p)
        for p in (root.iterdir() if root.is_dir() else [])
        if (m := _NAME.match(p.name)) and (p / STATE_NAME).is_file()
    )
    return found[-1][1] if found else None


def clear_run(run_dir: str | Path) -> None:
    """Remove an earlier run's checkpoints and metric log from ``run_dir`` (other files stay).

    Under a multi-process launch only the main process deletes (the others write nothing either).
    """
    if not is_main_process():
        return
    run_dir = Path(run_dir)
    shutil.rmtree(run_dir / CHECKPOINTS, ignore_errors=True)
    (run_dir / "metrics.csv").unlink(missing_ok=True)


def begin_run(
    run: RunFolder,
    settings: dict[str, Any],
    state: dict[str, Any] | None = None,
    may_differ: Iterable[str] = ("--epochs",),
) -> dict[str, Any]:
    """Start or continue the training run in ``run`` (:meth:`RunFolder.begin`); the state to use.

    A fresh run first clears an older run's checkpoints and metric log (before ``run.json``, so they can
    never pass for this run's); a resumed one continues from the newest checkpoint, or fails in one line.
    """
    if run.resume:
        return run.begin(settings, latest_checkpoint(run.path), may_differ, state)
    clear_run(run.path)
    return run.begin(settings, None, may_differ, state)


def hint_on_interrupt(run: RunFolder) -> AbstractContextManager[None]:
    """Ctrl-C inside the block says how to continue when ``run`` holds a checkpoint."""
    return run.hint_on_interrupt(lambda: latest_checkpoint(run.path))


def save_checkpoint(
    accelerator: Any, run_dir: str | Path, state: LoopState, best_weights: dict[str, torch.Tensor] | None
) -> Path:
    """Write a complete checkpoint for ``state.epoch``; every process must call this.

    Accelerate writes the model, optimizer, scaler and each process's random states; the main process
    adds the best weights and the loop state, publishes the folder and deletes older checkpoints.
    """
    from safetensors.torch import save_file

    root = Path(run_dir) / CHECKPOINTS
    name = f"epoch-{state.epoch:04d}"
    final = root / name
    tmp = root / f".{name}.tmp"
    if accelerator.is_main_process:
        shutil.rmtree(tmp, ignore_errors=True)  # left by a crash mid-write
        tmp.mkdir(parents=True)
    accelerator.wait_for_everyone()
    # torch.save, not safetensors, for the model here: cuDNN RNNs keep their weights as views of one
    # flat buffer, which Accelerate's safetensors path mistakes for tied weights and drops.
    handle = accelerator.register_save_state_pre_hook(_plain_names)
    try:
        accelerator.save_state(str(tmp), safe_serialization=False)
    finally:
        handle.remove()
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        if best_weights is not None:
            tensors = {k: v.detach().to("cpu").contiguous() for k, v in best_weights.items()}
            save_file(tensors, str(tmp / BEST_NAME))
        # The loop state is written last: its presence marks the folder complete.
        write_text_atomic(tmp / STATE_NAME, state.to_json())
        shutil.rmtree(final, ignore_errors=True)  # a same-numbered leftover of an earlier run
        os.replace(tmp, final)
        write_text_atomic(root / LATEST, name + "\n")
        for old in root.iterdir():
            if old.is_dir() and old != final and _NAME.match(old.name):
                shutil.rmtree(old, ignore_errors=True)
    accelerator.wait_for_everyone()
    return final


def load_checkpoint(accelerator: Any, folder: Path) -> tuple[LoopState, dict[str, torch.Tensor] | None]:
    """Restore Accelerate's state from ``folder`` and return the loop state and the best weights.

    A checkpoint that does not fit the model or optimizer raises a one-line :class:`RnnkitError`.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        state = LoopState.from_json((folder / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise RnnkitError(f"checkpoint {folder} is unreadable ({exc.__class__.__name__})") from None
    # Saved under the plain model's names; a DDP-wrapped model wants its "module." prefix back.
    handles = [model.register_load_state_dict_pre_hook(_names_for_model) for model in accelerator._models]
    try:
        accelerator.load_state(str(folder))
        best = load_file(str(folder / BEST_NAME)) if (folder / BEST_NAME).is_file() else None
    except (RuntimeError, ValueError, KeyError, OSError, SafetensorError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise RnnkitError(f"checkpoint {folder} does not fit this model or optimizer: {first}") from None
    finally:
        for handle in handles:
            handle.remove()
    if best is not None:
        device = accelerator.device
        best = {k: v.to(device) for k, v in best.items()}
    return state, best


_DDP_PREFIX = "module."


def _plain_names(models: list, weights: list[dict[str, torch.Tensor]], output_dir: str) -> None:
    """Accelerate save hook: store DDP-wrapped weights under the plain model's names.

    A checkpoint then loads on any number of processes: one (no wrapper) or several (DDP).
    """
    from torch.nn.modules.utils import consume_prefix_in_state_dict_if_present

    for state in weights:
        consume_prefix_in_state_dict_if_present(state, _DDP_PREFIX)


def _names_for_model(module: torch.nn.Module, state_dict: dict, prefix: str, *args: Any) -> None:
    """``load_state_dict`` pre-hook: the names ``module`` expects, whichever way the checkpoint was saved.

    A DDP wrapper (it has ``.module``) wants every key under ``module.``; a plain model wants none
    (checkpoints written before names were made plain carry the prefix).
    """
    from torch.nn.modules.utils import consume_prefix_in_state_dict_if_present

    if prefix:
        return
    if isinstance(module, torch.nn.parallel.DistributedDataParallel):
        for key in [k for k in state_dict if not k.startswith(_DDP_PREFIX)]:
            state_dict[_DDP_PREFIX + key] = state_dict.pop(key)
    else:
        consume_prefix_in_state_dict_if_present(state_dict, _DDP_PREFIX)


def has_random_state(folder: Path, process_index: int) -> bool:
    """Whether ``folder`` holds process ``process_index``'s random state (not when saved by fewer)."""
    return (Path(folder) / f"random_states_{process_index}.pkl").is_file()
