"""rnnkit among other programs: pipes, closed streams, terminals and encodings.

1. A reader gone from the pipe (``| head -1``) ends the command as it ends grep, cat or seq: no word,
   status 141 (128 + SIGPIPE). It was 1 (click's) for text and ``rnnkit: error: cannot write standard
   output: Broken pipe`` with status 2 for ``--json -``: two answers to one event, neither a shell's.
2. A closed standard input (``<&-``) under ``translate text`` printed an AttributeError traceback.
3. ``translate text`` reading a terminal sat silent, and looked hung: it now says what it waits for.
4. Korean output into a standard output that cannot hold it (``PYTHONIOENCODING=latin-1``, a Latin-1
   locale) printed a UnicodeEncodeError traceback: it is one line naming the encoding and the remedy.
5. SIGHUP (the terminal closed) killed a command on the spot; it now stops it as SIGTERM does.
6. A closed standard error (``2>&-``) ended a command with progress with status 1 and no output; a
   closed standard output (``>&-``) dropped the results in silence, with status 0.
"""

from __future__ import annotations

import io
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

from helpers_models import make_forecast, make_translate
from rnnkit.cli import PIPE_CLOSED, main, root
from rnnkit.utils.atomic import WriteError

SRC = str(Path(__file__).resolve().parents[1] / "src")
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="pipes, ptys and fd 0 closing are POSIX")


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "PYTHONIOENCODING")
    }
    return {**env, "OMP_NUM_THREADS": "1", "PYTHONPATH": SRC, **extra}


def _into_a_pipe_nobody_reads(*args: str, cwd: Path, stream: str = "stdout") -> subprocess.CompletedProcess:
    """Run ``rnnkit ARGS`` with its standard output (or error) a pipe whose reader has already gone:
    ``| head -0``, every time, with no race against the reader."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        other = subprocess.PIPE
        streams = (
            {"stdout": write_end, "stderr": other}
            if stream == "stdout"
            else {"stdout": other, "stderr": write_end}
        )
        return subprocess.run([sys.executable, "-m", "rnnkit", *args], **streams, env=_env(), cwd=cwd,
                              timeout=180)  # fmt: skip
    finally:
        os.close(write_end)


# -- 1. a closed pipe: status 141, as a shell reports for grep ----------------------------------------------


@posix_only
def test_help_into_a_closed_pipe_is_silent_with_grep_s_status(tmp_path):
    done = _into_a_pipe_nobody_reads("--help", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (PIPE_CLOSED, b"")  # before: 1


@posix_only
def test_translations_into_a_closed_pipe_end_with_grep_s_status(tmp_path):
    model = make_translate(tmp_path / "m")
    done = _into_a_pipe_nobody_reads(
        "translate", "text", "--model", str(model), "I am a student.", cwd=tmp_path
    )
    assert done.returncode == PIPE_CLOSED, done.stderr  # before: 1
    # an untrained model may warn of a blank translation; nothing is said of the pipe
    assert all(line.startswith(b"rnnkit: warning: ") for line in done.stderr.splitlines()), done.stderr


@posix_only
def test_json_to_standard_output_into_a_closed_pipe_is_no_error(tmp_path):
    args = (
        "forecast",
        "predict",
        "--model",
        str(make_forecast(tmp_path / "m")),
        "--data",
        "ibm",
        "--json",
        "-",
    )
    done = _into_a_pipe_nobody_reads(*args, "--threads", "1", "--no-progress", cwd=tmp_path)
    # before: "rnnkit: error: cannot write standard output: Broken pipe", status 2
    assert done.returncode == PIPE_CLOSED, done.stderr
    assert b"error" not in done.stderr and b"Traceback" not in done.stderr


@posix_only
def test_standard_error_into_a_closed_pipe_keeps_the_command_s_error_status(tmp_path):
    """``rnnkit ... 2>&1 | head -0`` with a bad option: its line has nowhere to go, its status stays 2."""
    done = _into_a_pipe_nobody_reads("forecast", "predict", "--no-such-option", cwd=tmp_path, stream="stderr")
    assert done.returncode == 2


@pytest.fixture
def command(monkeypatch):
    """Mount a one-off command ``body`` under the name ``streams-test``."""

    def mount(body) -> str:  # noqa: ANN001
        monkeypatch.setitem(root.commands, "streams-test", click.command("streams-test")(body))
        return "streams-test"

    return mount


def test_a_broken_pipe_worded_as_an_error_is_still_a_closed_pipe(command, capsys):
    def body() -> None:  # what rnnkit.utils.atomic raises for `--json -` into a closed pipe
        try:
            raise BrokenPipeError(32, "Broken pipe")
        except BrokenPipeError:
            raise WriteError("standard output", "Broken pipe") from None

    assert main([command(body)]) == PIPE_CLOSED
    assert capsys.readouterr().err == ""


def test_a_captured_output_is_left_alone_after_a_closed_pipe(command, capsys):
    """Only a stream whose reader has gone is pointed at /dev/null; pytest's capture goes on working."""

    def body() -> None:
        raise BrokenPipeError(32, "Broken pipe")

    assert main([command(body)]) == PIPE_CLOSED
    print("still here")
    assert capsys.readouterr().out == "still here\n"


