"""One writer per output folder: an advisory ``flock`` held for the whole command.

A lock is a small file (``.rnnkit.lock`` inside a folder that stays, ``.NAME.rnnkit.lock`` beside a
folder that is replaced whole) locked with ``fcntl.flock(LOCK_EX | LOCK_NB)``. The kernel releases a
flock when its holder exits, however it exits (kill -9 included), so a lock is never stale: a leftover
lock file from a killed run is simply replaced by the next one. The lock file says who holds it (pid,
host, command line, start time) so that a second writer's one-line error can name it.

A lock file is written whole before anyone can see it: it is made as a temporary sibling, written and
locked, then hard-linked into place (:func:`_publish`). A reader therefore never finds a held lock file
that is empty, half-written or still naming the last holder, however long its holder stalls between
two steps; a process of a launch other than 0 used to give our own process 0 two seconds to write
itself in, then refuse alone (:func:`check_not_held`).

The lock file is removed on release, while still locked. A killed holder's lock file is replaced by
one process at a time, under a lock on the folder (:func:`_folder_locked`), and only after looking
that nobody holds it and that the path still names the file looked at.

Locks are re-entrant within a process (a command and the library code it calls may both ask for the
same folder) and are a no-op where ``fcntl`` does not exist (Windows).

Under a multi-process launch process 0 alone takes the locks; the others only look whether another
command holds them (:func:`check_not_held`), so that they refuse with it rather than wait to join a
process 0 that has refused. Process 0 writes its launch into the lock file to tell its own lock apart.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rnnkit.utils.dist import launch_id, world_size
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.leftovers import TEMP, clean_named, stem, temp_prefix

try:
    import fcntl
except ImportError:  # Windows: no flock; outputs are still checked, only not locked
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".rnnkit.lock"


def is_lock_entry(name: str) -> bool:
    """Whether the folder entry ``name`` is rnnkit's lock file of that folder, or one being made
    (:func:`acquire` writes it as a temporary first): never a user's file."""
    if name == LOCK_NAME:
        return True
    temporary = TEMP.match(name)
    return temporary is not None and temporary.group("name") == stem(LOCK_NAME)


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
    """One lock file however its folder is spelled (a relative path, a linked folder): a process that
    flocked it twice through two spellings would find itself holding it, "in use by" its own pid."""
    full = os.path.abspath(path)
    return os.path.normcase(os.path.join(os.path.realpath(os.path.dirname(full)), os.path.basename(full)))


def holder_info() -> dict[str, object]:
    """What a lock file says about its holder."""
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": _command_line(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "launch": launch_id(),  # the other processes of this launch find their own process 0's lock
    }


def _command_line() -> str:
    """The running program as a user would find it in ``ps``: ``rnnkit ARGS`` for the command line
    (the console script, ``python -m rnnkit``), else the Python program (``python train.py ARGS``): a
    script's ``save_pretrained`` holds locks too, and was named `rnnkit` alone."""
    program = sys.argv[0] if sys.argv else ""
    if os.path.basename(program) in ("rnnkit", "rnnkit.exe") or program.endswith(
        os.path.join("rnnkit", "__main__.py")
    ):
        return " ".join(["rnnkit", *sys.argv[1:]])
    return " ".join(["python", *([program] if program else []), *sys.argv[1:]])


def describe_holder(path: Path) -> str:
    """The holder as one phrase (``pid 12 on host, `rnnkit ...`, since ...``), from its lock file."""
    try:
        info = json.loads(Path(path).read_text(encoding="utf-8"))
        return f"pid {info['pid']} on {info['host']}, `{info['command']}`, since {info['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process (its lock file does not say which)"


