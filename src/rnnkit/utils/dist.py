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

import contextlib
import io
import ipaddress
import json
import os
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
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


def joined() -> bool:
    """Whether this process has joined the launch's process group (training has begun)."""
    return _initialised_group() is not None


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


def launch_id(env: Mapping[str, str] | None = None) -> str | None:
    """What names this launch alike in each of its processes, and differs between launches; None
    without one. torchrun gives every process the address of the launch's store and its run id (a new
    one for each launch, for each restart its count); a launch by hand at least its address.

    An address alone names no launch everywhere: torchrun's default store is ``127.0.0.1:29500`` (run
    id ``none``) on every host, and an MPI launch may have none. So the host is added where the whole
    launch runs on it (a loopback address, or as many processes here as in all), and the job that
    SLURM (inside an ``srun`` step) or MPI (PMIx's namespace, Open MPI's job id) gives every process
    of the launch, on every node. The launcher's pid is left out: a wrapper script started per
    process (``torchrun --no-python run.sh``, ``mpirun -n 4 run.sh``) gives each another parent.

    >>> launch_id({"RANK": "1", "WORLD_SIZE": "2", "MASTER_ADDR": "h0", "MASTER_PORT": "29500"})
    'h0:29500 run - restart - of 2'
    >>> launch_id({"WORLD_SIZE": "2", "MASTER_ADDR": "h0", "SLURM_JOB_ID": "7", "SLURM_STEP_ID": "0"})
    'h0:- run - restart - of 2 slurm 7.0'
    >>> launch_id({}) is None
    True
    """
    env = os.environ if env is None else env
    if world_size(env) == 1:
        return None
    address = f"{env.get('MASTER_ADDR', '-')}:{env.get('MASTER_PORT', '-')}"
    if _on_this_host_alone(env):
        address += f" on {socket.gethostname()}"
    run, restart = env.get("TORCHELASTIC_RUN_ID", "-"), env.get("TORCHELASTIC_RESTART_COUNT", "-")
    return " ".join([f"{address} run {run} restart {restart} of {world_size(env)}", *_launcher_job(env)])


def _on_this_host_alone(env: Mapping[str, str]) -> bool:
    """Whether every process of the launch runs on this host: its store is at a loopback address, or
    the launcher counts as many processes on this node as in all."""
    address = env.get("MASTER_ADDR", "").strip().strip("[]")
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(address).is_loopback:
            return True
    local = _int(env, "LOCAL_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", default=0)
    return address.lower() in ("localhost", "ip6-localhost") or local == world_size(env)


