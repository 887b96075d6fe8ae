"""Run folders of the training commands: ``--out`` and ``--resume`` at the application level.

A training command's ``--out`` is its run folder: everything one run makes lives in it, the model in
``OUT/model`` (the portable folder, replaced whole when saved), beside it what ``--resume`` needs
(``checkpoints/``, ``metrics.csv``, ``run.json``) and the command's reports and plots.

The training engine (:mod:`rnnkit.train`) writes ``metrics.csv`` and resumable checkpoints into a run
folder and resumes bit for bit. What it cannot know is what the application built *before* training
from the data and the options: tokenizers, vocabularies, scalers, the split. This module keeps that
beside the checkpoints, so that ``--resume`` continues exactly the run that was started:

- ``run.json``: the run's settings (options, data source, a fingerprint of the data as read) and the
  application's state (scalers, vocabulary size, ...), written when a fresh run starts;
- other files the application stores (:meth:`RunFolder.write_file`; tokenizers, vocabularies).

On ``--resume`` the settings of the command are compared with those saved: any difference other than
the ones that may change (``--epochs``, to train longer) is a one-line error naming it, never a silent
mix of two runs. A fresh run replaces the saved settings.

This module is plain JSON and files (utils sits at the bottom of the import graph); the application
asks the engine where the newest checkpoint is and passes it in.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnnkit.utils.atomic import write_bytes_atomic, write_text_atomic
from rnnkit.utils.dist import is_main_process, shared_folder_hint
from rnnkit.utils.errors import Interrupted, RnnkitError, Terminated
from rnnkit.utils.leftovers import old_name
from rnnkit.utils.locks import LOCK_NAME, check_not_held, lock_name
from rnnkit.utils.markers import MODEL_KIND, MODEL_SUBFOLDER, Mark, dot_old_copy, read_mark

SETTINGS_NAME = "run.json"
# What every training run writes in its run folder besides its model (the engine's metrics.csv and
# checkpoints, the settings here); each application adds its own (claim_run's ``writes``).
RUN_ENTRIES = (SETTINGS_NAME, "metrics.csv", "checkpoints/")
OLD_RUN_SUFFIX = ".run"  # before --out was the run folder: the model in OUT, its run in OUT.run


def check_not_old_layout(out: Path, application: str) -> None:
    """Refuse, in one line saying what to do, an ``--out`` laid out as before ``--out`` was the run folder.

    Then ``--out`` was the model folder and its run went beside it in ``OUT.run``. That run folder is a
    run folder of today's layout without ``model/``, so ``--out OUT.run --resume`` continues it. Two
    old layouts are recognised: ``out`` is a model folder of ``application``, or ``out`` holds
    ``model/`` and ``model.run/`` (the old default ``--out runs/APP/model``, asked for as ``runs/APP``).

    Raises:
        RnnkitError: ``out`` is such a folder.
    """
    out = Path(out)
    run_mark, model_mark = Mark(application, "run"), Mark(application, MODEL_KIND)
    named = out if out.name not in ("", ".", "..") else out.resolve()
    if read_mark(out) == model_mark and named.name == MODEL_SUBFOLDER and read_mark(named.parent) == run_mark:
        # today's layout: RUN/model given for RUN; it was called a folder of the old layout
        raise RnnkitError(
            f"--out {out} is the model folder of the run {named.parent}; give the run folder: "
            f"--out {named.parent} (with --resume to continue it)"
        )
    if read_mark(out) == model_mark:
        old_run, what = named.with_name(named.name + OLD_RUN_SUFFIX), "is a model folder"
    elif read_mark(out) is None and read_mark(out / MODEL_SUBFOLDER) == model_mark:
        old_run, what = out / (MODEL_SUBFOLDER + OLD_RUN_SUFFIX), "holds a model/ folder but is no run folder"
    else:
        return
    hint = (
        f"to continue its run, use --out {old_run} (with --resume; the model then goes to {old_run}/model)"
        if read_mark(old_run) == run_mark
        else "choose a new --out"
    )
    raise RnnkitError(
        f"--out {out} {what} of the layout before --out became the run folder (the model now goes to "
        f"OUT/{MODEL_SUBFOLDER}, checkpoints to OUT/checkpoints); {hint}"
    )


def claim_run(
    out: Path,
    resume: bool,
    application: str,
    inputs: Iterable[str | os.PathLike | None] = (),
    old_layout: bool = True,
    newest_checkpoint: Callable[[Path], Path | None] | None = None,
    writes: Iterable[str] = (),
) -> tuple[RunFolder, Path]:
    """Check and hold a training command's ``--out`` before any work: the run folder to train in and
    the model folder ``OUT/model`` to save to.

    ``out`` is claimed as the application's run folder and ``OUT/model`` as its model folder, replaced
    whole (:func:`rnnkit.utils.outputs.claim_outputs`: never written into when someone else's, unless
    ``--force``; locked for the command). With ``old_layout`` (the applications whose ``--out`` was
    the model folder) and without ``--force``, an ``--out`` of the old layout is refused first
    (:func:`check_not_old_layout`). With ``newest_checkpoint`` (the engine's
    :func:`~rnnkit.train.checkpoint.latest_checkpoint`), a fresh run into a folder whose last run stopped
    before saving its model is refused unless ``--force`` (:func:`check_no_unfinished_run`), and so is
    a fresh run into a folder holding a finished run of the application (:func:`check_no_finished_run`).
    ``writes``: the names the application writes in the run folder besides :data:`RUN_ENTRIES` and its
    model (its plots, reports, tokenizers; ``"name/"`` for a folder), each checked before any work and
    never written over a user's own entry of that name (``--force`` into a user's folder).
    """
    from rnnkit.utils.outputs import Output, claim_outputs, force_given

    # Both checks only read, and every process of a launch makes them: a refusal in process 0 alone
    # left the others waiting to join a process group it never joined (until the launcher killed
    # them, or torch's 30-minute timeout under one that does not).
    out = Path(out)
    if old_layout and not force_given():
        check_not_old_layout(out, application)
    model = out / MODEL_SUBFOLDER
    claim_outputs([Output.folder("--out", out, application, "run", writes=(*RUN_ENTRIES, *writes)),
                   Output.whole("--out", model, application, MODEL_KIND)], inputs=inputs)  # fmt: skip
    if not is_main_process():  # process 0 has locked them, or refuses: another command holds them
        check_not_held(out / LOCK_NAME, f"--out {out}")
        check_not_held(out / lock_name(model.name), f"--out {model}")
    if not resume and not force_given():
        newest = None if newest_checkpoint is None else newest_checkpoint(out)
        check_no_unfinished_run(out, newest)
        check_no_finished_run(out, newest)
    return RunFolder(out, resume=resume), model


def check_no_unfinished_run(out: Path, newest: Path | None) -> None:
    """Refuse to start afresh over an interrupted run: a fresh run clears the run's checkpoints, and a
    user who forgot ``--resume`` would lose hours of training. A run is unfinished when its ``newest``
    checkpoint is newer than its saved model (or no model was saved); a finished run is
    :func:`check_no_finished_run`'s."""
    if newest is None:
        return
    try:
        newest_time = newest.stat().st_mtime
    except OSError:  # cleared meanwhile by process 0 of a launch, whose run was finished
        return
    saved = _saved_model_time(out / MODEL_SUBFOLDER)
    if saved is None or saved < newest_time:
        raise unfinished_run(out, f"its newest checkpoint, {newest.name}, has no model saved after it")


