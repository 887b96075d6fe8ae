"""How rnnkit recognises a folder it wrote: the ``.rnnkit`` marker.

Every output folder a command creates carries a small JSON file ``.rnnkit``::

    {"application": "forecast", "kind": "run", "rnnkit_version": "0.1.0"}

``application`` is the command group (``forecast``, ``translate``, ``caption``, ``explain``, ``demo``);
``kind`` says what the folder is (``run``, ``model``, ``dataset``, ``eval``, ``memory``, ...). A training
command's ``--out`` is a run folder that keeps its model in ``OUT/model``. A command
writes into an existing folder only when its marker names the same application and kind (or when the
folder is empty, or ``--force`` is given), so a model never replaces a data set and a training run never
writes into the user's documents.

A model folder is recognised by its ``config.json`` too (its ``application`` field, beside
``model.safetensors``), which every model rnnkit has saved carries, so model folders need no marker.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# read_json, not json.loads: a folder's config.json or mark comes from anywhere, and may be 2 GB or
# nested 100,000 deep (json.loads: a RecursionError traceback); read_json bounds both, in one line
from rnnkit.utils.schema import read_json

MARKER_NAME = ".rnnkit"
MODEL_KIND = "model"
MODEL_SUBFOLDER = "model"  # a training command's run folder (--out) keeps its model in OUT/model
# An explain command that trains many models (memory, gradient-flow; rnnkit.explain.resume.JobStore)
# trains each in its own run folder OUT/jobs/NAME, which carries no mark: its OUT is marked explain
JOBS_SUBFOLDER = "jobs"
# What ``caption generate-data`` writes into its --out (a folder marked caption/dataset); nothing else
# there is rnnkit's: the folder may hold the user's own files (rnnkit.utils.atomic.atomic_entries)
DATASET_ENTRIES = ("dataset.json", "images/", "README.md")


@dataclass(frozen=True)
class Mark:
    """What wrote a folder: the application and the kind of folder."""

    application: str
    kind: str

    def describe(self) -> str:
        if self.kind == self.application:  # the demo's folder: "an rnnkit demo folder", not "demo demo"
            return f"an rnnkit {self.application} folder"
        return f"an rnnkit {self.application} {self.kind} folder"


def _model_mark(folder: Path) -> Mark | None:
    """A model folder's mark from its ``config.json`` (None when it is not one)."""
    config = folder / "config.json"
    if not (config.is_file() and (folder / "model.safetensors").is_file()):
        return None
    try:
        application = read_json(config).get("application")
    except (ValueError, AttributeError):  # RnnkitError is a ValueError: unreadable, oversized or malformed
        return None
    return Mark(application, MODEL_KIND) if isinstance(application, str) and application else None


