"""A load while a save replaces the same model folder by two renames (no one-step exchange: macOS, NFS,
SMB, FUSE): the save must succeed, and the loader must read a whole model, the old or the new."""

from __future__ import annotations

import os
from pathlib import Path

from torch import nn

from rnnkit.train.modelfile import load_model, save_model
from rnnkit.utils import atomic, leftovers, locks
from rnnkit.utils.leftovers import old_name


class Tiny(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.RNN(2, 4)


def _save_with_a_load_between_the_renames(monkeypatch, folder: Path) -> tuple[list, list]:
    """Save ``folder`` anew by two renames, loading it once between them: what the load returned, and
    every rename made."""
    monkeypatch.setattr(atomic, "exchange", lambda a, b: False)
    real = os.replace
    loaded, renames = [], []

    def replace(a, b):
        real(a, b)
        renames.append((Path(a).name, Path(b).name))
        if Path(b).name == old_name(folder.name) and not loaded:  # the writer is between its two renames
            loaded.append(load_model(folder, "translate").config.get("new"))

    monkeypatch.setattr(atomic.os, "replace", replace)
    save_model(folder, Tiny(), {"application": "translate", "hidden": 4, "new": True})
    monkeypatch.setattr(atomic.os, "replace", real)
    return loaded, renames


def test_a_load_between_a_locked_saves_two_renames_moves_nothing(tmp_path, monkeypatch):
    folder = tmp_path / "model"
    save_model(folder, Tiny(), {"application": "translate", "hidden": 4})
    monkeypatch.setattr(leftovers, "WRITER_STEP_S", 0.0, raising=False)  # the writer: this thread
    lock = locks.acquire(tmp_path / locks.lock_name(folder.name), "--out model")  # as a command holds it
    try:
        loaded, renames = _save_with_a_load_between_the_renames(monkeypatch, folder)
    finally:
        lock.release()
    assert loaded == [None]  # the old model, whole, read where it waits
    assert (old_name(folder.name), folder.name) not in renames  # never moved back under the writer
    assert load_model(folder, "translate").config.get("new") is True
    assert not (tmp_path / old_name(folder.name)).exists()


def test_a_load_between_a_library_saves_two_renames_moves_nothing(tmp_path, monkeypatch):
    # save_pretrained from Python holds the folder's lock as a command does (it held none: the loader
    # moved the old folder back, and a few such loads made the save fail)
    folder = tmp_path / "model"
    save_model(folder, Tiny(), {"application": "translate", "hidden": 4})
    monkeypatch.setattr(leftovers, "WRITER_STEP_S", 0.0, raising=False)  # the writer: this thread
    loaded, renames = _save_with_a_load_between_the_renames(monkeypatch, folder)
    assert loaded == [None]
    assert (old_name(folder.name), folder.name) not in renames
    assert load_model(folder, "translate").config.get("new") is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]  # no lock file left either


def test_a_save_outlives_a_loader_that_moves_its_old_folder_back(tmp_path, monkeypatch):
    # A loader that sees no lock (an rnnkit before saves were locked; no flock: Windows) moves the old
    # folder back: the writer moves it aside again.
    folder = tmp_path / "model"
    save_model(folder, Tiny(), {"application": "translate", "hidden": 4})
    monkeypatch.setattr(locks, "is_locked", lambda path: False)
    loaded, renames = _save_with_a_load_between_the_renames(monkeypatch, folder)
    assert loaded == [None]
    assert (old_name(folder.name), folder.name) in renames  # moved back, then aside again
    assert load_model(folder, "translate").config.get("new") is True
    assert not (tmp_path / old_name(folder.name)).exists()