def unfinished_run(out: Path, detail: str, clears: str = "its checkpoints") -> RnnkitError:
    """The refusal of a fresh run over the interrupted one in ``out`` (``detail``: what shows it, in
    parentheses; ``clears``: what ``--force`` deletes), one wording for every command that resumes."""
    return RnnkitError(
        f"{out} holds an unfinished run ({detail}): continue it with --resume, or start over with --force "
        f"(which clears {clears}){_dot_old_note(out)}"
    )


def finished_run(out: Path, detail: str, longer: str = "") -> RnnkitError:
    """The refusal of a fresh run over the finished one in ``out`` (``detail``: what it holds and when,
    in parentheses; ``longer``: how ``--resume`` continues it, ``""`` where it cannot), one wording for
    every command that trains into a run folder (the training commands, ``explain``)."""
    return RnnkitError(
        f"{out} holds a finished run ({detail}): replace it with --force{longer}, or choose another --out"
        f"{_dot_old_note(out)}"
    )


def check_no_finished_run(out: Path, newest: Path | None) -> None:
    """Refuse to start afresh over a finished run: a fresh run replaces its model and clears its
    checkpoints, and a command rerun from the shell's history lost hours of training (a translate run
    takes up to an hour) where replacing an output file, or a folder another command wrote, already
    needed ``--force``. A run is finished when its model is saved in ``OUT/model`` (or waits as
    ``.model.rnnkit-old``, which process 0 of a launch may be moving back: every process decides
    alike). ``newest``: the run's newest checkpoint, which ``--resume`` would continue from."""
    saved = _saved_model_time(out / MODEL_SUBFOLDER)
    if saved is None:
        return
    when = local_minute(saved)
    epochs = _epochs_of(newest)
    trained = f", {epochs} epoch{'s' * (epochs != 1)} trained" if epochs else ""
    # the epochs --resume would need are the run's budget's, which an early stop leaves unknown here: the
    # advice "--resume --epochs 12" of a run that stopped at 11 under a budget of 167 was refused in turn
    longer = ", continue it with --resume (with a larger --epochs to train longer)" if epochs else ""
    raise finished_run(out, f"its model saved {when}{trained}", longer)


