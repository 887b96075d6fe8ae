"""The ``decoder`` section of a caption model's config.json is checked against the decoder its ``caption``
section builds: it was never read, so any value edited there loaded in silence. Folders that lack the
section, or some of its keys (saved before them), load as before."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from helpers_caption import api_model_folder

from rnnkit.caption import Captioner
from rnnkit.cli import main
from rnnkit.utils.errors import RnnkitError

IMAGE = np.zeros((32, 32, 3), dtype=np.uint8)


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return api_model_folder(tmp_path_factory.mktemp("dec"), train=24, val=6, seed=3)


def edited(model: Path, tmp_path: Path, change: Callable[[dict], None]) -> Path:
    folder = tmp_path / "edited"
    shutil.copytree(model, folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    change(config)
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("key", "value"), [("hidden_size", 32), ("dropout", 0.5), ("attention", False), ("vocab_size", 400)]
)
def test_a_decoder_value_the_caption_settings_do_not_make_is_refused(model, tmp_path, key, value):
    built = json.loads((model / "config.json").read_text(encoding="utf-8"))["decoder"][key]
    assert built != value
    bad = edited(model, tmp_path, lambda config: config["decoder"].update({key: value}))
    said = (
        f"{bad}/config.json: decoder.{key} is {json.dumps(value)}, but its caption settings, vocabulary and "
        f"encoder make it {json.dumps(built)}: the two sections disagree (an edited config?)"
    )
    with pytest.raises(RnnkitError, match=f"^{re.escape(said)}$"):
        Captioner.from_pretrained(bad, device="cpu")


def test_the_command_line_says_it_in_one_line(model, tmp_path, capsys):
    bad = edited(model, tmp_path, lambda config: config["decoder"].update({"hidden_size": 32}))
    image = next((model.parent / "data").rglob("*.png"))
    assert main(["caption", "describe", "--model", str(bad), str(image)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"rnnkit: error: {bad}/config.json: decoder.hidden_size is 32, but ")
    assert captured.err.count("\n") == 1


def test_older_folders_without_some_keys_or_the_section_load(model, tmp_path):
    def older(config: dict) -> None:
        del config["decoder"]["coverage"], config["decoder"]["word_classes"]  # settings newer than it
        config["decoder"]["old_setting"] = 1  # a key this rnnkit does not know

    assert Captioner.from_pretrained(edited(model, tmp_path / "a", older), device="cpu").describe([IMAGE])
    none = edited(model, tmp_path / "b", lambda config: config.pop("decoder"))
    assert Captioner.from_pretrained(none, device="cpu").describe([IMAGE])


def test_a_folder_saved_again_loads(model, tmp_path):
    again = Captioner.from_pretrained(model, device="cpu").save_pretrained(tmp_path / "again")
    assert Captioner.from_pretrained(again, device="cpu").describe([IMAGE])
