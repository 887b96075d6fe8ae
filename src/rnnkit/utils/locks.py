"""One writer per output folder: an advisory ``flock`` held for the whole command.

A lock is a small file (``.rnnkit.lock`` inside a folder that stays, ``.NAME.rnnkit.lock`` beside a
folder that is replaced whole) locked with ``fcntl.flock(LOCK_EX | LOCK_NB)``. The kernel releases a
flock when its holder exits, however it exits (kill -9 included), so a lock is never stale: a leftover
lock file from a killed run is simply locked again by the next one. The holder writes who it is into
the file (pid, host, command line, start time) so that a second writer's one-line error can name it.

The lock file is removed on release. Removing a lock file races with a process that opened it just
before, so :func:`acquire` checks after locking that the path still names the file it locked, and tries
again when not (the usual protocol for unlinkable lock files).

Locks are re-entrant within a process (a command and the library code it calls may both ask for the
same folder) and are a no-op where ``fcntl`` does not exist (Windows).

Under a multi-process launch process 0 alone takes the locks; the others only look whether another
command holds them (:func:`check_not_held`), so that they refuse with it rather than wait to join a
process 0 that has refused. Process 0 writes its launch into the lock file to tell its own lock apart.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from rnnkit.utils.dist import launch_id, world_size
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.leftovers import stem

try:
    import fcntl
except ImportError:  # Windows: no flock; outputs are still checked, only not locked
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".rnnkit.lock"


def lock_name(name: str) -> str:
    """The lock file beside the output ``name`` (a folder replaced whole, a file); a name too long for
    it is shortened (:func:`rnnkit.utils.leftovers.stem`)."""
    return f".{stem(name)}.rnnkit.lock"


@dataclass
class Lock:
    """A held lock: release it once (or let the process end)."""

    path: Path
    fd: int | None
    count: int = field(default=1)

    def release(self) -> None:
        """Drop one hold; the last one unlocks, removes the lock file and closes it."""
        self.count -= 1
        if self.count > 0:
            return
        _HELD.pop(_key(self.path), None)
        if self.fd is None:
            return
        # Unlink while still holding the lock: a waiter that opened the old file notices (see acquire).
        # A read-only folder keeps its lock file: the flock is what locks, not the file.
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
        os.close(self.fd)
        self.fd = None


_HELD: dict[str, Lock] = {}


def _key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def holder_info() -> dict[str, object]:
    """What a lock file says about its holder."""
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": " ".join(["rnnkit", *sys.argv[1:]]) if sys.argv else "rnnkit",
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "launch": launch_id(),  # the other processes of this launch find their own process 0's lock
    }


def describe_holder(path: Path) -> str:
    """The holder as one phrase (``pid 12 on host, `rnnkit ...`, since ...``), from its lock file."""
    try:
        info = json.loads(Path(path).read_text(encoding="utf-8"))
        return f"pid {info['pid']} on {info['host']}, `{info['command']}`, since {info['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process (its lock file does not say which)"


def acquire(path: str | os.PathLike, what: str) -> Lock:
    """Lock ``path`` (created when missing) for this process, or raise a one-line error naming the holder.

    Args:
        path: the lock file.
        what: the locked thing as the error should name it (``run folder runs/forecast``).

    Raises:
        RnnkitError: another process holds the lock.
    """
    path = Path(path)
    held = _HELD.get(_key(path))
    if held is not None:
        held.count += 1
        return held
    if fcntl is None:
        lock = _HELD[_key(path)] = Lock(path, None)
        return lock
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a read-only file system, no permission, no inode left
            raise _cannot_lock(what, exc) from None
        try:
            _lock_exclusive(fd)
        except BlockingIOError:
            os.close(fd)
            raise _in_use(what, path) from None
        except BaseException:
            os.close(fd)
            raise
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder we waited on removed this file: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.write(fd, (json.dumps(holder_info()) + "\n").encode("utf-8"))
    except BaseException as exc:
        # A full disk fails here, after the file was made: take it away (still locked, as release
        # does), so the refused command leaves nothing behind.
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        os.close(fd)
        if isinstance(exc, OSError):
            raise _cannot_lock(what, exc) from None
        raise
    lock = _HELD[_key(path)] = Lock(path, fd)
    return lock


PROBE_GRACE_S = 0.5  # another process of the launch looks at a lock for microseconds (check_not_held)
HOLDER_WRITTEN_S = 2.0  # a holder writes who it is microseconds after locking; a loaded machine, longer
SAME_HOLDER_S = 0.5  # a holder on another host, read this long unchanged, is no lock being taken anew


def _lock_exclusive(fd: int) -> None:
    """``flock(LOCK_EX | LOCK_NB)``; under a launch, tried again for a moment, since the other
    processes of the launch look at the lock (a shared lock for an instant) while process 0 takes it."""
    deadline = time.monotonic() + (PROBE_GRACE_S if world_size() > 1 else 0.0)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _in_use(what: str, path: Path) -> RnnkitError:
    return RnnkitError(
        f"{what} is in use by {describe_holder(path)}; wait for it to finish, or write elsewhere"
    )


def _holder(path: Path) -> tuple[str, dict]:
    """The lock file ``path`` as read (empty when it cannot be), and the holder info it says."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return "", {}
    try:
        info = json.loads(text)
    except ValueError:
        return text, {}
    return text, info if isinstance(info, dict) else {}


