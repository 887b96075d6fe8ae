"""Resumable training checkpoints in the run folder, written so that a crash never leaves a broken one.

Layout of ``<run_dir>/checkpoints/``::

    epoch-0004/            one complete checkpoint (the newest; older ones are deleted)
      pytorch_model.bin    model weights           } Accelerate's save_state: model, optimizer,
      optimizer.bin        optimizer state         } gradient scaler and the random states of
      random_states_0.pkl  Python/NumPy/torch RNG  } every process (random_states_<rank>.pkl each,
                                                   } all written by process 0)
      best.safetensors     the best weights so far (ours)
      manifest.json        size and SHA-256 of each file above, checked before a resume (ours)
      trainer_state.json   epoch, best metric, patience counter, history, the learning-rate
                           schedule's state (ours, plain JSON; written last)
    LATEST                 the name of the newest complete checkpoint

Atomicity: a checkpoint is built in a hidden sibling folder, renamed into place only when complete (a
rename to a new name is atomic), then ``LATEST`` is replaced atomically, and only then is the previous
checkpoint deleted. A crash at any moment leaves ``LATEST`` naming a complete checkpoint, or no
``LATEST`` and no checkpoint at all. Under a multi-process launch process 0 (the global rank 0) writes
every file, the other processes' random states included (:func:`_save_state_from_main`).

Checkpoint files are our own and may be unpickled by Accelerate (``pytorch_model.bin``,
``optimizer.bin``, ``random_states_*.pkl``, with ``weights_only``); the schedule's state is JSON, not a
pickle. Model files handed to others are :mod:`rnnkit.train.modelfile` folders, which never are.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from rnnkit.utils import strict_json
from rnnkit.utils.atomic import (
    UnconfirmedWrite,
    WriteError,
    failed_write,
    may_empty,
    save_safetensors,
    sync_folder_tree,
    sync_parent,
    write_protected_part,
    write_text_atomic,
)
from rnnkit.utils.dist import is_main_process
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.outputs import CHECKPOINTS  # declared once, where the output rules refuse writing in it

if TYPE_CHECKING:
    from rnnkit.utils.runs import RunFolder

LATEST = "LATEST"
STATE_NAME = "trainer_state.json"
BEST_NAME = "best.safetensors"
MANIFEST_NAME = "manifest.json"
_NAME = re.compile(r"^epoch-(\d+)$")
_TEMP = re.compile(r"^\.epoch-\d+\.tmp$")


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
        """Read and check a saved loop state; ``ValueError`` names the first field that is wrong."""
        doc = strict_json.loads(text)
        if not isinstance(doc, dict):
            raise ValueError("the loop state is not a JSON object")
        unknown = sorted(set(doc) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r}")
        state = cls(**doc)
        state.check()
        return state

    def check(self) -> None:
        """Raise ``ValueError`` naming the first field of the wrong type or out of step with the others."""

        def count(value: Any) -> bool:
            return isinstance(value, int) and not isinstance(value, bool) and value >= 0

        def number(value: Any) -> bool:
            return isinstance(value, int | float) and not isinstance(value, bool)

        for name in ("epoch", "best_epoch", "bad_epochs"):
            if not count(getattr(self, name)):
                raise ValueError(f"{name} must be a whole number >= 0, not {getattr(self, name)!r}")
        if not number(self.best):
            raise ValueError(f"best must be a number, not {self.best!r}")
        if not isinstance(self.stopped_early, bool):
            raise ValueError(f"stopped_early must be true or false, not {self.stopped_early!r}")
        if self.scheduler is not None and not isinstance(self.scheduler, dict):
            raise ValueError("scheduler must be an object or null")
        if not isinstance(self.history, list) or not all(
            isinstance(row, dict) and all(isinstance(k, str) and number(v) for k, v in row.items())
            for row in self.history
        ):
            raise ValueError("history must be a list of objects of numbers")
        if len(self.history) != self.epoch:
            raise ValueError(f"history holds {len(self.history)} epochs, epoch says {self.epoch}")
        if self.best_epoch > self.epoch or self.bad_epochs > self.epoch:
            raise ValueError(
                f"best_epoch {self.best_epoch} or bad_epochs {self.bad_epochs} exceed epoch {self.epoch}"
            )


def latest_checkpoint(run_dir: str | Path) -> Path | None:
    """The newest complete checkpoint folder in ``run_dir``, or None when there is none."""
    root = Path(run_dir) / CHECKPOINTS
    try:
        name = (root / LATEST).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):  # missing, a folder, not text
        name = ""
    # Only a checkpoint of this run: a pointer naming another folder (../other-run/...) is no pointer.
    if _NAME.match(name) and (root / name / STATE_NAME).is_file():
        return root / name
    # No pointer (or a stale or damaged one): fall back to the newest folder that holds the completion marker.
    found = sorted(
        (int(m.group(1)), p)
        for p in (root.iterdir() if root.is_dir() else [])
        if (m := _NAME.match(p.name)) and (p / STATE_NAME).is_file()
    )
    return found[-1][1] if found else None


def clear_run(run_dir: str | Path) -> None:
    """Remove an earlier run's checkpoints and metric log from ``run_dir``.

    Only what the engine writes goes: ``epoch-NNNN`` folders holding a loop state, their temporary
    folders, ``LATEST``; a ``checkpoints/`` folder left empty is removed too. Anything else a user keeps
    there stays (rnnkit never deletes what it did not write). Under a multi-process launch only the
    main process deletes (the others write nothing either).
    """
    if not is_main_process():
        return
    run_dir = Path(run_dir)
    root = run_dir / CHECKPOINTS
    check_clearable(run_dir)
    for entry in _engine_entries(root):
        if not os.path.lexists(entry):
            # a killed deletion's .epoch-NNNN.tmp, listed above, that discarding its epoch-NNNN took
            # over and deleted: unlinked here, it failed the fresh run ('No such file or directory')
            continue
        if entry.is_dir() and _NAME.match(entry.name):
            _discard(entry)
        elif entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink()
    if root.is_dir() and not root.is_symlink() and not any(root.iterdir()):
        root.rmdir()
    (run_dir / "metrics.csv").unlink(missing_ok=True)


def _engine_entries(root: Path) -> list[Path]:
    """What the engine wrote in the checkpoints folder ``root`` and deletes in time: ``epoch-NNNN``
    folders holding a loop state, their temporary folders and ``LATEST``; never a user's file."""
    if not root.is_dir() or root.is_symlink():
        return []
    return [entry for entry in root.iterdir() if not entry.is_symlink() and _is_engine_entry(entry)]


