"""``translate average`` and ``translate ensemble`` check each model folder as ``translate text`` loads it:
a config.json of the wrong types, or weights of another architecture than it says, is one line and no
output (average wrote a model with ``hidden_size: "16"`` that nothing could load; ensemble raised a
TypeError traceback)."""

from __future__ import annotations

import json
import shutil

import pytest

from rnnkit.cli import main
from rnnkit.translate import Translator
from rnnkit.translate.averaging import average_folders
from rnnkit.utils.errors import RnnkitError


def edited(tiny_model, tmp_path, section: str, key: str, value):  # noqa: ANN001, ANN201
    folder = tmp_path / f"bad-{key}"
    shutil.copytree(tiny_model, folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config[section][key] = value
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", ["average", "ensemble"])
@pytest.mark.parametrize(
    ("section", "key", "value", "said"),
    [
        ("model", "hidden_size", "16", 'model.hidden_size must be an integer in [1, 4096], got "16"'),
        ("decoding", "beam", "wide", 'decoding.beam must be an integer in [1, 64], got "wide"'),
    ],
    ids=["hidden-size-text", "beam-text"],
)
def test_a_config_of_the_wrong_types_is_one_line_and_no_model(
    tiny_model, tmp_path, capsys, command, section, key, value, said
):
    bad = edited(tiny_model, tmp_path, section, key, value)
    out = tmp_path / "out"
    models = [str(bad), str(tiny_model)] if command == "ensemble" else [str(tiny_model), str(bad)]
    assert main(["translate", command, *models, "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"rnnkit: error: {bad}/config.json: {said}\n"
    assert not out.exists()


def test_weights_of_another_size_than_the_config_says_are_refused(tiny_model, tmp_path):
    bad = edited(tiny_model, tmp_path, "model", "hidden_size", 32)  # the weights are of hidden size 16
    with pytest.raises(RnnkitError, match=rf"^{bad}: weight .* has shape .*, the model expects "):
        average_folders([bad], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_what_average_writes_loads(tiny_model, tmp_path):
    out = average_folders([tiny_model, tiny_model], tmp_path / "out")
    assert Translator.from_pretrained(out, device="cpu").translate(["I am a student."], beam=1)[0].text


def test_a_cell_of_no_known_type_names_the_config_file(tiny_model, tmp_path, capsys):
    """`"cell": "xyz"` said "unknown cell 'xyz'" with no word of which file held it."""
    bad = edited(tiny_model, tmp_path, "model", "cell", "xyz")
    assert main(["translate", "text", "--model", str(bad), "I am a student."]) == 2
    assert capsys.readouterr().err == (
        f"rnnkit: error: {bad}/config.json: bad model architecture (unknown cell 'xyz'; known: rnn, lstm, gru, "
        "mgu)\n"
    )
