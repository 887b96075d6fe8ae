"""Every training command under ``torchrun --nproc_per_node 2`` on CPU (gloo), as a user launches it.

One launch runs several commands (starting two processes costs more than a tiny training); the
script ``ddp_commands_script.py`` records each process's final weights and history after every fit.
Checked for each command: one model folder and one printed result table, identical weights in both
processes, a falling loss, and a resumed run (2 epochs, then ``--resume`` to 4) equal to a straight
one; and, for ``forecast train``, resuming a 2-process checkpoint on 1 process and a 1-process
checkpoint on 2 processes (equal up to rounding: every batch is split among the processes, so the
optimisation is the same whatever their number).

A launch cannot hang the test run: it has a timeout, after which its whole process group is killed, and
a process whose run fails ends the launch (``ddp_commands_script.py``). A failed launch fails the test
with each process's run statuses and log (torchrun's per-process logs), so a flaky failure says why.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors.torch import load_file

from rnnkit.cli import main
from rnnkit.utils.markers import MARKER_NAME

HERE = Path(__file__).parent
SRC = HERE.parent.parent / "src"

FORECAST = ["--hidden", "8", "--batch-size", "16", "--patience", "50", "--lr", "0.01", "--predict", "prices",
            "--device", "cpu", "--seed", "3", "--threads", "1", "--quiet"]  # fmt: skip


# Generous: the longest launch here (translate, caption and explain) took 1 to 2 minutes on the shared
# 2-core machine at a load average of 10; a launch left waiting is killed, never waited on for good.
LAUNCH_TIMEOUT_S = 900


def launch(spec: dict, tmp_path: Path, nproc: int = 2) -> subprocess.CompletedProcess:
    """Run the spec's commands under ``torchrun --standalone``; returns the finished launch.

    Each process writes its standard output and error to its own log (torchrun's ``--log-dir`` with
    ``--redirects 3``); the launch's ``stdout`` and ``stderr`` are those logs joined in rank order (the
    launcher's own error after them), so a line that one process alone prints is there once. The
    launcher leads its own process group, killed whole when it ends or after ``LAUNCH_TIMEOUT_S``, so
    that no process outlives the test. A launch that fails or times out fails the test with each
    process's output and run statuses: a flaky failure says why.
    """
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE)])}
    env.pop("CUDA_VISIBLE_DEVICES", None)
    logs = tmp_path / "launch-logs"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(nproc),
           "--log-dir", str(logs), "--redirects", "3", str(HERE / "ddp_commands_script.py"), str(path)]  # fmt: skip
    launcher_out, launcher_err = tmp_path / "launcher.out", tmp_path / "launcher.err"
    with open(launcher_out, "w") as out, open(launcher_err, "w") as err:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, start_new_session=True)
        timed_out = False
        try:
            proc.wait(timeout=LAUNCH_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            stop_group(proc)
    ranks = [rank_logs(logs, rank) for rank in range(nproc)]
    stdout = "".join(_ended(o) for o, _ in ranks) + launcher_out.read_text()
    stderr = "".join(_ended(e) for _, e in ranks) + launcher_err.read_text()
    if timed_out or proc.returncode != 0:
        what = f"timed out after {LAUNCH_TIMEOUT_S} s" if timed_out else f"exited with {proc.returncode}"
        pytest.fail(
            f"the launch {what}\n{launch_report(spec, ranks, launcher_err.read_text())}", pytrace=False
        )
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def stop_group(proc: subprocess.Popen) -> None:
    """End the launcher's process group, workers included (even when the launcher has exited), with
    SIGTERM, then SIGKILL for what is left after 30 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
    proc.wait()


def rank_logs(logs: Path, rank: int) -> tuple[str, str]:
    """Process ``rank``'s standard output and error, as torchrun logged them (empty when it never ran).

    torchrun writes ``LOGS/<run id>_<random>/attempt_<n>/<local rank>/std{out,err}.log``; one launch
    on one node, so the local rank is the rank."""

    def read(name: str) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(logs.glob(f"*/attempt_*/{rank}/{name}")))

    return read("stdout.log"), read("stderr.log")


