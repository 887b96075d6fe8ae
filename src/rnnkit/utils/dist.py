"""Which process am I? Multi-process launches (torchrun, ``accelerate launch``, SLURM + torchrun).

A launcher starts one copy of the command per process and tells each its place through the
environment: ``RANK`` (0..world-1 across all nodes), ``LOCAL_RANK`` (on this node) and ``WORLD_SIZE``.
rnnkit reads them here, without importing ``torch.distributed`` (so light commands stay light), to
decide who writes: process 0 alone prints the result tables and writes model folders, plots,
reports and run files (:mod:`rnnkit.utils.atomic` asks :func:`is_main_process`), while every process
trains on its own shard of each batch (:mod:`rnnkit.train.shard`).

Without a launcher the variables are absent: one process, rank 0, the main one.

>>> import os
>>> env = {"RANK": "1", "WORLD_SIZE": "2"}
>>> rank(env), world_size(env), is_main_process(env)
(1, 2, False)
>>> rank({}), world_size({}), is_main_process({})
(0, 1, True)
"""

from __future__ import annotations

import io
import os
import sys
import threading
from collections.abc import Mapping
from typing import TextIO


def _int(env: Mapping[str, str], *names: str, default: int) -> int:
    """The first of ``names`` set to an integer in ``env``; ``default`` when none is."""
    for name in names:
        value = env.get(name, "").strip()
        if value.lstrip("-").isdigit():
            return int(value)
    return default


def _initialised_group() -> object | None:
    """``torch.distributed`` when this process has already joined a process group, else None.

    Only looked up in ``sys.modules``: a process that never imported it has no group to ask.
    """
    distributed = sys.modules.get("torch.distributed")
    if distributed is not None and distributed.is_available() and distributed.is_initialized():
        return distributed
    return None


def rank(env: Mapping[str, str] | None = None) -> int:
    """This process's global rank: 0 without a launcher.

    ``RANK`` is set by torchrun (and so by ``accelerate launch`` and ``srun torchrun``); an MPI launch
    sets ``OMPI_COMM_WORLD_RANK`` or ``PMI_RANK``. A joined process group is asked first.
    """
    if env is None:
        group = _initialised_group()
        if group is not None:
            return int(group.get_rank())  # type: ignore[attr-defined]
        env = os.environ
    return _int(env, "RANK", "OMPI_COMM_WORLD_RANK", "PMI_RANK", default=0)


def local_rank(env: Mapping[str, str] | None = None) -> int:
    """This process's rank on its node (which GPU it uses): 0 without a launcher."""
    env = os.environ if env is None else env
    return _int(env, "LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", default=0)


def world_size(env: Mapping[str, str] | None = None) -> int:
    """How many processes take part: 1 without a launcher."""
    if env is None:
        group = _initialised_group()
        if group is not None:
            return int(group.get_world_size())  # type: ignore[attr-defined]
        env = os.environ
    return max(1, _int(env, "WORLD_SIZE", "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", default=1))


def is_main_process(env: Mapping[str, str] | None = None) -> bool:
    """True in the one process that writes files and prints results (global rank 0)."""
    return rank(env) == 0


def shared_folder_hint(env: Mapping[str, str] | None = None) -> str:
    """A clause for errors about a missing run file under a multi-process launch; empty without one.

    Process 0 writes the run folder (checkpoints included) and every process reads it on ``--resume``,
    so on several nodes it must be on a file system all of them share at the same path. A node-local
    disk shows up as a run folder one process finds and another misses; and since torchrun's c10d
    rendezvous numbers the nodes anew at every launch, process 0 itself may now run on a node that
    never saw the run. So every process of a launch says so.

    >>> shared_folder_hint({"RANK": "1", "WORLD_SIZE": "2"})[:36]
    ' (seen from process 1 of 2; on sever'
    >>> shared_folder_hint({})
    ''
    """
    if world_size(env) == 1:
        return ""
    return (
        f" (seen from process {rank(env)} of {world_size(env)}; on several nodes the run folder must be on "
        "a file system every node shares, at the same path)"
    )


ERROR_PREFIX = "rnnkit: error: "


class ErrorsOnly(io.TextIOBase):
    """Standard error of a process other than process 0: its errors, each labelled with the process.

    Every process of a launch runs the same command on the same data, so its warnings, notes and
    Ctrl-C lines are process 0's, and on 16 GPUs each came 16 times: process 0 says them once (as
    torchrun's own logs and Accelerate's ``main_process_only`` do). An error can be this process's
    alone (a node that misses the run folder, a lost peer, its GPU out of memory), so an
    ``rnnkit: error: ...`` line still goes through, as ``rnnkit: error: [process 1] ...`` (the
    prefix kept for whatever looks for it). Lines are judged whole, as they end, by what a terminal
    shows of them: the text after a line's last carriage return (a progress line a library redraws
    with ``\\r``, then an error on the same line); other text is dropped.

    >>> out = io.StringIO()
    >>> err = ErrorsOnly(out, 1)
    >>> _ = err.write("rnnkit: warning: 3 processes do not divide the batch\\n")
    >>> _ = err.write("rnnkit: error: no GPU\\n")
    >>> out.getvalue()
    'rnnkit: error: [process 1] no GPU\\n'
    """

    def __init__(self, stream: TextIO, process: int) -> None:
        super().__init__()
        self._stream, self._label = stream, f"[process {process}] "
        self._pending = ""
        self._lock = threading.Lock()  # a line is judged whole even when two threads write

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", None) or "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # bytes: refused as a text stream does (click checks this)
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        with self._lock:
            *lines, pending = (self._pending + text).split("\n")
            self._pending = _shown(pending)  # a line redrawn a million times is kept once
            for line in lines:
                self._pass(line + "\n")
        return len(text)

    def flush(self) -> None:
        with self._lock:
            line, self._pending = self._pending, ""
            self._pass(line)
        self._stream.flush()

    def _pass(self, line: str) -> None:
        line = _shown(line)
        if line.startswith(ERROR_PREFIX):
            self._stream.write(ERROR_PREFIX + self._label + line[len(ERROR_PREFIX) :])


def _shown(line: str) -> str:
    """What a terminal shows of ``line``: the text after its last carriage return, the line end
    (``\\r\\n``, ``\\n``, or a ``\\r`` whose ``\\n`` is still to come) kept."""
    body = line.rstrip("\r\n")
    return body[body.rfind("\r") + 1 :] + line[len(body) :]
