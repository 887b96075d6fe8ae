"""Saving and loading from Python take paths as a user types them: ``~`` is the home folder (never a
folder named ``~`` in the current one), and nothing is saved inside rnnkit's own installed package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

import rnnkit
from rnnkit.forecast.data import load_series
from rnnkit.train.modelfile import load_model, save_model
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.hub import model_dir
from rnnkit.utils.outputs import PACKAGE_FOLDER


def test_a_model_saved_to_tilde_goes_home_and_loads_from_there(home: Path) -> None:
    folder = save_model("~/m", {"w": torch.ones(2, 3)}, {"application": "test"})
    assert folder == home / "m" and (home / "m" / "model.safetensors").is_file()
    assert not Path("~").exists()  # the folder a later `rm -rf ~` would be typed to remove
    loaded = load_model("~/m")
    assert loaded.path == home / "m" and loaded.config["application"] == "test"
    assert torch.equal(loaded.state_dict["w"], torch.ones(2, 3))
    assert model_dir("~/m") == home / "m" and model_dir(Path("~/m")) == home / "m"


def test_a_tilde_naming_no_home_is_one_line_and_writes_nothing(home: Path) -> None:
    with pytest.raises(RnnkitError, match="names no home folder here"):
        save_model("~nosuchuser-rk/m", {"w": torch.ones(1)}, {"application": "test"})
    assert list(Path().iterdir()) == []


def test_the_forecast_reader_expands_tilde(home: Path) -> None:
    shutil.copy(Path(rnnkit.__file__).parent / "forecast" / "data" / "unemployment.csv", home / "p.csv")
    series = load_series("~/p.csv")
    assert len(series.values) > 100


def test_nothing_is_saved_inside_the_installed_package(tmp_path: Path) -> None:
    target = PACKAGE_FOLDER / "translate" / "pretrained" / "en_ko"
    before = sorted(p.name for p in target.iterdir())
    for folder in (target, PACKAGE_FOLDER / "x-should-not-exist", PACKAGE_FOLDER):
        with pytest.raises(RnnkitError, match="inside rnnkit's own installed package"):
            save_model(folder, {"w": torch.ones(1)}, {"application": "translate"})
    assert sorted(p.name for p in target.iterdir()) == before
    assert not (PACKAGE_FOLDER / "x-should-not-exist").exists()
    # a link elsewhere that leads into the package is the package too
    (tmp_path / "link").symlink_to(PACKAGE_FOLDER)
    with pytest.raises(RnnkitError, match="inside rnnkit's own installed package"):
        save_model(tmp_path / "link" / "x-should-not-exist", {"w": torch.ones(1)}, {"application": "test"})
    assert not (PACKAGE_FOLDER / "x-should-not-exist").exists()