def read_mark(folder: str | os.PathLike) -> Mark | None:
    """The mark of ``folder``, or None when rnnkit did not write it (or it is not a folder)."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    marker = folder / MARKER_NAME
    if marker.is_file():
        try:
            doc = read_json(marker)
            mark = Mark(str(doc["application"]), str(doc["kind"]))
        except (ValueError, KeyError, TypeError):
            return None
        return mark
    return _model_mark(folder)


def find_model_folder(folder: str | os.PathLike) -> tuple[Path, Mark]:
    """``folder`` itself when it is a model folder, else its ``model`` subfolder when that is one.

    A training command's ``--out`` is its run folder and keeps the model in ``OUT/model``; every
    option that reads a model (``--model``, :func:`rnnkit.load`) accepts either folder through this.
    Anything else is a one-line :class:`~rnnkit.utils.errors.RnnkitError`.
    """
    from rnnkit.utils.errors import RnnkitError
    from rnnkit.utils.leftovers import restored  # which reads markers

    folder = Path(folder)
    # A model whose save a kill cut between its two renames waits as .NAME.rnnkit-old: moved back here,
    # or found where it waits on a read-only mount. rnnkit.load(RUN), `explain gates --model RUN` and
    # serve said "it is an rnnkit forecast run folder, not a model folder" of a finished run.
    here = restored(folder)
    inner = restored(here / MODEL_SUBFOLDER)
    found = model_folder_at(here)
    if found is None and inner.name != MODEL_SUBFOLDER:
        mark = read_mark(inner)
        found = (inner, mark) if mark is not None and mark.kind == MODEL_KIND else None
    if found is not None:
        return found
    mark = read_mark(folder)
    if not folder.exists():
        raise RnnkitError(
            f"cannot load {folder}: no such folder{dot_old_copy(folder) or unfinished_run(folder)}"
        )
    if not folder.is_dir():
        raise RnnkitError(file_not_model_folder(folder))
    if checkpoint := checkpoint_note(folder):
        raise RnnkitError(f"cannot load {folder}: {checkpoint}")
    what = (
        f"it is {mark.describe()}, not a model folder"
        if mark is not None
        else "it is not an rnnkit model folder (no config.json naming an application beside model.safetensors)"
    )
    raise RnnkitError(f"cannot load {folder}: {what}{dot_old_copy(folder) or unfinished_run(folder)}")


def checkpoint_note(folder: Path) -> str:
    """What to give instead of ``folder`` when it is a training run's checkpoints folder
    (``RUN/checkpoints``) or one checkpoint in it (``RUN/checkpoints/epoch-0001``), in words that follow
    "cannot load FOLDER: "; "" otherwise.

    A checkpoint holds what the train command's ``--resume`` reads (Accelerate's state, pickles among
    it), not a model folder: ``rnnkit.load(RUN/checkpoints/epoch-0001)`` said only "it is not an rnnkit
    model folder", and ``--model`` of it "config.json is missing", leaving the user to guess that the
    model is ``RUN/model``.
    """
    from rnnkit.utils.outputs import CHECKPOINTS  # which reads this module's names

    for seen, shown_as in _views(folder):
        if CHECKPOINTS in (seen.name, seen.parent.name):
            one = seen.name != CHECKPOINTS  # RUN/checkpoints/epoch-0001, else RUN/checkpoints
            run = seen.parent.parent if one else seen.parent
            what, shown = "a training checkpoint" if one else "the checkpoints folder", shown_as(run)
            break
    else:
        return _run_part_note(folder)
    mark = read_mark(run)
    is_run = (mark is not None and mark.kind == "run") or _is_job(run)
    if not is_run and not (mark is not None and mark.kind != MODEL_KIND and (run / "run.json").is_file()):
        return ""
    found = model_folder_at(shown)
    said = f"it is {what} of the run folder {shown} (what its command's --resume reads), not a model folder"
    if found is not None:
        return f"{said}: give the model folder {found[0]} (or the run folder {shown})"
    return f"{said}; the run has no model yet: run its command again with --resume to finish its training"


def _run_part_note(folder: Path) -> str:
    """What to give instead of ``folder`` when it is another folder of a run folder that holds a model
    (``translate train``'s ``RUN/average``, the last epochs' weights: "average" read as the averaged
    model, ``--model RUN/average`` said only "config.json is missing"); "" otherwise."""
    if not folder.is_dir() or read_mark(folder) is not None:
        # a folder with a mark of its own (a run trained into a folder of another run) is no part of
        # that run: the note for the folder itself (a run without its model: --resume) is the one to give
        return ""
    for seen, shown_as in _views(folder):
        mark = read_mark(seen.parent)
        if mark is not None and mark.kind == "run" and seen.name not in ("", ".", "..", MODEL_SUBFOLDER):
            shown = shown_as(seen.parent)
            break
    else:
        return ""
    found = model_folder_at(shown)
    if found is None:
        return ""
    return (
        f"it is the {seen.name}/ folder inside the run folder {shown} (what its training keeps), not a "
        f"model folder: give the model folder {found[0]} (or the run folder {shown})"
    )


def _views(folder: Path) -> list[tuple[Path, Callable[[Path], Path]]]:
    """``folder`` as typed, then absolute (``epoch-0001`` or ``.`` typed inside ``RUN/checkpoints``), then
    with its links resolved (``ck``, a link to ``RUN/checkpoints/epoch-0001``): each with how to name a
    folder seen through it to the user (as typed; else relative to the working folder when under it, else
    absolute). :func:`checkpoint_note` looked at the name as typed only, and said "config.json is
    missing" of a checkpoint given by a relative name from inside the run or through a link."""
    views: list[tuple[Path, Callable[[Path], Path]]] = [(folder, lambda p: p if str(p) else Path("."))]
    try:
        others = [Path(os.path.abspath(folder)), folder.resolve()]
    except (OSError, RuntimeError):  # a loop of links
        others = [Path(os.path.abspath(folder))]
    for other in others:
        if all(other != seen for seen, _ in views):
            views.append((other, _from_here))
    return views


def _from_here(path: Path) -> Path:
    """``path`` (absolute) relative to the working folder when under it, else as it is."""
    try:
        return path.relative_to(Path.cwd().resolve()) if path != Path.cwd().resolve() else Path(".")
    except (ValueError, OSError):
        return path