def _ended(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def launch_report(spec: dict, ranks: list[tuple[str, str]], launcher_err: str) -> str:
    """Each process's run statuses and the end of its output and error, then the launcher's error."""
    out = Path(spec["out"])
    parts = []
    for rank, (stdout, stderr) in enumerate(ranks):
        statuses = [
            f"{run['label']}={_read(out / (run['label'] + f'.rank{rank}.status'))}" for run in spec["runs"]
        ]
        parts += [f"--- process {rank}: statuses {' '.join(statuses)}",
                  f"--- process {rank} stdout (end):\n{stdout[-2000:]}",
                  f"--- process {rank} stderr (end):\n{stderr[-4000:]}"]  # fmt: skip
    parts.append(f"--- launcher stderr (end):\n{launcher_err[-3000:]}")
    return "\n".join(parts)


def _read(path: Path) -> str:
    return path.read_text() if path.is_file() else "-"


def fit_record(out: Path, label: str, fit: int, rank: int) -> tuple[dict, list[dict]]:
    name = f"{label}.fit{fit}.rank{rank}"
    return load_file(str(out / f"{name}.safetensors")), json.loads((out / f"{name}.json").read_text())[
        "history"
    ]


def assert_weights(a: dict, b: dict, exact: bool = True) -> None:
    assert a.keys() == b.keys()
    for name in a:
        if exact:
            assert a[name].equal(b[name]), name
        else:
            torch.testing.assert_close(a[name], b[name], rtol=1e-4, atol=1e-5, msg=name)


def check_command(out: Path, label: str, fits: int = 1) -> None:
    """Both processes succeeded and agree; the loss fell; the resumed run repeats the straight one."""
    for run in ("straight", "part", "resumed"):
        for rank in (0, 1):
            status = (out / f"{label}-{run}.rank{rank}.status").read_text()
            assert status in (("0", "130") if run == "part" else ("0",)), (label, run, rank, status)
    for fit in range(fits):
        straight0, history = fit_record(out, f"{label}-straight", fit, 0)
        straight1, history1 = fit_record(out, f"{label}-straight", fit, 1)
        assert_weights(straight0, straight1)  # DDP keeps the replicas identical
        strip = [[{k: v for k, v in row.items() if k != "seconds"} for row in h] for h in (history, history1)]
        assert strip[0] == strip[1]  # reduced metrics: the same numbers in both processes
        assert len(history) == 4 and history[-1]["train_loss"] < history[0]["train_loss"], (label, history)
        resumed0, resumed_history = fit_record(out, f"{label}-resumed", fit, 0)
        assert_weights(straight0, resumed0)
        # The whole trajectory, not only the best weights (equal whenever the best epoch precedes the
        # point where two runs part).
        resumed_strip = [{k: v for k, v in row.items() if k != "seconds"} for row in resumed_history]
        assert resumed_strip == strip[0], label


def no_leftovers(folder: Path) -> None:
    """A folder written whole by one process: no temporary or half-swapped entries beside its files."""
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != MARKER_NAME], folder


def runs(label: str, argv: list[str], out: Path, interrupt: bool = False) -> list[dict]:
    """Straight 4 epochs; 2 epochs (or, with ``interrupt``, 4 epochs stopped by Ctrl-C when the third
    begins: for commands whose run depends on ``--epochs``); the same resumed to 4 (``{out}``
    in argv names the output)."""

    def args(name: str, epochs: int, *extra: str) -> list[str]:
        return [a.replace("{out}", str(out / f"{label}-{name}")) for a in argv] + [
            "--epochs",
            str(epochs),
            *extra,
        ]

    return [
        {"label": f"{label}-straight", "argv": args("straight", 4)},
        {"label": f"{label}-part", "argv": args("resumed", 4), "stop_at_epoch": 3}
        if interrupt
        else {"label": f"{label}-part", "argv": args("resumed", 2)},
        {"label": f"{label}-resumed", "argv": args("resumed", 4, "--resume")},
    ]