def _is_engine_entry(entry: Path) -> bool:
    if entry.is_dir():
        return bool(_NAME.match(entry.name) and (entry / STATE_NAME).is_file() or _TEMP.match(entry.name))
    return entry.name == LATEST and entry.is_file()


def _stranger(root: Path) -> Path | None:
    """The first entry of the checkpoints folder ``root`` named like a checkpoint (``epoch-NNNN``) that the
    engine did not write: a folder holding something but no loop state, a file, a link (an empty folder
    holds nothing to lose). Training deleted every older ``epoch-NNNN`` folder and replaced a
    same-numbered one, so ``--force`` into a user's folder that kept its own ``checkpoints/epoch-0003/``
    deleted it at the first checkpoint."""
    if not root.is_dir() or root.is_symlink():
        return None
    for entry in sorted(root.iterdir()):
        if not _NAME.match(entry.name) or (not entry.is_symlink() and _is_engine_entry(entry)):
            continue
        if entry.is_symlink() or not entry.is_dir() or any(entry.iterdir()):
            return entry
    return None


def check_clearable(run_dir: str | Path) -> None:
    """Refuse, before any training, a run whose older checkpoints could not be deleted.

    A fresh run deletes them first, a resumed one after its next checkpoint. In a write-protected
    ``checkpoints/`` (or checkpoint) folder a fresh run deleted the files it could and failed on
    ``LATEST`` (``Permission denied``, the old checkpoint half gone), and a run left the protected
    checkpoint as a hidden ``.epoch-NNNN.tmp`` that its next checkpoint of that number then met
    (``File exists``).
    """
    root = Path(run_dir) / CHECKPOINTS
    stranger = _stranger(root)
    if stranger is not None:
        raise RnnkitError(
            f"{stranger} is not an rnnkit checkpoint (it holds no {STATE_NAME}), but training writes and "
            f"deletes the checkpoints of that name in {root}; move it away, or train in another folder"
        )
    entries = _engine_entries(root)
    if not entries:
        return
    blocked = None if may_empty(root) else root
    for entry in entries:
        if blocked is None and entry.is_dir():
            blocked = write_protected_part(entry)
    if blocked is not None:
        where = "it" if blocked == root else root
        raise RnnkitError(
            f"{blocked} is write-protected, and training deletes the older checkpoints in {where}; make it "
            "writable, or train in another folder"
        )


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
    check_clearable(run.path)  # in every process of a launch, so that all of them refuse alike
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

    root = Path(run_dir) / CHECKPOINTS
    name = f"epoch-{state.epoch:04d}"
    final = root / name
    tmp = root / f".{name}.tmp"
    try:
        if accelerator.is_main_process:
            shutil.rmtree(tmp, ignore_errors=True)  # left by a crash mid-write
            tmp.mkdir(parents=True)
        accelerator.wait_for_everyone()
        # torch.save, not safetensors, for the model here: cuDNN RNNs keep their weights as views of one
        # flat buffer, which Accelerate's safetensors path mistakes for tied weights and drops.
        handle = accelerator.register_save_state_pre_hook(_plain_names)
        try:
            if accelerator.num_processes == 1:
                accelerator.save_state(str(tmp), safe_serialization=False)
            else:
                _save_state_from_main(accelerator, tmp)
        finally:
            handle.remove()
        accelerator.wait_for_everyone()
        if accelerator.is_main_process:
            if best_weights is not None:
                tensors = {k: v.detach().to("cpu").contiguous() for k, v in best_weights.items()}
                save_safetensors(tensors, tmp / BEST_NAME)
            write_manifest(tmp)
            # The loop state is written last: its presence marks the folder complete.
            write_text_atomic(tmp / STATE_NAME, state.to_json())
            if _is_engine_entry(final):  # a same-numbered leftover of an earlier run; never a user's folder
                shutil.rmtree(final, ignore_errors=True)
            # Accelerate's files (model, optimizer, random states) are written unsynced: on the disk
            # before the name says the checkpoint is whole, else a power cut may leave them empty in it.
            sync_folder_tree(tmp)
            os.replace(tmp, final)
    except BaseException as exc:
        # A full disk, a Ctrl-C: the partial checkpoint goes at once; the previous one stays newest.
        if accelerator.is_main_process:
            shutil.rmtree(tmp, ignore_errors=True)
        reason = _write_failure(tmp, exc)
        if reason is None:
            raise
        raise RnnkitError(f"cannot write a checkpoint in {root}: {reason}") from None
    if accelerator.is_main_process:
        try:  # after the rename the checkpoint is in place: a failed sync is no "cannot write" of it
            sync_parent(final)
        except OSError as exc:
            raise UnconfirmedWrite(final, exc.strerror or str(exc)) from None
        write_text_atomic(root / LATEST, name + "\n")
        _remove_older(root, final)
    accelerator.wait_for_everyone()
    return final


