"""Multi-process launches (session 22 QA): SIGTERM or Ctrl-C while a process waits to join the others.

torch's rendezvous blocks in C++, where a Python signal handler cannot run: a process whose peer had
failed first ignored torchrun's SIGTERM until its SIGKILL 30 s later. Now it ends at once, with the
status its handler gives (143 or 130), process 0 saying so.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import torch
from test_utils_launch_refusals import SRC, needs_gloo

from rnnkit import cli


def _as_process(monkeypatch, rank: int, world: int = 2) -> None:
    monkeypatch.setenv("RANK", str(rank))
    monkeypatch.setenv("LOCAL_RANK", str(rank))
    monkeypatch.setenv("WORLD_SIZE", str(world))


def _signals_as_default() -> None:
    """In the child, before it starts: SIGINT back to its default action, so that Python's Ctrl-C handler
    (and rnnkit's watcher of the rendezvous) sees it. A test run started in the background by a shell
    (``pytest &``, ``nohup``, runs in parallel on a busy machine) ignores SIGINT, and a child inherits
    that: the Ctrl-C case waited on in silence until its timeout, as if the fix were missing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@needs_gloo
@pytest.mark.parametrize(
    ("rank", "signum", "status", "said"),
    # process 0 says it; process 1 too, labelled, when process 0 has not ended (here it never started)
    [
        (0, signal.SIGTERM, 143, "rnnkit: terminated\n"),
        (1, signal.SIGINT, 130, "rnnkit: [process 1] interrupted\n"),
    ],
)
def test_a_signal_while_waiting_to_join_the_launch_ends_the_process_at_once(
    tmp_path, rank, signum, status, said
):
    """One process of a launch of two, its peer never started, as after a peer that failed first."""
    store = torch.distributed.TCPStore("127.0.0.1", 0, is_master=True, wait_for_workers=False)
    env = {k: v for k, v in os.environ.items() if k not in ("CUDA_VISIBLE_DEVICES", "PYTHONPATH")}
    env.update(OMP_NUM_THREADS="1", PYTHONPATH=SRC, MASTER_ADDR="127.0.0.1", MASTER_PORT=str(store.port),
               WORLD_SIZE="2", RANK=str(rank), LOCAL_RANK=str(rank), TORCHELASTIC_USE_AGENT_STORE="True",
               TORCHELASTIC_RESTART_COUNT="0")  # fmt: skip
    argv = [sys.executable, "-m", "rnnkit", "forecast", "train", "--data", "ibm", "--out", "F", "--epochs", "1",
            "--threads", "1"]  # fmt: skip
    proc = subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_signals_as_default)  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while store.num_keys() == 0:  # the process has reached the rendezvous once it registers there
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        time.sleep(1)  # blocked in C++, waiting for its peer
        proc.send_signal(signum)
        # 3 s under a load average of 10 (a grace of 0.5 s, then process 1 listens 2 s for process 0); before:
        # still waiting, until the launcher's SIGKILL 30 s later (here none: for ever)
        out, err = proc.communicate(timeout=25)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert (proc.returncode, err, out) == (status, said, "")


def test_one_process_installs_no_watcher(monkeypatch):
    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    with cli._sigterm_as_interrupt():
        assert signal.set_wakeup_fd(-1) == -1


def test_under_a_launch_the_wakeup_fd_is_watched_then_given_back(monkeypatch):
    _as_process(monkeypatch, 1)
    with cli._sigterm_as_interrupt():
        inside = signal.set_wakeup_fd(-1)
        signal.set_wakeup_fd(inside)
    assert inside != -1
    assert signal.set_wakeup_fd(-1) == -1
    with pytest.raises(OSError):
        os.fstat(inside)  # closed: the watching thread ends


def test_a_hosts_own_wakeup_fd_is_kept(monkeypatch):
    """An event loop (a server, a notebook) that watches signals keeps its own descriptor."""
    _as_process(monkeypatch, 1)
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    before = signal.set_wakeup_fd(write_end)
    try:
        with cli._sigterm_as_interrupt():
            assert signal.set_wakeup_fd(write_end) == write_end
    finally:
        signal.set_wakeup_fd(before)
        os.close(read_end)
        os.close(write_end)


def test_the_main_thread_is_known_to_be_in_the_rendezvous_by_its_frames():
    assert not cli._in_rendezvous()

    def init_process_group() -> bool:  # a function of that name in a torch.distributed file
        return cli._in_rendezvous()

    code = init_process_group.__code__.replace(co_filename=os.path.join("torch", "distributed", "c10d.py"))
    init_process_group.__code__ = code
    assert init_process_group()
