"""A lock file appears whole: nobody ever reads a held lock that does not yet name its holder.

Process 0 of a launch locked the lock file, then wrote who it is into it. A process of the launch
other than 0 that read the file in between (empty, or still naming a killed run) read it again for
``HOLDER_WRITTEN_S`` (2 s), then refused alone: a process 0 stalled that long between two system
calls (a loaded machine, swapping) ended the launch. Here process 0 is stalled after *every* step of
taking the lock, for longer than that reader waits, and the reader runs each time.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from rnnkit.utils import locks
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.leftovers import temp_prefix
from rnnkit.utils.locks import LOCK_NAME, acquire, check_not_held, is_lock_entry


def _dead_pid() -> int:
    dead = subprocess.Popen(["true"])
    dead.wait()  # reaped: its pid names no process
    return dead.pid


def _killed_runs_lock(path: Path) -> None:
    """The lock file a kill -9 leaves: it names a dead holder of another launch, and nobody holds it."""
    info = {"pid": _dead_pid(), "host": socket.gethostname(), "command": "rnnkit x", "started": "t",
            "launch": "a killed run's launch"}  # fmt: skip
    path.write_text(json.dumps(info) + "\n")


def _held_by_anyone(path: Path) -> bool:
    """Whether some open file holds the lock file at ``path`` (this process's own holds included)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


class _StalledAtEveryStep:
    """Runs ``acquire(path)`` in a thread that stops after each system call it makes (open, write,
    flock, link, unlink, close), until the test has looked at the lock file."""

    CALLS = (("os", "open"), ("os", "write"), ("os", "link"), ("os", "unlink"), ("os", "close"),
             ("fcntl", "flock"))  # fmt: skip

    def __init__(self, monkeypatch, path: Path) -> None:
        self.path = path
        self.stopped = threading.Semaphore(0)
        self.go_on = threading.Semaphore(0)
        self.done = False
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run)
        for module, name in self.CALLS:
            monkeypatch.setattr(
                getattr(locks, module), name, self._stalling(getattr(getattr(locks, module), name))
            )

    def _stalling(self, real):
        def call(*args, **kwargs):
            try:
                return real(*args, **kwargs)
            finally:
                if threading.current_thread() is self.thread:
                    self.stopped.release()
                    self.go_on.acquire()

        return call

    def _run(self) -> None:
        try:
            acquire(self.path, "--out F")
        except BaseException as exc:  # handed to the test, which re-raises it
            self.error = exc
        finally:
            self.done = True
            self.stopped.release()

    def steps(self):
        """Yields once at each stop of the acquiring thread; returns when it has the lock."""
        self.thread.start()
        while True:
            self.stopped.acquire()
            if self.done:
                break
            yield
            self.go_on.release()
        self.thread.join()
        if self.error is not None:
            raise self.error


@pytest.mark.parametrize("before", ["no lock file", "a killed run's lock file"])
def test_process_1_never_refuses_a_lock_its_process_0_is_taking(tmp_path, process_1, monkeypatch, before):
    path = tmp_path / LOCK_NAME
    if before != "no lock file":
        _killed_runs_lock(path)
    monkeypatch.setattr(locks, "HOLDER_WRITTEN_S", 0.05)  # process 0 stalls longer than it is waited for
    monkeypatch.setattr(locks, "SAME_HOLDER_S", 0.05)
    process_0 = _StalledAtEveryStep(monkeypatch, path)
    looks = 0
    for _ in process_0.steps():
        check_not_held(path, "--out F")  # before: refused once the file was locked, not yet written
        looks += 1
    assert looks >= 4  # it stopped at every step: made, locked, written, linked...
    assert json.loads(path.read_text())["launch"] == locks.launch_id()
    locks._HELD[locks._key(path)].release()


def test_a_second_writer_reading_a_lock_being_taken_reads_its_holder_whole(tmp_path, monkeypatch):
    """A command refused while another takes the lock named 'pid N' of the killed run (or nobody)."""
    path = tmp_path / LOCK_NAME
    _killed_runs_lock(path)
    first = _StalledAtEveryStep(monkeypatch, path)
    said = set()
    for _ in first.steps():
        if _held_by_anyone(path):
            info = json.loads(path.read_text())  # before: empty (not JSON), or the killed run's
            said.add(info["pid"])
    assert said == {os.getpid()}
    locks._HELD[locks._key(path)].release()


def test_a_killed_holders_lock_file_is_replaced_while_another_process_looks_at_it(tmp_path):
    """The launch's other processes look with a shared lock for an instant; taking the lock then no
    longer needs to wait for them."""
    path = tmp_path / LOCK_NAME
    _killed_runs_lock(path)
    look = os.open(path, os.O_RDONLY)
    fcntl.flock(look, fcntl.LOCK_SH | fcntl.LOCK_NB)
    try:
        lock = acquire(path, "--out F")
    finally:
        os.close(look)
    assert json.loads(path.read_text())["pid"] == os.getpid()
    lock.release()
    assert sorted(os.listdir(tmp_path)) == []


