"""Multi-process launches (session 22 QA): every process refuses alike, and says only what is its own.

1. A fresh run over an unfinished one (or into an ``--out`` of the old layout) was refused by process
   0 alone: process 1 went on to join a process group process 0 never joined, and waited until the
   launcher killed it (30 s later under torchrun, after ignoring its SIGTERM) or for torch's 30-minute
   timeout (srun without ``--kill-on-bad-exit``).
2. Every process printed every warning, note and error: on 16 GPUs each line came 16 times. Now the
   other processes print only their errors, labelled ``rnnkit: error: [process N] ...``.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
import torch

from rnnkit.cli import main, root
from rnnkit.train.checkpoint import STATE_NAME, latest_checkpoint
from rnnkit.utils.dist import ErrorsOnly
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.leftovers import old_name
from rnnkit.utils.markers import Mark, write_mark
from rnnkit.utils.runs import check_no_unfinished_run, claim_run

SRC = str(Path(__file__).resolve().parents[2] / "src")
UNFINISHED = "holds an unfinished run (its newest checkpoint, epoch-0001, has no model saved after it)"

needs_gloo = pytest.mark.skipif(
    not (torch.distributed.is_available() and torch.distributed.is_gloo_available()),
    reason="needs torch.distributed with gloo",
)


def _unfinished_run(out: Path) -> Path:
    """A forecast run folder whose newest checkpoint has no model saved after it (Ctrl-C in epoch 2)."""
    write_mark(out, Mark("forecast", "run"))
    checkpoint = out / "checkpoints" / "epoch-0001"
    checkpoint.mkdir(parents=True)
    (checkpoint / STATE_NAME).write_text("{}")
    assert latest_checkpoint(out) == checkpoint
    return checkpoint


def _as_process(monkeypatch, rank: int) -> None:
    monkeypatch.setenv("RANK", str(rank))
    monkeypatch.setenv("LOCAL_RANK", str(rank))
    monkeypatch.setenv("WORLD_SIZE", "2")


# -- 1. every process makes the checks before the launch joins --------------------------------------


@pytest.mark.parametrize("rank", [0, 1])
def test_every_process_refuses_a_fresh_run_over_an_unfinished_one(tmp_path, monkeypatch, rank):
    _unfinished_run(tmp_path / "F")
    _as_process(monkeypatch, rank)
    with pytest.raises(RnnkitError, match=re.escape(f"F {UNFINISHED}")):
        claim_run(tmp_path / "F", False, "forecast", newest_checkpoint=latest_checkpoint)


@pytest.mark.parametrize("rank", [0, 1])
def test_every_process_refuses_a_fresh_run_over_a_finished_one(tmp_path, monkeypatch, rank):
    checkpoint = _unfinished_run(tmp_path / "F")
    os.utime(checkpoint, (time.time() - 60, time.time() - 60))
    (tmp_path / "F" / old_name("model")).mkdir()  # the model, which process 0 may be moving back
    _as_process(monkeypatch, rank)
    with pytest.raises(RnnkitError, match=re.escape("F holds a finished run (its model saved ")):
        claim_run(tmp_path / "F", False, "forecast", newest_checkpoint=latest_checkpoint)


@pytest.mark.parametrize("rank", [0, 1])
def test_every_process_refuses_an_out_of_the_old_layout(tmp_path, monkeypatch, rank):
    model = tmp_path / "old"
    model.mkdir()
    (model / "config.json").write_text('{"application": "forecast"}')
    (model / "model.safetensors").write_bytes(b"")
    _as_process(monkeypatch, rank)
    with pytest.raises(RnnkitError, match="old is a model folder of the layout before"):
        claim_run(model, False, "forecast")


def test_a_checkpoint_that_process_0_clears_meanwhile_is_no_unfinished_run(tmp_path):
    """Process 0 of a fresh launch over a finished run clears its checkpoints while another process
    looks: the checkpoint found a moment ago is gone, which is no reason to refuse in that one alone."""
    out = tmp_path / "F"
    checkpoint = _unfinished_run(out)
    check_no_unfinished_run(out, checkpoint.with_name("epoch-0002"))  # found, then cleared


def test_a_model_waiting_as_old_counts_as_saved_in_every_process(tmp_path):
    """A replacement of OUT/model cut between its two renames leaves ``.model.rnnkit-old``, which process 0
    moves back while the others look: for them it is the saved model, as for process 0."""
    out = tmp_path / "F"
    checkpoint = _unfinished_run(out)
    old = out / old_name("model")
    old.mkdir()
    os.utime(checkpoint, (time.time() - 60, time.time() - 60))  # the model was saved after it
    check_no_unfinished_run(out, checkpoint)
    old.rmdir()
    with pytest.raises(RnnkitError, match=re.escape(UNFINISHED)):
        check_no_unfinished_run(out, checkpoint)


# ``rnnkit ARGS`` with dist.HEAR_ERROR_S (how long a failed process listens for process 0's error) set
# first: a test of a process whose error is its own need not wait the 10 s each time.
RNNKIT_HEARING_FOR = (
    "import runpy, sys; from rnnkit.utils import dist; dist.HEAR_ERROR_S = float(sys.argv.pop(1)); "
    "sys.argv[0] = 'rnnkit'; runpy.run_module('rnnkit', run_name='__main__')"
)


def start_process(
    store: torch.distributed.TCPStore,
    rank: int,
    cwd: Path,
    args: list[str],
    hear_error_s: float | None = None,
) -> subprocess.Popen:
    """``rnnkit ARGS`` as process ``rank`` of a launch of two, as torchrun starts it, with ``store`` as
    the launch's store."""
    env = {k: v for k, v in os.environ.items() if k not in ("CUDA_VISIBLE_DEVICES", "PYTHONPATH")}
    env.update(OMP_NUM_THREADS="1", PYTHONPATH=SRC, MASTER_ADDR="127.0.0.1", MASTER_PORT=str(store.port),
               WORLD_SIZE="2", RANK=str(rank), LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE="2",
               TORCHELASTIC_USE_AGENT_STORE="True", TORCHELASTIC_RESTART_COUNT="0")  # fmt: skip
    command = ["-m", "rnnkit"] if hear_error_s is None else ["-c", RNNKIT_HEARING_FOR, str(hear_error_s)]
    return subprocess.Popen(
        [sys.executable, *command, *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(procs: list[subprocess.Popen], timeout: float = 60) -> list[tuple[int, str, str]]:
    """Each process's status, standard output and standard error; a process still running after
    ``timeout`` seconds fails the test, and all are killed and reaped at the end (their pipes closed)."""
    try:
        done = [proc.communicate(timeout=timeout) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()
    return [(proc.returncode, out, err) for proc, (out, err) in zip(procs, done, strict=True)]


def launch_two(cwd: Path, *args: str, timeout: float = 120) -> tuple[list[int], list[str], list[str]]:
    """``rnnkit ARGS`` run by two processes as torchrun starts them: their exit statuses, standard
    outputs and standard errors; a process still running after ``timeout`` seconds fails the test
    (each starts Python and torch: 10 s on a loaded 2-core machine, far below the 30 minutes a
    process left waiting for its peer takes), and both are killed and reaped.

    As under torchrun, the launch's store is served here (torchrun's agent serves it), not by process
    0: so a process left alone waits for its peer (30 minutes by default), as it did, rather than
    failing to reach a store that went with process 0."""
    store = torch.distributed.TCPStore("127.0.0.1", 0, is_master=True, wait_for_workers=False)
    done = finish([start_process(store, r, cwd, list(args)) for r in (0, 1)], timeout)
    return [code for code, _, _ in done], [out for _, out, _ in done], [err for _, _, err in done]


@needs_gloo
def test_a_two_process_launch_over_an_unfinished_run_ends_at_once_in_both(tmp_path):
    """Both processes of the launch, started as torchrun starts them, refuse in one line each and exit
    2 within seconds; before, process 1 waited to join process 0, which had already exited."""
    out = tmp_path / "F"
    _unfinished_run(out)
    codes, (_, out1), (err0, err1) = launch_two(
        tmp_path, "forecast", "train", "--data", "ibm", "--out", str(out), "--epochs", "1", "--threads", "1"
    )
    assert codes == [2, 2], (err0[-2000:], err1[-2000:])
    assert err0.splitlines() == [f"rnnkit: error: {out} {UNFINISHED}: continue it with --resume, or start "
                                 "over with --force (which clears its checkpoints)"]  # fmt: skip
    assert err1 == ""  # process 0 met the same refusal and said it (session 23: said once)
    assert out1 == ""


# -- 2. what each process prints -------------------------------------------------------------------


def test_the_other_processes_keep_only_their_errors_labelled():
    out = io.StringIO()
    err = ErrorsOnly(out, 3)
    err.write("rnnkit: warning: 4 processes do not divide the batch of 30 items\n")
    err.write("rnnkit: note: the run stopped early\nepoch 1/2: 18/18\n")
    err.write("rnnkit: error: lost contact with ")  # a line written in pieces is judged whole
    err.write("the other processes\nrnnkit: interrupted; continue with --resume\n")
    assert out.getvalue() == "rnnkit: error: [process 3] lost contact with the other processes\n"
    err.write("rnnkit: error: no newline at the end")
    assert out.getvalue().count("\n") == 1
    err.flush()
    assert out.getvalue().endswith("rnnkit: error: [process 3] no newline at the end")
    with pytest.raises(TypeError):  # a text stream: click then writes text to it, not to a buffer
        err.write(b"rnnkit: warning: bytes\n")


@pytest.fixture
def chatty(monkeypatch):
    """A command that prints as the training commands do: a result, a warning, a note, then fails."""

    @click.command("qa-s22-chatty")
    @click.option("--fail", type=click.Choice(["error", "interrupt", "none"]), default="error")
    def chatty_command(fail: str) -> None:
        click.echo("result table")
        click.echo("rnnkit: warning: 3 processes do not divide the batch of 64 items", err=True)
        print("rnnkit: note: the run stopped early", file=sys.stderr)
        if fail == "error":
            raise RnnkitError("a file this process alone cannot read")
        if fail == "interrupt":
            raise KeyboardInterrupt

    monkeypatch.setitem(root.commands, "qa-s22-chatty", chatty_command)
    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    return ["qa-s22-chatty"]


def test_process_0_prints_warnings_notes_and_errors(chatty, capsys, monkeypatch):
    _as_process(monkeypatch, 0)
    assert main(chatty) == 2
    out, err = capsys.readouterr()
    assert out == "result table\n"
    assert err.splitlines() == [
        "rnnkit: warning: 3 processes do not divide the batch of 64 items",
        "rnnkit: note: the run stopped early",
        "rnnkit: error: a file this process alone cannot read",
    ]


def test_another_process_prints_only_its_error_labelled(chatty, capsys, monkeypatch):
    _as_process(monkeypatch, 1)
    assert main(chatty) == 2
    assert capsys.readouterr() == ("", "rnnkit: error: [process 1] a file this process alone cannot read\n")
    assert main([*chatty, "--fail", "usage"]) == 2  # click's own errors too
    assert capsys.readouterr().err.startswith("rnnkit: error: [process 1] Invalid value for '--fail'")
    assert main([*chatty, "--fail", "interrupt"]) == 130  # Ctrl-C reaches every process: process 0 says it
    assert main([*chatty, "--fail", "none"]) == 0
    assert capsys.readouterr() == ("", "")


def test_ctrl_c_while_the_command_line_is_imported_is_said_by_process_0_alone(
    capsys, monkeypatch, ctrl_c_in_cli_import
):
    from rnnkit import _entry

    for rank, said in ((1, ""), (0, "rnnkit: interrupted\n")):
        _as_process(monkeypatch, rank)
        assert _entry.main() == 130
        assert capsys.readouterr().err == said