def _write_failure(tmp: Path, exc: BaseException) -> str | None:
    """Why writing the checkpoint folder ``tmp`` failed (``No space left on device``); None when ``exc``
    is no failed write (a bug, Ctrl-C), which goes on unchanged.

    The files rnnkit adds (``best.safetensors``, ``manifest.json``) already fail as ``cannot write
    <tmp>/<file>: <reason>``; that names a hidden folder the failure has just removed, so only the
    reason is kept, as for Accelerate's files.
    """
    if isinstance(exc, WriteError):
        return exc.reason if exc.path == tmp or tmp in exc.path.parents else None
    error = failed_write(tmp, exc)
    return None if error is None else error.reason


def _remove_older(root: Path, newest: Path) -> None:
    """Delete every checkpoint in ``root`` but ``newest``, and the ``.epoch-NNNN.tmp`` a kill left.

    Each is renamed to a temporary name first: a kill mid-deletion leaves a ``.tmp``, never a
    half-deleted ``epoch-NNNN``. Such a ``.tmp`` (or a partial checkpoint's) is removed here too, at the
    next checkpoint: a resumed run never writes that name again, so it would stay for good. A folder
    named like a checkpoint without a loop state is not one, and stays (:func:`check_clearable` refuses
    one that holds anything before training; this is the second line).
    """
    for old in root.iterdir():
        if old.is_symlink() or not old.is_dir() or old == newest:
            continue
        if _TEMP.match(old.name):
            shutil.rmtree(old, ignore_errors=True)
        elif _is_engine_entry(old):
            _discard(old)


