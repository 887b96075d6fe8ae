"""SIGTERM (``kill``, a batch scheduler's time limit or preemption) stops a command as Ctrl-C does: a
training run keeps its checkpoints, says how to continue, exits with 143, and ``--resume`` goes on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from rnnkit import cli
from rnnkit.utils.errors import Terminated

HERE = Path(__file__).parent
# a constant rate: the resume below raises --epochs, which the default cosine (fixed length) refuses
TINY = ["--cell", "gru", "--embed-size", "8", "--hidden-size", "16", "--vocab-size", "40", "--batch-size", "8",
        "--beam", "1", "--no-progress", "--device", "cpu", "--lr-schedule", "constant"]  # fmt: skip


def _translate_train(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "rnnkit", "translate", "train", "--corpus", str(corpus), "--out", str(out),
            *TINY, *extra]  # fmt: skip


def test_sigterm_stops_a_training_run_that_then_resumes(tmp_path):
    sys.path.insert(0, str(HERE / "translate"))
    from helpers_translate import write_anki

    corpus = write_anki(tmp_path / "tiny.tsv")
    out = tmp_path / "run"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    endless = ("--epochs", "100000", "--patience", "100000")
    proc = subprocess.Popen(
        _translate_train(corpus, out, *endless), env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 120
        while not (out / "checkpoints" / "LATEST").is_file():  # one epoch done: something to resume
            assert proc.poll() is None and time.monotonic() < deadline, "the run never checkpointed"
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, err
    last = err.strip().splitlines()[-1]
    assert last == (
        f"rnnkit: terminated; continue with the same command and --resume (checkpoints in {out / 'checkpoints'})"
    ), err
    assert "Traceback" not in err
    done = int((out / "checkpoints" / "LATEST").read_text().strip().split("-")[1])
    resumed = subprocess.run(
        _translate_train(corpus, out, "--epochs", str(done + 2), "--patience", "100000", "--resume"),
        env=env,
        capture_output=True,
        text=True,
    )
    assert resumed.returncode == 0, resumed.stderr
    epochs = [line.split(",")[0] for line in (out / "metrics.csv").read_text().strip().splitlines()[1:]]
    assert epochs[-1] == str(done + 2)  # it went on from the checkpoint, not from scratch
    assert (out / "model" / "model.safetensors").is_file()


def test_the_handler_is_rnnkit_s_only_while_a_command_runs(monkeypatch):
    seen = {}

    def command(*args, **kwargs):
        seen["handler"] = signal.getsignal(signal.SIGTERM)
        return 0

    monkeypatch.setattr(cli.root, "main", command)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    assert cli.main(["--help"]) == 0
    assert seen["handler"] not in (signal.SIG_DFL, signal.SIG_IGN)  # installed for the command
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # and restored after it
    try:
        seen["handler"](signal.SIGTERM, None)
    except Terminated:
        pass
    else:
        raise AssertionError("rnnkit's SIGTERM handler must raise Terminated")


def test_a_host_s_own_handler_and_other_threads_are_left_alone(monkeypatch):
    seen = []

    def command(*args, **kwargs):
        seen.append(signal.getsignal(signal.SIGTERM))
        return 0

    monkeypatch.setattr(cli.root, "main", command)

    def host(signum, frame):  # a server or notebook kernel that handles SIGTERM itself
        pass

    previous = signal.signal(signal.SIGTERM, host)
    try:
        assert cli.main(["--help"]) == 0
        assert seen[-1] is host and signal.getsignal(signal.SIGTERM) is host
    finally:
        signal.signal(signal.SIGTERM, previous)
    worker = threading.Thread(target=cli.main, args=(["--help"],))  # signal.signal is main-thread only
    worker.start()
    worker.join()
    assert seen[-1] == signal.SIG_DFL and len(seen) == 2


def test_ctrl_c_and_sigterm_lines_and_statuses():
    from rnnkit.utils.errors import Interrupted

    assert cli._interrupted(KeyboardInterrupt())[1] == 130
    assert cli._interrupted(Terminated())[1] == 143
    hint = "continue with the same command and --resume (checkpoints in x)"
    line, code = cli._interrupted(Interrupted(hint, terminated=True))
    assert line.strip() == f"rnnkit: terminated; {hint}" and code == 143
    line, code = cli._interrupted(Interrupted(hint))
    assert line.strip() == f"rnnkit: interrupted; {hint}" and code == 130