def sine_csv(path: Path, n: int = 200) -> Path:
    """A noisy daily sine: structure a tiny LSTM learns within a few epochs."""
    rng = np.random.default_rng(0)
    close = 100 + 10 * np.sin(np.arange(n) / 4.0) + 0.3 * rng.standard_normal(n)
    dates = pd.bdate_range("2021-01-04", periods=n).strftime("%Y-%m-%d")
    pd.DataFrame({"Date": dates, "Close": close}).to_csv(path, index=False)
    return path


def test_forecast_train_on_two_processes(tmp_path):
    data = sine_csv(tmp_path / "sine.csv")
    out = tmp_path / "out"
    base = ["forecast", "train", "--data", str(data), "--out", "{out}", *FORECAST]
    done = launch({"out": str(out), "runs": runs("forecast", base, out)}, tmp_path)
    check_command(out, "forecast")
    # One printed table per command (process 0 alone prints) and one model folder, written whole.
    assert len(re.findall(r"^forecaster\s+MAE", done.stdout, flags=re.M)) == 3, done.stdout
    # the line naming the model folder (a verdict may say "beats the model: MAE ..." too)
    assert len(re.findall(r"^model: ", done.stdout, flags=re.M)) == 3, done.stdout
    straight = out / "forecast-straight"
    no_leftovers(straight)
    no_leftovers(out)
    assert_weights(
        load_file(str(straight / "model" / "model.safetensors")),
        load_file(str(out / "forecast-resumed" / "model" / "model.safetensors")),
    )


def test_forecast_resumes_on_another_number_of_processes(tmp_path):
    """1 -> 2 and 2 -> 1 processes continue the same optimisation (equal up to rounding)."""
    data = sine_csv(tmp_path / "sine.csv")
    out = tmp_path / "out"

    def argv(name: str, epochs: int, *extra: str) -> list[str]:
        return ["forecast", "train", "--data", str(data), "--out", str(out / name), *FORECAST,
                "--epochs", str(epochs), *extra]  # fmt: skip

    assert main(argv("one", 4)) == 0  # the reference: 4 epochs on one process
    assert main(argv("grow", 2)) == 0  # a 1-process checkpoint, continued on 2 processes below
    spec = {
        "out": str(out),
        "runs": [
            {"label": "grow", "argv": argv("grow", 4, "--resume")},
            {"label": "shrink", "argv": argv("shrink", 2)},
            {"label": "odd", "argv": argv("odd", 1, "--batch-size", "15")},
        ],
    }
    done = launch(spec, tmp_path)
    assert main(argv("shrink", 4, "--resume")) == 0  # a 2-process checkpoint continued on one
    reference = load_file(str(out / "one" / "model" / "model.safetensors"))
    for name in ("grow", "shrink"):
        assert_weights(reference, load_file(str(out / name / "model" / "model.safetensors")), exact=False)
    # A batch that 2 processes cannot split evenly is trained, with one warning.
    assert done.stderr.count("rnnkit: warning: 2 processes do not divide the batch of 15 items") == 1
    assert (out / "odd.rank1.status").read_text() == "0"