def test_another_os_error_is_still_one_line_with_status_2(command, capsys):
    def body() -> None:
        raise PermissionError(13, "Permission denied", "out.json")

    assert main([command(body)]) == 2
    assert capsys.readouterr().err == "rnnkit: error: out.json: Permission denied\n"


# -- 2. a closed standard input --------------------------------------------------------------------------


@posix_only
@pytest.mark.parametrize("given", [(), ("--input", "-")])
def test_translate_text_with_standard_input_closed_says_so(tmp_path, given):
    done = subprocess.run([sys.executable, "-m", "rnnkit", "translate", "text", *given], capture_output=True,
                          text=True, env=_env(), cwd=tmp_path, timeout=120, preexec_fn=lambda: os.close(0))  # fmt: skip
    assert done.returncode == 2, done.stderr  # before: 1, an AttributeError traceback
    assert done.stderr == "rnnkit: error: standard input is closed: give SENTENCES or --input FILE\n"


# -- 3. a terminal on standard input ---------------------------------------------------------------------


@posix_only
def test_translate_text_reading_a_terminal_says_what_it_waits_for(tmp_path):
    import pty

    model = make_translate(tmp_path / "m")
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "rnnkit", "translate", "text", "--model", str(model)],
                            stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=tmp_path)  # fmt: skip
    os.close(slave)
    try:
        ready, _, _ = select.select([proc.stderr], [], [], 120)
        assert ready, "nothing said on standard error while waiting for the terminal"
        note = proc.stderr.readline().decode()
        assert note == "rnnkit: reading sentences from the terminal, one a line; Ctrl-D ends\n"
        os.write(master, b"I am a student.\n")
        time.sleep(0.2)
        os.write(master, b"\x04")  # Ctrl-D: the end of the input
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert proc.returncode == 0, err
    assert len(out.decode().splitlines()) == 1  # one translation, for the one line typed


# -- 4. an encoding that cannot hold the output ----------------------------------------------------------

LATIN_1 = (
    "rnnkit: error: cannot write standard output: its encoding, latin-1, cannot hold '저는' (run under a "
    "UTF-8 locale, e.g. LC_ALL=C.UTF-8, or set PYTHONIOENCODING=utf-8)"
)


def test_korean_into_a_latin_1_standard_output_is_one_line(command, monkeypatch, tmp_path, capsys):
    latin = open(tmp_path / "out.txt", "w", encoding="latin-1")  # noqa: SIM115 (closed below)
    monkeypatch.setattr(sys, "stdout", latin)
    try:
        assert main([command(lambda: click.echo("저는 학생이에요."))]) == 2
    finally:
        monkeypatch.undo()
        latin.close()
    assert capsys.readouterr().err == LATIN_1 + "\n"


