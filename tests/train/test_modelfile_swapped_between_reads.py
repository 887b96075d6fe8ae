"""A save replaces a model folder whole while a load reads it: the load reads its config and its weights
from one folder, so it returns a whole model, the old or the new, never "model.safetensors is damaged"
(its config read from the old folder, its weights from the new one: ``rnnkit serve`` reloading while a
training run saves)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from rnnkit.train import modelfile
from rnnkit.train.modelfile import load_model, save_model
from rnnkit.utils.errors import RnnkitError


def _save(folder: Path, generation: int) -> None:
    weights = {"w": torch.full((2, 2), float(generation))}
    save_model(folder, weights, {"application": "translate", "hidden": 4, "generation": generation})


def _whole(loaded: modelfile.ModelFolder) -> int:
    generation = loaded.config["generation"]
    assert torch.equal(loaded.state_dict["w"], torch.full((2, 2), float(generation)))  # one model's weights
    return generation


def test_a_save_between_reading_the_config_and_the_weights_leaves_a_whole_model(tmp_path, monkeypatch):
    folder = tmp_path / "model"
    _save(folder, 1)
    real = modelfile.validate
    saved = []

    def validate(value, schema, source):  # called once config.json is read, before the weights are
        if not saved:
            saved.append(True)
            _save(folder, 2)  # the folder replaced whole, by renames
        return real(value, schema, source)

    monkeypatch.setattr(modelfile, "validate", validate)
    assert _whole(load_model(folder, "translate")) == 1  # the folder as it was when the load began
    assert saved
    assert _whole(load_model(folder, "translate")) == 2


@pytest.mark.parametrize("dir_fd", [True, False], ids=["dir_fd", "by-path"])
def test_a_save_between_opening_the_config_and_the_weights_leaves_a_whole_model(
    tmp_path, monkeypatch, dir_fd
):
    # without dir_fd (Windows) the files are opened by path, and again when the folder changed meanwhile
    if not dir_fd:
        monkeypatch.setattr(os, "supports_dir_fd", set())
    elif os.open not in os.supports_dir_fd:
        pytest.skip("no dir_fd on this platform")
    folder = tmp_path / "model"
    _save(folder, 1)
    saved = []

    def opened(file, *args, **kwargs):
        handle = open(file, *args, **kwargs)  # noqa: SIM115 (returned: the load closes it)
        if not saved:  # config.json, the first file a load opens
            saved.append(handle.name)
            _save(folder, 2)
        return handle

    monkeypatch.setattr(modelfile, "open", opened, raising=False)
    generation = _whole(load_model(folder, "translate"))
    # by path: the weights came from the new folder, so both are read anew from it; with dir_fd the
    # weights come from the folder the config came from (the new one where the old was removed already)
    assert generation == 2 if not dir_fd else generation in (1, 2)
    assert saved


def test_an_extra_file_read_after_a_save_replaced_the_folder_says_so(tmp_path):
    # an extra file (a tokenizer, a vocabulary) is read by path once the model is loaded: from the new
    # folder, its bytes are not the old config's, and the error said "it is not the file saved with this
    # model", as if the folder were mixed up; it names the save, and a load again reads the new model whole
    folder = tmp_path / "model"
    save_model(folder, {"w": torch.ones(1)}, {"application": "translate"}, files={"vocab.json": b"[1]"})
    loaded = load_model(folder, "translate")
    save_model(folder, {"w": torch.ones(1)}, {"application": "translate"}, files={"vocab.json": b"[2]"})
    with pytest.raises(RnnkitError, match="replaced by a save after its model was read; load it again"):
        loaded.file("vocab.json")
    assert load_model(folder, "translate").file("vocab.json").read_bytes() == b"[2]"


def test_a_folder_that_may_be_searched_but_not_listed_still_loads(tmp_path, monkeypatch):
    """Mode 711 (searchable, not readable): opening the folder itself for reading is refused, opening its
    files by path is not; a load that opened the folder failed 'Permission denied' where it had loaded.
    (Permissions do not bind root, so the refusal is played here.)"""
    folder = tmp_path / "model"
    _save(folder, 1)
    real_open = os.open

    def open_as_another_user(path, flags, *args, **kwargs):
        if (
            os.fspath(path) == os.fspath(folder)
            and flags & os.O_DIRECTORY
            and not flags & getattr(os, "O_PATH", 0)
        ):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_as_another_user)
    monkeypatch.setattr(os, "supports_dir_fd", os.supports_dir_fd | {open_as_another_user})
    assert _whole(load_model(folder)) == 1
    if hasattr(os, "O_PATH"):  # and where there is O_PATH, without falling back to paths at all
        monkeypatch.setattr(modelfile, "_opened_folder", lambda f: None)
        assert _whole(load_model(folder)) == 1
