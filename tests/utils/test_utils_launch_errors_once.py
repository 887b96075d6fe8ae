"""Multi-process launches (session 23 QA): each error said once, and a process stopped alone says so.

1. An error every process meets before the processes join (a bad option, a missing data file, a
   refused ``--out``) came once per process: on 16 GPUs, 16 times. Process 0 now says it, and the
   others, hearing through torchrun's store that process 0 met the same, say nothing; an error of one
   process alone (its node misses the data file) is still said, labelled.
2. A SIGTERM to one process other than 0 ended it without a word: its ``terminated`` line was dropped
   as process 0's. It now says ``rnnkit: [process 1] terminated`` unless process 0 ended too.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from test_utils_launch_refusals import SRC, finish, needs_gloo, start_process

from rnnkit.utils import dist
from rnnkit.utils.dist import ErrorsOnly

UNEMPLOYMENT = Path(SRC) / "rnnkit" / "forecast" / "data" / "unemployment.csv"
TRAIN = ["forecast", "train", "--data", "data.csv", "--out", "F", "--epochs", "1", "--threads", "1"]


def _store() -> torch.distributed.TCPStore:
    """The launch's store, served here as torchrun's agent serves it, before any process starts."""
    return torch.distributed.TCPStore("127.0.0.1", 0, is_master=True, wait_for_workers=False)


# -- 1. an error every process meets is said once ---------------------------------------------------


@needs_gloo
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (TRAIN, "rnnkit: error: data file not found: data.csv"),  # a missing data file
        ([*TRAIN[:-4], "--epochs", "zero", "--threads", "1"], "rnnkit: error: Invalid value for '--epochs'"),
    ],
    ids=["missing data file", "bad option value"],
)
def test_an_error_every_process_meets_before_joining_is_said_once(tmp_path, args, said):
    store = _store()
    # finish fails the test on a process still running after 60 s (20 s each under a load average of 10)
    (code0, out0, err0), (code1, out1, err1) = finish(
        [start_process(store, r, tmp_path, args) for r in (0, 1)]
    )
    assert (code0, code1) == (2, 2), (err0[-2000:], err1[-2000:])
    assert len(err0.splitlines()) == 1 and err0.startswith(said), err0
    assert (out1, err1) == ("", "")  # before: the same line again, as "rnnkit: error: [process 1] ..."


@needs_gloo
def test_an_error_of_process_1_alone_before_joining_is_said_labelled(tmp_path):
    """Each process on its own "node" (working folder): process 1's lacks the data file. Process 1 says
    so, labelled, and exits 2; process 0 waits to join it until the launcher's SIGTERM, sent here."""
    node0, node1 = tmp_path / "node0", tmp_path / "node1"
    node0.mkdir()
    node1.mkdir()
    shutil.copy(UNEMPLOYMENT, node0 / "data.csv")
    store = _store()
    # process 1 listens 2 s, not 10, for whether process 0 met its error (it never ends: it waits to join)
    procs = [start_process(store, 0, node0, TRAIN), start_process(store, 1, node1, TRAIN, hear_error_s=2)]
    try:
        code1, out1, err1 = finish([procs[1]])[0]
        procs[0].send_signal(signal.SIGTERM)  # as torchrun does once a process has failed
        code0, _, err0 = finish([procs[0]], timeout=20)[0]
    finally:
        finish(procs, timeout=1)
    assert code1 == 2 and out1 == "", err1
    assert err1.splitlines() == ["rnnkit: error: [process 1] data file not found: data.csv (bundled data sets: aapl, "
                                 "glucose, ibm, msft, unemployment)"], err1  # fmt: skip
    assert (code0, err0) == (143, "rnnkit: terminated\n")


