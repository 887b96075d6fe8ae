"""A write-protected model or data set folder (session 23 QA): refused in one line before any work.

A folder replaced whole is swapped out by a rename, which needs only its parent to be writable, then
deleted, which needs the folder itself to be. ``chmod 555 run/model`` and ``forecast train --out run``
again ended with status 0: the new model was in place and the old one stayed, hidden, as
``run/.model.rnnkit-PID-X.tmp``, which no later run could delete either (``rmtree`` ignored the errors).
A user who write-protects a folder means it to stay: rnnkit now refuses, before training, as ``rm -r``
would, and names the folder.

The tests deny the permission through ``os.access`` (root, as CI may be, passes every permission
check); the last one uses a real ``chmod`` where the tests do not run as root.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rnnkit.cli import main
from rnnkit.utils.atomic import atomic_entries, atomic_folder
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.markers import Mark


def _train(epochs: int = 1, *extra: str) -> list[str]:
    """``forecast train`` of a tiny model into ``run``."""
    tiny = ["--hidden-size", "4", "--threads", "1", "--device", "cpu", "--no-progress"]
    return ["forecast", "train", "--data", "ibm", "--out", "run", "--epochs", str(epochs), *tiny, *extra]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp") or ".rnnkit-" in p.name]


def _protect(monkeypatch, *folders: Path) -> None:
    """``os.access`` denies writing in ``folders``, as ``chmod 555`` does to a user other than root."""
    real = os.access
    denied = {os.path.abspath(f) for f in folders}

    def access(path, mode, **kwargs):
        if os.path.abspath(path) in denied and mode & os.W_OK:
            return False
        return real(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_train_into_a_run_whose_model_is_write_protected_is_refused_before_training(
    tmp_path, monkeypatch, one_line_error
):
    monkeypatch.chdir(tmp_path)
    assert main(_train()) == 0
    before = _files(tmp_path / "run")
    _protect(monkeypatch, tmp_path / "run/model")
    assert main(_train(1, "--seed", "1")) == 2
    one_line_error("cannot replace --out run/model: it is write-protected", "make it writable")
    assert _files(tmp_path / "run") == before  # nothing trained, nothing cleared, the model kept
    assert not _leftovers(tmp_path)


def test_a_write_protected_folder_inside_the_model_is_named(tmp_path, monkeypatch):
    folder = tmp_path / "model"
    with atomic_folder(folder, mark=Mark("forecast", "results")) as tmp:
        (tmp / "plots").mkdir()
        (tmp / "plots" / "a.png").write_bytes(b"png")
    before = _files(folder)
    _protect(monkeypatch, folder / "plots")
    refused = pytest.raises(RnnkitError, match=r"it is write-protected \(.*plots in it\)")
    with refused as info, atomic_folder(folder, mark=Mark("forecast", "results")):
        raise AssertionError("the work ran before the refusal")  # pragma: no cover
    assert "\n" not in str(info.value)
    assert _files(folder) == before and not _leftovers(tmp_path)


def test_a_data_set_whose_images_are_write_protected_is_refused_before_generating(tmp_path, monkeypatch):
    mark = Mark("caption", "dataset")
    with atomic_entries(tmp_path / "data", mark, names=("images/",)) as tmp:
        (tmp / "images").mkdir()
        (tmp / "images" / "a.png").write_bytes(b"old")
    _protect(monkeypatch, tmp_path / "data" / "images")
    worked = []
    refused = pytest.raises(RnnkitError, match=r"cannot replace .*images: it is write-protected")
    with refused, atomic_entries(tmp_path / "data", mark, names=("images/",)) as tmp:
        worked.append(tmp)  # pragma: no cover
    assert not worked
    assert (tmp_path / "data" / "images" / "a.png").read_bytes() == b"old"
    assert not _leftovers(tmp_path)


def test_a_real_chmod_555_model_folder_is_refused_and_nothing_is_left(tmp_path):
    folder = tmp_path / "model"
    with atomic_folder(folder, mark=Mark("forecast", "results")) as tmp:
        (tmp / "a.txt").write_text("old")
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("permissions do not bind this process (root with CAP_DAC_OVERRIDE)")
        refused = pytest.raises(RnnkitError, match="it is write-protected")
        with refused, atomic_folder(folder, mark=Mark("forecast", "results")) as tmp:
            (tmp / "a.txt").write_text("new")
        assert (folder / "a.txt").read_text() == "old"
        assert not _leftovers(tmp_path)
    finally:
        folder.chmod(0o755)


# Write-protected checkpoints. A fresh run deletes an older run's checkpoints first, a resumed one after
# its next checkpoint. In a write-protected checkpoints/ a fresh run deleted what it could and failed on
# LATEST with a bare "Permission denied" (the old checkpoint half gone); a protected epoch-NNNN stayed
# as a hidden .epoch-NNNN.tmp, and the run's own checkpoint of that number then failed with
# "File exists". Both are refused now, before training, with every checkpoint kept.


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("finished")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        assert main(_train(2)) == 0  # one checkpoint left: epoch-0002
    finally:
        os.chdir(cwd)
    return folder / "run"


@pytest.fixture
def run_copy(finished_run, tmp_path, monkeypatch) -> Path:
    import shutil

    shutil.copytree(finished_run, tmp_path / "run")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "run"


@pytest.mark.parametrize("protected", ["checkpoints", "checkpoints/epoch-0002"])
@pytest.mark.parametrize("resume", [False, True])
def test_write_protected_checkpoints_are_refused_before_training_and_kept(
    run_copy, monkeypatch, one_line_error, protected, resume
):
    before = _files(run_copy)
    _protect(monkeypatch, run_copy / protected)
    assert main(_train(3, *(["--resume"] if resume else []))) == 2
    one_line_error(f"run/{protected} is write-protected, and training deletes the older checkpoints")
    assert _files(run_copy) == before
    assert not _leftovers(run_copy)


def test_a_real_chmod_555_checkpoints_folder_keeps_its_checkpoint(run_copy, one_line_error):
    root = run_copy / "checkpoints"
    before = _files(run_copy)
    root.chmod(0o555)
    try:
        if os.access(root, os.W_OK):
            pytest.skip("permissions do not bind this process (root with CAP_DAC_OVERRIDE)")
        assert main(_train()) == 2
        one_line_error("run/checkpoints is write-protected, and training deletes the older checkpoints in it")
        assert _files(run_copy) == before
    finally:
        root.chmod(0o755)


def test_the_demo_plan_refuses_a_write_protected_model_before_its_first_section(run_copy, monkeypatch):
    """``rnnkit demo`` checks every model folder it will replace before training any (``check_planned``)."""
    from rnnkit.utils.planned import Planned, check_planned

    check_planned([Planned.model(run_copy / "model", "forecast")])  # writable: accepted
    _protect(monkeypatch, run_copy / "model")
    with pytest.raises(RnnkitError, match=r"cannot replace .*run/model: it is write-protected"):
        check_planned([Planned.model(run_copy / "model", "forecast")])
