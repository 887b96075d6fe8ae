"""Model discovery under ``--models``: what counts as a model folder, how it is named, what is refused."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rnnkit.serve.registry import SHIPPED_ID, discover, pick
from rnnkit.utils.errors import RnnkitError


def _model(folder: Path, **config) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "model.safetensors").write_bytes(b"")
    return folder


def test_discovery_keys_depth_links_and_broken_folders(tmp_path):
    root = tmp_path / "models"
    _model(root / "cap", application="caption", caption={"cell": "gru"})
    _model(root / "runs" / "memory" / "lstm", application="explain", cell="lstm", task="adding")
    _model(root / "a" / "b" / "c" / "d" / "e", application="forecast", cell="lstm")  # five levels: too deep
    _model(root / "odd", application="spreadsheet")
    (root / "nomodel").mkdir()
    (root / "nomodel" / "config.json").write_text(json.dumps({"application": "forecast"}))
    (root / "broken").mkdir()
    (root / "broken" / "config.json").write_text("{")
    outside = _model(tmp_path / "outside", application="forecast", cell="gru")
    os.symlink(outside, root / "link")
    found = discover(root)
    assert set(found) == {SHIPPED_ID, "cap", "runs/memory/lstm"}
    assert found["cap"].summary == "gru" and found["cap"].folder == (root / "cap").resolve()
    assert (found["runs/memory/lstm"].cell, found["runs/memory/lstm"].task) == ("lstm", "adding")
    assert pick(found, "caption", None).id == "cap"
    assert pick(found, "translate", None).folder is None  # the shipped one
    with pytest.raises(RnnkitError, match="unknown caption model '../cap'; known: cap"):
        pick(found, "caption", "../cap")
    with pytest.raises(RnnkitError, match="no forecast model: start the server with --models"):
        pick(found, "forecast", None)
    with pytest.raises(RnnkitError, match="not a folder"):
        discover(tmp_path / "missing")


def test_a_run_folder_is_keyed_by_its_name_and_may_be_the_root(tmp_path):
    """``translate train --out runs/t`` keeps its model in runs/t/model: served as ``t``; a ``model``
    folder that is not in a run folder keeps its path; ``--models`` may name the run folder itself."""
    from rnnkit.utils.markers import Mark, write_mark

    root = tmp_path / "runs"
    _model(root / "t" / "model", application="translate", model={"cell": "gru"})
    write_mark(root / "t", Mark("translate", "run"))
    _model(root / "plain" / "model", application="forecast", cell="lstm")  # no run folder around it
    found = discover(root, shipped_translator=False)
    assert set(found) == {"t", "plain/model"}
    assert found["t"].folder == (root / "t" / "model").resolve() and found["t"].summary == "gru"
    alone = discover(root / "t", shipped_translator=False)
    assert list(alone) == ["t"] and alone["t"].folder == (root / "t" / "model").resolve()


def test_a_forecast_model_says_what_it_was_trained_on(tmp_path):
    """The forecast page opens a model on its own series: the entry carries ``info.settings.data``."""
    root = tmp_path / "models"
    _model(root / "glucose", application="forecast", cell="lstm", info={"settings": {"data": "glucose"}})
    _model(root / "api", application="forecast", cell="lstm", info={"api": {}})  # Forecaster.save: no data
    _model(root / "odd", application="forecast", cell="lstm", info={"settings": {"data": 3}})
    _model(root / "cap", application="caption", caption={"cell": "gru"}, info={"settings": {"data": "x"}})
    found = discover(root)
    assert found["glucose"].to_json() == {
        "id": "glucose",
        "application": "forecast",
        "summary": "lstm",
        "trained_on": "glucose",
    }
    assert [found[k].trained_on for k in ("api", "odd", "cap")] == [None, None, None]
    assert "trained_on" not in found["api"].to_json()


def test_the_demos_models_are_known_by_their_sections(tmp_path):
    """After rnnkit demo, the page listed forecast/ibm/model and translate/model: the demo's sections
    are run folders without marks of their own. Outside a demo folder a bare model/ keeps its path."""
    from rnnkit.utils.markers import Mark, write_mark

    root = tmp_path / "runs"
    demo = root / "demo"
    write_mark(demo, Mark("demo", "demo"))
    _model(demo / "forecast" / "ibm" / "model", application="forecast", cell="lstm")
    _model(demo / "translate" / "model", application="translate", model={"cell": "gru"})
    _model(demo / "caption" / "digits_model", application="caption", caption={"cell": "gru"})
    _model(root / "plain" / "model", application="forecast", cell="lstm")
    assert set(discover(root, shipped_translator=False)) == {
        "demo/forecast/ibm",
        "demo/translate",
        "demo/caption/digits_model",
        "plain/model",
    }
    assert set(discover(demo, shipped_translator=False)) == {
        "forecast/ibm",
        "translate",
        "caption/digits_model",
    }


def test_a_caption_model_says_whether_it_reads_the_pages_scenes(tmp_path):
    """rnnkit demo's model of handwritten numbers came first and read a scene of shapes as '9 6 3 3'."""
    from rnnkit.caption.shapes import KINDS

    root = tmp_path / "models"
    digits = _model(root / "caption" / "digits_model", application="caption", caption={"cell": "lstm"})
    (digits / "vocab.json").write_text(json.dumps({"words": ["<pad>", "<start>", "<end>", *"0123456789"]}))
    shapes = _model(root / "caption" / "model", application="caption", caption={"cell": "lstm"})
    (shapes / "vocab.json").write_text(json.dumps({"words": ["<pad>", "a", "red", *KINDS]}))
    _model(root / "novocab", application="caption")
    _model(root / "forecast", application="forecast")
    found = {key: entry.to_json() for key, entry in discover(root).items()}
    assert found["caption/digits_model"]["reads_scenes"] is False
    assert found["caption/model"]["reads_scenes"] is True
    assert "reads_scenes" not in found["novocab"] and "reads_scenes" not in found["forecast"]