def unfinished_run(folder: Path) -> str:
    """A note for the run folder ``folder`` (or its missing ``model``) whose training wrote checkpoints
    but no model yet, killed or stopped before its end: it goes on with ``--resume``; "" otherwise.

    ``rnnkit.load(RUN)`` and ``explain ... --model RUN`` said only "it is an rnnkit forecast
    run folder, not a model folder" of a run a kill -9 had cut short, where the command line's loaders
    said how to finish it. Only a folder marked as an rnnkit run: any ``checkpoints/`` (PyTorch
    Lightning's ``lightning_logs/version_0``) got the note too, after "it is not an rnnkit model folder".
    An explain memory or gradient-flow job folder ``OUT/jobs/NAME`` is one too (:func:`_is_job`).
    """
    from rnnkit.utils.outputs import CHECKPOINTS  # which reads this module's names

    run = folder.parent if folder.name == MODEL_SUBFOLDER else folder
    mark = read_mark(run)
    is_run = (mark is not None and mark.kind == "run") or (mark is None and _is_job(run))
    if is_run and (run / CHECKPOINTS).is_dir():
        return " (a training run that did not finish? run its command again with --resume)"
    return ""


def _is_job(folder: Path) -> bool:
    """Whether ``folder`` is a job folder ``OUT/jobs/NAME`` of an explain command's run folder ``OUT``:
    a training run its command's ``--resume`` continues. It carries no mark of its own (only ``OUT``
    does), so a job killed before its model was saved got "it is not an rnnkit model folder" alone.
    Recognised by where it lies rather than by a run mark written into it: every reader of marks (the
    --resume and --force checks, the leftovers tidy-up, the loaders) would then have to tell a job
    from a top-level run, and job folders of runs begun before it would still lack the mark."""
    if folder.parent.name != JOBS_SUBFOLDER:
        return False
    out = read_mark(folder.parent.parent)
    return out is not None and out.application == "explain" and out.kind != MODEL_KIND


def dot_old_copy(folder: Path) -> str:
    """A note naming a model that waits as ``.NAME.old`` beside the missing model ``folder`` (or beside
    ``folder/model``, a run folder's), and how to move it back; "" when there is none.

    An rnnkit before 2026-12-07 moved the old folder aside as ``.model.old`` while the new one moved in; a
    kill between the two renames left the only copy of the model there, and so does a user's ``mv model
    .model.old``. That name is never touched now (:mod:`rnnkit.utils.leftovers`: no content tells a user's
    backup from a replacement's), so the loaders said only "config.json is missing (a training run that
    did not finish? ...)", or of its run folder "it is an rnnkit forecast run folder, not a model
    folder". It is named, never moved: whether it is the model wanted is the user's call.
    """
    for target in (folder / MODEL_SUBFOLDER, folder):
        if target.name in ("", ".", ".."):
            continue
        old = target.with_name(f".{target.name}.old")
        try:
            waiting = (old / "config.json").is_file() and (old / "model.safetensors").is_file()
        except OSError:  # a NAME of 251-255 bytes makes .NAME.old too long to exist: no copy (ENAMETOOLONG)
            continue
        if not waiting:
            continue
        move = f"mv {shlex.quote(str(old))} {shlex.quote(str(target))}"
        if target.is_dir():  # mv would put it inside; rmdir removes only an empty folder
            move = f"rmdir {shlex.quote(str(target))} && {move}"
        return (
            f"; {old} holds a model (a backup, or one an rnnkit before 2026-12-07 left there "
            f"when killed while replacing it): if it is the model you want, {move}"
        )
    return ""


def file_not_model_folder(path: str | os.PathLike, hint: str = "") -> str:
    """Why the file ``path``, given where a model folder is read, is none, in one line: naming the folder
    to give when it lies in one (``RUN/model/config.json``: ``RUN/model``; a run folder's ``RUN/run.json``:
    its model folder ``RUN/model``), since "not a model folder" alone leaves the user guessing which is.
    ``hint`` follows the plain case, a file in no model folder (what the caller's model folder is)."""
    path = Path(path)
    parent = path.parent
    found = model_folder_at(parent)
    if found is None and (checkpoint := checkpoint_note(parent)):
        return f"{path} is a file of {parent}: {checkpoint}"
    if found is None:
        return f"{path} is a file, not a model folder{hint}"
    if found[0] == parent:
        return f"{path} is a file of the model folder {parent}; give the folder itself, {parent}"
    return (
        f"{path} is a file of the run folder {parent}; give its model folder, {found[0]} "
        f"(or the run folder {parent})"
    )


