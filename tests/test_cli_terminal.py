"""A terminal that closes under a command, and a signal at either end of one (rnnkit.cli, rnnkit._entry).

1. When the terminal closes (an ssh session dropped), a write to it fails with ``EIO``; that may come
   before the kernel's SIGHUP, or instead of it (a command that is not the session's leader gets none).
   The command ended with ``rnnkit: error: cannot write standard output: Input/output error`` and
   status 2; it now stops as on SIGHUP, whichever comes first: status 129, how to ``--resume`` said
   where standard error still goes, the checkpoint kept, no traceback.
2. SIGTERM while the console script imports the command line ended it without a word; once the command
   had returned, while click closed its contexts (the run folder's lock), it stopped that clean-up
   half-way and said ``rnnkit: terminated`` under a run whose every output was written.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="terminals, SIGHUP and ptys are POSIX")

SRC = str(Path(__file__).resolve().parents[1] / "src")
CLOSED = "rnnkit: terminated (SIGHUP: its terminal was closed)"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    return {**env, "OMP_NUM_THREADS": "1", "PYTHONPATH": SRC, "TERM": "xterm", "COLUMNS": "80"}


def _on_a_terminal(slave: int, leader: bool):  # noqa: ANN202 - a preexec_fn
    """The child's set-up: signals at their defaults (a background test run ignores SIGINT, ``nohup``
    SIGHUP, and a child inherits that), a session of its own, and the terminal as its controlling one
    when ``leader`` (the kernel then sends it SIGHUP when the terminal closes; else it gets only EIO)."""

    def setup() -> None:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        os.setsid()
        if leader:
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    return setup


def _drain(master: int) -> None:
    """Read what the child drew on the terminal, so that it never waits on a full one."""
    while select.select([master], [], [], 0)[0]:
        try:
            if not os.read(master, 65536):
                return
        except OSError:
            return


# -- 1. a terminal that closes -----------------------------------------------------------------------------


@pytest.mark.parametrize("leader", [True, False], ids=["sighup-and-eio-race", "eio-only"])
def test_a_training_run_whose_terminal_closes_stops_as_on_sighup(tmp_path, leader):
    """forecast train with its progress bar on a terminal, closed after the first checkpoint. Not the
    session's leader, it had only the EIO of its next redraw and ended with status 2, an error."""
    out = tmp_path / "run"
    train = [sys.executable, "-m", "rnnkit", "forecast", "train", "--data", "ibm", "--out", str(out),
             "--hidden-size", "4", "--threads", "1", "--epochs", "100000", "--patience", "100000"]  # fmt: skip
    master, slave = pty.openpty()
    proc = subprocess.Popen(train, stdin=slave, stdout=slave, stderr=slave, env=_env(), cwd=tmp_path,
                            preexec_fn=_on_a_terminal(slave, leader))  # fmt: skip
    os.close(slave)
    try:
        deadline = time.monotonic() + 120
        while not (out / "checkpoints" / "LATEST").is_file():  # one epoch done: something to resume
            assert proc.poll() is None and time.monotonic() < deadline, "the run never checkpointed"
            _drain(master)
            time.sleep(0.1)
        _drain(master)
        os.close(master)  # the terminal closes
        master = -1
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        if master >= 0:
            os.close(master)
    assert proc.returncode == 129  # before, without SIGHUP: 2, "cannot write standard output"
    latest = (out / "checkpoints" / "LATEST").read_text().strip()
    assert (out / "checkpoints" / latest).is_dir()  # what --resume goes on from
    assert not [p.name for p in out.rglob("*") if "tmp" in p.name.lower()]  # no temporary file left


PROBE = """
import os, sys, threading, time
import click
from rnnkit import _entry, cli
from rnnkit.utils.errors import Interrupted

@cli.root.command("probe")
@click.argument("writer")
def probe(writer):
    print("ready", file=sys.stderr, flush=True)
    while os.isatty(1):  # until the test closes the terminal
        time.sleep(0.05)
    try:
        if writer == "thread":  # as rich redraws its bar, from a thread of its own
            threading.Thread(target=lambda: click.echo("into a terminal that has gone")).start()
            time.sleep(60)
        elif writer == "held":  # a stream held from before the command, as a logging handler holds one
            print("into a terminal that has gone", file=sys.__stdout__, flush=True)
        else:
            click.echo("into a terminal that has gone")
        print("went on writing", file=sys.stderr, flush=True)
    except KeyboardInterrupt:  # as a training run words it (rnnkit.utils.runs.RunFolder.hint_on_interrupt)
        raise Interrupted("continue with the same command and --resume (checkpoints in x)") from None

sys.argv = ["rnnkit", "probe", sys.argv[1]]
sys.exit(_entry.main())
"""