def test_where_a_folder_cannot_be_locked_the_old_file_is_locked_for_the_exchange(tmp_path, monkeypatch):
    """Someone else holds the folder (`flock DIR rnnkit ...`): waited for a moment, never for ever."""
    monkeypatch.setattr(locks, "FOLDER_LOCK_S", 0.05)
    path = tmp_path / LOCK_NAME
    _killed_runs_lock(path)
    folder = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(folder, fcntl.LOCK_EX)
    try:
        lock = acquire(path, "--out F")
        assert json.loads(path.read_text())["pid"] == os.getpid()
        holder = os.open(path, os.O_RDONLY)
        with pytest.raises(BlockingIOError):
            fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(holder)
        lock.release()
    finally:
        os.close(folder)
    assert not path.exists()


def test_a_held_lock_is_never_replaced(tmp_path):
    path = tmp_path / LOCK_NAME
    held = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(held, fcntl.LOCK_EX)
    os.write(held, json.dumps({"pid": 7, "host": "h", "command": "rnnkit y", "started": "t"}).encode())
    inode = os.fstat(held).st_ino
    try:
        with pytest.raises(RnnkitError, match=r"^--out F is in use by pid 7 on h, `rnnkit y`, since t; "):
            acquire(path, "--out F")
        assert os.stat(path).st_ino == inode
    finally:
        os.close(held)
    assert sorted(os.listdir(tmp_path)) == [LOCK_NAME]  # no temporary left


def test_a_killed_lockers_temporary_is_tidied_and_is_no_users_file(tmp_path):
    """A kill -9 between making the lock's temporary and linking it leaves it: it is rnnkit's."""
    dead = _dead_pid()
    leftover = tmp_path / f"{temp_prefix(LOCK_NAME).replace(str(os.getpid()), str(dead))}0a1b2c3d.tmp"
    leftover.write_text("{}")
    assert is_lock_entry(leftover.name) and is_lock_entry(LOCK_NAME) and not is_lock_entry("notes.txt")
    acquire(tmp_path / LOCK_NAME, "--out F").release()
    assert sorted(os.listdir(tmp_path)) == []


@pytest.mark.parametrize("before", ["no lock file", "a killed run's lock file"])
def test_a_file_system_without_hard_links_is_locked_in_place(tmp_path, monkeypatch, before):
    """A USB stick's FAT makes no hard links (EPERM): the lock file is written where it lies."""
    import errno

    path = tmp_path / LOCK_NAME
    if before != "no lock file":
        _killed_runs_lock(path)

    def no_links(src, dst, **kwargs):
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(locks.os, "link", no_links)
    lock = acquire(path, "--out F")  # before the fallback: "cannot write --out F: Operation not permitted"
    assert json.loads(path.read_text())["pid"] == os.getpid() and _held_by_anyone(path)
    assert sorted(os.listdir(tmp_path)) == [LOCK_NAME]  # no temporary left
    lock.release()
    assert sorted(os.listdir(tmp_path)) == []


@pytest.mark.parametrize("links", [True, False], ids=["hard-links", "no-hard-links"])
def test_a_save_that_looks_while_a_tidy_up_removes_a_killed_holders_lock_file_is_not_refused(
    tmp_path, monkeypatch, links
):
    """A tidy-up of the folder around (``remove_stale``) locks a killed holder's lock file for the instant
    it removes it; a save that looked in that instant was refused, "in use by" the dead pid. (Without
    hard links, a FAT stick's, the save locks the file where it lies: the same instant.)"""
    import errno

    if not links:

        def no_links(src, dst, **kwargs):
            raise OSError(errno.EPERM, os.strerror(errno.EPERM))

        monkeypatch.setattr(locks.os, "link", no_links)
    path = tmp_path / ".model.rnnkit.lock"
    _killed_runs_lock(path)
    dead = json.loads(path.read_text())["pid"]
    saver = threading.current_thread()
    removing, removed = threading.Event(), threading.Event()
    real_unlink, real_flock = os.unlink, fcntl.flock

    def unlink_once_looked_at(target, *args, **kwargs):
        if threading.current_thread() is not saver and os.fspath(target) == os.fspath(path):
            removing.set()  # the tidy-up holds the file locked, about to remove it
            assert removed.wait(10)  # until the save has looked at it
        return real_unlink(target, *args, **kwargs)

    def flock_then_removed(fd, op):
        try:
            real_flock(fd, op)
        except BlockingIOError:
            if threading.current_thread() is saver and not removed.is_set():
                removed.set()  # the save found it held: now the tidy-up removes it
                tidy_up.join(10)
            raise

    monkeypatch.setattr(os, "unlink", unlink_once_looked_at)
    monkeypatch.setattr(fcntl, "flock", flock_then_removed)
    results = []
    tidy_up = threading.Thread(target=lambda: results.append(locks.remove_stale(path)))
    tidy_up.start()
    assert removing.wait(10)
    try:
        lock = acquire(path, "model folder m")
    finally:
        removed.set()
        tidy_up.join(10)
    assert results == [True]  # the tidy-up did remove the killed holder's file ...
    info = json.loads(path.read_text())
    assert info["pid"] == os.getpid() != dead  # ... and the save locked a file of its own
    assert _held_by_anyone(path)
    lock.release()
    assert sorted(os.listdir(tmp_path)) == []
