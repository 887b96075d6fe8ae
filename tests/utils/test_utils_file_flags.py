"""A model folder holding a file marked immutable (``chattr +i``) is refused before any work.

Permissions do not show the mark, so root's ``forecast train --out run`` over a run whose
``model/model.safetensors`` the user had made immutable ended with status 0: the new model was moved
in, then deleting the old one removed its config.json and card and stopped at the weights, left hidden
in ``run/.model.rnnkit-PID-X.tmp`` with nothing to load them by.

The mark is set with the ``FS_IOC_SETFLAGS`` ioctl (root, on a file system that keeps it: ext4, XFS,
Btrfs); elsewhere the test is skipped, saying why.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rnnkit.utils.atomic import atomic_folder
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.file_flags import FS_IMMUTABLE_FL, FS_IOC_GETFLAGS, pinned
from rnnkit.utils.markers import Mark
from rnnkit.utils.outputs import Output, claimed

FS_IOC_SETFLAGS = 0x40086602  # linux/fs.h: _IOW('f', 2, long)


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """``chattr +i path`` for the block, then ``chattr -i`` (or the test's folder could not be removed)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the immutable attribute is Linux's")
    fd = os.open(path, os.O_RDONLY)
    try:
        flags = int.from_bytes(fcntl.ioctl(fd, FS_IOC_GETFLAGS, bytes(8))[:4], sys.byteorder)
        fcntl.ioctl(fd, FS_IOC_SETFLAGS, (flags | FS_IMMUTABLE_FL).to_bytes(8, sys.byteorder))
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EPERM, errno.ENOTTY, errno.EOPNOTSUPP, errno.EINVAL):
            pytest.skip(f"cannot mark a file immutable here ({exc.strerror}: not root, or tmpfs)")
        raise
    try:
        yield
    finally:
        fcntl.ioctl(fd, FS_IOC_SETFLAGS, flags.to_bytes(8, sys.byteorder))
        os.close(fd)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _model(folder: Path) -> None:
    with atomic_folder(folder, mark=Mark("forecast", "model")) as tmp:
        (tmp / "config.json").write_text("{}")
        (tmp / "model.safetensors").write_bytes(b"weights")


def test_a_model_holding_an_immutable_file_is_refused_before_any_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _model(tmp_path / "run" / "model")
    before = _files(tmp_path)
    with immutable(tmp_path / "run" / "model" / "model.safetensors"):
        assert pinned(tmp_path / "run" / "model" / "model.safetensors")
        message = (
            r"^cannot replace --out run/model: it is write-protected \(run/model/model\.safetensors in it "
            r"is marked immutable or append-only: chattr -i -a\), and replacing a folder deletes the old one; "
        )
        with pytest.raises(RnnkitError, match=message):  # the command's claim, before any work
            claimed([Output.whole("--out", Path("run/model"), "forecast", "model")]).__enter__()
        worked = []
        refused = pytest.raises(RnnkitError, match="is marked immutable")  # and every save of a model
        with refused, atomic_folder(tmp_path / "run" / "model", mark=Mark("forecast", "model")) as tmp:
            worked.append(tmp)  # pragma: no cover
        assert not worked
        assert _files(tmp_path) == before  # before: config.json gone, the weights hidden in a .tmp
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["model"]  # no lock, no temporary


def test_nothing_is_pinned_that_is_not_marked(tmp_path):
    (tmp_path / "f").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "f")
    assert not pinned(tmp_path / "f") and not pinned(tmp_path) and not pinned(tmp_path / "link")
    assert not pinned(tmp_path / "missing")