def acquire(path: str | os.PathLike, what: str) -> Lock:
    """Lock ``path`` (created when missing) for this process, or raise a one-line error naming the holder.

    The lock file appears already locked and already saying who holds it (:func:`_publish`), so that
    nobody reads a held lock that names no holder, or the last one's.

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
    said = (json.dumps(holder_info()) + "\n").encode("utf-8")
    while True:
        fd, temp = _written_and_locked(path, what, said)
        try:
            published = _publish(temp, path, what)
        except _NoHardLinks:
            os.close(fd)
            fd = _locked_in_place(path, what, said)
            break
        except BaseException:
            os.close(fd)
            raise
        finally:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
        if published:
            break
        os.close(fd)  # the path changed hands meanwhile: look again
    # A temporary of a command killed while locking (within microseconds) is tidied by the next one.
    with contextlib.suppress(OSError):
        clean_named(path.parent, path.name, locked=False)
    lock = _HELD[_key(path)] = Lock(path, fd)
    return lock


def _written_and_locked(path: Path, what: str, said: bytes) -> tuple[int, Path]:
    """A temporary sibling of the lock file ``path``, holding ``said`` and locked by this process before
    anyone can lock it: (its descriptor, its name). Nothing is left when it cannot be made or written."""
    temp = path.with_name(f"{temp_prefix(path.name)}{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError as exc:  # a read-only file system, no permission, no inode left, a file as a folder
        raise _cannot_lock(what, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody else knows this file yet
        view = memoryview(said)
        while view:
            view = view[os.write(fd, view) :]
    except BaseException as exc:
        # A full disk fails here, after the file was made: take it away, so the refused command
        # leaves nothing behind.
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        os.close(fd)
        if isinstance(exc, OSError):
            raise _cannot_lock(what, exc) from None
        raise
    return fd, temp


def _publish(temp: Path, path: Path, what: str) -> bool:
    """Put the locked, written ``temp`` at the lock file ``path``: False when the path changed hands
    meanwhile (try again), an error naming the holder when another process holds it.

    A hard link makes a missing lock file appear whole, locked and naming its holder at once. A lock
    file already there (one whose holder was killed; its release removes it otherwise) is replaced, by
    one process at a time, under a lock on the folder: it is only looked at (a shared lock for an
    instant), so that it is never seen locked while it still names the last holder, which a process
    of a launch other than 0 would take for another command's (:func:`check_not_held`). A folder that
    cannot be locked (some network file systems) falls back to locking the old file for the exchange.
    """
    try:
        _link(temp, path)
        return True
    except FileExistsError:
        pass
    except FileNotFoundError:
        if not temp.exists():
            return False  # the holder of the folder tidied our temporary away: write it anew
        raise
    except OSError as exc:
        raise _cannot_lock(what, exc) from None
    with _folder_locked(path.parent) as alone:
        try:
            old = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return False  # its holder removed it meanwhile: link ours
        except OSError as exc:
            raise _cannot_lock(what, exc) from None
        try:
            try:
                if not _looked_at(old, path, alone):
                    return False  # removed meanwhile (a tidy-up, a release): link ours
            except BlockingIOError:
                raise _in_use(what, path) from None
            try:
                if not os.path.samestat(os.fstat(old), os.stat(path)):
                    return False
                os.unlink(path)
                _link(temp, path)
            except (FileNotFoundError, FileExistsError):
                return False  # released meanwhile, or taken by one that found the path free
            except OSError as exc:
                raise _cannot_lock(what, exc) from None
            return True
        finally:
            os.close(old)


STALE_REMOVAL_S = 0.5  # a tidy-up holds a killed holder's lock file for microseconds while it removes it


def _looked_at(old: int, path: Path, alone: bool) -> bool:
    """Lock the lock file ``old`` found at ``path`` for the exchange (a shared lock, to look whether it is
    held, where the folder is locked; else an exclusive one, which is also how a file system without
    hard links takes it in place): True once locked, False when ``path`` no longer names it;
    BlockingIOError when it is held.

    A killed holder's file is locked for an instant by whoever removes it too: a tidy-up of the folder
    around it (:func:`remove_stale`), which holds no lock on this folder. A save that looked in that
    instant was refused, "in use by" the dead holder. A held file that names no holder alive on this host
    is therefore looked at again, while it is still at ``path``, for up to :data:`STALE_REMOVAL_S`.
    """
    deadline = None
    while True:
        try:
            if alone:
                fcntl.flock(old, fcntl.LOCK_SH | fcntl.LOCK_NB)  # held? (nobody else replaces it)
            else:
                _lock_exclusive(old)
            return True
        except BlockingIOError:
            try:
                if not os.path.samestat(os.fstat(old), os.stat(path)):
                    return False
            except FileNotFoundError:
                return False
            if deadline is None:
                info = _holder(path)[1]
                if info.get("host") == socket.gethostname() and _alive_holder(info.get("pid")):
                    raise  # a running command holds it: refused at once
                deadline = time.monotonic() + STALE_REMOVAL_S
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.005)


def _alive_holder(pid: object) -> bool:
    """Whether ``pid``, as a lock file says it, is a process running on this host."""
    return isinstance(pid, int) and not isinstance(pid, bool) and _alive(pid)


class _NoHardLinks(Exception):
    """The file system makes no hard links (FAT and exFAT, some FUSE and SMB mounts)."""


_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS}  # link(2) where a file system has none


def _link(temp: Path, path: Path) -> None:
    """``os.link``, raising :class:`_NoHardLinks` where the file system has none."""
    try:
        os.link(temp, path)
    except OSError as exc:
        if exc.errno in _NO_LINKS:
            raise _NoHardLinks from None
        raise


def _locked_in_place(path: Path, what: str, said: bytes) -> int:
    """Where no hard link can be made (a USB stick's FAT): open the lock file ``path``, lock it, then
    write ``said`` into it; a reader may find it locked and not yet saying so for an instant, which
    :func:`check_not_held` waits out (:data:`HOLDER_WRITTEN_S`). Returns the locked descriptor."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _cannot_lock(what, exc) from None
        try:
            looked = _looked_at(fd, path, alone=False)  # a tidy-up removing a killed holder's: waited
        except BlockingIOError:
            os.close(fd)
            raise _in_use(what, path) from None
        except BaseException:
            os.close(fd)
            raise
        try:
            same = looked and os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder we waited on removed this file: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.write(fd, said)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)  # still locked, as release does: nothing is left behind
        os.close(fd)
        if isinstance(exc, OSError):
            raise _cannot_lock(what, exc) from None
        raise
    return fd