def _discard(old: Path) -> None:
    """Delete the checkpoint folder ``old``, renamed to its ``.epoch-NNNN.tmp`` first.

    A kill mid-deletion then leaves that temporary, which the next run removes, never a half-deleted
    ``epoch-NNNN``: one that lost its loop state but kept other files is no checkpoint any more, and
    every run after was refused as holding a user's folder of that name (:func:`check_clearable`),
    until it was deleted by hand.
    """
    trash = old.with_name(f".{old.name}.tmp")
    shutil.rmtree(trash, ignore_errors=True)
    os.replace(old, trash)
    try:
        shutil.rmtree(trash, ignore_errors=True)
    except BaseException:
        # a closed terminal or Ctrl-C mid-deletion (the run stops here): finish it first, or the
        # old checkpoint stays as a .tmp that only a next checkpoint of this run would remove
        shutil.rmtree(trash, ignore_errors=True)
        raise


def _save_state_from_main(accelerator: Any, tmp: Path) -> None:
    """Accelerate's ``save_state`` under several processes, with every file written by process 0.

    Left alone, Accelerate has each process write its own ``random_states_<rank>.pkl`` (and, with fp16,
    its own copy of ``scaler.pt``) into the checkpoint folder: on several nodes that is a write from
    every node, and on a node-local disk a stray part-checkpoint on each node other than the first.
    Here the other processes save into a private scratch folder instead (Accelerate writes the model
    and optimizer from process 0 only, so theirs holds just the random state, and the scaler), send
    their random state's bytes to process 0 (``gather_object``, gloo or NCCL), and process 0 writes
    ``random_states_<r>.pkl`` for every ``r``, byte for byte what Accelerate would have written. So one
    process, the global rank 0, writes the whole checkpoint; every process still reads its own random
    state on ``--resume`` (so the run folder must be on a file system every node sees).
    """
    import tempfile

    import torch.distributed as dist

    rank, world = accelerator.process_index, accelerator.num_processes
    name = f"random_states_{rank}.pkl"
    if accelerator.is_main_process:
        accelerator.save_state(str(tmp), safe_serialization=False)
        mine = (tmp / name).read_bytes()
    else:
        with tempfile.TemporaryDirectory(prefix="rnnkit-rank-state-") as scratch:
            accelerator.save_state(scratch, safe_serialization=False)
            mine = (Path(scratch) / name).read_bytes()
    gathered: list[Any] | None = [None] * world if accelerator.is_main_process else None
    dist.gather_object(mine, gathered, dst=0)
    if gathered is not None:
        for index, data in enumerate(gathered):
            if index != rank:
                (tmp / f"random_states_{index}.pkl").write_bytes(data)