def test_an_encoding_error_elsewhere_is_no_standard_output_error(command):
    """A UnicodeEncodeError that is not a write of standard output is a bug: raised, never worded away."""
    with pytest.raises(UnicodeEncodeError):
        main([command(lambda: "저".encode("latin-1"))])


def test_the_shipped_translator_under_pythonioencoding_latin_1(tmp_path):
    env = {**_env(), "PYTHONIOENCODING": "latin-1"}
    done = subprocess.run([sys.executable, "-m", "rnnkit", "translate", "text", "I am a student."],
                          capture_output=True, env=env, cwd=tmp_path, timeout=180)  # fmt: skip
    assert done.returncode == 2, done.stderr  # before: 1 and a traceback ending in UnicodeEncodeError
    (line,) = done.stderr.decode("latin-1").splitlines()  # standard error escapes what it cannot hold
    assert line.startswith("rnnkit: error: cannot write standard output: its encoding, latin-1, cannot hold ")
    assert "PYTHONIOENCODING=utf-8" in line


def test_a_captured_standard_output_still_takes_korean(command, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert main([command(lambda: click.echo("저는"))]) == 0
    assert capsys.readouterr().err == ""


# -- 5. a closed terminal (SIGHUP) ----------------------------------------------------------------------


def test_sighup_lines_and_statuses():
    from rnnkit.cli import _interrupted
    from rnnkit.utils.errors import Interrupted, Terminated

    closed = "rnnkit: terminated (SIGHUP: its terminal was closed)"
    assert _interrupted(Terminated(signal.SIGHUP)) == (closed, 129)
    assert _interrupted(Terminated()) == ("rnnkit: terminated", 143)  # SIGTERM, as before
    hint = "continue with the same command and --resume (checkpoints in x)"
    try:  # a training run words it with how to continue, raised while handling the signal's
        try:
            raise Terminated(signal.SIGHUP)
        except Terminated:
            raise Interrupted(hint, terminated=True) from None
    except Interrupted as exc:
        assert _interrupted(exc) == (f"{closed}; {hint}", 129)


@posix_only
def test_a_closed_terminal_stops_training_as_kill_does(tmp_path):
    out = tmp_path / "run"
    train = [sys.executable, "-m", "rnnkit", "forecast", "train", "--data", "ibm", "--out", str(out),
             "--hidden-size", "4", "--threads", "1", "--no-progress"]  # fmt: skip
    # SIGHUP as a terminal sends it: its default action (``nohup pytest`` ignores it, and rnnkit then too)
    proc = subprocess.Popen([*train, "--epochs", "100000"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True, env=_env(), cwd=tmp_path,
                            preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not (out / "checkpoints" / "LATEST").is_file():  # one epoch done: something to resume
            assert proc.poll() is None and time.monotonic() < deadline, "the run never checkpointed"
            time.sleep(0.2)
        proc.send_signal(signal.SIGHUP)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 129, err  # before: -1, killed on the spot without a word
    assert err.splitlines()[-1] == (
        "rnnkit: terminated (SIGHUP: its terminal was closed); continue with the same command and --resume "
        f"(checkpoints in {out / 'checkpoints'})"
    )
    latest = (out / "checkpoints" / "LATEST").read_text().strip()
    assert (out / "checkpoints" / latest).is_dir()  # what --resume goes on from
    assert not [p.name for p in out.rglob("*") if "tmp" in p.name.lower()]  # no temporary file left


@posix_only
def test_nohup_s_ignored_sighup_stays_ignored(monkeypatch):
    from rnnkit import cli

    seen = {}

    def command(*args, **kwargs):
        seen["handler"] = signal.getsignal(signal.SIGHUP)
        return 0

    monkeypatch.setattr(cli.root, "main", command)
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        assert main(["--help"]) == 0
        assert seen["handler"] == signal.SIG_IGN and signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


@posix_only
def test_a_closed_terminal_while_waiting_to_join_a_launch_ends_the_process_at_once(tmp_path):
    """Process 0 of a launch of two, its peer never started: blocked in torch's rendezvous, where its
    handler cannot run. SIGHUP had killed it there; as rnnkit's handler took SIGHUP, it waited on
    (until the launcher's SIGKILL), as SIGTERM once did (tests/utils/test_utils_outputs_launch_signals.py)."""
    torch = pytest.importorskip("torch")
    if not (torch.distributed.is_available() and torch.distributed.is_gloo_available()):
        pytest.skip("needs torch.distributed with gloo")
    store = torch.distributed.TCPStore("127.0.0.1", 0, is_master=True, wait_for_workers=False)
    env = _env(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(store.port), WORLD_SIZE="2", RANK="0", LOCAL_RANK="0",
               TORCHELASTIC_USE_AGENT_STORE="True", TORCHELASTIC_RESTART_COUNT="0")  # fmt: skip
    train = [
        sys.executable,
        "-m",
        "rnnkit",
        "forecast",
        "train",
        "--out",
        "F",
        "--epochs",
        "1",
        "--threads",
        "1",
    ]
    # SIGHUP at its default action, as a terminal leaves it (under ``nohup pytest`` a child inherits it ignored)
    proc = subprocess.Popen(train, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while store.num_keys() == 0:  # registered: in the rendezvous
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        time.sleep(1)
        proc.send_signal(signal.SIGHUP)
        _, err = proc.communicate(timeout=25)  # a few seconds on a loaded machine; before: for ever
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert (proc.returncode, err) == (129, "rnnkit: terminated (SIGHUP: its terminal was closed)\n")


# -- 6. closed standard streams ----------------------------------------------------------------------------


def _closing(*fds: int):  # noqa: ANN202
    return lambda: [os.close(fd) for fd in fds]


@posix_only
def test_a_closed_standard_error_neither_fails_nor_hides_the_results(tmp_path):
    args = (
        "forecast",
        "predict",
        "--model",
        str(make_forecast(tmp_path / "m")),
        "--data",
        "ibm",
        "--progress",
    )
    done = subprocess.run([sys.executable, "-m", "rnnkit", *args, "--threads", "1"], stdout=subprocess.PIPE,
                          env=_env(), cwd=tmp_path, timeout=180, preexec_fn=_closing(2))  # fmt: skip
    assert done.returncode == 0  # before: 1, the progress display failing on sys.stderr None, unsaid
    assert done.stdout.decode().startswith("forecast ")


@posix_only
def test_a_closed_standard_output_is_an_error_not_lost_results(tmp_path):
    done = subprocess.run([sys.executable, "-m", "rnnkit", "--help"], stderr=subprocess.PIPE, text=True,
                          env=_env(), cwd=tmp_path, timeout=120, preexec_fn=_closing(1))  # fmt: skip
    assert (done.returncode, done.stderr) == (
        2,
        "rnnkit: error: cannot write standard output: Bad file descriptor\n",
    )


@posix_only
def test_a_closed_descriptor_is_never_handed_to_a_file(tmp_path):
    """A file opened by a command with 2 closed took descriptor 2, and with it every C library's message."""
    script = (
        "import sys\nfrom rnnkit._entry import _closed_standard_streams_made_safe as safe\nsafe()\n"
        f"f = open({str(tmp_path / 'model.bin')!r}, 'wb')\n"
        "print(f.fileno(), sys.stdin is None, type(sys.stderr).__name__, type(sys.stdout).__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=False, stdout=subprocess.PIPE, text=True,
                          env=_env(), cwd=tmp_path, timeout=60, preexec_fn=_closing(0, 2))  # fmt: skip
    fileno, stdin_none, stderr_type, stdout_type = done.stdout.split()
    assert int(fileno) > 2 and stdin_none == "True"  # the commands reading standard input refuse None
    assert (stderr_type, stdout_type) == ("TextIOWrapper", "TextIOWrapper")
