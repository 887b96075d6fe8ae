"""Linux's immutable and append-only attributes (``chattr +i``, ``chattr +a``): what even root may not
delete.

A file or folder so marked cannot be removed, renamed or (immutable) changed by anyone, root included,
until the mark is taken off (``chattr -i``). Permissions (``os.access``) do not show it, so a folder
holding such a file looked deletable, was replaced whole, and its deletion stopped part-way
(:func:`rnnkit.utils.atomic.write_protected_part` asks here too).

Read with the ``FS_IOC_GETFLAGS`` ioctl, which ext2/3/4, XFS, Btrfs, F2FS and others answer; elsewhere
(other systems, file systems without these attributes) nothing is marked.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no such attributes
    fcntl = None  # type: ignore[assignment]

FS_IOC_GETFLAGS = 0x80086601  # linux/fs.h: _IOR('f', 1, long), the same on every 64-bit Linux ABI
FS_IMMUTABLE_FL = 0x00000010
FS_APPEND_FL = 0x00000020


def pinned(path: str | os.PathLike) -> bool:
    """Whether ``path`` (a file or folder, never followed through a link) is marked immutable or
    append-only, so that nobody may delete it or, for a folder, anything in it.

    False where the attributes cannot be read (no permission to open it, a socket, another system).
    """
    if fcntl is None or not sys.platform.startswith("linux"):
        return False
    try:
        fd = os.open(Path(path), os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_NOCTTY)
    except OSError:  # a link (removed alone, never followed), a socket, no permission
        return False
    try:
        answer = fcntl.ioctl(fd, FS_IOC_GETFLAGS, bytes(8))
    except OSError:  # a file system without these attributes (tmpfs, NFS, ...)
        return False
    finally:
        os.close(fd)
    flags = int.from_bytes(answer[:4], sys.byteorder)  # the kernel fills an int
    return bool(flags & (FS_IMMUTABLE_FL | FS_APPEND_FL))
