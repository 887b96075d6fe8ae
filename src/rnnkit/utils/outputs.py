"""The one check every writing command makes before it does any work: may it write where it was told?

The contract (docs/reliability.md): rnnkit never deletes or overwrites anything it did not write.

- A **folder** output (``--out``) may be missing, empty, or a folder rnnkit wrote for the
  same application and kind (its ``.rnnkit`` marker, :mod:`rnnkit.utils.markers`); anything else is
  refused in one line unless ``--force`` is given. A file where a folder should go is always refused.
- A folder **replaced whole** (a model folder) cannot be ``.`` or ``..``, the current folder or one
  above it; ``--force`` lets it replace a folder another rnnkit command wrote, never one holding files
  rnnkit did not write (they would all be deleted).
- A folder a command writes **its own entries into** (a generated data set: ``dataset.json``, ``images/``)
  is checked like a folder written into, but ``--force`` does not make it the command's: it gets no
  marker, so its entries are only ever added or replaced by name (:func:`rnnkit.utils.atomic.atomic_entries`).
- A **file** output (``--json``, ``--plot``, ``--output``) may be missing; an existing file is replaced
  only with ``--force``; a folder there is refused; a link is written through. A stream (``/dev/stdout``,
  ``/dev/null``, a FIFO) is always accepted: it is written in place, nothing is replaced.
- Nothing is written inside rnnkit's own installed package folder (the shipped models and data),
  ``--force`` or not.
- No input (data set, corpus, model, image folder, ``--config`` file) is inside or equal to an output,
  and no output is inside an input folder, ``--force`` or not: a file written into a model folder or
  an image folder would corrupt what the command (or the next one) reads.
- The folder (or file) is locked for the whole command (:mod:`rnnkit.utils.locks`): a second writer gets one line
  naming the first. Leftovers of a killed run are tidied once the lock is held
  (:mod:`rnnkit.utils.leftovers`).

Commands call :func:`claim_outputs` once, first thing; the claim is released when the command ends (the
click context closes). A folder the claim created and a marker it wrote are removed again when nothing
else was written there, so a command that fails on bad input (or a claim refused part-way) leaves nothing
behind, not even a marker in a folder that held files before.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rnnkit.utils import locks as _locks
from rnnkit.utils.atomic import (
    FORCED,
    NAMED,
    WriteError,
    check_deletable,
    is_stream,
    not_a_folder,
    real_file,
    reserve_stdout,
    standard_stream,
    write_error,
)
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.leftovers import NAME_MAX, TEMP, clean_folder, clean_named, old_name, stem
from rnnkit.utils.locks import LOCK_NAME, Lock, acquire, check_not_held, is_lock_entry, lock_name
from rnnkit.utils.markers import (
    MARKER_NAME,
    MODEL_KIND,
    MODEL_SUBFOLDER,
    Mark,
    read_mark,
    refuse_foreign_entries,
    write_mark,
)
from rnnkit.utils.planned import Planned, check_planned, inside
from rnnkit.utils.runs import SETTINGS_NAME
from rnnkit.utils.user_paths import folder_meant
from rnnkit.utils.wording import as_typed

FORCE_KEY = "rnnkit.force"
CONFIG_KEY = "rnnkit.config"  # the --config file of the running command (rnnkit.utils.options.config_option)


@dataclass(frozen=True)
class Output:
    """One output of a command.

    Attributes:
        option: how the user named it (``--out``), for messages.
        path: where it goes (None: the option was not given, nothing to check).
        kind: ``"folder"`` (written into, kept between runs), ``"entries"`` (its own entries written
            into, never adopted by ``--force``), ``"whole"`` (replaced whole), ``"file"``.
        mark: the application and kind of folder (folders only).
        writes: what the command writes inside a folder it writes into (:mod:`rnnkit.utils.planned`),
            checked with it before any work.
        typed: a file's name as given, before ``Path`` dropped a trailing slash (files only).
    """

    option: str
    path: Path | None
    kind: str
    mark: Mark | None = None
    writes: tuple[Planned, ...] = ()
    typed: str | None = None

    @classmethod
    def folder(
        cls,
        option: str,
        path: str | os.PathLike | None,
        application: str,
        kind: str,
        writes: Iterable[str | Planned] = (),
    ) -> Output:
        """A folder the command writes files into (a run folder, a results folder).

        ``writes``: every entry the command may write there, by name (:func:`rnnkit.utils.planned.inside`:
        ``"predictions.csv"``, ``"checkpoints/"``) or as a :class:`~rnnkit.utils.planned.Planned` inside
        it. Each is checked before any work, by :func:`rnnkit.utils.planned.check_planned`, and in a
        folder that is not the command's own (``--force`` into a user's folder) an entry of that name
        is refused: ``--force`` keeps what is there, so it may not overwrite it either.
        """
        where = None if path is None else Path(path)
        names = [w for w in writes if isinstance(w, str)]
        planned = (*(w for w in writes if not isinstance(w, str)), *inside(where or Path(), names))
        return cls(option, where, "folder", Mark(application, kind), planned)

    @classmethod
    def whole(cls, option: str, path: str | os.PathLike | None, application: str, kind: str) -> Output:
        """A folder the command replaces whole (a model folder, a data set)."""
        return cls(option, None if path is None else Path(path), "whole", Mark(application, kind))

    @classmethod
    def entries(cls, option: str, path: str | os.PathLike | None, application: str, kind: str) -> Output:
        """A folder the command writes its own named entries into (a generated data set), keeping the rest.

        Unlike :meth:`folder`, ``--force`` does not mark someone else's folder as the command's: the next
        run would then replace its entries whole (``images/``), and files the user kept there would go.
        """
        return cls(option, None if path is None else Path(path), "entries", Mark(application, kind))

    @classmethod
    def file(cls, option: str, path: str | os.PathLike | None) -> Output:
        """A single file (a JSON report, a plot, translations).

        A name given as text that ends in a slash (``"m.onnx/"``) names a folder and is refused by the
        claim (:func:`rnnkit.utils.user_paths.folder_meant`); a command's file option refuses it as it is
        parsed (``UserPath(file_example=...)``), since its ``Path`` no longer carries the slash.
        """
        if path is None:
            return cls(option, None, "file")
        return cls(option, Path(path), "file", typed=os.fspath(path))


@dataclass
class Claim:
    """The held outputs of one command; :meth:`release` once it is done."""

    locks: list[Lock] = field(default_factory=list)
    created: list[Path] = field(default_factory=list)  # folders this claim made, deepest last
    marked: list[Path] = field(default_factory=list)  # markers this claim wrote
    before: dict[Path, dict[str, tuple[int, int]]] = field(default_factory=dict)  # marked folders as found
    forced: list[str] = field(default_factory=list)  # whole folders --force lets rnnkit replace
    named: list[str] = field(default_factory=list)  # file outputs, written through a link (atomic.NAMED)
    undo: list[Callable[[], None]] = field(default_factory=list)  # standard output given back

    def release(self) -> None:
        """Unlock, and remove what the claim made when nothing else was written there."""
        for give_back in self.undo:
            give_back()
        self.undo.clear()
        for lock in reversed(self.locks):
            lock.release()
        self.locks.clear()
        for path in self.forced:
            FORCED.discard(path)
        self.forced.clear()
        for path in self.named:
            NAMED.discard(path)
        self.named.clear()
        for marker in self.marked:
            with contextlib.suppress(OSError):
                if _entries(marker.parent) == self.before.get(marker.parent, {}):
                    marker.unlink()  # nothing was written beside it: the folder is as the user left it
        for folder in reversed(self.created):
            with contextlib.suppress(OSError):  # not empty: something was written, keep it
                folder.rmdir()
        self.marked.clear()
        self.before.clear()
        self.created.clear()

    def __enter__(self) -> Claim:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _entries(folder: Path) -> dict[str, tuple[int, int]]:
    """What ``folder`` holds besides rnnkit's marker and lock: name -> (inode, mtime), so that a file
    written or replaced since is seen (a new name, or a new inode under an old one)."""
    found = {}
    for entry in os.scandir(folder):
        if entry.name != MARKER_NAME and not is_lock_entry(entry.name):
            st = entry.stat(follow_symlinks=False)
            found[entry.name] = (st.st_ino, st.st_mtime_ns)
    return found


def _absolute(path: Path) -> Path:
    """``path`` made absolute with ``.``/``..`` and symbolic links resolved (as far as it exists)."""
    return Path(os.path.realpath(path))


def _show(path: Path) -> str:
    return str(path) if str(path) else "."


def _near(folder: Path) -> str:
    """An enclosing folder as the user would type it: relative below the current folder, else absolute."""
    where = os.path.relpath(folder)
    return str(folder) if where.startswith("..") else where


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _check_name(output: Output) -> None:
    """Refuse an output name the user cannot have meant: the claim would create it as typed.

    - A file's name ending in a slash (``--out m.onnx/``): it names a folder, and a shell's
      ``> m.onnx/`` refuses it; rnnkit wrote the file ``m.onnx``.
    - A control character (a newline pasted with the path): the command's messages and the scripts
      that read them go line by line, so the one-line error naming it would be cut at the break.
    - A leading ``~`` left unexpanded: every command option expands it as a shell would
      (:class:`rnnkit.utils.user_paths.UserPath`), so it reaches here from library code that did not,
      or when it names no home folder (no such user, no ``HOME``). Taken as typed, rnnkit would create
      a folder named ``~`` in the current one, which a later ``rm -rf ~`` to tidy it would confuse
      with the home folder. An existing ``~`` folder is the user's choice.
    - Bytes that are not UTF-8 (``--out $'run\\xff'``, a Latin-1 name): rnnkit records the names it
      writes as UTF-8 text (the model card's command, ``run.json``), which cannot hold them, so the
      command failed with a traceback once trained, leaving an unfinished run.
    """
    path = output.path
    assert path is not None
    if output.typed is not None and (why := folder_meant(output.typed)):
        raise RnnkitError(f"{output.option} {why}")
    text = str(path)
    if found := _CONTROL.search(text):
        raise RnnkitError(
            f"{output.option} {text!r} has a control character ({found.group()!r}) in its name, likely "
            f"pasted with it; rnnkit does not write such names: choose another {output.option}"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = as_typed(text)  # the bytes as typed: run\xff, not Python's run\udcff
        raise RnnkitError(
            f"{output.option} {shown} has bytes that are not UTF-8 in its name; rnnkit records the names "
            f"it writes as UTF-8 text, so it does not write such names: choose another {output.option}"
        ) from None
    limit = _name_max(path)
    for part in path.parts:
        if len(os.fsencode(part)) > limit:
            raise RnnkitError(
                f"{output.option} {text}: the name {part[:24]}... is {len(os.fsencode(part))} bytes, longer "
                f"than this file system allows ({limit}): choose a shorter {output.option}"
            )
    first = path.parts[0] if path.parts else ""
    if first.startswith("~") and not os.path.lexists(first):
        home = os.path.expanduser(first)
        where = f"write {home}{text[len(first) :]}" if home != first else "write the folder's full path"
        raise RnnkitError(
            f"{output.option} {text} starts with {first!r}, which was not expanded to a home folder; "
            f"rnnkit would create a folder named {first!r} here: {where} instead"
        )


def _check_not_in_model(output: Output) -> None:
    """Refuse an output inside an rnnkit model folder, ``--force`` or not.

    A model folder holds only what its model saved, and is replaced whole by its next writer: a file
    written there replaces one of the model's files (``--out MODEL/model.safetensors --force`` broke the
    model) or is a stranger that makes its next training refuse it, and a folder there is deleted with it.
    """
    path = output.path
    assert path is not None
    if output.kind == "file" and is_stream(path):
        return
    for parent in _absolute(path).parents:
        found = read_mark(parent)
        if found is not None and found.kind == MODEL_KIND:
            raise RnnkitError(
                f"{output.option} {_show(path)} is inside {_near(parent)}, "
                f"{found.describe()}, which holds only what its model saved; rnnkit does not write there, "
                f"--force or not: choose another {output.option}"
            )


# rnnkit's own installed files (the shipped translator, the bundled data): utils/ sits in the package.
PACKAGE_FOLDER = Path(__file__).resolve().parent.parent


def inside_package(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` (links resolved) is rnnkit's installed package folder or lies inside it."""
    real, package = _absolute(Path(path)), _absolute(PACKAGE_FOLDER)
    return real == package or package in real.parents


