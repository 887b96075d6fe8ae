"""``rnnkit caption train --out R --resume``: the run folder R holds the model (``R/model``) and what
resuming needs; a resumed run has the run's vocabulary and the weights of an unbroken run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from safetensors.torch import load_file

from rnnkit.cli import main

# Dropout (0.2) and a fresh caption drawn per image every epoch: the random state matters.
TINY = ["--hidden", "16", "--embed", "8", "--batch-size", "16", "--image-size", "32", "--device", "cpu"]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("caption") / "data"
    code = main(["caption", "generate-data", "--out", str(data), "--train", "32", "--val", "6", "--test", "2",
                 "--heldout", "2", "--image-size", "32", "--seed", "5"])  # fmt: skip
    assert code == 0
    return data / "dataset.json"


def train(data: Path, out: Path, epochs: int, *extra: str) -> int:
    return main(
        ["caption", "train", "--data", str(data), "--out", str(out), "--epochs", str(epochs), *TINY, *extra]
    )


def assert_same_model(a: Path, b: Path) -> None:
    a, b = a / "model", b / "model"  # run folders
    wa, wb = load_file(str(a / "model.safetensors")), load_file(str(b / "model.safetensors"))
    assert wa.keys() == wb.keys()
    for name in wa:
        assert wa[name].equal(wb[name]), name
    assert (a / "vocab.json").read_bytes() == (b / "vocab.json").read_bytes()


@pytest.fixture(scope="module")
def straight(dataset, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("straight") / "run"
    assert train(dataset, out, 3) == 0
    return out


def test_resume_with_more_epochs_gives_the_weights_of_a_straight_run(dataset, straight, tmp_path):
    out = run_dir = tmp_path / "run"  # --out is the run folder: the model in OUT/model
    assert train(dataset, out, 1) == 0
    assert {p.name for p in run_dir.iterdir()} >= {
        "model",
        "checkpoints",
        "metrics.csv",
        "run.json",
        "vocab.json",
    }
    assert list(tmp_path.iterdir()) == [out]  # nothing beside it
    assert train(dataset, out, 3, "--resume") == 0
    assert_same_model(out, straight)
    assert len((run_dir / "metrics.csv").read_text().strip().splitlines()) == 1 + 3


def test_resume_may_change_the_decoding_not_the_training(dataset, straight, tmp_path):
    """The decoding options say how captions are searched afterwards, so they may differ on resume;
    the located head (trained on scenes) is part of the checkpointed model and comes back too."""
    out = tmp_path / "run"
    assert train(dataset, out, 1) == 0
    assert train(dataset, out, 3, "--resume", "--beam", "4", "--length-penalty", "1") == 0
    assert_same_model(out, straight)
    saved = json.loads((out / "model" / "config.json").read_text())["caption"]
    assert (saved["beam"], saved["length_penalty"]) == (4, 1.0)
    assert any(k.startswith("located.") for k in load_file(str(out / "model" / "model.safetensors")))


def test_resume_uses_the_vocabulary_kept_in_the_run_folder(dataset, tmp_path):
    out = tmp_path / "run"
    assert train(dataset, out, 1) == 0
    kept = out / "vocab.json"
    doc = json.loads(kept.read_text())
    doc["words"][4], doc["words"][5] = doc["words"][5], doc["words"][4]  # a vocabulary not built here
    kept.write_text(json.dumps(doc))
    assert train(dataset, out, 2, "--resume") == 0
    assert json.loads((out / "model" / "vocab.json").read_text())["words"] == doc["words"]


def test_ctrl_c_mid_epoch_then_resume(dataset, straight, tmp_path, capsys, ctrl_c_in_epoch):
    out = run_dir = tmp_path / "runs" / "mine"
    resume_training = ctrl_c_in_epoch(2)
    assert train(dataset, out, 3) == 130
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert (
        last
        == f"rnnkit: interrupted; continue with the same command and --resume (checkpoints in {run_dir / 'checkpoints'})"
    )
    assert not (out / "model").exists()
    resume_training()
    assert train(dataset, out, 3, "--resume") == 0
    assert_same_model(out, straight)


def test_resume_without_a_checkpoint_names_the_folder(dataset, tmp_path, one_line_error):
    assert train(dataset, tmp_path / "run", 1, "--resume") == 2
    one_line_error("no checkpoint in", str(tmp_path / "run"))
    assert not (tmp_path / "run").exists()


def test_resume_with_other_settings_names_the_difference(dataset, tmp_path, capsys, one_line_error):
    out = tmp_path / "run"
    assert train(dataset, out, 1) == 0
    capsys.readouterr()
    for extra, needles in (
        (["--cell", "gru"], ['--cell was "lstm"', 'now "gru"']),
        (["--no-attention"], ["--attention was true", "now false"]),
        (["--max-train", "20"], ["--max-train was null", "now 20"]),
        (["--seed", "1"], ["--seed was 0", "now 1"]),
    ):
        assert train(dataset, out, 2, "--resume", *extra) == 2
        one_line_error("cannot resume the run in", *needles)


def test_run_dir_is_gone_and_an_old_layout_run_says_how_to_continue(
    dataset, tmp_path, capsys, one_line_error
):
    assert train(dataset, tmp_path / "run", 1, "--run-dir", str(tmp_path / "elsewhere")) == 2
    one_line_error("--run-dir is gone: --out is the run folder now (checkpoints in OUT/checkpoints)")
    assert not list(tmp_path.iterdir())
    new = tmp_path / "new"
    assert train(dataset, new, 1) == 0
    old_model, old_run = tmp_path / "old", tmp_path / "old.run"
    (new / "model").rename(old_model)  # the old layout: the model at OUT, its run at OUT.run
    new.rename(old_run)
    capsys.readouterr()
    assert train(dataset, old_model, 2, "--resume") == 2
    one_line_error(f"--out {old_model} is a model folder of the layout before", f"use --out {old_run}")
    assert train(dataset, old_run, 2, "--resume") == 0 and (old_run / "model" / "vocab.json").is_file()


def test_resume_after_the_captions_changed_is_refused(dataset, tmp_path, capsys, one_line_error):
    mine = dataset.with_name(f"{tmp_path.name}.json")  # beside the images, so they resolve
    doc = json.loads(dataset.read_text())
    mine.write_text(json.dumps(doc))
    out = tmp_path / "run"
    assert train(mine, out, 1) == 0
    capsys.readouterr()
    doc["images"][0]["sentences"][0]["tokens"] = ["a", "different", "caption"]
    mine.write_text(json.dumps(doc))  # the same file, edited
    assert train(mine, out, 2, "--resume") == 2
    one_line_error("data as read changed since the run started")
