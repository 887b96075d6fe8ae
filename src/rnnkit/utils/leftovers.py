"""What a killed rnnkit leaves behind, named so that the next run can find it and tidy it up.

Temporary files and folders are hidden siblings of their target with rnnkit's own pattern::

    .NAME.rnnkit-PID-RANDOM.tmp     a file or folder being written by process PID
    .NAME.rnnkit-old                the previous folder NAME, moved aside while the new one moves in
    checkpoints/.epoch-NNNN.tmp     a checkpoint being written (the training engine's)

A Ctrl-C or an error removes them at once (:mod:`rnnkit.utils.atomic`). After a kill -9 or a power cut
they stay, and the next command that writes there removes them (:func:`clean_folder`):

- inside a folder the command holds the lock of, every leftover is stale (nobody else writes there);
- elsewhere (beside a single output file) only those whose process is gone from this host.

A ``.NAME.rnnkit-old`` folder with no ``NAME`` beside it is an interrupted replacement: it is the only
copy of the previous folder, so it is renamed back to ``NAME``, never deleted (:func:`restore`).
Nothing that does not match these patterns is ever touched. The old folder's name says rnnkit's
because its content cannot: it was ``.NAME.old``, the name people give their own hidden backups, and
a user's ``mv model .model.old`` before retraining was moved back, then replaced by ``forecast train
--out u --force``; a ``cp -r model .model.old`` beside ``model`` was deleted as a replacement whose
clean-up was cut short (a copy of a model is marked like the model). A ``.NAME.old`` is now never
touched, whoever made it (one left by an rnnkit before 2026-12-07 stays where it is, whole).

A name too long to be decorated so (a legal name of up to 255 bytes, ``NAME_MAX``, plus up to 29 bytes
of ``.rnnkit-PID-RANDOM.tmp``) appears in them shortened: its beginning, ``~`` and a hash of the whole
(:func:`stem`), so that a legal name is never refused for its temporary's length.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from pathlib import Path

from rnnkit.utils.markers import MARKER_NAME

TEMP = re.compile(r"^\.(?P<name>.+)\.rnnkit-(?P<pid>\d+)-[A-Za-z0-9_]+\.tmp$")
CHECKPOINT_TEMP = re.compile(r"^\.epoch-\d+\.tmp$")
OLD_SUFFIX = ".rnnkit-old"
LOCK_FILE = re.compile(r"^\.(?:.+\.)?rnnkit\.lock$")  # rnnkit.utils.locks: .rnnkit.lock, .NAME.rnnkit.lock


NAME_MAX = 255  # bytes in one file name: Linux, macOS, Windows (NTFS counts UTF-16 units, fewer)
_DECORATION = len(".") + len(".rnnkit-4194304-") + 8 + len(".tmp")  # the longest: pid_max, mkstemp's 8
_SHORTENED = re.compile(r"~[0-9a-f]{12}$")


def stem(name: str) -> str:
    """``name`` as rnnkit's siblings of it spell it (temporaries, ``.rnnkit-old``, lock files): itself, or when
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


def waiting_name(entry: str) -> str | None:
    """The ``NAME`` whose previous folder the entry ``.NAME.rnnkit-old`` holds; None for any other entry,
    and for a shortened name's (:func:`stem`), whose full name only its writer knows."""
    if not (entry.startswith(".") and entry.endswith(OLD_SUFFIX)):
        return None
    target = entry[1 : -len(OLD_SUFFIX)]
    return target if target and not _SHORTENED.search(target) else None


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
    """Move ``.NAME.rnnkit-old`` back to ``NAME`` when a replacement was interrupted between its two
    renames (a user's own ``.NAME.old`` is never touched: see the module's docstring).

    Returns True when it restored something.
    """
    path = Path(path)
    if path.name in ("", ".", ".."):
        return False
    old = path.with_name(old_name(path.name))
    if old.is_dir() and not old.is_symlink() and not os.path.lexists(path):
        os.replace(old, path)
        return True
    return False


WRITER_STEP_S = 1.0  # how long a loader waits for a writer between its two renames (microseconds apart)


def restored(path: str | os.PathLike) -> Path:
    """Where the folder ``path`` is to be read: itself, once :func:`restore` has moved back a
    replacement cut between its two renames; or, where that move cannot be made (a read-only mount),
    the ``.NAME.rnnkit-old`` it waits in, whole. For loaders, which must find a model a kill left so.

    While a writer holds the lock of ``path`` (``.NAME.rnnkit.lock``, taken by every command that
    writes it) nothing is moved: where names cannot be exchanged in one step (macOS, NFS, SMB, FUSE)
    the writer itself is between its two renames, and a loader that moved the old folder back made
    the writer's second rename fail, and its new model deleted. The loader waits for the new folder
    for a moment, then reads the old one where it waits.
    """
    from rnnkit.utils.locks import is_locked, lock_name  # which reads this module's names

    path = Path(path)
    if path.name in ("", ".", ".."):
        return path
    old = path.with_name(old_name(path.name))
    if is_locked(path.parent / lock_name(path.name)):
        deadline = time.monotonic() + WRITER_STEP_S
        while not os.path.lexists(path) and old.is_dir() and time.monotonic() < deadline:
            time.sleep(0.01)
        return path if os.path.lexists(path) or not old.is_dir() else old
    try:
        restore(path)
    except OSError:
        return old
    return path


def clean_named(parent: str | os.PathLike, name: str, locked: bool) -> list[Path]:
    """Tidy the leftovers of the output ``parent/name``: restore its ``.rnnkit-old``, remove stale temporaries.

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
    if locked and old.is_dir() and not old.is_symlink() and os.path.lexists(parent / name):
        _remove(old)  # the replacement finished; only its clean-up was cut short
        done.append(old)
    return done


def clean_folder(root: str | os.PathLike) -> list[Path]:
    """Tidy every leftover inside ``root``, a folder the caller holds the lock of; what was tidied.

    Sub-folders with their own ``.rnnkit`` marker are separate outputs with their own lock, and are
    left to their own writers. A lock file that nobody holds (``.NAME.rnnkit.lock`` of a save killed
    inside the folder) is removed (:func:`rnnkit.utils.locks.remove_stale`); a held one is kept.
    """
    from rnnkit.utils.locks import remove_stale  # which reads this module's names

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
            elif LOCK_FILE.match(entry.name) and entry.is_file(follow_symlinks=False):
                if remove_stale(path):
                    done.append(path)
            elif (
                entry.name.startswith(".")
                and entry.name.endswith(OLD_SUFFIX)
                and entry.is_dir(follow_symlinks=False)
            ):
                target = entry.name[1 : -len(OLD_SUFFIX)]
                if target and target in stems:
                    _remove(path)  # the replacement finished; only its clean-up was cut short
                    done.append(path)
                elif waiting_name(entry.name):
                    os.replace(path, folder / target)
                    done.append(folder / target)
                    stack.append(folder / target)
                # else: a shortened name's only copy, whose full name only restore(NAME) knows: kept
            elif entry.is_dir(follow_symlinks=False) and not (path / MARKER_NAME).is_file():
                stack.append(path)
    return done