@needs_gloo
def test_without_the_launchers_store_every_process_says_its_error(tmp_path):
    """A launch by hand or through MPI: no store to hear process 0 through, so process 1 says its
    error, labelled, as before (more lines, never one missing)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CUDA_VISIBLE_DEVICES", "PYTHONPATH")}
    env.update(OMP_NUM_THREADS="1", PYTHONPATH=SRC, WORLD_SIZE="2", RANK="1", LOCAL_RANK="1")
    proc = subprocess.run([sys.executable, "-m", "rnnkit", *TRAIN], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.startswith("rnnkit: error: [process 1] data file not found"), proc.stderr


# -- 2. a process stopped alone says so ---------------------------------------------------------------


def _process_1_waiting_to_join(store, cwd: Path) -> subprocess.Popen:
    """Process 1 of a launch of two, blocked in the rendezvous (process 0 never comes)."""
    shutil.copy(UNEMPLOYMENT, cwd / "data.csv")
    proc = start_process(store, 1, cwd, TRAIN)
    deadline = time.monotonic() + 60
    while store.num_keys() == 0:  # the process has reached the rendezvous once it registers there
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.1)
    time.sleep(1)
    return proc


@needs_gloo
def test_a_sigterm_to_process_1_alone_says_one_labelled_line(tmp_path):
    store = _store()
    proc = _process_1_waiting_to_join(store, tmp_path)
    proc.send_signal(signal.SIGTERM)
    ((code, out, err),) = finish([proc], timeout=15)
    assert (code, out) == (143, "")
    assert err == "rnnkit: [process 1] terminated\n"  # before: nothing at all


@needs_gloo
def test_a_sigterm_to_every_process_is_said_by_process_0_alone(tmp_path):
    """The launcher stops every process (a failure elsewhere, a time limit): process 0 has said it."""
    store = _store()
    proc = _process_1_waiting_to_join(store, tmp_path)
    store.set("rnnkit/0/ended/0", "[]")  # process 0 ended, and said so
    proc.send_signal(signal.SIGTERM)
    ((code, _, err),) = finish([proc], timeout=15)
    assert (code, err) == (143, "")


# -- what a process hears -------------------------------------------------------------------------


class _Heard:
    """A stand-in for the launcher's store holding what the other processes said as they ended."""

    def __init__(self, said: dict[int, list[str]]) -> None:
        self.keys = {  # as tell_ended writes them
            f"rnnkit/0/ended/{p}": json.dumps([dist.same_error(x) for x in lines]).encode()
            for p, lines in said.items()
        }
        self.set_keys: dict[str, str] = {}

    def check(self, keys: list[str]) -> bool:
        return all(key in self.keys for key in keys)

    def get(self, key: str) -> bytes:
        return self.keys[key]

    def set(self, key: str, value: str) -> None:
        self.set_keys[key] = value


def _settled(
    monkeypatch, rank: int, local: int, said: dict[int, list[str]], lines: list[str]
) -> tuple[str, dict]:
    monkeypatch.setenv("RANK", str(rank))
    monkeypatch.setenv("LOCAL_RANK", str(local))
    monkeypatch.setenv("WORLD_SIZE", "16")
    monkeypatch.setenv("TORCHELASTIC_RESTART_COUNT", "0")
    heard = _Heard(said)
    monkeypatch.setattr(dist, "_store", lambda seconds: heard)
    monkeypatch.setattr(dist, "HEAR_ERROR_S", 0.2)
    monkeypatch.setattr(dist, "HEAR_SIGNAL_S", 0.2)
    out = io.StringIO()
    errors = ErrorsOnly(out, rank, hold=dist.held_until_settled)
    for line in lines:
        errors.write(line + "\n")
    dist.settle(errors, failed=True)
    return out.getvalue(), heard.set_keys


def test_a_node_that_misses_a_file_says_it_once_from_its_first_process(monkeypatch):
    """16 processes on two nodes, the second missing the data: process 8 (its first) says it, labelled,
    and processes 9 to 15 leave it to process 8; what process 0 met too is said by none of them."""
    missing = "rnnkit: error: no such file data.csv"
    both = "rnnkit: error: nothing to resume: no checkpoint in F (seen from process 8 of 16; ...)"
    said, told = _settled(monkeypatch, 8, 0, {0: [both.replace("process 8", "process 0")]}, [missing, both])
    assert said == f"rnnkit: error: [process 8] {missing[len('rnnkit: error: ') :]}\n"
    assert json.loads(told["rnnkit/0/ended/8"]) == [missing, both.replace("process 8", "process N")
                                                    .replace("of 16", "of W")]  # fmt: skip
    said, _ = _settled(monkeypatch, 9, 1, {8: [missing]}, [missing])
    assert said == ""


def test_a_process_whose_error_is_its_own_says_it_after_its_wait(monkeypatch):
    said, _ = _settled(monkeypatch, 1, 1, {}, ["rnnkit: error: device 'cuda' was asked for, but no CUDA GPU"])
    assert said == "rnnkit: error: [process 1] device 'cuda' was asked for, but no CUDA GPU\n"


def test_an_error_after_joining_goes_through_at_once(monkeypatch):
    monkeypatch.setattr(dist, "joined", lambda: True)
    out = io.StringIO()
    errors = ErrorsOnly(out, 1, hold=dist.held_until_settled)
    errors.write("rnnkit: error: lost contact with the other processes of the launch\n")
    assert (
        out.getvalue() == "rnnkit: error: [process 1] lost contact with the other processes of the launch\n"
    )
    assert errors.held == []


def test_a_sigterm_while_telling_the_launch_ends_the_telling_not_the_process(monkeypatch):
    """torchrun sends SIGTERM as soon as a process has failed: one that is still telling the others
    why (its line written) returns with its own status rather than dying of the signal (-15)."""

    class Stopping(_Heard):
        def set(self, key: str, value: str) -> None:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler runs here
            raise AssertionError("the signal did not stop the telling")

    monkeypatch.setattr(dist, "_store", lambda seconds: Stopping({}))
    seen = []
    before = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    try:
        assert dist.tell_ended(["rnnkit: error: data file not found: data.csv"]) is False
        assert signal.getsignal(signal.SIGTERM) is not None and seen == []
        os.kill(os.getpid(), signal.SIGTERM)  # the handler before it is back
        assert seen == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, before)