FOLDER_LOCK_S = 1.0  # rnnkit holds a folder's lock for microseconds; someone else's (`flock DIR cmd`) longer


@contextlib.contextmanager
def _folder_locked(folder: Path) -> Iterator[bool]:
    """Lock ``folder`` itself for as long as the block runs: yields True, or False when it cannot be
    locked (a file system without ``flock`` on folders; someone else holding it, such as the shell's
    ``flock DIR rnnkit ...``, which a blocking wait would never see the end of)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        fd = None
    if fd is None:
        yield False
        return
    try:
        deadline = time.monotonic() + FOLDER_LOCK_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = True
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    locked = False
                    break
                time.sleep(0.005)
            except OSError:
                locked = False
                break
        yield locked
    finally:
        os.close(fd)  # closing the folder unlocks it


PROBE_GRACE_S = 0.5  # another process of the launch looks at a lock for microseconds (check_not_held)
# A lock file held but not naming its holder (yet) is seen only where a folder cannot be locked, in the
# instant a killed holder's file is locked to be replaced (:func:`_publish`), on a file system without
# hard links (:func:`_locked_in_place`), or from an earlier rnnkit, which wrote itself in after locking:
# read again this long before it counts as another command's.
HOLDER_WRITTEN_S = 2.0
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
    before a longer look did). Elsewhere it cannot be asked. A held file that names no holder, or a
    dead one, is seen only where a lock file is not replaced whole (:data:`HOLDER_WRITTEN_S`): it is
    read again for a while.
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
    wait to join it until the launcher's SIGTERM. A held lock file names its holder from its first
    instant (:func:`acquire`); one that does not, or names a dead one (see :data:`HOLDER_WRITTEN_S`),
    is read again while it could still be our process 0's (:func:`_patience`), never longer than that.

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


class NoLocking(RnnkitError):
    """The file system offers no locks (``flock`` fails with ENOLCK, ENOSYS or EOPNOTSUPP: an NFS
    mount with no lock daemon, some FUSE file systems). A command refuses to run there; a library save,
    which took no lock before locks were added to it, goes on without one (:func:`atomic_folder`)."""


_NO_LOCKING = {errno.ENOLCK, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}


def _cannot_lock(what: str, exc: OSError) -> RnnkitError:
    """The one-line error when the lock file cannot be written: the output cannot be either."""
    kind = NoLocking if exc.errno in _NO_LOCKING else RnnkitError
    return kind(f"cannot write {what}: {exc.strerror or exc}")


def remove_stale(path: str | os.PathLike) -> bool:
    """Remove the lock file ``path`` when nobody holds it (a killed holder's), as a release does: locked
    while it is unlinked, and only while the path still names the file locked (:func:`acquire` then
    takes the path anew). Returns whether it was removed.

    The lock of an output inside a folder (a job's ``model/`` that ``explain gradient-flow`` saves) is
    taken by no later claim of the folder, which would otherwise keep a killed save's lock file for good.
    """
    path = Path(path)
    if fcntl is None or held_here(path):
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if not os.path.samestat(os.fstat(fd), os.stat(path)):
            return False
        os.unlink(path)
    except OSError:  # held (BlockingIOError), or gone meanwhile
        return False
    finally:
        os.close(fd)
    return True


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