def _launcher_job(env: Mapping[str, str]) -> list[str]:
    """The job a batch system or MPI launcher gives every process of the launch, on every node.

    SLURM's job alone is left out: a batch script's own node has it and nodes it reaches by ``ssh``
    do not; an ``srun`` step sets it, with the step, in every task.
    """
    job = []
    if env.get("SLURM_STEP_ID") and env.get("SLURM_JOB_ID"):
        job.append(f"slurm {env['SLURM_JOB_ID']}.{env['SLURM_STEP_ID']}")
    mpi = env.get("PMIX_NAMESPACE") or env.get("OMPI_MCA_ess_base_jobid")
    if mpi:
        job.append(f"mpi {mpi}")
    return job


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
STOP_PREFIXES = ("rnnkit: interrupted", "rnnkit: terminated")  # the line a signal ends a command with


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

    A line for which ``hold(line)`` is true is kept back instead (in :attr:`held`), to be written,
    labelled, by :meth:`release` once it is known whether another process said it already
    (:func:`settle`).

    >>> out = io.StringIO()
    >>> err = ErrorsOnly(out, 1)
    >>> _ = err.write("rnnkit: warning: 3 processes do not divide the batch\\n")
    >>> _ = err.write("rnnkit: error: no GPU\\n")
    >>> out.getvalue()
    'rnnkit: error: [process 1] no GPU\\n'
    """

    def __init__(self, stream: TextIO, process: int, hold: Callable[[str], bool] | None = None) -> None:
        super().__init__()
        self._stream, self._label = stream, f"[process {process}] "
        self._hold = hold or (lambda line: False)
        self._pending = ""
        self.held: list[str] = []
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

    def release(self, keep: Callable[[str], bool] = lambda line: True) -> None:
        """Write the held lines for which ``keep`` is true, labelled; forget the others."""
        with self._lock:
            held, self.held = self.held, []
        for line in held:
            if keep(line):
                self._stream.write(self._labelled(line))
        self._stream.flush()

    def _pass(self, line: str) -> None:
        line = _shown(line)
        if line.strip() and self._hold(line):
            self.held.append(line if line.endswith("\n") else line + "\n")
        elif line.startswith(ERROR_PREFIX):
            self._stream.write(self._labelled(line))

    def _labelled(self, line: str) -> str:
        """``rnnkit: error: [process 1] ...`` (the prefix first, for whatever looks for it), or
        ``rnnkit: [process 1] terminated ...``."""
        prefix = ERROR_PREFIX if line.startswith(ERROR_PREFIX) else "rnnkit: "
        return prefix + self._label + line[len(prefix) :]


def _shown(line: str) -> str:
    """What a terminal shows of ``line``: the text after its last carriage return, the line end
    (``\\r\\n``, ``\\n``, or a ``\\r`` whose ``\\n`` is still to come) kept."""
    body = line.rstrip("\r\n")
    return body[body.rfind("\r") + 1 :] + line[len(body) :]


# -- what the processes of a launch tell one another before they have joined -------------------------
#
# Before the processes join their group they share no channel of their own, but torchrun (and so
# ``accelerate launch``) serves a key-value store for the whole launch from the start
# (TORCHELASTIC_USE_AGENT_STORE): a process that ends says so there, with the errors it met before
# joining, so that the others say only what it did not. Without such a store (a launch through MPI or
# by hand, where process 0 serves the store only once it joins) every process says its errors,
# labelled, and a signal's line is process 0's alone, as before.

HEAR_ERROR_S = 10.0  # how long a process that failed waits to hear whether process 0 met the same error
HEAR_SIGNAL_S = 2.0  # how long a stopped process waits to hear whether process 0 was stopped too
_STORE_CONNECT_S = 5.0


def launch_news(env: Mapping[str, str] | None = None) -> bool:
    """Whether the launcher serves a store the processes can tell one another through (torchrun's)."""
    env = os.environ if env is None else env
    return (
        world_size(env) > 1
        and env.get("TORCHELASTIC_USE_AGENT_STORE") == "True"
        and bool(env.get("MASTER_ADDR"))
        and env.get("MASTER_PORT", "").isdigit()
    )


def held_until_settled(line: str) -> bool:
    """Whether a process other than 0 keeps ``line`` back until it hears from the others (:func:`settle`):
    an error met before joining (the checks of the options, data and outputs, which every process
    makes alike) and the line a signal ends it with."""
    return line.startswith(STOP_PREFIXES) or (line.startswith(ERROR_PREFIX) and not joined())


def same_error(line: str) -> str:
    """``line`` as compared between processes: without its end, and without the process it was seen
    from (:func:`shared_folder_hint`), which is the only part of a shared error that differs."""
    return re.sub(r"\bprocess \d+ of \d+", "process N of W", line.rstrip("\r\n"))


def _store(seconds: float) -> object | None:
    """A client of the launcher's store, or None when there is none or it cannot be reached."""
    if not launch_news():
        return None
    try:
        from datetime import timedelta

        import torch.distributed as distributed

        return distributed.TCPStore(
            os.environ["MASTER_ADDR"],
            int(os.environ["MASTER_PORT"]),
            is_master=False,
            timeout=timedelta(seconds=max(0.1, seconds)),
            wait_for_workers=False,
        )
    except Exception:  # no torch.distributed, or the launcher has gone: nothing to hear
        return None


def _key(process: int) -> str:
    return f"rnnkit/{os.environ.get('TORCHELASTIC_RESTART_COUNT', '0')}/ended/{process}"


def tell_ended(errors: list[str]) -> bool:
    """Tell the other processes of the launch that this one has ended, with the ``errors`` it met before
    joining (none: a signal); nothing without the launcher's store. Never raises; returns False when a
    SIGTERM or Ctrl-C cut it short (the launcher stopping this process, whose last line is written:
    it then ends with its own status, not killed by the signal on its way out)."""
    previous = _stop_on_sigterm()
    try:
        store = _store(_STORE_CONNECT_S)
        if store is not None:
            store.set(_key(rank()), json.dumps([same_error(line) for line in errors]))  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        return False
    except Exception:  # the launcher has gone: no one left to tell
        pass
    finally:
        _restore_sigterm(previous)
    return True


def _hear(processes: list[int], seconds: float, enough: Callable[[dict[int, list[str]]], bool]) -> dict:
    """What ``processes`` said as they ended (:func:`tell_ended`), waiting at most ``seconds`` for all of
    them, or until ``enough(heard)``; a SIGTERM or Ctrl-C meanwhile ends the wait with what is heard."""
    deadline = time.monotonic() + seconds
    store, heard = _store(min(seconds, _STORE_CONNECT_S)), {}
    if store is None:
        return heard
    try:
        while True:
            _listen(store, processes, heard)
            if enough(heard) or len(heard) == len(processes) or time.monotonic() >= deadline:
                return heard
            time.sleep(0.05)
    except KeyboardInterrupt:  # the launcher stops this process: what is heard by now decides
        with contextlib.suppress(Exception):
            _listen(store, processes, heard)
        return heard


def _listen(store: object, processes: list[int], heard: dict[int, list[str]]) -> None:
    for process in processes:
        if process not in heard and store.check([_key(process)]):  # type: ignore[attr-defined]
            heard[process] = json.loads(store.get(_key(process)))  # type: ignore[attr-defined]


def settle(errors: ErrorsOnly, failed: bool) -> None:
    """Write what a process other than 0 held back (:func:`held_until_settled`) that no other process says.

    A launch's processes make the same checks on the same command, so an error met before joining is
    usually every process's, and process 0 says it (unlabelled). This process tells the others what it
    met (``failed``), then hears process 0 and the first process of its own node (which shares its
    disks; a node that misses a file shows it there) and writes, labelled, each held error neither of
    them met: an error of this process's or this node's alone is still seen, once per node. Its
    signal line (``rnnkit: [process 1] terminated``) is written only when neither of them ended too: a
    SIGTERM to this one process, not the launcher's to all.
    """
    if not errors.held:
        return
    mine = [line for line in errors.held if line.startswith(ERROR_PREFIX)]
    peers = sorted({0, rank() - local_rank()} - {rank()})

    def said(heard: dict[int, list[str]], line: str) -> bool:
        if line.startswith(ERROR_PREFIX):
            return any(same_error(line) in lines for lines in heard.values())
        return bool(heard)  # another process ended as well and speaks for the launch

    previous = _stop_on_sigterm()
    try:
        stopped = failed and not tell_ended(mine)
        wait = 0.0 if stopped else HEAR_ERROR_S if mine else HEAR_SIGNAL_S
        heard = _hear(peers, wait, lambda h: all(said(h, x) for x in errors.held))
    finally:
        _restore_sigterm(previous)
    errors.release(keep=lambda line: not said(heard, line))


def _stop_on_sigterm() -> object:
    """SIGTERM raises KeyboardInterrupt while this process waits to hear (the launcher stopping it)."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, stop)
    except (ValueError, OSError):  # not the main thread: the default action stays
        return None


def _restore_sigterm(previous: object) -> None:
    if previous is not None:
        with contextlib.suppress(ValueError, OSError, TypeError):
            signal.signal(signal.SIGTERM, previous)  # type: ignore[arg-type]
