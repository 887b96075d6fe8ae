"""Run-folder locks (issue 10, item 2): one writer at a time, the second told who holds it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.locks import acquire, describe_holder, is_locked

SRC = str(Path(__file__).parents[2] / "src")

HOLD = (
    "import sys, time\n"
    "sys.argv = ['rnnkit', 'forecast', 'train', '--resume']\n"
    "from rnnkit.utils.locks import acquire\n"
    "acquire({path!r}, 'x')\n"
    "print('held', flush=True)\n"
    "time.sleep(60)\n"
)


def _holder(path: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD.format(path=str(path))], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_lock_names_its_holder_and_is_released_when_the_holder_is_killed(tmp_path):
    path = tmp_path / ".rnnkit.lock"
    proc = _holder(path)
    try:
        assert is_locked(path)
        info = json.loads(path.read_text())
        assert info["pid"] == proc.pid and info["command"] == "rnnkit forecast train --resume"
        with pytest.raises(
            RnnkitError,
            match=rf"run folder r is in use by pid {proc.pid} on .*`rnnkit forecast train --resume`, since ",
        ):
            acquire(path, "run folder r")
    finally:
        proc.kill()  # kill -9: no clean-up runs, the kernel drops the flock
        proc.wait()
    assert path.exists() and not is_locked(path)  # a stale lock file locks nothing
    lock = acquire(path, "run folder r")
    assert json.loads(path.read_text())["pid"] == os.getpid()
    lock.release()
    assert not path.exists()


def test_lock_is_reentrant_within_a_process(tmp_path):
    path = tmp_path / "l.lock"
    outer = acquire(path, "x")
    inner = acquire(path, "x")
    assert inner is outer
    inner.release()
    assert is_locked(path) and path.exists()
    outer.release()
    assert not is_locked(path) and not path.exists()


def test_a_lock_file_removed_by_its_releasing_holder_is_not_trusted(tmp_path, monkeypatch):
    """A waiter that opened the old file just before the holder removed it must lock the new file."""
    import rnnkit.utils.locks as locks

    path = tmp_path / "l.lock"
    path.write_text("a killed holder's\n")
    real_flock = locks.fcntl.flock
    swapped = []

    def flock_after_swap(fd, op):
        real_flock(fd, op)
        if op & locks.fcntl.LOCK_SH and not swapped:  # between our look at the old file and our
            swapped.append(True)  # check, the file at the path is replaced
            path.unlink()
            path.write_text("someone else's\n")

    monkeypatch.setattr(locks.fcntl, "flock", flock_after_swap)
    lock = acquire(path, "x")
    assert swapped and os.path.samestat(os.fstat(lock.fd), os.stat(path))
    assert json.loads(path.read_text())["pid"] == os.getpid()
    lock.release()


def test_unreadable_lock_file_is_still_described_in_one_line(tmp_path):
    path = tmp_path / "l.lock"
    path.write_text("garbage")
    assert describe_holder(path) == "another process (its lock file does not say which)"


def test_a_lock_that_cannot_be_written_is_one_line_and_leaves_no_lock_file(tmp_path, monkeypatch):
    """A full disk lets the lock file be made but not written: the command must fail naming what it
    writes, not with a bare 'No space left on device', and must not leave an empty lock file behind."""
    import errno

    from rnnkit.utils import locks

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(locks.os, "write", full)
    path = tmp_path / ".model.rnnkit.lock"
    with pytest.raises(RnnkitError, match=r"^cannot write --out run: No space left on device$"):
        acquire(path, "--out run")
    assert not path.exists() and not is_locked(path)
    monkeypatch.undo()
    acquire(path, "--out run").release()  # nothing held: the next run locks it


def test_a_lock_file_that_cannot_be_made_is_one_line(tmp_path):
    (tmp_path / "f").write_text("a file where a folder should be")
    with pytest.raises(RnnkitError, match=r"^cannot write --out f/x: Not a directory$"):
        acquire(tmp_path / "f" / ".rnnkit.lock", "--out f/x")


def test_a_lock_taken_again_through_a_linked_folder_is_the_same_lock(tmp_path):
    """A command's claim and its library save may spell the folder two ways; flocking the file twice
    made the process refuse itself, "in use by" its own pid."""
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    outer = acquire(tmp_path / "real" / ".m.rnnkit.lock", "x")
    inner = acquire(tmp_path / "link" / ".m.rnnkit.lock", "x")
    assert inner is outer
    inner.release()
    outer.release()
    assert not (tmp_path / "real" / ".m.rnnkit.lock").exists()


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["/venv/bin/rnnkit", "forecast", "train"], "rnnkit forecast train"),
        (["/src/rnnkit/__main__.py", "serve"], "rnnkit serve"),
        (["train.py", "--epochs", "3"], "python train.py --epochs 3"),
        (["-c"], "python -c"),
    ],
)
def test_a_lock_names_the_program_that_holds_it(monkeypatch, argv, shown):
    """A Python script's save_pretrained holds a lock too: it is named as itself, not as `rnnkit`."""
    from rnnkit.utils.locks import holder_info

    monkeypatch.setattr(sys, "argv", argv)
    assert holder_info()["command"] == shown
