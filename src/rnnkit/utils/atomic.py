"""Files and folders written whole or not at all.

Every file rnnkit writes goes to a temporary sibling first and is moved into place with ``os.replace``,
which is atomic on POSIX and Windows within one file system. A folder is built in a temporary sibling
folder and renamed into place, so a crash or a Ctrl-C never leaves a half-written model.

Under a multi-process launch (torchrun, ``accelerate launch``) one process writes: in the others
(:func:`rnnkit.utils.dist.is_main_process` false) the caller's block runs against a scratch path in
the temporary directory, which is then deleted, so the target is untouched. Every rnnkit writer (model
folders, plots, reports, metric logs, run files) goes through here, so the processes of one training
command never race for a file, and no application needs a guard at each write.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from rnnkit.utils.dist import is_main_process


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success move it onto ``path``, on error delete it.

    >>> with atomic_path("out.txt") as tmp:  # doctest: +SKIP
    ...     tmp.write_text("all or nothing")
    """
    path = Path(path)
    if not is_main_process():
        yield from _scratch_file(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates 0600 files; give the result the permissions a plain open() would have.
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike, overwrite: bool = True) -> Iterator[Path]:
    """Yield an empty temporary folder; on success it replaces ``path`` whole, on error it is removed.

    An existing folder at ``path`` is kept until the new one is complete, then swapped out.
    """
    path = Path(path)
    if not is_main_process():
        yield from _scratch_folder(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp creates 0700 folders; match a plain mkdir
    try:
        yield tmp
        if path.exists():
            if not overwrite:
                raise FileExistsError(f"{path} already exists")
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _scratch_file(path: Path) -> Iterator[Path]:
    """A throw-away file named like ``path`` (same suffix), for a process that must not write."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix or ".tmp")
    os.close(fd)
    try:
        yield Path(tmp_name)
    finally:
        Path(tmp_name).unlink(missing_ok=True)


def _scratch_folder(path: Path) -> Iterator[Path]:
    """A throw-away empty folder, for a process that must not write."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
