"""What a killed rnnkit leaves behind, named so that the next run can find it and tidy it up.

Temporary files and folders are hidden siblings of their target with rnnkit's own pattern::

    .NAME.rnnkit-PID-RANDOM.tmp     a file or folder being written by process PID
    .NAME.old                       the previous folder NAME, moved aside while the new one moves in
    checkpoints/.epoch-NNNN.tmp     a checkpoint being written (the training engine's)

A Ctrl-C or an error removes them at once (:mod:`rnnkit.utils.atomic`). After a kill -9 or a power cut
they stay, and the next command that writes there removes them (:func:`clean_folder`):

- inside a folder the command holds the lock of, every leftover is stale (nobody else writes there);
- elsewhere (beside a single output file) only those whose process is gone from this host.

A ``.NAME.old`` folder with no ``NAME`` beside it is an interrupted replacement: it is the only copy
of the previous folder, so it is renamed back to ``NAME``, never deleted (:func:`restore`).
Nothing that does not match these patterns is ever touched, and inside a folder a ``.NAME.old`` is
taken for rnnkit's only when it is what a replacement leaves (:func:`_left_by_a_replacement`): a
user's own hidden backup ``.notes.old`` in a run folder was renamed to ``notes``, and ``.thesis.old``
beside ``thesis/`` deleted.

A name too long to be decorated so (a legal name of up to 255 bytes, ``NAME_MAX``, plus up to 29 bytes
of ``.rnnkit-PID-RANDOM.tmp``) appears in them shortened: its beginning, ``~`` and a hash of the whole
(:func:`stem`), so that a legal name is never refused for its temporary's length.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

from rnnkit.utils.markers import DATASET_ENTRIES, MARKER_NAME, read_mark

TEMP = re.compile(r"^\.(?P<name>.+)\.rnnkit-(?P<pid>\d+)-[A-Za-z0-9_]+\.tmp$")
CHECKPOINT_TEMP = re.compile(r"^\.epoch-\d+\.tmp$")
OLD_SUFFIX = ".old"


NAME_MAX = 255  # bytes in one file name: Linux, macOS, Windows (NTFS counts UTF-16 units, fewer)
_DECORATION = len(".") + len(".rnnkit-4194304-") + 8 + len(".tmp")  # the longest: pid_max, mkstemp's 8
_SHORTENED = re.compile(r"~[0-9a-f]{12}$")


def stem(name: str) -> str:
    """``name`` as rnnkit's siblings of it spell it (temporaries, ``.old``, lock files): itself, or when
    the longest of them would pass ``NAME_MAX``, its beginning, ``~`` and 12 hex digits of its SHA-256."""
    if len(os.fsencode(name)) + _DECORATION <= NAME_MAX:
        return name
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:12]
    keep = name
    while len(os.fsencode(keep)) + 1 + len(digest) + _DECORATION > NAME_MAX:
        keep = keep[:-1]  # whole characters: a Hangul name is not cut inside a character
    return f"{keep}~{digest}"


def temp_prefix(name: str) -> str:
    """The prefix of a temporary sibling of ``name`` made by this process (``tempfile``'s ``prefix``)."""
    return f".{stem(name)}.rnnkit-{os.getpid()}-"


def old_name(name: str) -> str:
    """Where the folder ``name`` waits while its replacement moves in."""
    return f".{stem(name)}{OLD_SUFFIX}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    except OverflowError:
        return False
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def restore(path: str | os.PathLike) -> bool:
    """Move ``.NAME.old`` back to ``NAME`` when a replacement was interrupted between its two renames.

    Returns True when it restored something.
    """
    path = Path(path)
    if path.name in ("", ".", ".."):
        return False
    old = path.with_name(old_name(path.name))
    if old.is_dir() and not os.path.lexists(path):
        os.replace(old, path)
        return True
    return False


def _left_by_a_replacement(old: Path, target: Path) -> bool:
    """Whether the folder ``old`` (``.NAME.old``) is what rnnkit's replacement of ``target`` left.

    rnnkit replaces whole only folders it marks (a model: :func:`rnnkit.utils.atomic.atomic_folder`)
    and a data set's own entries (``images/``: :func:`rnnkit.utils.atomic.atomic_entries`); an old
    folder whose deletion was cut short holds only names its replacement holds too. Anything else
    there is a user's, kept as it is: a data set folder may hold the user's own files too, and its
    ``.thesis.old`` beside ``thesis/`` was deleted, a lone ``.notes.old`` renamed to ``notes``.
    """
    if read_mark(old) is not None:
        return True
    owner = read_mark(old.parent)
    if (
        owner is not None
        and owner.kind == "dataset"
        and target.name in {e.rstrip("/") for e in DATASET_ENTRIES}
    ):
        return True
    if target.is_dir() and not target.is_symlink() and read_mark(target) is not None:
        try:
            return set(os.listdir(old)) <= set(os.listdir(target))
        except OSError:
            return False
    return False


def foreign_old(path: str | os.PathLike) -> Path | None:
    """The ``.NAME.old`` that :func:`restore` would move to the missing folder ``path`` when it is no
    folder rnnkit replaced whole (unmarked, and not empty): a user's own hidden backup, refused by its
    writers before anything is moved (``forecast train --out u --force`` renamed ``u/.model.old`` to
    ``u/model``, then refused it). None when there is none."""
    path = Path(path)
    if path.name in ("", ".", "..") or os.path.lexists(path):
        return None
    old = path.with_name(old_name(path.name))
    if old.is_dir() and not old.is_symlink() and read_mark(old) is None and any(os.scandir(old)):
        return old
    return None


def clean_named(parent: str | os.PathLike, name: str, locked: bool) -> list[Path]:
    """Tidy the leftovers of the output ``parent/name``: restore its ``.old``, remove stale temporaries.

    ``locked``: the caller holds the lock for ``name`` (every leftover is then stale). Returns what was
    removed or restored.
    """
    parent = Path(parent)
    done: list[Path] = []
    if restore(parent / name):
        done.append(parent / name)
    if not parent.is_dir():
        return done
    for entry in parent.iterdir():
        m = TEMP.match(entry.name)
        if m and m.group("name") == stem(name) and (locked or not _alive(int(m.group("pid")))):
            _remove(entry)
            done.append(entry)
    old = parent / old_name(name)
    if locked and old.is_dir() and (parent / name).exists() and _left_by_a_replacement(old, parent / name):
        _remove(old)  # the replacement finished; only its clean-up was cut short
        done.append(old)
    return done


def clean_folder(root: str | os.PathLike) -> list[Path]:
    """Tidy every leftover inside ``root``, a folder the caller holds the lock of; what was tidied.

    Sub-folders with their own ``.rnnkit`` marker are separate outputs with their own lock, and are
    left to their own writers.
    """
    root = Path(root)
    done: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        names = {e.name for e in entries}
        stems = {stem(n): n for n in names}  # a shortened name's full one
        for entry in entries:
            path = Path(entry.path)
            if TEMP.match(entry.name) or (
                folder.name == "checkpoints" and CHECKPOINT_TEMP.match(entry.name) and entry.is_dir()
            ):
                _remove(path)
                done.append(path)
            elif entry.name.startswith(".") and entry.name.endswith(OLD_SUFFIX) and entry.is_dir():
                target = entry.name[1 : -len(OLD_SUFFIX)]
                if target and not _left_by_a_replacement(path, folder / stems.get(target, target)):
                    pass  # a user's own folder of that name: kept
                elif target and target in stems:
                    _remove(path)  # the replacement finished; only its clean-up was cut short
                    done.append(path)
                elif target and not _SHORTENED.search(target):
                    os.replace(path, folder / target)
                    done.append(folder / target)
                    stack.append(folder / target)
                # else: a shortened name's only copy, whose full name only restore(NAME) knows: kept
            elif entry.is_dir(follow_symlinks=False) and not (path / MARKER_NAME).is_file():
                stack.append(path)
    return done
