"""``rnnkit.load`` of a model folder from a stranger: every file is checked before it is believed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rnnkit
from helpers_models import make_forecast
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.schema import parse_json, read_json


@pytest.fixture(scope="module")
def forecast(tmp_path_factory) -> Path:
    return make_forecast(tmp_path_factory.mktemp("models") / "forecast")


def _config_text(folder: Path, dest: Path, change) -> Path:
    dest.mkdir()
    for f in folder.iterdir():
        (dest / f.name).write_bytes(f.read_bytes())
    text = (dest / "config.json").read_text(encoding="utf-8")
    (dest / "config.json").write_text(change(text), encoding="utf-8")
    return dest


def test_a_config_giving_a_setting_twice_is_refused_not_read_as_its_last(forecast, tmp_path):
    # json.loads keeps the last of two equal keys: a config that shows "hidden_size": 4 to whoever reads
    # its top, and something else further down, was loaded as the latter without a word
    text = json.loads((forecast / "config.json").read_text(encoding="utf-8"))
    assert text["hidden_size"] == 4
    dest = _config_text(
        forecast,
        tmp_path / "m",
        lambda t: t.replace('"hidden_size": 4', '"hidden_size": 4, "hidden_size": 4096'),
    )
    with pytest.raises(RnnkitError) as info:
        rnnkit.load(dest)
    assert str(info.value) == f"{dest / 'config.json'} holds the key 'hidden_size' twice in one object"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"a": {"b": 1, "b": 1}}', "holds the key 'b' twice in one object"),
        ('[{"x": 1}, {"x": 2, "y": 3, "x": 4}]', "holds the key 'x' twice in one object"),
        ('{"' + "k" * 100 + '": 1, "' + "k" * 100 + '": 2}', "holds the key '" + "k" * 30 + "'... twice"),
    ],
)
def test_a_key_twice_in_any_object_of_a_file_is_one_line(tmp_path, text, needle):
    (tmp_path / "f.json").write_text(text, encoding="utf-8")
    with pytest.raises(RnnkitError) as info:
        read_json(tmp_path / "f.json", "f.json")
    assert str(info.value).startswith("f.json ") and needle in str(info.value)
    assert parse_json(text, "f.json") is not None  # a settings file says it in its own words


def test_the_same_key_in_different_objects_is_fine(tmp_path):
    (tmp_path / "f.json").write_text('[{"x": 1}, {"x": 2, "y": {"x": 3}}]', encoding="utf-8")
    assert read_json(tmp_path / "f.json") == [{"x": 1}, {"x": 2, "y": {"x": 3}}]