def _check_not_in_package(output: Output) -> None:
    """Refuse an output in rnnkit's own installed package folder, ``--force`` or not.

    ``translate average A B --out .../rnnkit/translate/pretrained/en_ko`` replaced the shipped translator
    without a word (its folder is an rnnkit model folder of the same kind), and a ``--json`` there sat
    among rnnkit's files: the next upgrade would replace or delete either, and the package would no
    longer be what was installed. The shipped model is updated by copying files in the source tree.
    """
    path = output.path
    assert path is not None
    if output.kind == "file" and is_stream(path):
        return
    if inside_package(path):
        real, package = _absolute(path), _absolute(PACKAGE_FOLDER)
        where = "is" if real == package else "is inside"
        raise RnnkitError(
            f"{output.option} {_show(path)} {where} rnnkit's own installed package ({package}), whose "
            f"files (the shipped models and data) only installing rnnkit writes; rnnkit does not write "
            f"there, --force or not: choose another {output.option}"
        )


CHECKPOINTS = "checkpoints"  # a run folder's checkpoints (rnnkit.train.checkpoint writes them there)
DATASET_FILE = "dataset.json"  # a generated caption data set's captions (rnnkit.caption.datasets)


def _bookkeeping(path: Path) -> tuple[str, Path, Mark] | None:
    """What ``path`` is when it is one of the files rnnkit keeps its folders by (a marker, a run's
    ``run.json`` or checkpoints, a data set's ``dataset.json``), with the folder and its mark; else None."""
    real = _absolute(path)
    if real.name == MARKER_NAME:
        return "the marker", real.parent, read_mark(real.parent) or Mark("rnnkit", "output")
    for folder in real.parents:
        found = read_mark(folder)
        if found is None:
            continue
        if _is_run(folder, found) and real == folder / SETTINGS_NAME:
            return f"the run settings ({SETTINGS_NAME}, which --resume reads)", folder, found
        if _is_run(folder, found) and real == folder / CHECKPOINTS:
            return "the checkpoints folder", folder, found
        if _is_run(folder, found) and folder / CHECKPOINTS in real.parents:
            return "inside the checkpoints", folder, found
        if found.kind == "dataset" and real == folder / DATASET_FILE:
            return "the captions file", folder, found
    return None