def test_a_caption_model_says_the_beam_it_was_saved_with(tmp_path):
    """The caption page captioned with beam 3 where caption describe searched with the model's 10: the
    same picture got two captions. The model list now gives the saved beam, which the page starts at."""
    root = tmp_path / "models"
    _model(root / "wide", application="caption", max_len=20, caption={"cell": "lstm", "beam": 10})
    _model(root / "old", application="caption", max_len=20, caption={"cell": "lstm"})  # before saved decoding
    _model(root / "refused", application="caption", max_len=20, caption={"beam": 0})
    _model(root / "forecast", application="forecast")
    found = {key: entry.to_json() for key, entry in discover(root).items()}
    assert found["wide"]["beam"] == 10
    assert found["old"]["beam"] == 1  # scored greedily, as the loader reads it
    assert "beam" not in found["refused"] and "beam" not in found["forecast"]  # the request says why


def test_a_model_a_kill_left_as_rnnkit_old_is_listed_under_its_name(tmp_path, monkeypatch):
    """A save killed between its two renames leaves RUN/model as RUN/.model.rnnkit-old: ``rnnkit.load``
    found it, serve skipped it with every hidden folder. Listed as RUN, moved back, or (where it cannot
    be moved: a read-only mount) read where it waits; a user's own .model.old stays unlisted."""
    import errno

    from rnnkit.utils import leftovers
    from rnnkit.utils.markers import Mark, write_mark

    root = tmp_path / "runs"
    model = _model(root / "t" / "model", application="forecast", cell="lstm")
    write_mark(root / "t", Mark("forecast", "run"))
    _model(root / "mine" / ".model.old", application="forecast", cell="gru")
    waiting = root / "t" / leftovers.old_name("model")
    os.replace(model, waiting)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    with monkeypatch.context() as patched:
        patched.setattr(leftovers.os, "replace", read_only)
        found = discover(root, shipped_translator=False)
    assert set(found) == {"t"}
    assert found["t"].folder == model.resolve() and found["t"].summary == "lstm"
    assert waiting.is_dir() and not model.exists()
    found = discover(root, shipped_translator=False)
    assert set(found) == {"t"} and found["t"].folder == model.resolve()
    assert model.is_dir() and not waiting.exists()
