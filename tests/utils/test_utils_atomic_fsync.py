"""utils.atomic on the disk: a file is synced before it is renamed into place, its folder after, so
that a power cut never leaves a file empty under its final name with the old copy already deleted."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest

from rnnkit.utils import atomic
from rnnkit.utils.atomic import (
    WriteError,
    atomic_entries,
    atomic_folder,
    write_bytes_atomic,
    write_text_atomic,
)
from rnnkit.utils.markers import Mark

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads what a descriptor names in /proc")


@pytest.fixture
def events(disk_events) -> list[tuple[str, ...]]:
    return disk_events


def _replaces(events, dst: Path) -> list[int]:
    return [i for i, e in enumerate(events) if e[0] == "replace" and e[2] == str(dst)]


def _synced(events, path: Path) -> list[int]:
    return [i for i, e in enumerate(events) if e == ("fsync", str(path))]


def test_a_file_is_synced_before_its_rename_and_its_folder_after(tmp_path, events):
    target = tmp_path / "predictions.csv"
    target.write_text("old\n")
    write_text_atomic(target, "new\n")
    (at,) = _replaces(events, target)
    temp = events[at][1]
    assert _synced(events, Path(temp)) and max(_synced(events, Path(temp))) < at
    assert _synced(events, tmp_path) and min(_synced(events, tmp_path)) > at
    assert target.read_text() == "new\n"


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two renames"])
def test_a_folder_is_synced_whole_before_it_moves_in_and_its_parent_before_the_old_goes(
    tmp_path, events, monkeypatch, exchange
):
    folder = tmp_path / "model"
    with atomic_folder(folder, mark=Mark("forecast", "run")) as tmp:
        (tmp / "config.json").write_text("{}")
    events.clear()
    real_exchange = atomic.exchange

    def exchanged(a, b):
        done = exchange and real_exchange(a, b)
        if done:
            events.append(("replace", os.path.abspath(a), os.path.abspath(b)))  # one step, both names
        return done

    monkeypatch.setattr(atomic, "exchange", exchanged)
    with atomic_folder(folder, mark=Mark("forecast", "run")) as tmp:
        (tmp / "config.json").write_text('{"v": 2}')
        (tmp / "extra").mkdir()
        (tmp / "extra" / "vocab.txt").write_text("a\n")
        built = tmp
    moved_in = max(
        i for i, e in enumerate(events) if e[0] == "replace" and str(built) in (e[1], e[2])
    )  # the exchange is one step; else the new folder's rename, the second
    for path in (built / "config.json", built / "extra" / "vocab.txt", built / "extra", built):
        assert _synced(events, path) and max(_synced(events, path)) < moved_in, path
    parent = [i for i in _synced(events, tmp_path) if i > moved_in]
    old_gone = [i for i, e in enumerate(events) if e[0] == "rmtree" and i > moved_in]
    assert parent and old_gone and parent[0] < old_gone[0]  # the new name on the disk, then the old deleted
    assert (folder / "extra" / "vocab.txt").read_text() == "a\n"


def test_a_data_sets_files_are_not_synced_one_by_one_a_models_are(tmp_path, events):
    # A data set is generated again from its seed; one fsync per image doubled generate-data. A model
    # folder is the user's hours of training: each of its files is synced.
    data = tmp_path / "data"
    with atomic_entries(data, Mark("caption", "dataset")) as tmp:
        (tmp / "images").mkdir()
        (tmp / "images" / "0.png").write_bytes(b"png")
        (tmp / "dataset.json").write_text("{}")
        built = tmp
    (at,) = _replaces(events, data / "dataset.json")
    assert not [e for e in events if e[0] == "fsync" and e[1].startswith(str(built))]
    assert max(_synced(events, data)) > at  # the names moved in are on the disk
    assert (data / "images" / "0.png").read_bytes() == b"png"
    events.clear()
    with atomic_folder(tmp_path / "model") as tmp:
        (tmp / "config.json").write_text("{}")
        built = tmp
    (at,) = _replaces(events, tmp_path / "model")
    assert _synced(events, built / "config.json") and max(_synced(events, built / "config.json")) < at


def _parent_sync_fails(monkeypatch, parent: Path) -> None:
    """The disk fails the sync of ``parent``'s entries, the one made after the rename (EIO)."""
    real_fsync = os.fsync

    def fsync(fd):
        if os.readlink(f"/proc/self/fd/{fd}") == str(parent):
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two renames"])
def test_a_failed_sync_after_the_rename_says_written_not_confirmed_and_leaves_no_old_copy(
    tmp_path, monkeypatch, exchange
):
    folder = tmp_path / "model"
    with atomic_folder(folder, mark=Mark("forecast", "run")) as tmp:
        (tmp / "config.json").write_text("old")
    if not exchange:
        monkeypatch.setattr(atomic, "exchange", lambda a, b: False)
    _parent_sync_fails(monkeypatch, tmp_path)
    with (
        pytest.raises(
            WriteError, match=r"^.*model was written, but the disk did not confirm it \(Input/output error\)"
        ),
        atomic_folder(folder, mark=Mark("forecast", "run")) as tmp,
    ):
        (tmp / "config.json").write_text("new")
    assert (folder / "config.json").read_text() == "new"
    assert os.listdir(tmp_path) == ["model"]  # no .model.rnnkit-old, no temporary


def test_a_file_whose_folder_sync_fails_after_the_rename_says_written_not_confirmed(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("old")
    _parent_sync_fails(monkeypatch, tmp_path)
    with pytest.raises(WriteError, match=r"a\.txt was written, but the disk did not confirm it"):
        write_text_atomic(target, "new")
    assert target.read_text() == "new" and os.listdir(tmp_path) == ["a.txt"]


def test_a_folder_that_cannot_be_synced_is_skipped_a_disk_error_is_one_line(tmp_path, monkeypatch):
    real_fsync = os.fsync

    def no_folder_sync(fd):
        if os.path.isdir(os.readlink(f"/proc/self/fd/{fd}")):
            raise OSError(errno.EINVAL, "Invalid argument")  # a file system that syncs no folder
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", no_folder_sync)
    write_bytes_atomic(tmp_path / "a.bin", b"x")
    with atomic_folder(tmp_path / "model") as tmp:
        (tmp / "config.json").write_text("{}")
    assert (tmp_path / "a.bin").read_bytes() == b"x" and (tmp_path / "model" / "config.json").is_file()

    def lost(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", lost)
    with pytest.raises(WriteError, match=r"^cannot write .*a\.bin: Input/output error$"):
        write_bytes_atomic(tmp_path / "a.bin", b"y")
    assert (tmp_path / "a.bin").read_bytes() == b"x"
    assert sorted(os.listdir(tmp_path)) == ["a.bin", "model"]  # no temporary left