def _check_bookkeeping(output: Output) -> None:
    """Refuse an output that would replace one of rnnkit's own bookkeeping files, ``--force`` or not:
    ``caption describe --json RUN/run.json --force`` broke the run's ``--resume``, and ``--json
    DATA/dataset.json --force`` replaced a data set's captions with a report. A folder output in a run's
    checkpoints is refused too: ``forecast eval --out RUN/checkpoints/epoch-0003 --force`` was deleted
    with that checkpoint at the run's next one."""
    path = output.path
    assert path is not None
    if output.kind == "file" and is_stream(path):
        return
    found = _bookkeeping(path)
    if found is not None:
        what, folder, mark = found
        written = f"a {output.option} file" if output.kind == "file" else output.mark.describe()  # type: ignore[union-attr]
        raise RnnkitError(
            f"{output.option} {_show(path)} is {what} of {_near(folder)}, "
            f"{mark.describe()}; rnnkit does not write {written} there, --force or not: "
            f"choose another {output.option}"
        )


def _check_not_at_model_place(output: Output) -> None:
    """Refuse an output at or inside ``FOLDER/model`` of an rnnkit folder that has no model there yet,
    ``--force`` or not, unless it is that folder's own model.

    A training run saves its model to ``RUN/model`` only once trained, so an interrupted run has none:
    ``forecast train --out RUN/model`` (or a ``--json RUN/model``) was accepted as a new path, and the
    interrupted run's ``--resume`` was then refused before it could save its model there (or, had the
    nested run been a model, would have replaced it whole). A model folder already there is judged by
    the other checks (never written into; replaced only by a model).
    """
    path = output.path
    assert path is not None
    if output.kind == "file" and is_stream(path):
        return
    real = _absolute(path)
    for folder in real.parents:
        found = read_mark(folder)
        if found is None or found.kind in (MODEL_KIND, "dataset"):
            continue
        place = folder / MODEL_SUBFOLDER
        if real != place and place not in real.parents:
            continue
        held = read_mark(place)
        if held is not None and held.kind == MODEL_KIND:
            return  # a model is there: _check_not_in_model and _check_folder decide
        if real == place and output.kind == "whole" and output.mark == Mark(found.application, MODEL_KIND):
            return  # the folder's own model (a run's training, --resume, or a model of its kind)
        where = "is" if real == place else f"is inside {_near(place)},"
        written = f"a {output.option} file" if output.kind == "file" else output.mark.describe()  # type: ignore[union-attr]
        raise RnnkitError(
            f"{output.option} {_show(path)} {where} where {_near(folder)}, {found.describe()}, saves its "
            f"model (it has none yet); rnnkit does not write {written} there, --force or not: choose "
            f"another {output.option}"
        )


