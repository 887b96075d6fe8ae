"""Multi-process launches (session 23 QA): an ``--out`` another rnnkit command holds ends every process.

Process 0 refused it ("in use by another rnnkit command"), while the other processes, which lock
nothing, went on to wait to join it until the launcher's SIGTERM (torch's 30 minutes under srun
without ``--kill-on-bad-exit``). They now look whether the lock is held by anyone but their own
process 0 (without taking it) and refuse alike.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import socket
import subprocess
import threading
import time

import pytest
from test_utils_launch_refusals import launch_two, needs_gloo

from rnnkit.utils import locks
from rnnkit.utils.dist import launch_id
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.locks import LOCK_NAME, acquire, check_not_held, lock_name
from rnnkit.utils.markers import Mark, write_mark
from rnnkit.utils.runs import claim_run


def _held_by(path, launch: str | None) -> int:
    """The lock file ``path`` locked by an open descriptor of this test, saying it is ``launch``'s."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(
        fd,
        json.dumps({"pid": 7, "host": "h", "command": "rnnkit x", "started": "t", "launch": launch}).encode(),
    )
    return fd


def _marked_by_process_0(out, monkeypatch) -> None:
    """``out`` made and marked as process 0 does before it locks ``OUT/model`` (process 1 writes nothing)."""
    out.mkdir()
    monkeypatch.setenv("RANK", "0")
    write_mark(out, Mark("forecast", "run"))
    monkeypatch.setenv("RANK", "1")


@needs_gloo
def test_a_launch_into_an_out_another_command_holds_ends_at_once_in_both(tmp_path):
    out = tmp_path / "F"
    out.mkdir()
    holder = acquire(out / LOCK_NAME, "--out F")  # another rnnkit command, training into F
    try:  # a process still running after 60 s fails it (each starts torch: 20 s under a load average of 10)
        codes, _, (err0, err1) = launch_two(
            tmp_path,
            "forecast",
            "train",
            "--data",
            "ibm",
            "--out",
            "F",
            "--epochs",
            "1",
            "--threads",
            "1",
            timeout=60,
        )
    finally:
        holder.release()
    assert codes == [2, 2], (err0[-2000:], err1[-2000:])  # before: process 1 still waiting after 60 s
    assert re.fullmatch(r"rnnkit: error: --out F is in use by pid \d+ on .*; wait for it to finish, or write "
                        r"elsewhere\n", err0), err0  # fmt: skip
    assert err1 == ""  # the same refusal, said by process 0


def test_process_1_refuses_an_out_another_command_holds(tmp_path, process_1):
    out = tmp_path / "F"
    out.mkdir()
    fd = _held_by(out / LOCK_NAME, None)
    try:
        with pytest.raises(RnnkitError, match=re.escape(f"--out {out} is in use by pid 7 on h, `rnnkit x`")):
            claim_run(out, False, "forecast")
    finally:
        os.close(fd)
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # nothing made, nothing marked


def test_process_1_refuses_a_model_another_command_holds(tmp_path, process_1, monkeypatch):
    out = tmp_path / "F"
    _marked_by_process_0(out, monkeypatch)
    fd = _held_by(out / lock_name("model"), "another launch")
    try:
        with pytest.raises(RnnkitError, match=re.escape(f"--out {out / 'model'} is in use by pid 7")):
            claim_run(out, False, "forecast")
    finally:
        os.close(fd)


def test_process_1_accepts_its_own_process_0s_lock_and_takes_none(tmp_path, process_1, monkeypatch):
    out = tmp_path / "F"
    _marked_by_process_0(out, monkeypatch)
    ours = locks.launch_id()
    fds = [_held_by(out / LOCK_NAME, ours), _held_by(out / lock_name("model"), ours)]
    try:
        claim_run(out, False, "forecast")
        assert not [key for key in locks._HELD if str(out) in key]  # nothing locked by process 1
    finally:
        for fd in fds:
            os.close(fd)


