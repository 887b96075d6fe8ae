"""A translate model folder whose ``model.tie_embeddings`` disagrees with its weights is refused in one
line: an untied model's config edited to say tied loaded its two tensors into one shared tensor (the
last one won) and translated garbage with exit status 0."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers_translate import TINY_TRAIN_ARGS

from rnnkit.cli import main
from rnnkit.translate import Translator
from rnnkit.utils.errors import RnnkitError

# embed == hidden: a tied and an untied model then hold weights of the same names and shapes
SAME_SIZE = [*TINY_TRAIN_ARGS, "--embed", "16", "--epochs", "1"]


def trained(tmp_path_factory, tiny_corpus, *extra: str) -> Path:  # noqa: ANN001
    out = tmp_path_factory.mktemp("tied") / "run"
    args = ["translate", "train", "--corpus", str(tiny_corpus), "--out", str(out), *SAME_SIZE, *extra]
    assert main(args) == 0
    return out / "model"


@pytest.fixture(scope="module")
def untied(tmp_path_factory, tiny_corpus) -> Path:
    return trained(tmp_path_factory, tiny_corpus)


@pytest.fixture(scope="module")
def tied(tmp_path_factory, tiny_corpus) -> Path:
    return trained(tmp_path_factory, tiny_corpus, "--tie-embeddings")


def flipped(model: Path, tmp_path: Path, tie: bool) -> Path:
    folder = tmp_path / "edited"
    shutil.copytree(model, folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["model"]["tie_embeddings"] = tie
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


def test_an_untied_model_said_tied_is_one_line_and_no_output(untied, tmp_path, capsys):
    bad = flipped(untied, tmp_path, True)
    assert main(["translate", "text", "--model", str(bad), "I am a student."]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"rnnkit: error: {bad}/config.json: model.tie_embeddings is true, but its model.safetensors holds "
        "two different target embedding and output weights (a model saved untied?): set it back to false\n"
    )


def test_a_tied_model_said_untied_is_refused(tied, tmp_path, capsys):
    bad = flipped(tied, tmp_path, False)
    assert main(["translate", "text", "--model", str(bad), "I am a student."]) == 2
    assert "model.tie_embeddings is false, but its model.safetensors holds one tensor as both" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("which", ["untied", "tied"])
def test_models_as_saved_load(which, request):
    folder = request.getfixturevalue(which)
    assert Translator.from_pretrained(folder, device="cpu").translate(["I am a student."], beam=1)[0].text


def test_an_ensemble_member_said_tied_names_its_setting(untied, tmp_path):
    from rnnkit.translate.ensemble import ensemble_folders

    out = tmp_path / "ens"
    ensemble_folders([untied, untied], out)
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    config["ensemble"][1]["tie_embeddings"] = True
    (out / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(
        RnnkitError, match=r"ensemble\[1\]\.tie_embeddings is true, but its model.safetensors"
    ):
        Translator.from_pretrained(out, device="cpu")
