"""A fresh ``explain`` run into an ``--out`` that holds an earlier run is refused without ``--force``, as
every training command's is (``rnnkit.utils.runs``): a rerun from the shell's history, or with one more
cell, silently replaced the finished models' results, or cleared a run a Ctrl-C had stopped."""

from __future__ import annotations

import re
from pathlib import Path

from rnnkit.cli import main

TINY = ["--epochs", "2", "--train-size", "32", "--batch-size", "16", "--hidden", "4", "--test-size", "16",
        "--device", "cpu"]  # fmt: skip
WHEN = r"\d{4}-\d\d-\d\d \d\d:\d\d"


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_memory_rerun_over_a_finished_run_is_refused_and_keeps_it(tmp_path, capsys, one_line_error):
    out = tmp_path / "memory"
    memory = ["explain", "memory", "--lengths", "4", "--cells", "rnn", "--out", str(out), *TINY]
    assert main(memory) == 0
    before = _files(out)
    capsys.readouterr()
    assert main([*memory, "--cells", "rnn,gru"]) == 2
    line = one_line_error(f"{out} holds a finished run (1 model trained, its results written ")
    assert re.search(
        rf"written {WHEN}\): replace it with --force, continue it with --resume \(to add --cells or "
        r"--lengths\), or choose another --out$",
        line,
    ), line
    assert _files(out) == before  # nothing cleared, nothing written
    assert main([*memory, "--cells", "rnn,gru", "--resume"]) == 0  # the way it names: one model added
    assert main([*memory, "--force"]) == 0  # and the other: start over
    assert sorted(p.name for p in (out / "jobs").iterdir()) == ["adding-4-rnn"]


def test_memory_rerun_over_an_interrupted_run_is_refused(tmp_path, capsys, one_line_error, ctrl_c_in_epoch):
    out = tmp_path / "memory"
    memory = ["explain", "memory", "--lengths", "4", "--cells", "rnn,gru", "--out", str(out), *TINY]
    undo = ctrl_c_in_epoch(2)  # the rnn's second epoch: its first checkpoint is kept
    assert main(memory) == 130
    undo()
    capsys.readouterr()
    assert main(memory) == 2
    one_line_error(
        f"{out} holds an unfinished run (0 models finished, one in training: its newest checkpoint is "
        "jobs/adding-4-rnn/checkpoints/epoch-0001): continue it with --resume, or start over with --force "
        "(which clears its finished models and checkpoints)"
    )
    assert (out / "jobs" / "adding-4-rnn" / "checkpoints" / "epoch-0001").is_dir()


def test_gradient_flow_rerun_over_a_finished_run_is_refused(tmp_path, capsys, one_line_error):
    out = tmp_path / "flow"
    flow = ["explain", "gradient-flow", "--length", "4", "--cells", "rnn", "--sequences", "2", "--out",
            str(out), *TINY]  # fmt: skip
    assert main(flow) == 0
    before = _files(out)
    capsys.readouterr()
    assert main(flow) == 2
    one_line_error(f"{out} holds a finished run (1 model trained, its results written ",
                   "replace it with --force, continue it with --resume (to add --cells), or choose another --out")  # fmt: skip
    assert _files(out) == before


def test_gates_rerun_over_its_trained_model_is_refused_but_shown_again_with_model(
    tmp_path, capsys, one_line_error
):
    out = tmp_path / "gates"
    gates = ["explain", "gates", "--length", "4", "--out", str(out), *TINY]
    assert main(gates) == 0
    before = _files(out)
    capsys.readouterr()
    assert main(gates) == 2
    line = one_line_error(f"{out} holds a finished run (its model saved ")
    assert re.search(rf"saved {WHEN}\): replace it with --force, or choose another --out$", line), line
    assert _files(out) == before
    # --model trains nothing: its model is shown again into its own run folder (another test sequence)
    assert main(["explain", "gates", "--model", str(out), "--index", "1", "--test-size", "16", "--out", str(out),
                 "--device", "cpu"]) == 0  # fmt: skip
    assert _files(out / "model") == {k[6:]: v for k, v in before.items() if k.startswith("model/")}
    assert main([*gates, "--force"]) == 0