def _check_parents(output: Output) -> None:
    """Refuse an output under a file (``--out data.csv/model``) in words, not ``File exists``."""
    path = output.path
    assert path is not None
    for parent in path.parents:
        if os.path.lexists(parent):
            if not parent.is_dir():
                raise WriteError(path, _not_a_folder(parent))
            break


def _not_a_folder(path: Path) -> str:
    """What ``path``, which exists but is no folder, is (:func:`rnnkit.utils.atomic.not_a_folder`)."""
    return not_a_folder(path, _show(path))


def _name_max(path: Path) -> int:
    """The longest file name, in bytes, of the file system that ``path`` would be made on."""
    existing = Path(os.path.abspath(path))
    while not os.path.exists(existing) and existing != existing.parent:  # (Path.exists raises ENAMETOOLONG)
        existing = existing.parent
    try:
        return os.pathconf(existing, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows), or no answer
        return NAME_MAX


def _check_inputs(output: Output, inputs: Iterable[Path]) -> None:
    """Refuse an output that is, holds, or lies inside an input, ``--force`` or not.

    Both directions matter: an output folder holding the data set would be written over it, and a
    ``--json`` inside the ``--model`` folder would replace one of the model's files.
    """
    if output.kind == "file" and is_stream(output.path):  # type: ignore[arg-type]
        return  # written through, nothing replaced: `--input /dev/stdin --output /dev/stdout` on one terminal
    out = _absolute(output.path)  # type: ignore[arg-type]
    for source in inputs:
        src = _absolute(source)
        if _within(src, out):
            where = "is" if src == out or _identity(src) == _identity(out) else "contains"
        elif _within(out, src) and src.is_dir():  # under a file: _check_file says "is a file"
            where = "is inside"
        else:
            continue
        raise RnnkitError(
            f"{output.option} {_show(output.path)} {where} the input {source}; rnnkit never writes over "
            f"what it reads: choose another {output.option}"
        )