def test_a_lock_process_0_has_just_taken_is_read_again_until_it_says_whose(tmp_path, process_1, monkeypatch):
    """Between process 0's flock and its writing who it is, the file is empty (or says the last holder)."""
    path = tmp_path / LOCK_NAME
    fd = _held_by(path, "a killed run's launch")
    ours = locks.launch_id()
    written, read = threading.Event(), threading.Event()
    holder = locks._holder

    def reading(lock: os.PathLike) -> object:
        try:
            return holder(lock)
        finally:
            read.set()

    monkeypatch.setattr(locks, "_holder", reading)

    def process_0_writes_itself() -> None:
        # once the last holder's name has been read (not after a fixed sleep, which a loaded machine
        # could stretch past the 2 s the lock is read for, or shrink to before the first read)
        assert read.wait(timeout=60)
        os.ftruncate(fd, 0)
        os.pwrite(
            fd,
            json.dumps({"pid": 1, "host": "h", "command": "c", "started": "t", "launch": ours}).encode(),
            0,
        )
        written.set()

    writer = threading.Thread(target=process_0_writes_itself)
    writer.start()
    try:
        check_not_held(path, "--out F")  # the last holder's launch, read at once, was refused
        assert written.is_set()  # accepted only once process 0 said it holds the lock
    finally:
        writer.join()
        os.close(fd)


def test_process_0_waits_out_a_look_by_another_process_of_its_launch(tmp_path, process_1, monkeypatch):
    """The others look with a shared lock for an instant; process 0 taking the lock then is not refused.
    (Where the folder can be locked, the old file is only looked at too, and nobody waits:
    test_utils_locks_published.py; here it cannot, and the old file is locked for the exchange.)"""
    monkeypatch.setattr(locks, "_folder_locked", lambda folder: contextlib.nullcontext(False))
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("LOCAL_RANK", "0")
    path = tmp_path / LOCK_NAME
    path.write_text("")
    look = os.open(path, os.O_RDONLY)
    fcntl.flock(look, fcntl.LOCK_SH | fcntl.LOCK_NB)
    threading.Timer(0.1, os.close, [look]).start()
    started = time.monotonic()
    acquire(path, "--out F").release()  # refused at once, as in use, before process 0 waited
    assert time.monotonic() - started >= 0.09  # taken once the look was over


# -- a holder that cannot be this launch's process 0 is refused at once (it waited 2 s in every case) ----
#
# Under torchrun process 0 refuses at once and the launcher's SIGTERM reached process 1 within its
# 2 s of reading the lock again: it ended with status 143 and its own refusal was never seen.


