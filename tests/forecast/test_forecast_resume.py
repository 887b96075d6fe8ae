"""``rnnkit forecast train --out R --resume``: a resumed run ends with the weights of an unbroken one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers_forecast import price_frame, write_csv
from safetensors.torch import load_file

from rnnkit.cli import main
from rnnkit.train.engine import Trainer

# Dropout and two layers so that the random state (restored from the checkpoint) matters too.
TINY = ["--hidden", "4", "--layers", "2", "--dropout", "0.3", "--batch-size", "16", "--patience", "50",
        "--quiet", "--device", "cpu", "--seed", "3"]  # fmt: skip


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory) -> Path:
    return write_csv(tmp_path_factory.mktemp("data") / "prices.csv", price_frame(160))


def train(csv: Path, out: Path, epochs: int, *extra: str) -> int:
    return main(
        ["forecast", "train", "--data", str(csv), "--out", str(out), "--epochs", str(epochs), *TINY, *extra]
    )


def weights(out: Path) -> dict:
    return load_file(str(out / "model" / "model.safetensors"))


def assert_same_weights(a: Path, b: Path) -> None:
    wa, wb = weights(a), weights(b)
    assert wa.keys() == wb.keys()
    for name in wa:
        assert wa[name].equal(wb[name]), name


@pytest.fixture(scope="module")
def straight(csv_file, tmp_path_factory) -> Path:
    """Four epochs without a break."""
    out = tmp_path_factory.mktemp("straight") / "run"
    assert train(csv_file, out, 4) == 0
    return out


def test_resume_with_more_epochs_gives_the_weights_of_a_straight_run(csv_file, straight, tmp_path):
    out = tmp_path / "run"
    assert train(csv_file, out, 2) == 0
    assert (out / "checkpoints").is_dir() and (out / "run.json").is_file()  # default run folder: --out
    first = weights(out)
    assert train(csv_file, out, 4, "--resume") == 0
    assert_same_weights(out, straight)
    assert any(not first[k].equal(v) for k, v in weights(out).items())  # it did train on
    config = json.loads((out / "model" / "config.json").read_text())
    assert (
        config["input_scaler"] == json.loads((straight / "model" / "config.json").read_text())["input_scaler"]
    )
    assert len((out / "metrics.csv").read_text().strip().splitlines()) == 1 + 4  # header + every epoch


def test_ctrl_c_mid_epoch_says_how_to_continue_and_resume_finishes_the_run(
    csv_file, straight, tmp_path, capsys, ctrl_c_in_epoch
):
    out = run_dir = tmp_path / "out"
    resume_training = ctrl_c_in_epoch(2)
    assert train(csv_file, out, 4) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        f"rnnkit: interrupted; continue with the same command and --resume (checkpoints in {run_dir / 'checkpoints'})"
    )
    assert not (out / "model").exists()  # nothing half-written
    resume_training()
    assert train(csv_file, out, 4, "--resume") == 0
    assert_same_weights(out, straight)


def test_a_fresh_run_over_an_interrupted_one_is_refused_unless_forced(
    csv_file, straight, tmp_path, capsys, ctrl_c_in_epoch
):
    """Forgetting --resume used to clear the interrupted run's checkpoints at once."""
    out = tmp_path / "out"
    resume_training = ctrl_c_in_epoch(2)
    assert train(csv_file, out, 4) == 130
    resume_training()
    kept = sorted(p.name for p in (out / "checkpoints").iterdir())
    capsys.readouterr()
    assert train(csv_file, out, 4) == 2  # no --resume, no --force
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1 and "holds an unfinished run" in err[0] and "--resume" in err[0] and "--force" in err[0]
    )
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == kept  # nothing cleared
    assert train(csv_file, out, 4, "--resume") == 0  # the run goes on where it stopped
    assert_same_weights(out, straight)
    assert train(csv_file, out, 4) == 2  # a finished run is refused too (the test below)
    capsys.readouterr()
    resume_training = ctrl_c_in_epoch(3)  # the old model stays until the new one is saved
    assert train(csv_file, out, 4, "--force") == 130
    resume_training()
    assert train(csv_file, out, 4) == 2
    assert train(csv_file, out, 4, "--force") == 0  # --force starts over
    assert_same_weights(out, straight)


