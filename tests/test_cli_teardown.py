"""The console script's last moments: after the command returns, a signal hurries the exit and keeps
the command's status (rnnkit._entry)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).parents[1] / "src")


def _run(script: Path, signals=None) -> subprocess.CompletedProcess:
    """Run ``script`` with rnnkit's sources, its signals at their defaults (a test run started in the
    background, ``pytest &``, ignores SIGINT, and its children would inherit that) unless ``signals``
    sets them otherwise."""
    env = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, env=env,
        preexec_fn=signals or _default_signals,
    )  # fmt: skip


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_python_tears_down_after_a_command_keeps_its_status_and_says_nothing(tmp_path, signum):
    """After the command returned, Python and torch take a second or more to exit. A SIGTERM there ended
    the console script with -15 and no word (every output already written), and a second Ctrl-C printed a
    traceback from torch's atexit callback. The process now exits at once with the command's status."""
    script = tmp_path / "entry.py"
    script.write_text(
        "import atexit, os, signal, sys, time\n"
        "import rnnkit.cli\n"
        "rnnkit.cli.main = lambda: (print('the command printed this'), 7)[1]\n"
        "from rnnkit import _entry\n"
        "atexit.register(lambda: time.sleep(600))  # a slow teardown, as torch's can be on a busy machine\n"
        "status = _entry.main()\n"
        f"os.kill(os.getpid(), {int(signum)})\n"
        "time.sleep(600)\n"
        "sys.exit(status)\n"
    )
    # Exiting at once means long before the sleeps end; the limit leaves the import of rnnkit.cli on a
    # loaded machine ample time (a bound of 25 s on the whole run, import included, could fail there).
    done = _run(script)
    assert done.returncode == 7
    assert done.stdout == "the command printed this\n" and done.stderr == ""


def _default_signals() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGINT])
def test_a_signal_the_caller_ignored_stays_ignored_after_the_command(tmp_path, signum):
    """Under ``nohup`` (SIGHUP) or started in the background by a shell (SIGINT), the command ran with
    the signal ignored; after it, the signal did end the process early (with its status, but early)."""
    script = tmp_path / "entry.py"
    script.write_text(
        "import os, sys\n"
        "import rnnkit.cli\n"
        "rnnkit.cli.main = lambda: 7\n"
        "from rnnkit import _entry\n"
        "status = _entry.main()\n"
        f"os.kill(os.getpid(), {int(signum)})\n"
        "print('still running', flush=True)\n"
        "sys.exit(status)\n"
    )

    def ignored() -> None:
        _default_signals()
        signal.signal(signum, signal.SIG_IGN)

    done = _run(script, ignored)
    assert (done.returncode, done.stdout, done.stderr) == (7, "still running\n", "")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_python_frees_the_modules_keeps_the_commands_status(tmp_path, signum):
    """After the atexit callbacks Python resets its signal handlers, then frees the modules (torch's
    libraries: the longest part). torchrun's SIGTERM, sent as soon as process 0 has failed, reached the
    other processes there and most runs of a 2-process launch reported ``exitcode: -15 (SIGTERM)`` for a
    process that had said its error and returned 2. The signal, sent here from a module global's
    finaliser, is now ignored and the process keeps the command's status."""
    script = tmp_path / "entry.py"
    script.write_text(
        "import os, sys\n"
        "import rnnkit.cli\n"
        "rnnkit.cli.main = lambda: 7\n"
        "from rnnkit import _entry\n"
        "class SignalledWhileFreed:\n"
        "    def __del__(self):\n"
        f"        os.kill(os.getpid(), {int(signum)})\n"
        "        print('freed', flush=True)\n"
        "late = SignalledWhileFreed()  # freed with __main__, after the atexit callbacks\n"
        "sys.exit(_entry.main())\n"
    )
    done = _run(script)
    assert done.stdout == "freed\n"  # the signal came while the modules were freed, not before
    assert done.returncode == 7 and done.stderr == ""