def start_afresh(out: Path, plain: str, newest: Path | None = None) -> str:
    """The advice where ``--resume`` cannot continue the run in ``out``: ``plain`` (to train without
    --resume), unless a fresh run without --force is refused over ``out`` (:func:`claim_run`): it holds
    a finished run (:func:`check_no_finished_run`) or checkpoints (``newest``: its newest one, as
    ``claim_run``'s ``newest_checkpoint`` finds it; :func:`check_no_unfinished_run`). "train without
    --resume" was then refused in turn, and that refusal advised --resume again."""
    if newest is None and _saved_model_time(Path(out) / MODEL_SUBFOLDER) is None:
        return plain
    return AFRESH


AFRESH = "start afresh with --force in place of --resume (it clears the run), or with another --out"
"""How to start over a run that --resume cannot continue (e4b77495: "without --resume" was refused)."""


def local_minute(seconds: float) -> str:
    """A file time as a refusal names it: ``2026-12-07 13:05``, local time."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


def _epochs_of(checkpoint: Path | None) -> int | None:
    """The epochs a run had trained at ``checkpoint`` (the engine's ``epoch-NNNN``), or None."""
    found = None if checkpoint is None else re.fullmatch(r"epoch-(\d+)", checkpoint.name)
    return int(found.group(1)) if found else None


def _dot_old_note(out: Path) -> str:
    """:func:`~rnnkit.utils.markers.dot_old_copy`'s note on a model waiting as ``OUT/.model.old`` where
    ``OUT/model`` is missing (an rnnkit before 2026-12-07 killed between its two renames left it there,
    and none moves it back now), else ``""``: a refusal said "no model saved" of such a run."""
    return "" if os.path.lexists(out / MODEL_SUBFOLDER) else dot_old_copy(out)


def _saved_model_time(model: Path) -> float | None:
    """When the model folder was saved; None when there is none.

    A model whose replacement was cut between its two renames waits as ``.model.rnnkit-old``, which process 0
    of a launch may be moving back (:func:`rnnkit.utils.leftovers.restore`) while another process
    looks: it counts as the saved model, in every process alike (the model is looked for again after
    it, in case it moved in between).
    """
    for folder in (model, model.with_name(old_name(model.name)), model):
        with contextlib.suppress(OSError):
            if folder.is_dir():
                return folder.stat().st_mtime
    return None


def fingerprint(*parts: Any) -> str:
    """``sha256:<hex>`` of ``parts``: bytes, strings, numpy arrays or JSON-serialisable values."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes | bytearray | memoryview):
            data = bytes(part)
        elif isinstance(part, str):
            data = part.encode("utf-8")
        elif hasattr(part, "tobytes") and hasattr(part, "dtype"):  # numpy arrays (and tensors via .numpy())
            data = f"{part.dtype}{tuple(part.shape)}".encode() + part.tobytes()
        else:
            data = json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return "sha256:" + digest.hexdigest()


def _jsonable(value: Any) -> Any:
    """``value`` as it reads back from JSON (tuples become lists, paths strings)."""
    return json.loads(json.dumps(value, default=str))


def _show(value: Any) -> str:
    if isinstance(value, str) and value.startswith("sha256:"):
        return value[:19]
    return json.dumps(value, ensure_ascii=False, default=str)


def first_difference(saved: dict, now: dict, may_differ: Iterable[str] = ()) -> str | None:
    """A phrase naming the first setting that differs between ``saved`` and ``now``, or None."""
    from rnnkit.utils.config_keys import ADDED_OPTIONS, OLD_OPTIONS

    skip = set(may_differ)
    saved, now = _jsonable(saved), _jsonable(now)
    # a run begun before one vocabulary saved --hidden where the command now says --hidden-size
    old = {k: OLD_OPTIONS[k] for k in saved if k in OLD_OPTIONS and k not in now and OLD_OPTIONS[k] in now}
    saved = {old.get(k, k): v for k, v in saved.items()}
    # a run begun before an option existed trained with the value it had then
    saved = {**{k: v for k, v in ADDED_OPTIONS.items() if k in now}, **saved}
    keys = list(saved) + [k for k in now if k not in saved]
    # Options first: a fingerprint of data read with them differs *because* an option did.
    keys.sort(key=lambda k: isinstance(saved.get(k), str) and saved[k].startswith("sha256:"))
    for key in keys:
        if key in skip or saved.get(key) == now.get(key):
            continue
        old, new = saved.get(key), now.get(key)
        if isinstance(old, str) and old.startswith("sha256:"):
            # a fingerprint of what was read: the files changed, or an upgrade reads or splits them
            # otherwise (a caption split rule did), which a user who touched nothing must be told
            return (
                f"{key} changed since the run started ({_show(old)}..., now {_show(new)}...): the files "
                "differ, or this version of rnnkit reads or splits them otherwise"
            )
        return f"{key} was {_show(old)} when the run started, now {_show(new)}"
    return None


@dataclass
class RunFolder:
    """Where a training run keeps ``metrics.csv``, ``checkpoints/``, ``run.json`` and stored files.

    Args:
        path: the run folder (a training command's ``--out``; created when needed).
        resume: continue the run whose newest checkpoint is there, instead of starting afresh.
    """

    path: Path
    resume: bool = False

    def __post_init__(self) -> None:
        self.path = Path(self.path)

    def begin(
        self,
        settings: dict[str, Any],
        checkpoint: Path | None,
        may_differ: Iterable[str] = ("--epochs",),
        state: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Start or continue the run; return the application state to use.

        A fresh run records ``settings`` and ``state`` (clear the engine's old checkpoints first). A
        resumed run needs ``checkpoint`` (the newest one, as the engine finds it) and settings equal to
        the saved ones except ``may_differ``; it returns the saved state, not ``state``.

        Raises:
            RnnkitError: resume without a checkpoint, an unreadable ``run.json``, or a setting that
                differs from the run's.
        """
        if not self.resume:
            doc = {"settings": _jsonable(settings), "state": _jsonable(state or {})}
            write_text_atomic(self.path / SETTINGS_NAME, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
            return doc["state"]
        if checkpoint is None:
            raise RnnkitError(
                f"nothing to resume: no checkpoint in {self.path}{shared_folder_hint()}; "
                + start_afresh(self.path, "train without --resume to start")
            )
        try:
            doc = json.loads((self.path / SETTINGS_NAME).read_text(encoding="utf-8"))
            saved, saved_state = doc["settings"], doc["state"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RnnkitError(
                f"cannot resume: {self.path / SETTINGS_NAME} is missing or unreadable ({exc.__class__.__name__})"
                + shared_folder_hint()
            ) from None
        diff = first_difference(saved, settings, may_differ)
        if diff is not None:
            raise RnnkitError(
                f"cannot resume the run in {self.path}: {diff}; use the run's settings, or {AFRESH}"
            )
        return saved_state

    def record(self, settings: dict[str, Any], keys: Iterable[str]) -> None:
        """Write into ``run.json`` the values ``settings`` has for ``keys``, the rest kept (atomically).

        A resumed run whose ``keys`` may differ (:meth:`begin`'s ``may_differ``: a corpus moved, the same
        data at a new path) records what it used, so that a later resume names the current value: it
        named the first path, a file that no longer existed. Only the main process of a launch writes,
        and only where a value changed; nothing is written without a readable ``run.json``.
        """
        if not is_main_process():
            return
        path = self.path / SETTINGS_NAME
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            saved = doc["settings"]
        except (OSError, ValueError, KeyError, TypeError):
            return
        now = _jsonable({k: settings.get(k) for k in keys})
        if not isinstance(saved, dict) or all(saved.get(k) == v for k, v in now.items()):
            return
        doc["settings"] = {**saved, **now}
        write_text_atomic(path, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")

    def write_file(self, name: str, data: bytes) -> Path:
        """Store ``data`` as ``name`` in the run folder (atomically)."""
        return write_bytes_atomic(self.path / name, data)

    def read_file(self, name: str) -> bytes:
        """The bytes stored as ``name``; a one-line error when the file is gone."""
        try:
            return (self.path / name).read_bytes()
        except OSError:
            raise RnnkitError(
                f"cannot resume: {self.path / name} is missing from the run folder{shared_folder_hint()}"
            ) from None

    @contextlib.contextmanager
    def hint_on_interrupt(
        self, checkpoint: Callable[[], Path | None], describe: Callable[[Path], str] | None = None
    ) -> Iterator[None]:
        """Turn Ctrl-C inside the block into :class:`Interrupted` saying how to continue.

        ``checkpoint()`` is asked for the newest checkpoint (or other saved work) after the
        interruption; without one the ``KeyboardInterrupt`` goes on unchanged (there is nothing to
        resume). ``describe(found)`` words what was kept, in the hint's parentheses; by default
        ``checkpoints in <found's folder>``.
        """
        try:
            yield
        except Interrupted:
            raise
        except KeyboardInterrupt as exc:
            found = checkpoint()
            if found is None:
                raise
            kept = describe(found) if describe is not None else f"checkpoints in {found.parent}"
            raise Interrupted(
                f"continue with the same command and --resume ({kept})",
                terminated=isinstance(exc, Terminated),
            ) from None
