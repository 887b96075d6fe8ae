"""``rnnkit caption train --run-dir/--resume``: the run's vocabulary, the weights of an unbroken run."""

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
    wa, wb = load_file(str(a / "model.safetensors")), load_file(str(b / "model.safetensors"))
    assert wa.keys() == wb.keys()
    for name in wa:
        assert wa[name].equal(wb[name]), name
    assert (a / "vocab.json").read_bytes() == (b / "vocab.json").read_bytes()


@pytest.fixture(scope="module")
def straight(dataset, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("straight") / "model"
    assert train(dataset, out, 3) == 0
    return out


def test_resume_with_more_epochs_gives_the_weights_of_a_straight_run(dataset, straight, tmp_path):
    out = tmp_path / "model"
    assert train(dataset, out, 1) == 0
    run_dir = tmp_path / "model.run"  # the default: beside the model folder, never inside it
    assert {p.name for p in run_dir.iterdir()} >= {"checkpoints", "metrics.csv", "run.json", "vocab.json"}
    assert train(dataset, out, 3, "--resume") == 0
    assert_same_model(out, straight)
    assert len((run_dir / "metrics.csv").read_text().strip().splitlines()) == 1 + 3


def test_resume_uses_the_vocabulary_kept_in_the_run_folder(dataset, tmp_path):
    out = tmp_path / "model"
    assert train(dataset, out, 1) == 0
    kept = tmp_path / "model.run" / "vocab.json"
    doc = json.loads(kept.read_text())
    doc["words"][4], doc["words"][5] = doc["words"][5], doc["words"][4]  # a vocabulary not built here
    kept.write_text(json.dumps(doc))
    assert train(dataset, out, 2, "--resume") == 0
    assert json.loads((out / "vocab.json").read_text())["words"] == doc["words"]


def test_ctrl_c_mid_epoch_then_resume(dataset, straight, tmp_path, capsys, ctrl_c_in_epoch):
    out, run_dir = tmp_path / "model", tmp_path / "runs" / "mine"
    resume_training = ctrl_c_in_epoch(2)
    assert train(dataset, out, 3, "--run-dir", str(run_dir)) == 130
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert (
        last
        == f"rnnkit: interrupted; continue with the same command and --resume (checkpoints in {run_dir / 'checkpoints'})"
    )
    assert not out.exists()
    resume_training()
    assert train(dataset, out, 3, "--run-dir", str(run_dir), "--resume") == 0
    assert_same_model(out, straight)


def test_resume_without_a_checkpoint_names_the_folder(dataset, tmp_path, one_line_error):
    assert train(dataset, tmp_path / "model", 1, "--resume") == 2
    one_line_error("no checkpoint in", str(tmp_path / "model.run"))
    assert not (tmp_path / "model").exists()


def test_resume_with_other_settings_names_the_difference(dataset, tmp_path, capsys, one_line_error):
    out = tmp_path / "model"
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


def test_run_dir_inside_the_model_folder_is_refused(dataset, tmp_path, one_line_error):
    out = tmp_path / "model"
    assert train(dataset, out, 1, "--run-dir", str(out / "run")) == 2
    one_line_error("inside the model folder")


def test_resume_after_the_captions_changed_is_refused(dataset, tmp_path, capsys, one_line_error):
    mine = dataset.with_name(f"{tmp_path.name}.json")  # beside the images, so they resolve
    doc = json.loads(dataset.read_text())
    mine.write_text(json.dumps(doc))
    out = tmp_path / "model"
    assert train(mine, out, 1) == 0
    capsys.readouterr()
    doc["images"][0]["sentences"][0]["tokens"] = ["a", "different", "caption"]
    mine.write_text(json.dumps(doc))  # the same file, edited
    assert train(mine, out, 2, "--resume") == 2
    one_line_error("data as read changed since the run started")
