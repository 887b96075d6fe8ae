"""utils.hub: a local folder wins, owner/name goes to the Hub, the hub is optional (no network here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.hub import is_hub_id, model_dir


def test_what_reads_as_a_hub_id():
    assert is_hub_id("someone/rnnkit-en-ko") and is_hub_id("Org.Name/model_v2")
    for path in (
        "model",
        "runs/a/model",
        "/abs/model",
        "./a/b",
        "../a",
        "a/..",
        "a/b/",
        "a//b",
        "a/b.",
        ".a/b",
    ):
        assert not is_hub_id(path), path


def test_a_local_folder_is_returned_as_it_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "someone" / "model").mkdir(parents=True)
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # would fail if tried
    assert model_dir("someone/model") == Path("someone/model")


def test_without_huggingface_hub_a_hub_id_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # import fails: not installed
    with pytest.raises(
        RnnkitError,
        match="^someone/model is not a local folder; to download it .* pip install huggingface_hub$",
    ):
        model_dir("someone/model")


def test_a_missing_path_is_not_sent_to_the_hub(tmp_path):
    with pytest.raises(RnnkitError, match="model folder not found"):
        model_dir(tmp_path / "nothing")  # a Path is always a path
    with pytest.raises(RnnkitError, match="model folder not found: runs/x/model"):
        model_dir("runs/x/model")


def test_a_file_is_not_a_model_folder(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(RnnkitError, match="config.json is a file, not a model folder"):
        model_dir(tmp_path / "config.json")


def test_a_model_left_as_rnnkit_old_is_local_not_a_hub_id(tmp_path, monkeypatch):
    """A save killed between its two renames leaves RUN/model as RUN/.model.rnnkit-old. ``RUN/model``
    reads as a Hub id, and ``rnnkit.load('RUN/model')`` went to the Hub ("no folder RUN/model here ...
    the Hub cannot be reached"): the model is moved back, or read where it waits (a read-only mount)."""
    import errno
    import os

    from rnnkit.utils import leftovers

    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # would fail if tried
    model = Path("RUN/model")
    model.mkdir(parents=True)
    (model / "config.json").write_text('{"application": "forecast"}')
    waiting = model.with_name(leftovers.old_name("model"))
    os.replace(model, waiting)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    with monkeypatch.context() as patched:
        patched.setattr(leftovers.os, "replace", read_only)
        assert model_dir("RUN/model") == waiting
    assert model_dir("RUN/model") == model
    assert (model / "config.json").is_file() and not waiting.exists()