def test_a_fresh_run_over_a_finished_one_is_refused_unless_forced(csv_file, tmp_path, capsys):
    """The same command run again (from the shell's history) replaced the finished run's model and
    cleared its checkpoints, where replacing an output file needs --force."""
    out = tmp_path / "out"
    assert train(csv_file, out, 2) == 0
    model, kept = weights(out), sorted(p.name for p in (out / "checkpoints").iterdir())
    saved = (out / "model").stat().st_mtime
    capsys.readouterr()
    assert train(csv_file, out, 2) == 2  # no --resume, no --force
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(
        f"rnnkit: error: {out} holds a finished run (its model saved 20"
    )
    assert err[0].endswith(
        ", 2 epochs trained): replace it with --force, continue it with --resume (with a larger --epochs "
        "to train longer), "
        "or choose another --out"
    )
    assert (out / "model").stat().st_mtime == saved and sorted(
        p.name for p in (out / "checkpoints").iterdir()
    ) == kept
    assert all(model[k].equal(v) for k, v in weights(out).items())  # nothing replaced
    assert train(csv_file, out, 3, "--resume") == 0  # what the line says: it trains on
    assert len((out / "metrics.csv").read_text().strip().splitlines()) == 1 + 3
    assert train(csv_file, out, 2, "--force") == 0  # --force starts over
    assert len((out / "metrics.csv").read_text().strip().splitlines()) == 1 + 2


def test_ctrl_c_before_any_checkpoint_is_a_plain_interruption(csv_file, tmp_path, monkeypatch, capsys):
    def interrupted(self, loader, epoch):
        raise KeyboardInterrupt

    monkeypatch.setattr(Trainer, "_train_epoch", interrupted)
    assert train(csv_file, tmp_path / "run", 2) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == "rnnkit: interrupted"


def test_resume_without_a_checkpoint_names_the_folder(csv_file, tmp_path, one_line_error):
    assert train(csv_file, tmp_path / "run", 2, "--resume") == 2
    one_line_error("no checkpoint in", str(tmp_path / "run"))
    assert not (tmp_path / "run").exists()


def test_resume_with_other_settings_or_data_names_the_difference(tmp_path, capsys, one_line_error):
    csv = write_csv(tmp_path / "prices.csv", price_frame(160))
    out = tmp_path / "run"
    assert train(csv, out, 1) == 0
    capsys.readouterr()
    assert train(csv, out, 2, "--resume", "--hidden", "5") == 2
    one_line_error("--hidden-size was 4", "now 5", str(out))
    assert train(csv, out, 2, "--resume", "--seed", "4") == 2  # the later --seed wins
    one_line_error("--seed was 3", "now 4")
    other = write_csv(tmp_path / "other.csv", price_frame(160))
    assert train(other, out, 2, "--resume") == 2
    one_line_error("--data was", "other.csv")
    frame = price_frame(160)
    frame.loc[100, "Adj Close"] *= 1.01
    write_csv(csv, frame)  # the same file, edited
    assert train(csv, out, 2, "--resume") == 2
    one_line_error("data as read changed since the run started")


def test_run_dir_is_gone_in_one_line(csv_file, tmp_path, one_line_error):
    assert train(csv_file, tmp_path / "run", 1, "--run-dir", str(tmp_path / "elsewhere")) == 2
    one_line_error("--run-dir is gone: --out is the run folder now (checkpoints in OUT/checkpoints)")
    assert not (tmp_path / "run").exists() and not (tmp_path / "elsewhere").exists()


def test_resume_of_a_finished_run_without_checkpoints_names_force_not_a_refused_way(
    csv_file, tmp_path, capsys
):
    """A finished run whose checkpoints are gone, given --resume, said 'nothing to resume: no checkpoint
    in OUT; train without --resume to start', and without --resume it was then refused ('OUT holds a
    finished run ...: replace it with --force'). Now the first line names --force, which works."""
    import shutil

    out = tmp_path / "out"
    assert train(csv_file, out, 1) == 0
    shutil.rmtree(out / "checkpoints")
    capsys.readouterr()
    assert train(csv_file, out, 1, "--resume") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"rnnkit: error: nothing to resume: no checkpoint in {out}; start afresh with --force in place of "
        "--resume (it clears the run), or with another --out"
    ]
    assert train(csv_file, out, 1, "--force") == 0