def _identity(path: Path) -> tuple[int, int] | None:
    """The device and inode of ``path`` (None when it does not exist): one file or folder, however it is
    spelled."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _within(inner: Path, outer: Path) -> bool:
    """Whether the resolved path ``inner`` is ``outer`` or lies inside it, by name or by identity: a bind
    mount (``mount --bind``, a cluster's ``/home`` over ``/gpfs/home``) names one folder twice, which
    resolving links does not see, and ``translate average A B --out ALIAS/A`` replaced the input ``A``
    with the average, where ``--out A`` is refused."""
    if inner == outer or outer in inner.parents:
        return True
    target = _identity(outer)
    return target is not None and any(_identity(p) == target for p in (inner, *inner.parents))


def check_inputs(outputs: Iterable[Output], inputs: Iterable[str | os.PathLike | None]) -> None:
    """The input rule of :func:`claim_outputs` for inputs known only once the data is read (the image
    folders a captions file names), so a command checks them before it writes anything."""
    sources = _existing(inputs)
    for output in outputs:
        if output.path is not None:
            _check_inputs(output, sources)


def _existing(inputs: Iterable[str | os.PathLike | None]) -> list[Path]:
    """The inputs that are paths (None, empty and names that are not existing paths, such as a bundled
    data set's name, are skipped)."""
    return [Path(p) for p in inputs if p is not None and str(p) and os.path.lexists(p)]


def _first_entry(folder: Path) -> str:
    """The entry a refusal names as the folder's: never rnnkit's lock or a marker's temporary."""
    names = sorted(_counted_entries(folder))
    return names[0] if names else ""


def _check_folder(output: Output, force: bool) -> bool:
    """Whether the folder may be written (raises when not); True when it is rnnkit's or new.

    A folder replaced whole whose replacement was cut between its two renames (``.NAME.rnnkit-old``, no
    ``NAME``) is judged as it will be once moved back, but only looked at: it is moved back once every
    check has passed (:func:`_hold`, :func:`rnnkit.utils.leftovers.clean_named`), so every process of a
    launch decides alike.
    """
    path, mark = output.path, output.mark
    assert path is not None and mark is not None
    here = _absolute(Path.cwd())
    if output.kind == "whole" and (
        path.name in ("", ".", "..") or _absolute(path) == here or _absolute(path) in here.parents
    ):
        raise RnnkitError(
            f"{output.option} {_show(path)} is the current folder or one above it; a {mark.application} "
            f"{mark.kind} folder is replaced whole: name a new folder"
        )
    look = path  # where the folder is read: itself, or where it waits to be moved back
    if output.kind == "whole":
        look = _as_restored(path)
        if look.is_symlink():
            raise RnnkitError(
                f"{output.option} {_show(path)} is a symbolic link; a {mark.application} {mark.kind} folder is "
                "replaced whole, and rnnkit does not replace a link: give the folder itself"
            )
    if not os.path.lexists(look):
        return True
    if not look.is_dir():
        raise RnnkitError(f"{output.option} {_not_a_folder(path)}; rnnkit never replaces it: choose a folder")
    if output.kind == "whole" and is_mount_point(look):
        # The new folder is renamed over it, which the system refuses for a mount point ("Device or
        # resource busy"), but only once the work was done: `translate average A B --out /media/usb`.
        raise RnnkitError(
            f"{output.option} {_show(path)} is a mount point; {mark.describe()} is replaced whole by renaming "
            f"a new one over it, which a mount point cannot be: name a new folder inside it"
        )
    found = read_mark(look)
    if output.kind == "whole" and found is not None and found.kind == MODEL_KIND:
        refuse_foreign_entries(look, f"{output.option} {_show(path)}")  # replaced whole: they would go too
    if output.kind == "whole" and (found is not None or not _counted_entries(look)):  # not a user's tree
        check_deletable(look, f"{output.option} {_show(path)}")  # refused before the work, not after it
    if found == mark:
        return True
    if not _counted_entries(look):
        return True
    # The mark again, read after the listing: process 0 of a launch makes a new folder, locks it, marks it,
    # then writes into it, so another process that read no mark before process 0 marked the folder and
    # listed it after found the marker as a stranger's file and refused alone (its peers then waited).
    found = read_mark(look)
    if found == mark:
        return True
    if output.kind == "whole" and found is None:
        # Replacing it whole would delete the user's files: --force never does that (it may replace a
        # folder another rnnkit command wrote, and write into a user's folder, keeping what is there).
        raise RnnkitError(
            f"{output.option} {_show(path)} holds files rnnkit did not write (such as {_first_entry(look)!r}); "
            f"{mark.describe()} is replaced whole, so rnnkit never replaces this one, --force or not: move "
            "them away or choose another folder"
        )
    if output.kind == "whole" and found is not None and found.kind != MODEL_KIND:
        # --force lets a model replace another model; a run folder, a data set or a results folder
        # replaced whole by one would lose everything in it (checkpoints, images, plots) to a model.
        raise RnnkitError(
            f"{output.option} {_show(path)} is {found.describe()}; {mark.describe()} is replaced whole, so "
            f"rnnkit never replaces this one with it, --force or not: choose another {output.option}"
        )
    owner = read_mark(path.parent) if path.name == MODEL_SUBFOLDER else None
    if (
        output.kind == "whole"
        and found is not None
        and owner is not None
        and owner.kind == "run"
        and owner.application != mark.application
    ):
        # --force lets a model replace another model, but not the model of another application's run:
        # that run's --resume, eval and predict would then find a model of another kind in it.
        raise RnnkitError(
            f"{output.option} {_show(path)} is the model of {_show(path.parent)}, {owner.describe()}; "
            f"{mark.describe()} there would break that run, so rnnkit never writes it there, --force or not: "
            f"choose another {output.option}"
        )
    if output.kind == "folder" and found is not None and _is_run(path, found):
        # --force writes into a folder keeping what is there; another command's run would be broken
        # (its run.json and marker overwritten, so neither command could --resume it).
        raise RnnkitError(
            f"{output.option} {_show(path)} is {found.describe()}: another command's run, which --resume "
            f"reads; rnnkit does not write {mark.describe()} into it, --force or not: choose another folder"
        )
    if output.kind == "folder" and found is not None and found.kind == "dataset":
        # Written into, it would get this command's marker and stop being known as a data set: its
        # generate-data would refuse it, and caption commands would no longer tell it from a run.
        raise RnnkitError(
            f"{output.option} {_show(path)} is {found.describe()}, which generate-data rewrites; rnnkit does "
            f"not write {mark.describe()} into it, --force or not: choose another folder"
        )
    if output.kind in ("folder", "entries") and found is not None and found.kind == MODEL_KIND:
        # Written into, it would get this command's marker and stop being known as a model folder:
        # its next writer would refuse it, or (with --force) replace it whole with what was written here.
        # A data set's entries (generate-data --out MODEL --force) would make its next save refuse it.
        parent = path.parent if path.name == MODEL_SUBFOLDER and read_mark(path.parent) is not None else None
        hint = f" (its run folder is {_show(parent)})" if parent is not None else ""
        raise RnnkitError(
            f"{output.option} {_show(path)} is {found.describe()}, which its writer replaces whole; rnnkit "
            f"does not write {mark.describe()} into it, --force or not: choose another folder{hint}"
        )
    if force:
        return False
    if found is not None and output.kind == "entries":
        raise RnnkitError(
            f"{output.option} {_show(path)} is {found.describe()}, not {mark.describe()}; choose another "
            f"{output.option} (or pass --force to add the {mark.kind} to it; nothing else there is touched)"
        )
    if found is not None:
        raise RnnkitError(
            f"{output.option} {_show(path)} is {found.describe()}, not {mark.describe()}; choose another "
            f"{output.option} (or pass --force to write there anyway)"
        )
    owner = _marked_parent(path) if output.kind != "whole" else None  # a model folder is known by itself
    if owner is not None:  # likely that command's own files: never call them "not rnnkit's"
        raise RnnkitError(
            f"{output.option} {_show(path)} lies inside {_show(owner[0])}, {owner[1].describe()}, and is not "
            f"empty (such as {_first_entry(path)!r}); choose an empty or new folder (or pass --force to write "
            "there anyway)"
        )
    raise RnnkitError(
        f"{output.option} {_show(path)} already holds files rnnkit did not write (such as "
        f"{_first_entry(path)!r}); choose an empty or new folder (or pass --force to write there anyway)"
    )


MOUNTINFO = "/proc/self/mountinfo"  # the process's mounts, one a line (Linux: proc(5))


def is_mount_point(path: Path) -> bool:
    """Whether the folder ``path`` is a mount point, a bind mount on the same file system too.

    ``os.path.ismount`` compares the folder's device with its parent's, which a bind mount (``mount
    --bind``, a container's volume) of the same file system shares; ``/proc/self/mountinfo`` lists
    every mount point of the process (Linux). A folder replaced whole cannot be renamed over one.
    """
    if os.path.ismount(path):
        return True
    try:
        text = Path(MOUNTINFO).read_bytes()
    except OSError:  # no /proc (macOS, Windows, a container without it)
        return False
    return os.fsencode(os.path.realpath(path)) in mount_points(text)


def mount_points(mountinfo: bytes) -> set[bytes]:
    """The mount points listed in the text of ``/proc/self/mountinfo``: each line's fifth field, with
    the octal escapes the kernel writes for a space, tab, newline or backslash (``\\040``) undone.
    Bytes, as a path's name may be any bytes."""
    points = set()
    for line in mountinfo.splitlines():
        fields = line.split(b" ")
        if len(fields) > 4:
            points.add(re.sub(rb"\\([0-3][0-7]{2})", lambda m: bytes([int(m.group(1), 8)]), fields[4]))
    return points


def _as_restored(path: Path) -> Path:
    """Where the folder ``path`` replaced whole is, for a process that only reads: itself, or its
    ``.NAME.rnnkit-old`` when a replacement was cut between its two renames, which process 0 of the launch
    moves back (:func:`rnnkit.utils.leftovers.restore`), maybe while this one looks: so ``path`` is
    looked for again after it."""
    old = path.with_name(old_name(path.name))
    for folder in (path, old):
        if os.path.lexists(folder) and (folder == path or folder.is_dir()):
            return folder
    return path


def _check_writes(output: Output, own: bool) -> None:
    """Refuse what stands in the way of the entries the command writes in its folder (``Output.writes``).

    In a user's folder (unmarked: ``--force`` writes into it keeping what is there) an entry of a name
    the command writes is refused in one line naming it: ``--force`` into a user's folder replaced
    their own ``predictions.csv`` or ``run.json``. A folder with another command's marker (``forecast
    backtest --out EV --force`` into an eval's folder: runs, data sets and models are refused before)
    holds what rnnkit wrote there, replaced by name with ``--force``: its ``forecast.png`` was refused
    as the user's. Then each output is checked as its writer will check it
    (:func:`rnnkit.utils.planned.check_planned`): a folder at ``RUN/forecast.png`` or a file at
    ``RUN/checkpoints`` stopped a run only once it had trained.
    """
    path = output.path
    if not output.writes or path is None or not path.is_dir():
        return
    if not own:
        for name in sorted({item.path.relative_to(path).parts[0] for item in output.writes}):
            # the mark read again: process 0 of a launch may have marked the folder and written in it
            if os.path.lexists(path / name) and read_mark(path) is None:
                raise RnnkitError(
                    f"{output.option} {_show(path)} holds {name}, which this command writes there; it is "
                    f"not an rnnkit folder, and --force writes into it keeping what is there, so rnnkit "
                    f"does not replace {name}: move it away or choose another {output.option}"
                )
    check_planned(output.writes)


def _counted_entries(folder: Path) -> list[str]:
    """What ``folder`` holds that makes it someone's: all but rnnkit's lock (or one being made, as another
    process of a launch or a killed command may leave it) and a marker being written.

    A marker is written through a temporary beside it (:func:`rnnkit.utils.markers.write_mark`): a
    folder holding only that is one rnnkit is marking (process 0 of a launch, while the others look)
    or was when killed, and :func:`rnnkit.utils.leftovers.clean_folder` removes it once held.
    """
    names = []
    for name in os.listdir(folder):
        temporary = TEMP.match(name)
        if not is_lock_entry(name) and not (temporary and temporary.group("name") == stem(MARKER_NAME)):
            names.append(name)
    return names


def _marked_parent(path: Path) -> tuple[Path, Mark] | None:
    """The nearest folder above ``path`` that carries an rnnkit marker, as the user wrote it (else
    absolute), with its mark; None when there is none."""
    typed = list(path.parents)
    for i, parent in enumerate(Path(os.path.abspath(path)).parents):
        found = read_mark(parent) if (parent / MARKER_NAME).is_file() else None
        if found is not None:
            return (typed[i] if i < len(typed) and str(typed[i]) != "." else parent), found
    return None


def _is_run(path: Path, found: Mark) -> bool:
    """Whether the marked folder ``path`` is a run that ``--resume`` reads: a train command's run folder,
    or any other with a ``run.json`` (``explain memory`` and ``gradient-flow`` keep theirs so)."""
    return found.kind == "run" or (path / SETTINGS_NAME).is_file()


def _check_file(output: Output, force: bool) -> None:
    path = output.path
    assert path is not None
    if is_stream(path):
        return  # /dev/stdout, /dev/null, a FIFO: written in place, nothing is replaced (rnnkit.utils.atomic)
    if path.is_dir():
        raise RnnkitError(f"{output.option} {_show(path)} is a folder; give a file name")
    if os.path.lexists(path) and not force:
        raise _exists(output)


def _exists(output: Output) -> RnnkitError:
    return RnnkitError(
        f"{output.option} {_show(output.path)} already exists; rnnkit does not overwrite it: choose another "  # type: ignore[arg-type]
        "name (or pass --force to replace it)"
    )


def _make_folder(path: Path, claim: Claim) -> None:
    """``mkdir -p path``, remembering which folders were new."""
    missing = []
    for folder in [path, *path.parents]:
        if os.path.lexists(folder):
            break
        missing.append(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        for folder in missing:  # deepest first: those made before the failure go again
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise write_error(path, exc) from None
    claim.created.extend(reversed(missing))


def _hold(output: Output, ours: bool, claim: Claim, force: bool) -> None:
    """Lock the output (creating a folder that is written into), then tidy a killed run's leftovers."""
    path, mark = output.path, output.mark
    assert path is not None
    what = f"{output.option} {_show(path)}"
    if output.kind in ("folder", "entries"):
        _make_folder(path, claim)
        claim.locks.append(acquire(path / LOCK_NAME, what))
        if ours:
            clean_folder(path)
        if output.kind == "entries" and not ours:  # --force: written into by name, never adopted
            claim.forced.append(os.path.abspath(path))
            FORCED.add(os.path.abspath(path))
        elif read_mark(path) != mark:
            claim.before[path] = _entries(path)  # to take the marker back if nothing is written
            claim.marked.append(write_mark(path, mark))  # type: ignore[arg-type]
    elif output.kind == "whole":
        _make_folder(path.parent, claim)
        claim.locks.append(acquire(path.parent / lock_name(path.name), what))
        clean_named(path.parent, path.name, locked=True)
        if not ours:  # --force: the model or data set may replace this folder
            claim.forced.append(os.path.abspath(path))
            FORCED.add(os.path.abspath(path))
    elif not is_stream(path):
        # A file is locked too: two commands given one --json would otherwise both find it missing,
        # and the second would replace the first's results without --force.
        real = real_file(path)
        _make_folder(real.parent, claim)
        claim.locks.append(acquire(real.parent / lock_name(real.name), what))
        claim.named.append(os.path.abspath(path))
        NAMED.add(os.path.abspath(path))
        if os.path.lexists(path) and not force:
            raise _exists(output)  # written since the check, by a command that has finished
        clean_named(real.parent, real.name, locked=False)


def claim_outputs(
    outputs: Iterable[Output], inputs: Iterable[str | os.PathLike | None] = (), force: bool | None = None
) -> Claim:
    """Check, lock and tidy a command's outputs, before it reads or computes anything.

    Args:
        outputs: every place the command writes; entries whose path is None are skipped, the same
            output named twice is claimed once, and two outputs of one path are refused.
        inputs: paths the command reads (None and names that are not existing paths are skipped, such
            as a bundled data set's name); the running command's ``--config`` file is added to them.
        force: write into folders rnnkit did not write and replace existing files; None reads the
            ``--force`` option of the running command (:func:`rnnkit.utils.options.force_option`).

    Returns the claim; inside a click command it is released when the command ends.

    Raises:
        RnnkitError: an output that may not be written (see the module docstring), or one in use by
            another rnnkit process.
    """
    if force is None:
        force = force_given()
    wanted: list[Output] = []
    seen: dict[Path, Output] = {}
    for output in outputs:
        if output.path is None:
            continue
        first = seen.setdefault(_absolute(output.path), output)
        if first is output:
            wanted.append(output)
        elif (first.kind, first.mark) != (output.kind, output.mark) or output.kind in ("file", "whole"):
            # two outputs, one path: one would overwrite the other (one folder written into under two
            # names, --out and --run-dir, is one output)
            raise RnnkitError(
                f"{first.option} and {output.option} both write {_show(output.path)}; give each its own path"
            )
    sources = _existing([*inputs, config_given()])
    # Every process of a launch makes the checks, so a refusal ends each at once: in process 0 alone
    # it left the others waiting to join a process group it never joined (until the launcher killed
    # them, or torch's 30-minute timeout). The others only read; restoring, locking and marking are
    # process 0's, and what it writes meanwhile (a folder, its lock, a marker and its temporary, a
    # .rnnkit-old moved back) is judged as it will be once done, so that no process refuses alone.
    secondary = _secondary_rank()
    ours = []
    for output in wanted:  # every check before anything is created
        _check_name(output)
        _check_parents(output)
        _check_not_in_package(output)
        _check_inputs(output, sources)
        _check_not_in_model(output)
        _check_bookkeeping(output)
        _check_not_at_model_place(output)
        if output.kind == "file":
            # An existing file is process 0's to refuse: it may be the one process 0 has just written
            # (a command that does not train, so that process 0 waits for no one, may be done already).
            _check_file(output, force or secondary)
            ours.append(True)
        elif secondary:
            ours.append(_check_folder_read_only(output, force))
        else:
            ours.append(_check_folder(output, force))
        _check_writes(output, own=ours[-1])
    if secondary:
        # Process 0 alone locks; a lock another rnnkit command holds makes it refuse, and these would
        # wait to join it until the launcher's SIGTERM: they look, without locking, and refuse alike.
        for output in wanted:
            lock = _lock_file(output)
            # its own lock is never another command's (no process of a real launch but 0 locks; library
            # code claiming as another rank inside a command can)
            if lock is not None and not _locks.held_here(lock):
                check_not_held(lock, f"{output.option} {_show(output.path)}")  # type: ignore[arg-type]
        return Claim()
    claim = Claim()
    try:
        for output, own in zip(wanted, ours, strict=True):
            _hold(output, own, claim, force)
    except BaseException:
        claim.release()
        raise
    if any(standard_stream(o.path) == 1 for o in wanted):  # --out -: the output alone on standard output
        claim.undo.append(reserve_stdout())
    _release_with_command(claim)
    return claim


def _lock_file(output: Output) -> Path | None:
    """The lock file :func:`_hold` takes for ``output`` (None: a stream, which is not locked)."""
    path = output.path
    assert path is not None
    if output.kind in ("folder", "entries"):
        return path / LOCK_NAME
    if output.kind == "whole":
        return path.parent / lock_name(path.name)
    if is_stream(path):
        return None
    real = real_file(path)
    return real.parent / lock_name(real.name)


def _check_folder_read_only(output: Output, force: bool) -> bool:
    """:func:`_check_folder` in a process other than process 0 of a launch, which only reads: a folder
    that process 0 moves or removes while this one reads it (a .rnnkit-old moved back, a folder its failed
    claim made and removes again) is looked at anew."""
    for _ in range(3):
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            return _check_folder(output, force)
    return _check_folder(output, force)


def _secondary_rank() -> bool:
    """Whether this is one of the other processes of a distributed launch (``accelerate launch``,
    ``torchrun``): every rank runs the same command on the same folders, and only rank 0 may lock them."""
    from rnnkit.utils.dist import is_main_process

    return not is_main_process()


def force_given() -> bool:
    """Whether the running command was given ``--force`` (:func:`rnnkit.utils.options.force_option`)."""
    import click

    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(FORCE_KEY, False))


def config_given() -> Path | None:
    """The ``--config`` file of the running command (:func:`rnnkit.utils.options.config_option`): an
    input like any other, so a run never replaces the model its settings were read from."""
    import click

    ctx = click.get_current_context(silent=True)
    return None if ctx is None else ctx.meta.get(CONFIG_KEY)


def _release_with_command(claim: Claim) -> None:
    import click

    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.call_on_close(claim.release)


@contextlib.contextmanager
def claimed(
    outputs: Iterable[Output], inputs: Iterable[str | os.PathLike | None] = (), force: bool = False
) -> Iterator[Claim]:
    """:func:`claim_outputs` as a context manager, for library code and tests outside a command."""
    claim = claim_outputs(outputs, inputs, force)
    try:
        yield claim
    finally:
        claim.release()