def _patience(info: dict) -> float:
    """How long a held lock whose file says ``info`` (not this launch) is read again, unchanged,
    before it counts as another command's: as long as our own process 0 may still be about to write
    itself into it.

    A holder alive on this host, other than a process of this launch, is another command: at once
    (under torchrun process 0 refuses at once, and the launcher's SIGTERM would end this process
    before a longer look did). Elsewhere it cannot be asked: what a holder wrote before our process 0
    locked the file anew (a killed run's lock file) changes within microseconds, so a moment's look
    tells. A file that names no holder, or a dead one on this host, is a lock just taken: longer.
    """
    pid, host = info.get("pid"), info.get("host")
    if not isinstance(pid, int) or not isinstance(host, str):
        return HOLDER_WRITTEN_S  # being written
    if host != socket.gethostname():
        return SAME_HOLDER_S
    if not _alive(pid) or _parent_pid(pid) == os.getppid():
        return HOLDER_WRITTEN_S  # a killed holder's file, locked anew; or (its pid reused) ours
    return 0.0


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this host."""
    if pid <= 0:  # kill(0) or kill(-n) would ask about whole process groups
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:  # another user's
        return True
    except (OSError, OverflowError):
        return False
    return True


def _parent_pid(pid: int) -> int | None:
    """The parent of process ``pid`` on this host (torchrun's agent for a process of this launch), or
    None where it cannot be read (no ``/proc``)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
        return int(stat.rsplit(")", 1)[1].split()[1])  # the name in parentheses may hold spaces
    except (OSError, ValueError, IndexError):
        return None


def check_not_held(path: str | os.PathLike, what: str) -> None:
    """In a process other than 0 of a launch: refuse, as :func:`acquire` does in process 0, when the lock
    file ``path`` is held by anyone but this launch's process 0; never takes the lock.

    Process 0 refuses a folder another rnnkit command holds; the others, which lock nothing, went on to
    wait to join it until the launcher's SIGTERM. A lock just taken may not say its holder yet (or
    still say the last one's): it is read again while it could still be our process 0's
    (:func:`_patience`), never longer than :data:`HOLDER_WRITTEN_S`.

    Raises:
        RnnkitError: another command holds the lock.
    """
    path = Path(path)
    ours = launch_id()
    began = time.monotonic()
    seen, since = None, began  # the lock file as last read, and since when it has said so
    while is_locked(path):
        text, info = _holder(path)
        if ours is not None and info.get("launch") == ours:
            return
        now = time.monotonic()
        if text != seen:
            seen, since = text, now
        if now - since >= _patience(info) or now - began >= HOLDER_WRITTEN_S:
            raise _in_use(what, path)
        time.sleep(0.05)


def _cannot_lock(what: str, exc: OSError) -> RnnkitError:
    """The one-line error when the lock file cannot be written: the output cannot be either."""
    return RnnkitError(f"cannot write {what}: {exc.strerror or exc}")


def held_here(path: str | os.PathLike) -> bool:
    """Whether this process holds the lock file ``path`` itself: locks are re-entrant within a process,
    so its own lock is never another command's."""
    return _key(Path(path)) in _HELD


def is_locked(path: str | os.PathLike) -> bool:
    """Whether some process (this one included) holds the lock file ``path`` now."""
    path = Path(path)
    if held_here(path):
        return True
    if fcntl is None or not path.is_file():
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
