"""``translate text`` streams standard input and reads any encoding (issue 10, items 5 and 6)."""

from __future__ import annotations

import io
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from rnnkit.cli import main

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def _ctrl_c_as_default() -> None:
    """In the child, before it starts: SIGINT back to its default action, so that Python's Ctrl-C handler is
    installed. A test run started in the background by a shell (``pytest &``, ``nohup``, a loop of runs on
    a busy machine) ignores SIGINT, and a child inherits that: its "Ctrl-C" did nothing, the command
    translated on until its output pipe was full, and the test waited out its timeout (300 s)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class _Lines:
    """A child's stdout (or ``stream``) line by line, waiting at most ``timeout`` seconds for each (never
    forever)."""

    def __init__(self, proc: subprocess.Popen, stream=None) -> None:  # noqa: ANN001 - a pipe of proc
        self.fd, self.buf = (stream or proc.stdout).fileno(), b""

    def next(self, timeout: float = 60.0, missing: str = "translate text does not stream") -> bytes:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
            assert ready, f"no line in {timeout:.0f} s: {missing}"
            chunk = os.read(self.fd, 4096)
            assert chunk, "the command ended"
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line + b"\n"


def test_non_utf8_stdin_is_one_line_and_an_encoding_can_be_given(tiny_model, capsys, monkeypatch):
    _stdin(monkeypatch, b"I am a student.\n\xff\xfe\xfa caf\xe9\n")
    assert main(["translate", "text", "--model", str(tiny_model), "--beam", "1"]) == 2
    err = capsys.readouterr().err
    assert (
        err == "rnnkit: error: standard input line 2 is not utf-8 text (give its encoding with --encoding)\n"
    )

    _stdin(monkeypatch, "I like coffee.\ncafé au lait\n".encode("latin-1"))
    assert (
        main(["translate", "text", "--model", str(tiny_model), "--beam", "1", "--encoding", "latin-1"]) == 0
    )
    assert len(capsys.readouterr().out.splitlines()) == 2

    _stdin(monkeypatch, "Thank you.\n".encode("utf-16"))
    assert main(["translate", "text", "--model", str(tiny_model), "--beam", "1", "--encoding", "utf-16"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1

    # beside sentences given as arguments it would do nothing: one line, not ignored in silence
    assert main(["translate", "text", "--model", str(tiny_model), "--encoding", "nope", "Hi."]) == 2
    assert "--encoding reads --input or standard input" in capsys.readouterr().err
    _stdin(monkeypatch, b"Hi.\n")
    assert main(["translate", "text", "--model", str(tiny_model), "--encoding", "nope"]) == 2
    assert "unknown encoding 'nope'" in capsys.readouterr().err


def test_a_non_utf8_input_file_is_one_line(tiny_model, tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_bytes("안녕하세요\n".encode("cp949"))
    assert main(["translate", "text", "--model", str(tiny_model), "--input", str(src)]) == 2
    assert f"{src} line 1 is not utf-8 text" in capsys.readouterr().err
    dest = tmp_path / "out.txt"
    code = main(["translate", "text", "--model", str(tiny_model), "--input", str(src), "--encoding", "cp949",
                 "--output", str(dest), "--beam", "1"])  # fmt: skip
    assert code == 0 and len(dest.read_text(encoding="utf-8").splitlines()) == 1


def test_stdin_is_translated_line_by_line_while_it_is_still_open(tiny_model):
    env = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "rnnkit", "translate", "text", "--model", str(tiny_model), "--beam", "1",
           "--device", "cpu"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            preexec_fn=_ctrl_c_as_default)  # fmt: skip
    lines = _Lines(proc)
    try:
        proc.stdin.write(b"I am a student.\n")
        proc.stdin.flush()
        first = lines.next()  # printed before stdin is closed
        assert first.endswith(b"\n")
        proc.stdin.write(b"\nThank you.\n")
        proc.stdin.flush()
        assert lines.next() == b"\n"  # the empty line keeps its place
        assert lines.next() != b"\n"
        # 100,000 lines: the first batch is printed while most of the input is still unwritten (the
        # pipe is full: the command reads no further ahead than it translates, so memory stays bounded)
        sent = [0]

        def feed() -> None:
            try:
                for _ in range(100):
                    os.write(proc.stdin.fileno(), b"I am a student.\n" * 1000)
                    sent[0] += 1000
            except OSError:  # the command ended (Ctrl-C below)
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        for _ in range(64):
            assert lines.next().strip()
        assert sent[0] < 50_000, sent[0]  # measured: 8,000 of 100,000 lines written (pipe + one chunk)
        # Ctrl-C mid-stream: what was printed stays printed, in whole lines, and the exit status is 130
        proc.send_signal(signal.SIGINT)
        errors = _Lines(proc, proc.stderr)  # said at once, even under load
        assert errors.next(60, "Ctrl-C did not stop it") == b"rnnkit: interrupted\n"
        # then Python and torch tear down: 1 s on an idle machine, 8 to 15 s under a load average of 10
        assert proc.wait(timeout=120) == 130
        rest = lines.buf + proc.stdout.read()
        assert rest == b"" or rest.endswith(b"\n")
        assert errors.buf + proc.stderr.read() == b""  # nothing after it
        writer.join(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