@pytest.mark.parametrize("writer", ["main", "thread", "held"])
def test_a_write_into_a_terminal_that_has_gone_stops_the_command_as_sighup(tmp_path, writer):
    """Standard output on a terminal that closes, standard error into a log: the write's EIO, with no
    SIGHUP at all, ends the command as SIGHUP does, its hint in the log. Before: ``rnnkit: error:
    cannot write standard output: Input/output error`` and 2 (from a thread: a traceback, and it went on).
    A write through a stream held from before the command fails in the command, which cannot word
    how to continue: the line without it."""
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(script), writer], stdout=slave, stderr=subprocess.PIPE,
                            text=True, env=_env(), preexec_fn=_on_a_terminal(slave, leader=False))  # fmt: skip
    os.close(slave)
    try:
        assert proc.stderr.readline() == "ready\n"
        os.close(master)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    hint = "" if writer == "held" else "; continue with the same command and --resume (checkpoints in x)"
    assert (proc.returncode, err) == (129, f"{CLOSED}{hint}\n")


SIGNALLED = """
import os, signal, sys
import click
from rnnkit import _entry, cli
from rnnkit.utils.errors import Interrupted

@cli.root.command("probe")
@click.argument("when")
def probe(when):
    ctx = click.get_current_context()
    if when == "clean-up":  # the run folder's lock, released as click closes the command's context
        ctx.call_on_close(lambda: (os.kill(os.getpid(), signal.SIGTERM), click.echo("cleaned up")))
        click.echo("done")
        return
    try:
        os.kill(os.getpid(), signal.SIGHUP)  # the kernel's SIGHUP
        click.echo("not reached")
    except KeyboardInterrupt:
        os.kill(os.getpid(), signal.SIGHUP)  # the shell's, passed on to its job, while the run stops
        click.echo("stopped once", err=True)
        raise Interrupted("continue with the same command and --resume (checkpoints in x)") from None

sys.argv = ["rnnkit", "probe", sys.argv[1]]
sys.exit(_entry.main())
"""


def _run(script: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "signalled.py"
    path.write_text(script)
    return subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True, env=_env(),
                          timeout=120, preexec_fn=_on_a_terminal(-1, leader=False))  # fmt: skip


def test_one_closed_terminal_stops_a_command_once_however_many_sighups_it_sends(tmp_path):
    """The kernel's SIGHUP and the shell's: the second came while the run stopped, and cut that short."""
    done = _run(SIGNALLED, tmp_path, "twice")
    hint = "continue with the same command and --resume (checkpoints in x)"
    assert (done.returncode, done.stderr) == (129, f"stopped once\n{CLOSED}; {hint}\n")


# -- 2. a signal at either end of a command -----------------------------------------------------------------

STARTING = """
import builtins, os, signal, sys
from rnnkit import _entry

real = builtins.__import__

def importing(name, *args, **kwargs):  # SIGTERM in the middle of importing the command line
    if name == "click":
        os.kill(os.getpid(), signal.SIGTERM)
    return real(name, *args, **kwargs)

builtins.__import__ = importing
sys.argv = ["rnnkit", "--help"]
sys.exit(_entry.main())
"""


def test_sigterm_while_the_command_line_is_imported_says_so_with_143(tmp_path):
    done = _run(STARTING, tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (
        143,
        "",
        "rnnkit: terminated\n",
    )  # before: -15, silent


def test_sigterm_while_a_finished_command_cleans_up_lets_it_finish_then_ends_silently(tmp_path):
    """Every output written: the clean-up completes, no ``rnnkit: terminated`` under it, and the signal
    then ends the process as it ends any program (the shell's 143)."""
    done = _run(SIGNALLED, tmp_path, "clean-up")
    assert (done.returncode, done.stdout, done.stderr) == (-signal.SIGTERM, "done\ncleaned up\n", "")