def _holding(path, pid: int, host: str, launch: str | None = "another launch") -> int:
    """The lock file ``path`` locked here, its info naming ``pid`` on ``host`` as the holder."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    info = {"pid": pid, "host": host, "command": "rnnkit x", "started": "t", "launch": launch}
    os.write(fd, json.dumps(info).encode())
    return fd


def _refused_after(path) -> float:
    started = time.monotonic()
    with pytest.raises(RnnkitError, match="is in use by pid"):
        check_not_held(path, "--out F")
    return time.monotonic() - started


@pytest.mark.parametrize("launch", [None, "another launch"])
def test_a_holder_alive_on_this_host_is_refused_at_once(tmp_path, process_1, launch):
    """Another command on this host (a single-process run, or another launch), not of this launch."""
    other = subprocess.Popen(["sleep", "60"])  # a live process whose parent is not this one's parent
    fd = _holding(tmp_path / LOCK_NAME, other.pid, socket.gethostname(), launch)
    try:
        assert _refused_after(tmp_path / LOCK_NAME) < 0.3  # before: 2 s
    finally:
        os.close(fd)
        other.kill()
        other.wait()


def test_a_holder_on_another_host_is_refused_after_a_moment(tmp_path, process_1):
    """Its pid cannot be asked; a file that still says the same after a moment is no lock taken anew."""
    fd = _holding(tmp_path / LOCK_NAME, 7, "another-host")
    try:
        waited = _refused_after(tmp_path / LOCK_NAME)
    finally:
        os.close(fd)
    assert locks.SAME_HOLDER_S <= waited < 1.2  # before: 2 s


def test_a_dead_holders_file_locked_anew_is_read_again_until_process_0_says_whose(tmp_path, process_1):
    """A killed run's lock file, on this host: whoever holds it now is about to write itself; for as
    long as a loaded machine may take (here longer than a holder elsewhere is given)."""
    dead = subprocess.Popen(["true"])
    dead.wait()  # reaped: its pid names no process
    path = tmp_path / LOCK_NAME
    fd = _holding(path, dead.pid, socket.gethostname(), "a killed run's launch")
    ours = locks.launch_id()

    def process_0_writes_itself() -> None:
        time.sleep(locks.SAME_HOLDER_S + 0.3)
        os.ftruncate(fd, 0)
        os.pwrite(
            fd,
            json.dumps({"pid": 1, "host": "h", "command": "c", "started": "t", "launch": ours}).encode(),
            0,
        )

    writer = threading.Thread(target=process_0_writes_itself)
    writer.start()
    try:
        check_not_held(path, "--out F")
    finally:
        writer.join()
        os.close(fd)


def test_a_lock_naming_no_holder_still_waits_for_it_to_say(tmp_path, process_1):
    path = tmp_path / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        started = time.monotonic()
        with pytest.raises(RnnkitError, match="its lock file does not say which"):
            check_not_held(path, "--out F")
        assert time.monotonic() - started >= locks.HOLDER_WRITTEN_S
    finally:
        os.close(fd)


# -- launch_id tells launches apart that an address alone did not -----------------------------------

TORCHRUN_DEFAULT = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500", "TORCHELASTIC_RUN_ID": "none",
                    "TORCHELASTIC_RESTART_COUNT": "0", "WORLD_SIZE": "2", "LOCAL_WORLD_SIZE": "2"}  # fmt: skip


def _on(host: str, monkeypatch, env: dict[str, str]) -> str | None:
    monkeypatch.setattr(socket, "gethostname", lambda: host)
    return launch_id(env)


def test_default_torchrun_launches_on_two_hosts_differ(monkeypatch):
    assert _on("node1", monkeypatch, TORCHRUN_DEFAULT) != _on("node2", monkeypatch, TORCHRUN_DEFAULT)
    assert "node1" in _on("node1", monkeypatch, {**TORCHRUN_DEFAULT, "MASTER_ADDR": "localhost"})
    assert "node1" in _on("node1", monkeypatch, {**TORCHRUN_DEFAULT, "MASTER_ADDR": "::1"})


def test_mpi_launches_without_a_store_address_differ(monkeypatch):
    """``mpirun -n 2`` on two hosts (no MASTER_ADDR): the host (all on it) and MPI's job."""
    mpi = {"OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"}
    assert _on("node1", monkeypatch, mpi) != _on("node2", monkeypatch, mpi)
    across = {**mpi, "OMPI_COMM_WORLD_LOCAL_SIZE": "1"}  # one process on each of two nodes
    assert launch_id({**across, "OMPI_MCA_ess_base_jobid": "1"}) != launch_id(
        {**across, "OMPI_MCA_ess_base_jobid": "2"}
    )
    assert launch_id({**across, "PMIX_NAMESPACE": "prterun-a-1@1"}) != launch_id(
        {**across, "PMIX_NAMESPACE": "prterun-b-1@1"}
    )


def test_slurm_steps_differ():
    step = {"MASTER_ADDR": "node1", "MASTER_PORT": "29500", "WORLD_SIZE": "4", "LOCAL_WORLD_SIZE": "2",
            "TORCHELASTIC_RUN_ID": "none", "SLURM_JOB_ID": "81", "SLURM_STEP_ID": "0"}  # fmt: skip
    assert launch_id(step) != launch_id({**step, "SLURM_JOB_ID": "82"})
    assert launch_id(step) != launch_id({**step, "SLURM_STEP_ID": "1"})


def test_the_processes_of_one_launch_still_agree_on_every_node(monkeypatch):
    """Two nodes of one launch, two processes each: the host, which differs, is not part of it; nor is
    SLURM's job where a node reached by ssh from the batch script lacks it."""
    node = {"MASTER_ADDR": "node1", "MASTER_PORT": "29500", "WORLD_SIZE": "4", "LOCAL_WORLD_SIZE": "2",
            "TORCHELASTIC_RUN_ID": "j7", "TORCHELASTIC_RESTART_COUNT": "0", "OMPI_MCA_ess_base_jobid": "5",
            "SLURM_JOB_ID": "81", "SLURM_STEP_ID": "0"}  # fmt: skip
    seen = {_on(host, monkeypatch, {**node, "RANK": str(r), "LOCAL_RANK": str(r % 2)})
            for host, r in [("node1", 0), ("node1", 1), ("node2", 2), ("node2", 3)]}  # fmt: skip
    assert len(seen) == 1
    batch = {k: v for k, v in node.items() if k != "SLURM_STEP_ID"}
    assert launch_id(batch) == launch_id({k: v for k, v in batch.items() if k != "SLURM_JOB_ID"})
    assert _on("node1", monkeypatch, {**TORCHRUN_DEFAULT, "RANK": "0"}) == launch_id(
        {**TORCHRUN_DEFAULT, "RANK": "1"}
    )