def test_a_process_failing_alone_ends_the_launch_with_every_process_log(tmp_path):
    """A run that fails in process 1 alone (status 2: a refusal a race between the processes made)
    ends the launch, and the test failure shows each process's run statuses and log. Before, process 1
    went on to its next run, out of step with process 0, which waited in a collective for good."""
    data = sine_csv(tmp_path / "sine.csv")
    out = tmp_path / "out"

    def argv(name: str) -> list[str]:
        return [
            "forecast",
            "train",
            "--data",
            str(data),
            "--out",
            str(out / name),
            *FORECAST,
            "--epochs",
            "1",
        ]

    spec = {"out": str(out), "runs": [{"label": "alone", "argv": argv("alone"), "fail_in": [1]},
                                      {"label": "next", "argv": argv("next")}]}  # fmt: skip
    with pytest.raises(pytest.fail.Exception) as failed:
        launch(spec, tmp_path)
    report = str(failed.value)
    assert report.startswith("the launch exited with "), report
    assert "--- process 1: statuses alone=2 next=-" in report, report  # it stopped there
    assert "ddp_commands_script: process 1: stopping the launch (expected 0)" in report, report
    assert "--- process 0: statuses alone=" in report and "--- launcher stderr (end):" in report, report


@pytest.fixture
def caption_data(tmp_path) -> Path:
    data = tmp_path / "shapes"
    assert main(["caption", "generate-data", "--out", str(data), "--train", "32", "--val", "8", "--test", "4",
                 "--heldout", "4", "--image-size", "32", "--seed", "3"]) == 0  # fmt: skip
    return data / "dataset.json"


def test_translate_caption_and_explain_train_on_two_processes(tmp_path, caption_data):
    sys.path.insert(0, str(HERE.parent / "translate"))
    from helpers_translate import write_anki

    corpus = write_anki(tmp_path / "tiny.tsv")
    out = tmp_path / "out"
    explain = ["--train-size", "64", "--batch-size", "16", "--hidden", "8", "--test-size", "16", "--device", "cpu",
               "--seed", "2", "--lr", "0.01"]  # fmt: skip
    commands = {
        "translate": ["translate", "train", "--corpus", str(corpus), "--out", "{out}", "--cell", "gru", "--embed",
                      "8", "--hidden", "16", "--vocab-size", "40", "--batch-size", "8", "--beam", "1",
                      "--patience", "50", "--no-progress", "--device", "cpu",
                      # the engine's own weights: a resume that raises --epochs, no end-of-run average
                      "--lr-schedule", "constant", "--average-last", "0"],
        "caption": ["caption", "train", "--data", str(caption_data), "--out", "{out}", "--hidden", "16", "--embed",
                    "8", "--batch-size", "8", "--image-size", "32", "--device", "cpu"],
        "memory": ["explain", "memory", "--task", "adding", "--lengths", "4", "--cells", "gru", "--out", "{out}",
                   *explain],
        "flow": ["explain", "gradient-flow", "--cells", "gru", "--length", "6", "--sequences", "2", "--out",
                 "{out}", *explain],
    }  # fmt: skip
    # Caption's default cosine schedule anneals over --epochs, so a 2-epoch run is another run than the
    # first half of a 4-epoch one (its epoch 2 trains at another rate): like the explain commands it is
    # interrupted with --epochs fixed.
    interrupted = ("caption", "memory", "flow")
    spec = {
        "out": str(out),
        "runs": [r for label, argv in commands.items() for r in runs(label, argv, out, label in interrupted)],
    }
    done = launch(spec, tmp_path)
    for label in commands:
        check_command(out, label)
        no_leftovers(out / f"{label}-straight")
    for run in (out / "translate-straight", out / "caption-straight"):  # --out is the run folder
        model = run / "model"
        assert (model / "model.safetensors").is_file() and (model / "config.json").is_file()
        no_leftovers(model)
    assert (out / "memory-straight" / "memory.json").is_file()
    assert (out / "flow-straight" / "gradient_flow.png").is_file()
    # Process 0 alone printed: one result per finished run (the interrupted explain runs print none).
    assert done.stdout.count("Verdict:") == 3, done.stdout  # translate
    # translate (3 runs) and caption (2: the interrupted one prints none)
    assert len(re.findall(r"^model: /", done.stdout, flags=re.M)) == 5, done.stdout
    assert done.stdout.count("baseline MSE") == 2, done.stdout  # explain memory
    assert done.stdout.count("||dh_T/dh_t|| T-t=1") == 2, done.stdout  # explain gradient-flow