def model_folder_at(folder: str | os.PathLike) -> tuple[Path, Mark] | None:
    """What :func:`find_model_folder` finds at ``folder`` (itself, or its ``model`` subfolder), or None
    where it would refuse: for callers that only ask (which folder does a file lie in?)."""
    folder = Path(folder)
    mark = read_mark(folder)
    if mark is not None and mark.kind == MODEL_KIND:
        return folder, mark
    inner = _inner_model(folder)
    return (folder / MODEL_SUBFOLDER, inner) if inner is not None else None


def model_folder_in(folder: str | os.PathLike) -> Path:
    """``folder/model`` when ``folder`` is not a model folder but holds one (a run folder), else ``folder``.

    The lenient form of :func:`find_model_folder` for loaders that word their own errors about what is
    wrong with ``folder`` (:func:`rnnkit.train.modelfile.load_model`).

    Raises:
        RnnkitError: ``folder`` cannot be looked at (:func:`unreadable_model_folder`).
    """
    folder = Path(folder)
    try:
        if (folder / "config.json").exists():
            return folder
        if (folder / MODEL_SUBFOLDER / "config.json").exists():
            # Even when that config is damaged: the loader then says what is wrong with it, instead of
            # "config.json is missing" about the run folder.
            return folder / MODEL_SUBFOLDER
        inner = _inner_model(folder)
    except OSError as exc:  # a name over 255 bytes, an unreadable parent: the folder given named, as
        # rnnkit.load names it (the OSError named folder/config.json, a file the user never gave; and a
        # loader handed the folder back stats it again, some raising that OSError, e.g. forecast's)
        from rnnkit.utils.errors import RnnkitError

        raise RnnkitError(unreadable_model_folder(folder, exc)) from None
    return folder / MODEL_SUBFOLDER if inner is not None else folder


def unreadable_model_folder(folder: str | os.PathLike, exc: OSError) -> str:
    """Why the model folder ``folder`` could not even be looked at, in one line (its name over 255 bytes,
    a parent that cannot be read): every loader's words for it."""
    return f"cannot read the model folder {folder}: {exc.strerror or exc.__class__.__name__}"


def _inner_model(folder: Path) -> Mark | None:
    """The mark of ``folder/model`` when that is a model folder (``folder`` a run folder), else None."""
    inner = read_mark(folder / MODEL_SUBFOLDER)
    return inner if inner is not None and inner.kind == MODEL_KIND else None


MODEL_FILES = ("config.json", "model.safetensors", "README.md", "provenance.json")
MODEL_EXTRA_FILES_KEY = "file_sha256"  # a model's config.json: its extra files (tokenizers), by name


def foreign_entries(folder: str | os.PathLike) -> list[str]:
    """The entries of model folder ``folder`` that no saved model holds, sorted: not its config, weights,
    card or provenance, nor an extra file its config lists. A model folder is replaced whole when a
    model is saved again, so these (a user's notes, a data set generated into it) would be deleted."""
    folder = Path(folder)
    try:
        listed = read_json(folder / "config.json").get(MODEL_EXTRA_FILES_KEY)
    except (ValueError, AttributeError):
        listed = None
    allowed = {*MODEL_FILES, MARKER_NAME, *(listed if isinstance(listed, dict) else {})}
    return sorted(p.name for p in folder.iterdir() if p.name not in allowed)


def refuse_foreign_entries(folder: str | os.PathLike, what: str) -> None:
    """Raise, in one line, when model folder ``folder`` holds entries no model holds (:func:`foreign_entries`):
    ``what`` names the folder (``--out runs/x/model``). ``--force`` does not lift it: they would be deleted."""
    from rnnkit.utils.errors import RnnkitError

    # not a saved model (no config.json and weights): nothing of a model's to tell apart
    if _model_mark(Path(folder)) is None:
        return
    foreign = foreign_entries(folder)
    if foreign:
        from rnnkit.utils.wording import first_of

        raise RnnkitError(
            f"{what} is a model folder that also holds files a model folder does not (such as "
            f"{first_of(foreign)}); saving a model replaces the folder whole and would delete them, so "
            "rnnkit does not, --force or not: move them away or choose another folder"
        )


def marker_text(mark: Mark) -> str:
    import rnnkit

    doc = {"application": mark.application, "kind": mark.kind, "rnnkit_version": rnnkit.__version__}
    return json.dumps(doc) + "\n"


def write_mark(folder: str | os.PathLike, mark: Mark) -> Path:
    """Write ``folder``'s marker (atomically: a temporary sibling renamed into place)."""
    from rnnkit.utils.atomic import write_text_atomic

    return write_text_atomic(Path(folder) / MARKER_NAME, marker_text(mark))
