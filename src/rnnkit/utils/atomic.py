"""Files and folders written whole or not at all, and never over something rnnkit did not write.

Every file rnnkit writes goes to a temporary sibling first (``.NAME.rnnkit-PID-RANDOM.tmp``, see
:mod:`rnnkit.utils.leftovers`) and is moved into place with ``os.replace``, which is atomic on POSIX
and Windows within one file system. A folder is built in a temporary sibling folder and moved into place
the same way, so a crash or a Ctrl-C never leaves a half-written model. Each file (each file of a folder)
is synced to the disk before its rename and its folder after (:func:`sync_folder_tree`,
:func:`sync_parent`), so a power cut does not leave it empty under its final name either; but the
files of a generated data set (:func:`atomic_entries`) are not synced one by one, only their names. A
failed sync after the rename is :class:`UnconfirmedWrite`: written, but not confirmed on the disk.

Replacing an existing folder: on Linux the new folder and the old one are exchanged in one atomic
``renameat2(RENAME_EXCHANGE)``, so ``NAME`` holds the old folder or the new one at every instant. Where
that call does not exist (other systems, some file systems) the old folder is first renamed to
``.NAME.rnnkit-old``, then the new one to ``NAME``; a kill between the two leaves ``.NAME.rnnkit-old``
alone, and the next rnnkit that writes or loads ``NAME`` renames it back
(:func:`rnnkit.utils.leftovers.restore`; a user's own ``.NAME.old`` is never touched).

An existing folder is replaced only when it is empty or rnnkit wrote it (:mod:`rnnkit.utils.markers`),
or the caller says so (``force``); a file where a folder should go is never replaced.

Under a multi-process launch (torchrun, ``accelerate launch``) one process writes: in the others
(:func:`rnnkit.utils.dist.is_main_process` false) the caller's block runs against a scratch path in
the temporary directory, which is then deleted, so the target is untouched. Every rnnkit writer (model
folders, plots, reports, metric logs, run files) goes through here, so the processes of one training
command never race for a file, and no application needs a guard at each write.

An ``OSError`` while writing (disk full, read-only file system, no permission, a path under a file)
becomes :class:`WriteError` (a :class:`~rnnkit.utils.errors.RnnkitError`) ``cannot write PATH: <reason>``, after the temporary
is removed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import stat
import struct
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from rnnkit.utils.dist import is_main_process
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.file_flags import pinned
from rnnkit.utils.leftovers import clean_named, old_name, restore, stem, temp_prefix
from rnnkit.utils.locks import NoLocking, acquire, is_lock_entry, lock_name
from rnnkit.utils.markers import (
    MARKER_NAME,
    MODEL_KIND,
    MODEL_SUBFOLDER,
    Mark,
    marker_text,
    read_mark,
    refuse_foreign_entries,
    write_mark,
)
from rnnkit.utils.wording import as_typed

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100

# Folders the running command may replace although rnnkit did not write them (``--force``; kept by
# :func:`rnnkit.utils.outputs.claim_outputs` while its claim is held).
FORCED: set[str] = set()
# File outputs the user named (``--json``, ``--plot``; kept by claim_outputs while its claim is held): a
# symbolic link there is written through, as a shell's ``>`` would (:func:`written_at`).
NAMED: set[str] = set()


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def plain_mode(path: str | os.PathLike) -> None:
    """Give the file ``path`` the permissions a plain ``open()`` would (``0666 & ~umask``: 0644 usually).

    ``mkstemp`` creates 0600 files, and so does safetensors' ``save_file`` (it writes through its own
    temporary file); a model's weights would then be private while its ``config.json`` is not.
    """
    os.chmod(path, 0o666 & ~_umask())


def keep_permissions(new: Path, old: Path) -> None:
    """Give ``new``, about to replace ``old``, the permissions and group of ``old``, as a shell's ``>``
    keeps a file's: a model or report the user made private (``chmod -R go-rwx``), or shared with a
    group (``chgrp team``, ``chmod 750``), stays so when the next training replaces it; it became
    ``0755``/``0644`` and the user's group again, whatever ``old`` was, and under a ``umask 077``
    a shared one became private.

    A folder's entries take the permissions of their namesakes in ``old``; an entry it did not hold
    (or held as a symbolic link, or a file where it is a folder) takes the folder's (its files without
    the execute bits). The owner always keeps reading and writing what rnnkit writes (a run reads its
    ``run.json`` back and replaces it). ``old`` missing, a symbolic link or of another type: the
    umask's permissions stay (:func:`plain_mode`). A group the process may not give (one the user
    left) stays the process's own, with the umask's group bits, not the old group's (:func:`_give`).
    An ACL (``setfacl``: named users and groups) is copied whole, not read through the group bits
    ``stat`` shows, which are its mask (:func:`_own_bits`).
    """
    try:
        was = os.lstat(old)
    except OSError:
        return
    if new.is_symlink() or stat.S_ISREG(was.st_mode) != new.is_file():
        return
    if stat.S_ISREG(was.st_mode):
        acls = _acls(old, False)
        _give(new, was, _own_bits(was, acls) & 0o777 | 0o600, acls)
        return
    if not stat.S_ISDIR(was.st_mode):
        return
    acls = _acls(old, True)
    folder_mode = _own_bits(was, acls) & 0o3777 | 0o700  # a shared folder's setgid bit too
    _give(new, was, folder_mode, acls)
    # Each folder's default ACL as given (the old one's, or the one a new folder inherits): what an
    # entry new to it gets, as the kernel gives it to a file a shell creates there. Top-down, a folder
    # is given before its entries.
    defaults = {str(new): acls.get(_ACL_DEFAULT)}
    for here, folders, files in os.walk(new):  # never into a linked folder
        for name in (*folders, *files):
            entry = Path(here, name)
            if entry.is_symlink():
                continue
            old_entry = old / entry.relative_to(new)
            try:
                namesake = os.lstat(old_entry)
            except OSError:
                namesake = None
            is_dir = entry.is_dir()
            # A namesake of another type is none: a symbolic link's lstat is 0777, which gave README.md
            # that mode where the old folder held a link of that name.
            if namesake is not None and _same_type(namesake, is_dir):
                entry_acls = _acls(old_entry, is_dir)
                mode = _own_bits(namesake, entry_acls) & (0o3777 if is_dir else 0o777)
            else:
                namesake, entry_acls = was, {}
                mode = folder_mode if is_dir else folder_mode & 0o666
                inherited = defaults.get(here)
                if inherited:
                    entry_acls, bits = _inherit(inherited, is_dir)
                    mode = mode & ~0o777 | bits
            if is_dir:
                defaults[str(entry)] = entry_acls.get(_ACL_DEFAULT)
            _give(entry, namesake, mode | (0o700 if is_dir else 0o600), entry_acls)


def _same_type(was: os.stat_result, is_dir: bool) -> bool:
    """Whether ``was`` is a folder (``is_dir``) or a plain file (not ``is_dir``): a link, a FIFO or a
    device of that name has no permissions to pass on."""
    return stat.S_ISDIR(was.st_mode) if is_dir else stat.S_ISREG(was.st_mode)


# POSIX ACLs (setfacl), kept by Linux as extended attributes: a file's or folder's own, and the one a
# folder gives what is created in it.
_ACL_ACCESS = "system.posix_acl_access"
_ACL_DEFAULT = "system.posix_acl_default"
# Entry tags (linux/posix_acl.h): the owner's, the owning group's, the mask's (the most any named user or
# group gets) and the others'.
_ACL_USER_OBJ, _ACL_GROUP_OBJ, _ACL_MASK, _ACL_OTHER = 0x01, 0x04, 0x10, 0x20


def _acls(path: Path, is_dir: bool) -> dict[str, bytes]:
    """The POSIX ACLs of ``path`` (a folder's default ACL too), by attribute name: none where it has
    none or the system keeps none (no extended attributes: Windows, macOS)."""
    found: dict[str, bytes] = {}
    if not hasattr(os, "getxattr"):
        return found
    for name in (_ACL_ACCESS, _ACL_DEFAULT) if is_dir else (_ACL_ACCESS,):
        with contextlib.suppress(OSError):  # no such ACL, or a file system without them
            found[name] = os.getxattr(path, name, follow_symlinks=False)
    return found


def _inherit(default: bytes, is_dir: bool) -> tuple[dict[str, bytes], int]:
    """The ACLs and permission bits the kernel gives a file (``is_dir``: a folder) created in a folder
    of default ACL ``default`` (``posix_acl_create``): that ACL as its access ACL, the owner's, the
    others' and the mask's entries (the owning group's where it has no mask) ANDed with the create
    mode's bits (0666, a folder 0777; the umask does not apply), which are then the file's bits; a
    folder keeps ``default`` as its own default ACL too. A new ``vocab.json`` of a model shared with
    ``setfacl -d -m u:1234:rX`` got no ACL (0640), and user 1234 could not read it."""
    create = 0o777 if is_dir else 0o666
    entries = [struct.unpack_from("<HHI", default, o) for o in range(4, len(default) - 7, 8)]
    has_mask = any(tag == _ACL_MASK for tag, _, _ in entries)
    shifts = {_ACL_USER_OBJ: 6, _ACL_MASK if has_mask else _ACL_GROUP_OBJ: 3, _ACL_OTHER: 0}
    bits = 0
    masked = bytearray(default[:4])
    for tag, perm, ident in entries:
        if tag in shifts:
            perm &= create >> shifts[tag] & 0o7
            bits |= perm << shifts[tag]
        masked += struct.pack("<HHI", tag, perm, ident)
    acls = {_ACL_ACCESS: bytes(masked)}
    if is_dir:
        acls[_ACL_DEFAULT] = default
    return acls, bits


def _own_bits(was: os.stat_result, acls: Mapping[str, bytes]) -> int:
    """The permission bits of a file of ``was`` and ``acls`` (:func:`_acls`), its group bits the owning
    group's own: with an ACL the group bits ``stat`` shows are the ACL's mask (the most any named user or
    group gets), and copied as they are they gave the owning group the mask's rights."""
    mode = stat.S_IMODE(was.st_mode)
    acl = acls.get(_ACL_ACCESS, b"")
    # posix_acl_xattr: a 4-byte version, then entries of a tag (2 bytes), permissions (2) and an id (4)
    for offset in range(4, len(acl) - 7, 8):
        tag, perm, _ = struct.unpack_from("<HHI", acl, offset)
        if tag == _ACL_GROUP_OBJ:
            return mode & ~0o070 | (perm & 0o7) << 3
    return mode


def _give(path: Path, was: os.stat_result, mode: int, acls: Mapping[str, bytes] | None = None) -> None:
    """Give ``path`` the group of ``was`` (where this process may), ``mode``, then the ACLs ``acls`` of
    the old file (:func:`_acls`), in that order: a change of group clears a setgid bit, and a ``chmod``
    of a file with an ACL sets the ACL's mask, not the group's bits.

    Where the group cannot be given (the user left it), ``mode``'s group bits are not: they were that
    group's rights, and the user's own group (often the shared ``users``) would get them; ``path`` keeps
    the group bits a new file (folder) gets from the umask, and no ACL (its group entry was that group's).
    """
    now = os.lstat(path)
    if os.name != "nt" and now.st_gid != was.st_gid:
        try:
            os.chown(path, -1, was.st_gid, follow_symlinks=False)
        except OSError:  # not a member of that group
            fresh = (0o777 if stat.S_ISDIR(now.st_mode) else 0o666) & ~_umask()
            mode = mode & ~0o070 | fresh & 0o070
            acls = None
    os.chmod(path, mode)
    if not acls:
        return
    with contextlib.suppress(OSError):  # a file system without ACLs: the owning group's bits stand
        for name, value in acls.items():
            os.setxattr(path, name, value, follow_symlinks=False)
        # The ACL set the owner's bits too (a chmod 444 file): the owner's and others' from mode, the mask kept.
        os.chmod(path, mode & ~0o070 | stat.S_IMODE(os.lstat(path).st_mode) & 0o070)


def save_safetensors(
    tensors: Mapping[str, Any], path: str | os.PathLike, metadata: dict | None = None
) -> Path:
    """``safetensors.torch.save_file`` with the file mode of any other file rnnkit writes (see :func:`plain_mode`).

    Every safetensors file rnnkit writes goes through here. ``path`` is usually inside a temporary
    folder or a temporary file of this module, so the write stays atomic.
    """
    from safetensors.torch import save_file

    save_file(dict(tensors), str(path), metadata=metadata)
    plain_mode(path)
    return Path(path)


class WriteError(RnnkitError):
    """``cannot write PATH: REASON``: a file that could not be written (disk full, no permission).

    ``path`` and ``reason`` are kept apart, so a caller that knows better what ``path`` was (a
    checkpoint's hidden folder, removed by the time the user reads the line) can word the error its own
    way without taking the message apart.
    """

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = Path(path)
        self.reason = reason

    def __reduce__(self) -> tuple[type[WriteError], tuple[Path, str]]:
        # An exception is pickled as its class called with ``args`` (the message alone here).
        return type(self), (self.path, self.reason)


class UnconfirmedWrite(WriteError):
    """``PATH was written, but the disk did not confirm it (REASON) ...``: the sync after the rename failed.

    By then the new content is in place and the old copy gone, so "cannot write" would be false (a user
    who believed it kept using the old results, or wrote again). It is still an error, not a warning:
    the disk reported a fault (``EIO``), the new name may not survive a power cut, and a script must
    see a non-zero exit to know it.
    """

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        RnnkitError.__init__(
            self,
            f"{path} was written, but the disk did not confirm it ({reason}): it may not survive a "
            "power cut; check the disk",
        )
        self.path = Path(path)
        self.reason = reason


def write_error(path: str | os.PathLike, exc: OSError) -> WriteError:
    """The one-line error for an ``OSError`` while writing ``path``."""
    return WriteError(path, exc.strerror or str(exc) or exc.__class__.__name__)


# How the writers rnnkit calls report a failed write without an OSError: safetensors raises
# SafetensorError("... I/O error: No space left on device (os error 28)"), torch.save a RuntimeError from
# its zip writer ("PytorchStreamWriter failed writing file", "[enforce fail at inline_container.cc]"),
# or from the C++ file stream under it when the disk fills as the file is closed ("basic_ios::clear:
# iostream error": a small file, such as an optimizer state, whose every byte sat in the stream's buffer).
_OS_ERROR_TEXT = re.compile(r"I/O error: (?P<reason>[^(]+?) \(os error \d+\)")
_TORCH_WRITER = ("PytorchStreamWriter", "inline_container.cc", "file write failed", "basic_ios::clear")


def failed_write(path: str | os.PathLike, exc: BaseException) -> WriteError | None:
    """The one-line error when ``exc`` is a failed write of ``path`` (disk full, no permission, ...);
    None when it is something else (a bug, Ctrl-C), which must go on unchanged."""
    if isinstance(exc, RnnkitError):
        return None
    if isinstance(exc, OSError):
        return write_error(path, exc)
    if isinstance(exc, UnicodeEncodeError) and _undecodable(exc):
        return WriteError(path, _not_utf8(exc))  # text naming a file with bytes that are not UTF-8
    if isinstance(exc, UnicodeEncodeError) and _undecodable(exc, "\ud800", "\udfff"):
        return WriteError(path, _half_character(exc))  # text holding half an emoji
    text = str(exc)
    if type(exc).__name__ == "SafetensorError" and (m := _OS_ERROR_TEXT.search(text)):
        return WriteError(path, m.group("reason"))
    if isinstance(exc, RuntimeError) and any(s in text for s in _TORCH_WRITER):
        free = shutil.disk_usage(Path(path).parent if Path(path).parent.is_dir() else ".").free
        reason = os.strerror(errno.ENOSPC) if free < 1 << 20 else "the file could not be written in full"
        return WriteError(path, reason)
    return None


def not_a_folder(path: str | os.PathLike[str], shown: str | None = None) -> str:
    """What ``path``, which exists but is no folder, is, in words for a message (``shown``: ``path`` as the
    user would read it): ``X is a file, not a folder``; or, for a symbolic link that leads nowhere (an
    unplugged disk, a loop of links), that link and where it leads: ``ls`` shows the link, and "a file"
    sent the user looking for one that is not there."""
    shown = os.fspath(path) if shown is None else shown
    if os.path.islink(path) and not os.path.exists(path):
        try:
            target = os.readlink(path)
        except OSError:  # removed since; still no folder
            return f"{shown} is a symbolic link, not a folder"
        return f"{shown} is a symbolic link to {target}, which does not exist (or is a loop of links), not a folder"
    return f"{shown} is a file, not a folder"


def _parent(path: Path) -> Path:
    """Create ``path``'s folder; a file (or a link to nothing) in the way is a one-line error naming it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # the folder itself, or one above it
        # mkdir -p names no culprit: the first existing folder on the way that is none is the one
        blocker = next((p for p in (path.parent, *path.parent.parents) if os.path.lexists(p)), path.parent)
        if blocker.is_dir():
            blocker = path.parent
        raise WriteError(path, not_a_folder(blocker)) from None
    except OSError as exc:
        raise write_error(path, exc) from None
    return path.parent


# fsync errors that say only that this file system or system cannot sync (a FUSE mount, a folder on
# Windows, some network file systems): nothing more can be done there, and the write goes on. Any other
# (EIO: the disk lost the data) is a failed write.
_CANNOT_SYNC = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF, errno.ENOSYS})


def _fsync(path: str | os.PathLike, folder: bool = False) -> None:
    """Flush ``path``'s data (a file) or its entries (a ``folder``) from the system's cache to the disk.

    A rename is atomic, but only in the cache: after a power cut the file renamed into place may come
    back empty (its data never written) while the old copy was already deleted, or the rename itself may
    be lost. So a file is synced before it is renamed, and its folder after. A folder cannot be opened
    on Windows, and some file systems refuse to sync one: skipped there.
    """
    if folder and os.name == "nt":
        return
    flags = os.O_RDONLY if os.name != "nt" else os.O_RDWR  # Windows syncs only a file open for writing
    if folder:
        flags |= getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if folder and exc.errno in (errno.EACCES, errno.EPERM, *_CANNOT_SYNC):
            return  # a folder this process may write in but not list (chmod 333): its entries stay unsynced
        raise
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _CANNOT_SYNC:
            raise
    finally:
        os.close(fd)


def sync_folder_tree(folder: str | os.PathLike) -> None:
    """Flush every file in ``folder`` and every folder's entries, ``folder``'s own included, to the disk:
    before ``folder``, built in a temporary place, is renamed into place (then sync its parent).
    Symbolic links are not followed."""
    for here, _, files in os.walk(folder):
        for name in files:
            if not os.path.islink(os.path.join(here, name)):
                _fsync(os.path.join(here, name))
        _fsync(here, folder=True)


def sync_parent(path: str | os.PathLike) -> None:
    """Flush the entries of ``path``'s folder to the disk: a rename into it, or out of it, survives a
    power cut once this returns."""
    _fsync(os.path.dirname(os.path.abspath(path)), folder=True)


def _confirm(path: str | os.PathLike, folder: str | os.PathLike | None = None) -> None:
    """Sync ``folder`` (``path``'s parent by default) after a rename put ``path`` in place: a failure is
    :class:`UnconfirmedWrite`, since the write itself is done."""
    try:
        _fsync(folder if folder is not None else os.path.dirname(os.path.abspath(path)), folder=True)
    except OSError as exc:
        raise UnconfirmedWrite(path, exc.strerror or str(exc)) from None


_STANDARD = {
    "/dev/stdout": 1,
    "/dev/fd/1": 1,
    "/proc/self/fd/1": 1,
    "/dev/stderr": 2,
    "/dev/fd/2": 2,
    "/proc/self/fd/2": 2,
}


def standard_stream(path: str | os.PathLike) -> int | None:
    """1 or 2 when ``path`` names this process's standard output or error: ``-`` (as ``--input -`` names
    standard input), ``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``; else None."""
    if os.fspath(path) == "-":
        return 1
    full = os.path.abspath(path)
    own = {f"/proc/{os.getpid()}/fd/1": 1, f"/proc/{os.getpid()}/fd/2": 2}
    return _STANDARD.get(full, own.get(full))


def is_stream(path: str | os.PathLike) -> bool:
    """Whether ``path`` is written in place, as a shell's ``>`` would: a device, pipe, FIFO, socket or
    terminal (``/dev/null``, ``/dev/stdout``), or a descriptor link of ``/proc`` (``/dev/stdout`` when
    standard output is a file).

    Such a path is no file to replace: renaming a finished file onto ``/dev/null`` or ``/dev/stdout``
    would put a plain file in the place of the device or the link (and, as root, break the system for
    every program), while the user asked for the output to go through it.
    """
    if standard_stream(path) is not None:
        return True
    full = os.path.abspath(path)
    if os.path.realpath(os.path.dirname(full)).startswith("/proc/"):
        return True  # /dev/fd/1, /proc/self/fd/1
    with contextlib.suppress(OSError):
        if os.path.islink(full) and os.readlink(full).startswith("/proc/"):
            return True  # /dev/stdout -> /proc/self/fd/1, whatever standard output is
    try:
        mode = os.stat(full).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def real_file(path: str | os.PathLike) -> Path:
    """Where a file output at ``path`` is written: a symbolic link is written through (it stays a link,
    to the new file), as a shell's ``>`` would, instead of being replaced by a file."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def written_at(path: Path) -> Path:
    """Where :func:`atomic_path` puts the file ``path``: through a symbolic link the user named (a
    claimed file output, :data:`NAMED`) or one outside rnnkit's folders (library code given a path);
    but a link inside an rnnkit folder, where one of its own files goes, is replaced itself.

    Such a link points anywhere (``RUN/predictions.csv -> ~/thesis.txt``): the next training of ``RUN``,
    which needs no ``--force`` to replace its own files, replaced the user's thesis with predictions.
    """
    if not path.is_symlink():
        return path
    if os.path.abspath(path) in NAMED or read_mark(path.parent) is None:
        return real_file(path)
    return path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success move it onto ``path``, on error delete it.

    A symbolic link at ``path`` is written through, unless it stands in an rnnkit folder in place of
    one of rnnkit's files (:func:`written_at`); a stream (:func:`is_stream`:
    ``/dev/stdout``, ``/dev/null``, a FIFO) is yielded itself, to be written in place.

    >>> with atomic_path("out.txt") as tmp:  # doctest: +SKIP
    ...     tmp.write_text("all or nothing")
    """
    path = Path(path)
    if not is_main_process():
        yield from _scratch_file(path)
        return
    if (fd := standard_stream(path)) is not None:
        yield from _to_standard(path, fd)
        return
    if is_stream(path):
        yield from _in_place(path)
        return
    target = written_at(path)
    if target.is_dir():
        raise WriteError(path, "it is a folder")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".tmp", dir=_parent(target))
    except OSError as exc:
        raise write_error(path, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        plain_mode(tmp)  # mkstemp creates 0600 files
        yield tmp
        keep_permissions(tmp, target)
        _fsync(tmp)  # whole on the disk before its name says so (a power cut)
        os.replace(tmp, target)
        _confirm(path, os.path.dirname(os.path.abspath(target)))
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        error = failed_write(path, exc)
        if error is None:
            raise
        raise error from None


_reserved_stdout: Any = None  # standard output while an output named "-" holds it (reserve_stdout)


def reserve_stdout() -> Callable[[], None]:
    """Keep standard output for an output named ``-`` (``/dev/stdout``): from now on the command's own
    printing (tables, "wrote ..." lines) goes to standard error, so that ``forecast export --out - >
    m.onnx`` holds the ONNX bytes and nothing else. Returns the undo (the claim's release calls it)."""
    global _reserved_stdout
    if _reserved_stdout is not None:
        return lambda: None
    _reserved_stdout, sys.stdout = sys.stdout, sys.stderr

    def undo() -> None:
        global _reserved_stdout
        if _reserved_stdout is not None:
            sys.stdout, _reserved_stdout = _reserved_stdout, None

    return undo


def _to_standard(path: Path, fd: int) -> Iterator[Path]:
    """Yield a temporary file, then copy it to standard output (``fd`` 1) or error (2) after what the
    command already printed there. Reopening ``/dev/stdout`` would truncate a file that standard output
    is redirected to (``> log``) and write over the lines printed before."""
    handle, name = tempfile.mkstemp(prefix=".rnnkit-", suffix=".tmp")
    os.close(handle)
    tmp = Path(name)
    try:
        # "cannot write standard output: No space left on device", not "cannot write -: ..."
        with _failures_named(Path("standard output" if fd == 1 else "standard error")):
            yield tmp
            stream = (_reserved_stdout or sys.stdout) if fd == 1 else sys.stderr
            stream.flush()
            binary = getattr(stream, "buffer", None)
            if binary is None:  # a text-only stream (a test's capture): the output is text
                stream.write(tmp.read_text(encoding="utf-8", errors="replace"))
            else:
                binary.write(tmp.read_bytes())
            stream.flush()
    finally:
        tmp.unlink(missing_ok=True)


def _in_place(path: Path) -> Iterator[Path]:
    """Yield the stream ``path`` itself; a failed write (a closed pipe) is one line like any other."""
    with _failures_named(path):
        yield path


@contextlib.contextmanager
def _failures_named(path: Path) -> Iterator[None]:
    """A write of ``path`` that fails (disk full, a closed pipe) as the one-line error naming it
    (:func:`failed_write`); anything else (a bug, Ctrl-C) as it was raised."""
    try:
        yield
    except BaseException as exc:
        error = failed_write(path, exc)
        if error is None:
            raise
        raise error from None


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically and return the path.

    Raises:
        RnnkitError: ``text`` cannot be UTF-8, before anything is written: it quotes a name with bytes
            that are not (``--data $'prices\\xff.csv'`` recorded in ``run.json``), which Python reads
            as lone surrogates, or holds half a character (JSON's ``"\\ud83d"``); both failed with a
            traceback.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise failed_write(path, exc) or exc from None
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def _undecodable(exc: UnicodeEncodeError, low: str = "\udc80", high: str = "\udcff") -> bool:
    """Whether the text failed on a byte Python read from a name that is not UTF-8 (a lone surrogate
    U+DC80..U+DCFF, as ``os.fsdecode`` spells it); with ``low`` and ``high`` U+D800 and U+DFFF, on a lone
    surrogate of any kind (half an emoji), which no file's text can hold. Any other failure (a character
    ASCII lacks) is a bug, raised as it is."""
    bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else ""
    return any(low <= c <= high for c in bad)


def _not_utf8(exc: UnicodeEncodeError) -> str:
    """Why text ``exc`` failed to encode cannot be written, naming the name it quotes."""
    text = exc.object if isinstance(exc.object, str) else ""
    return (
        f"it records {_name_around(text, exc.start)}, a name with bytes that are not UTF-8; rename that "
        "file or folder"
    )


def _half_character(exc: UnicodeEncodeError) -> str:
    """Why text holding a lone surrogate that no name's byte gives (half of a character, as a JSON file's
    ``"\ud83d"`` reads) cannot be written: the text is broken, not a name."""
    bad = exc.object[exc.start] if isinstance(exc.object, str) else ""
    return (
        f"the text holds {as_typed(bad)}, half of a character (a broken emoji?), which UTF-8 cannot "
        "write; mend or remove it in what it came from"
    )


_AROUND_NAME = frozenset(" \t\n\"',;=[]{}")  # what ends a path quoted in JSON or a command line


def _name_around(text: str, at: int) -> str:
    """The word of ``text`` (a path, as JSON or a command line quotes it) holding position ``at``, its
    undecodable bytes shown as the user would type them (``prices\\xff.csv``)."""
    start, end = at, at
    while start > 0 and text[start - 1] not in _AROUND_NAME:
        start -= 1
    while end < len(text) and text[end] not in _AROUND_NAME:
        end += 1
    return as_typed(text[start:end][:200])


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def _libc_exchange(a: str, b: str) -> bool:
    """Swap the names ``a`` and ``b`` in one step (Linux ``renameat2``); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False  # the file system cannot exchange: fall back to two renames
    raise OSError(err, os.strerror(err), a)


# Module attribute so that tests can take the two-rename path, or stop between the steps.
exchange = _libc_exchange


def replace_folder(new: Path, path: Path) -> None:
    """Put the folder ``new`` at ``path``, whose existing folder is discarded; ``path`` never goes missing
    where the system can exchange two names, and is restored by the next rnnkit where it cannot."""
    if exchange(str(new), str(path)):
        try:
            _confirm(path)  # the exchange on the disk before the old folder's files are deleted
        finally:  # the new folder is in place even when the disk did not confirm it: no old copy stays
            shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the old folder
        return
    old = path.with_name(old_name(path.name))
    shutil.rmtree(old, ignore_errors=True)
    for tries_left in reversed(range(3)):
        os.replace(path, old)
        try:
            os.replace(new, path)
            break
        except OSError as exc:
            # A loader that saw no lock (one of an rnnkit before library saves were locked, or where
            # there is no flock: Windows) moved the old folder back between our two renames
            # (leftovers.restored): move it aside again, never lose ours.
            if not tries_left or exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or os.path.lexists(old):
                raise
    try:
        _confirm(path)
    finally:  # the new folder is in place even when the disk did not confirm it: no old copy stays
        shutil.rmtree(old, ignore_errors=True)


def write_protected_part(path: Path) -> Path | None:
    """The first folder in the tree ``path`` that this process may not empty (a ``chmod 555``, a folder
    of another user), or None when the whole tree can be deleted.

    Replacing a folder whole moves the new one in by renaming, which needs only its parent to be
    writable, then deletes the old one, which needs every folder in it to be. A write-protected folder
    would be replaced all the same, and the old one would stay, hidden, as a ``.NAME.rnnkit-*.tmp``
    that no later run can delete either: rnnkit refuses it before writing, as ``rm -r`` would. So is
    a file or folder in it marked immutable or append-only (``chattr +i``, which permissions do not
    show: root may not delete it either), returned as itself: a user's protected model was replaced,
    then its deletion stopped at that file, leaving it hidden without the config beside it.
    """
    for folder, _, files in os.walk(path):  # never into a linked folder: rmtree removes the link alone
        here = Path(folder)
        if not may_empty(here) or pinned(here):
            return here
        for name in files:
            if pinned(here / name):
                return here / name
    return None


def may_empty(folder: Path) -> bool:
    """Whether this process may list and delete the entries of ``folder`` (its own permissions only)."""
    access = dict(effective_ids=True) if os.access in os.supports_effective_ids else {}
    return os.access(folder, os.R_OK | os.W_OK | os.X_OK, **access)


def check_deletable(path: Path, what: str) -> None:
    """Refuse to replace the folder ``path`` (``what`` names it for the user) whole when it cannot be
    deleted after (:func:`write_protected_part`)."""
    if not path.is_dir() or path.is_symlink() or (part := write_protected_part(path)) is None:
        return
    inside = "" if part == path else f" ({part} in it)"
    if pinned(part):
        inside = (
            f" ({'it' if part == path else f'{part} in it'} is marked immutable or append-only: chattr -i -a)"
        )
    raise RnnkitError(
        f"cannot replace {what}: it is write-protected{inside}, and replacing a folder deletes the old "
        "one; make it writable, or choose another folder"
    )


def check_replaceable(path: Path, force: bool = False) -> None:
    """Refuse to replace ``path`` unless it is missing, an empty folder, or a folder rnnkit wrote
    (any folder with ``force``); a file is never replaced."""
    if not os.path.lexists(path):
        return
    if path.is_symlink():
        raise RnnkitError(
            f"{path} is a symbolic link; rnnkit does not replace a link (give the folder itself)"
        )
    if not path.is_dir():
        raise RnnkitError(f"{path} is a file, not a folder; rnnkit does not replace it (choose another name)")
    mark = read_mark(path)
    if mark is not None and mark.kind == MODEL_KIND:  # replaced whole: what a model never holds goes too
        refuse_foreign_entries(path, str(path))
    if force or os.path.abspath(path) in FORCED or mark is not None or not any(path.iterdir()):
        check_deletable(path, str(path))
        return
    raise RnnkitError(f"{path} holds files rnnkit did not write; rnnkit does not replace it{_force_hint()}")


def check_replaces_a_model(folder: Path, application: str) -> None:
    """Refuse to save a model over anything but a model folder of ``application`` (or an empty or
    missing folder, or one the command line claimed with ``--force``).

    Saving replaces the folder whole. A run folder is rnnkit's too, but it holds what no model folder
    does (checkpoints, ``metrics.csv``, ``run.json``: what ``--resume`` needs), and another
    application's model is someone's work; ``save_pretrained("runs/x")`` must not delete them.
    A file at ``folder`` is left to :func:`~rnnkit.utils.atomic.atomic_folder`, which refuses it."""
    if not folder.is_dir() or folder.is_symlink():
        return
    if os.path.abspath(folder) in FORCED or not any(folder.iterdir()):
        check_deletable(folder, str(folder))
        return
    mark = read_mark(folder)
    if mark == Mark(application, MODEL_KIND):
        refuse_foreign_entries(folder, str(folder))  # a user's notes in it would be replaced with it
        check_deletable(folder, str(folder))  # the demo's plan checks it before its first section
        return
    what = mark.describe() if mark is not None else "a folder of files rnnkit did not write"
    hint = f"; its model is {folder / MODEL_SUBFOLDER}" if mark is not None and mark.kind == "run" else ""
    raise RnnkitError(
        f"{folder} is {what}, not an rnnkit {application} model folder: saving a model replaces its folder "
        f"whole, so it is not written there (choose another folder{hint})"
    )


def _force_hint() -> str:
    """The way out of a refusal: ``--force`` only on the command line and when it was not given (asking
    for it again would mislead; then the folder was not among the outputs the command claimed). The
    Python API (``save_pretrained``) has no ``--force``: there the way out is another folder."""
    import click

    from rnnkit.utils.outputs import force_given

    if click.get_current_context(silent=True) is None:
        return " (choose another folder, or empty this one)"
    if force_given():
        return " (it was not claimed before the work, so --force does not cover it: choose another folder)"
    return " (choose another folder, or pass --force)"


@contextlib.contextmanager
def atomic_folder(
    path: str | os.PathLike, overwrite: bool = True, mark: Mark | None = None, force: bool = False
) -> Iterator[Path]:
    """Yield an empty temporary folder; on success it replaces ``path`` whole, on error it is removed.

    Args:
        path: the folder to write.
        overwrite: False refuses any existing ``path`` (``FileExistsError``).
        mark: written into the folder as its ``.rnnkit`` marker (model folders are known by their
            config and need none).
        force: replace an existing folder that rnnkit did not write.

    An existing folder at ``path`` is kept until the new one is complete, then swapped out; it must be
    empty or rnnkit's (see :func:`check_replaceable`), checked before and again after the work. The
    lock of ``path`` (``.NAME.rnnkit.lock`` beside it, :mod:`rnnkit.utils.locks`) is held throughout,
    whoever calls (a command, or ``save_pretrained`` from Python), so that no loader moves anything
    while the folder is replaced (:func:`rnnkit.utils.leftovers.restored`).

    Raises:
        RnnkitError: another process writes ``path`` (``PATH is in use by pid ...``), or it may not be
            replaced.
    """
    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise RnnkitError(f"cannot replace {path} whole: name the folder (not '.' or '..')")
    if not is_main_process():
        yield from _scratch_folder(path)
        return
    parent = _parent(path)
    # The lock a command holds on the folder it replaces whole (re-entrant: a command's save takes it
    # again): a library save (``save_pretrained``) took none, so a loader in another process, finding it
    # between its two renames, moved the old folder back, and a few such loads made the save fail.
    try:
        lock = acquire(parent / lock_name(path.name), str(path))
    except NoLocking:
        # A file system with no locks (an NFS mount with no lock daemon): save as before saves were
        # locked; replace_folder moves a folder a loader put back aside again.
        lock = None
    # Every temporary beside the folder is a killed save's only where this call took the kernel's lock
    # itself. A re-entry (another thread of this process saving the same folder), Windows (no flock)
    # and a file system with no locks exclude nobody: there only dead processes' temporaries are
    # removed, or a second save deleted the first's half-written folder.
    alone = lock is not None and lock.fd is not None and lock.count == 1
    try:
        yield from _replaced_whole(path, parent, overwrite, mark, force, alone)
    finally:
        if lock is not None:
            lock.release()


def _replaced_whole(
    path: Path, parent: Path, overwrite: bool, mark: Mark | None, force: bool, alone: bool
) -> Iterator[Path]:
    """:func:`atomic_folder`'s work, under the folder's lock: yield the temporary folder, then put it
    at ``path``. ``alone``: this process holds the lock and no other save of it is under way."""
    clean_named(parent, path.name, locked=alone)  # a killed save's temporaries
    check_replaceable(path, force)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=parent))
    except OSError as exc:
        raise write_error(path, exc) from None
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp creates 0700 folders; match a plain mkdir
        if mark is not None:
            (tmp / MARKER_NAME).write_text(marker_text(mark), encoding="utf-8")
        yield tmp
        restore(path)
        keep_permissions(tmp, path)
        sync_folder_tree(tmp)  # whole on the disk before its name says so (a power cut)
        if os.path.lexists(path):
            if not overwrite:
                raise FileExistsError(f"{path} already exists")
            check_replaceable(path, force)
            replace_folder(tmp, path)
        else:
            os.replace(tmp, path)
            _confirm(path)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        error = None if isinstance(exc, FileExistsError) and not overwrite else failed_write(path, exc)
        if error is None:
            raise
        raise error from None


ENTRIES_TEMP = "new"  # the temporary folder of atomic_entries: PATH/.new.rnnkit-PID-RANDOM.tmp


@contextlib.contextmanager
def atomic_entries(
    path: str | os.PathLike, mark: Mark, force: bool = False, names: tuple[str, ...] = ()
) -> Iterator[Path]:
    """Yield an empty temporary folder inside ``path``; on success each entry built there is moved into
    ``path``, and everything else ``path`` holds is kept. On error nothing in ``path`` has changed.

    Why not :func:`atomic_folder`: a data set is generated into a folder that may hold other files (the
    user's notes, a training run), and replacing the folder whole would delete them.

    - In a folder of ``mark`` (or a new or empty one) each entry replaces its namesake whole (a folder
      by an atomic exchange, :func:`replace_folder`), so a data set generated again keeps no image of the
      previous one; the folder gets the marker.
    - In any other folder (``force``, or claimed with ``--force``: ``FORCED``) entries are merged file by
      file: a file of the same name is replaced, nothing is removed, and no marker is written, so the
      folder stays the user's and the next run merges again.

    A file never replaces a folder nor a folder a file, and nothing is written through a symbolic link;
    ``names`` (``"images/"`` for a folder) are checked for that before the work, everything at the end
    before the first entry moves. Folders move before files, so ``dataset.json`` never names an image
    that is not there yet.
    """
    path = Path(path)
    if not is_main_process():
        yield from _scratch_folder(path)
        return
    if os.path.lexists(path) and not path.is_dir():
        raise RnnkitError(f"{not_a_folder(path)}; rnnkit does not replace it (choose a folder)")
    whole = _own_folder(path, mark)
    if not whole and not (force or os.path.abspath(path) in FORCED):
        raise RnnkitError(
            f"{path} holds files rnnkit did not write; rnnkit does not write into it{_force_hint()}"
        )
    for name in names:
        _refuse_clash(path / name.rstrip("/"), name.endswith("/"))
        if whole and name.endswith("/"):
            check_deletable(path / name.rstrip("/"), str(path / name.rstrip("/")))
    created = not os.path.lexists(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        clean_named(path, ENTRIES_TEMP, locked=False)  # a killed run's temporary (its process is gone)
        tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(ENTRIES_TEMP), suffix=".tmp", dir=path))
    except FileExistsError:
        raise RnnkitError(f"cannot write {path}: a file is in the way of the folder") from None
    except OSError as exc:
        raise write_error(path, exc) from None
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp creates 0700 folders; match a plain mkdir
        yield tmp
        _check_entries(tmp, path, whole)
        # No sync of each file (sync_folder_tree): a data set is generated again from its seed in
        # seconds, and one fsync per image doubled generate-data; the moves are synced (_move_entries).
        if whole and read_mark(path) != mark:
            write_mark(path, mark)  # before the entries: a kill part-way leaves a folder rnnkit knows
        _move_entries(tmp, path, whole)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        with contextlib.suppress(OSError):  # a folder this call made and nothing moved into: leave nothing
            if created and {p.name for p in path.iterdir()} <= {MARKER_NAME}:
                (path / MARKER_NAME).unlink(missing_ok=True)
                path.rmdir()
        error = failed_write(path, exc)
        if error is None:
            raise
        raise error from None
    shutil.rmtree(tmp, ignore_errors=True)


def _own_folder(path: Path, mark: Mark) -> bool:
    """Whether ``path`` is missing, empty (but for a lock), or marked ``mark``: rnnkit's to replace in."""
    if not os.path.lexists(path) or read_mark(path) == mark:
        return True
    return all(is_lock_entry(p.name) for p in path.iterdir())


def _refuse_clash(target: Path, is_folder: bool) -> None:
    """Refuse to put a folder where a file is, a file where a folder is, or anything through a link."""
    if target.is_symlink():
        raise RnnkitError(
            f"cannot write {target}: it is a symbolic link, and rnnkit does not write through it"
        )
    if os.path.lexists(target) and target.is_dir() != is_folder:
        found, given = ("a folder", "a file") if target.is_dir() else ("a file", "a folder")
        raise RnnkitError(
            f"cannot write {target}: it is {found}, and rnnkit never replaces {found} with {given}"
        )


def _check_entries(src: Path, dest: Path, whole: bool) -> None:
    """Every clash of ``src``'s entries in ``dest`` (down every merged folder), before anything moves."""
    for entry in src.iterdir():
        target = dest / entry.name
        if entry.is_dir():
            restore(target)  # a replacement killed between its two renames left it as .NAME.rnnkit-old
        _refuse_clash(target, entry.is_dir())
        if entry.is_dir() and whole:
            check_deletable(target, str(target))  # replaced whole, the old one deleted
        if entry.is_dir() and not whole and target.is_dir():
            _check_entries(entry, target, whole)


def _move_entries(src: Path, dest: Path, whole: bool) -> None:
    """Move ``src``'s entries into ``dest``, folders first: replaced whole, or merged file by file."""
    for entry in sorted(src.iterdir(), key=lambda e: (not e.is_dir(), e.name)):
        target = dest / entry.name
        if entry.is_dir() and os.path.lexists(target):
            if whole:
                keep_permissions(entry, target)
                replace_folder(entry, target)
            else:
                _move_entries(entry, target, whole)
        else:
            keep_permissions(entry, target)
            os.replace(entry, target)
    _confirm(dest, dest)  # the moves on the disk


def _scratch_file(path: Path) -> Iterator[Path]:
    """A throw-away file named like ``path`` (same suffix), for a process that must not write."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{stem(path.name)}.", suffix=path.suffix or ".tmp")
    os.close(fd)
    try:
        yield Path(tmp_name)
    finally:
        Path(tmp_name).unlink(missing_ok=True)


def _scratch_folder(path: Path) -> Iterator[Path]:
    """A throw-away empty folder, for a process that must not write."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{stem(path.name)}.", suffix=".tmp"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