def read_state(folder: Path) -> LoopState:
    """The checked loop state of the checkpoint ``folder``; a one-line error when it is unreadable,
    of the wrong types, or out of step with the folder's epoch."""
    try:
        state = LoopState.from_json((folder / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        reason = (
            str(exc).splitlines()[0] if isinstance(exc, ValueError) and str(exc) else exc.__class__.__name__
        )
        raise RnnkitError(f"cannot resume: {folder / STATE_NAME} is unreadable ({reason})") from None
    match = _NAME.match(folder.name)
    if match and int(match.group(1)) != state.epoch:
        raise RnnkitError(
            f"cannot resume: {folder} holds the state of epoch {state.epoch}, not {int(match.group(1))}"
        )
    return state


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path) -> Path:
    """Record the size and SHA-256 of every file in the checkpoint ``folder`` (``manifest.json``)."""
    files = {
        p.name: {"size": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name not in (MANIFEST_NAME, STATE_NAME)
    }
    return write_text_atomic(folder / MANIFEST_NAME, json.dumps({"files": files}, indent=1) + "\n")


def check_files(folder: Path, process_index: int = 0) -> None:
    """Refuse a checkpoint whose files are not exactly those written (a resume must never diverge).

    Accelerate skips a random-state file it cannot read with only a log message, so a damaged one would
    make the resumed run silently differ from an unbroken one: every file is checked against the
    checkpoint's ``manifest.json`` first. A checkpoint from before manifests must at least hold this
    process's random state in a readable form.

    Raises:
        RnnkitError: a file missing, of another size or content, or a manifest that is not one.
    """
    rng = folder / f"random_states_{process_index}.pkl"
    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        from accelerate.utils import load

        try:
            load(rng)  # Accelerate's own checkpoint file, read as Accelerate reads it
        except Exception as exc:  # noqa: BLE001 - any failure means the random state is lost
            raise RnnkitError(
                f"cannot resume: the random state {rng} is missing or unreadable ({exc.__class__.__name__}); "
                "the resumed run would not match an unbroken one: start over with --force instead of --resume"
            ) from None
        return
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        wanted = {str(k): (int(v["size"]), str(v["sha256"])) for k, v in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RnnkitError(f"cannot resume: {manifest} is unreadable ({exc.__class__.__name__})") from None
    if not any(re.fullmatch(r"random_states_\d+\.pkl", name) for name in wanted):
        raise RnnkitError(f"cannot resume: {folder} holds no random state for process {process_index}")
    # Without this process's own (the run had fewer processes), the engine seeds it afresh.
    for name, (size, digest) in wanted.items():
        path = folder / name
        if Path(name).name != name or not path.is_file():
            raise RnnkitError(
                f"cannot resume: {path} is missing from the checkpoint; start over with --force instead of --resume"
            )
        if path.stat().st_size != size or _sha256(path) != digest:
            raise RnnkitError(
                f"cannot resume: {path} is damaged (not the file that was written); start over with --force instead of --resume"
            )


def load_checkpoint(accelerator: Any, folder: Path) -> tuple[LoopState, dict[str, torch.Tensor] | None]:
    """Restore Accelerate's state from ``folder`` and return the loop state and the best weights.

    A checkpoint that does not fit the model or optimizer raises a one-line :class:`RnnkitError`.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    state = read_state(folder)
    check_files(folder, accelerator.process_index)
    # Saved under the plain model's names; a DDP-wrapped model wants its "module." prefix back.
    handles = [model.register_load_state_dict_pre_hook(_names_for_model) for model in accelerator._models]
    settings = [_group_settings(optimizer) for optimizer in accelerator._optimizers]
    try:
        accelerator.load_state(str(folder))
        best = load_file(str(folder / BEST_NAME)) if (folder / BEST_NAME).is_file() else None
    except (RuntimeError, ValueError, KeyError, OSError, SafetensorError) as exc:
        raise RnnkitError(f"checkpoint {folder} does not fit this model or optimizer: {_gist(exc)}") from None
    finally:
        for handle in handles:
            handle.remove()
    for optimizer, before in zip(accelerator._optimizers, settings, strict=True):
        lacking = before - _group_settings(optimizer)
        if lacking:
            # load_state_dict takes the saved groups' settings whole: an SGD resumed from an AdamW
            # checkpoint loaded, then failed in its first step with KeyError: 'momentum'. (A setting
            # a newer torch added is filled in by the optimizer itself, so only a lack is an error.)
            raise RnnkitError(
                f"checkpoint {folder} was written by another optimizer: its settings lack this one's "
                f"{', '.join(sorted(lacking))}; resume with the optimizer that started the run, or start "
                "over with --force instead of --resume"
            )
    if best is not None:
        device = accelerator.device
        best = {k: v.to(device) for k, v in best.items()}
    return state, best


def _group_settings(optimizer: Any) -> set[str]:
    """The names of an optimizer's own settings (``lr``, ``betas``, ``momentum``...) that its groups
    hold: its kind's mark. Only those in its ``defaults``: a scheduler adds its own (``initial_lr``),
    and a run started without one and resumed with --lr-schedule cosine lacks it, of the same optimizer."""
    own = set(optimizer.defaults)
    return {key for group in optimizer.param_groups for key in group if key in own}


def _gist(exc: BaseException) -> str:
    """An error's first line, with the line after it when the first only announces it.

    ``load_state_dict`` says "Error(s) in loading state_dict for Linear:" and only on the next line
    which weight did not fit; the two together, cut to a readable length.
    """
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if not lines:
        return exc.__class__.__name__
    gist = f"{lines[0]} {lines[1]}" if lines[0].endswith(":") and len(lines) > 1 else lines[0]
    return gist if len(gist) <= 300 else gist[:297] + "..."


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
