"""A write-protected model or data set folder (session 23 QA): refused in one line before any work.

A folder replaced whole is swapped out by a rename, which needs only its parent to be writable, then
deleted, which needs the folder itself to be. ``chmod 555 run/model`` and ``forecast train --out run``
again ended with status 0: the new model was in place and the old one stayed, hidden, as
``run/.model.rnnkit-PID-X.tmp``, which no later run could delete either (``rmtree`` ignored the errors).
A user who write-protects a folder means it to stay: rnnkit now refuses, before training, as ``rm -r``
would, and names the folder.

Most tests deny the permission through ``os.access``; two use a real ``chmod 555`` in a child process
that has given up root's permission override (CAP_DAC_OVERRIDE), so that they run in CI, which runs as
root, as they do for any other user.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_utils_launch_refusals import SRC

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
    assert main(_train(1, "--seed", "1", "--force")) == 2  # --force: a finished run is replaced
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


# Run first in the child: root (uid 0) gives up the capabilities that let it write in any folder, so
# that a chmod binds it as it binds any other user (for another user, there is nothing to give up).
BOUND_BY_PERMISSIONS = """
import ctypes, os, sys
class Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]
class Sets(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]
libc = ctypes.CDLL(None, use_errno=True)
header, sets = Header(0x20080522, 0), (Sets * 2)()  # _LINUX_CAPABILITY_VERSION_3: two sets of 32 bits
DAC = (1 << 1) | (1 << 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
if libc.capget(ctypes.byref(header), sets) == 0:
    sets[0].effective &= ~DAC
    sets[0].permitted &= ~DAC  # os.access asks with the permitted set for uid 0
    libc.capset(ctypes.byref(header), sets)
if os.access(sys.argv[1], os.W_OK):
    print("permissions do not bind this process")
    sys.exit(77)
"""


def _bound_by_permissions(protected: Path, code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``code`` (with ``sys.argv[2:]`` = ``args``) in a child process that ``chmod`` binds; skip where
    ``protected`` stays writable to it all the same (not Linux, or capabilities that cannot be dropped)."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": SRC}
    child = subprocess.run([sys.executable, "-c", BOUND_BY_PERMISSIONS + code, str(protected), *args],
                           cwd=cwd, env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    if child.returncode == 77:
        pytest.skip(f"{protected}: {child.stdout.strip()}")
    return child


REPLACE_MODEL = """
from pathlib import Path
from rnnkit.utils.atomic import atomic_folder
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.markers import Mark
try:
    with atomic_folder(Path(sys.argv[1]), mark=Mark("forecast", "results")) as tmp:
        (tmp / "a.txt").write_text("new")
except RnnkitError as error:
    print(error)
"""


def test_a_real_chmod_555_model_folder_is_refused_and_nothing_is_left(tmp_path):
    folder = tmp_path / "model"
    with atomic_folder(folder, mark=Mark("forecast", "results")) as tmp:
        (tmp / "a.txt").write_text("old")
    folder.chmod(0o555)
    try:
        child = _bound_by_permissions(folder, REPLACE_MODEL, cwd=tmp_path)
    finally:
        folder.chmod(0o755)
    assert child.returncode == 0, child.stderr
    assert f"cannot replace {folder}: it is write-protected" in child.stdout, child.stdout
    assert (folder / "a.txt").read_text() == "old"
    assert not _leftovers(tmp_path)


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
    assert main(_train(3, "--resume" if resume else "--force")) == 2  # --force: a finished run is replaced
    one_line_error(f"run/{protected} is write-protected, and training deletes the older checkpoints")
    assert _files(run_copy) == before
    assert not _leftovers(run_copy)


RNNKIT = "import runpy; sys.argv[1:] = sys.argv[2:]; runpy.run_module('rnnkit', run_name='__main__')"


def test_a_real_chmod_555_checkpoints_folder_keeps_its_checkpoint(run_copy):
    root = run_copy / "checkpoints"
    before = _files(run_copy)
    root.chmod(0o555)
    try:
        child = _bound_by_permissions(root, RNNKIT, *_train(1, "--force"), cwd=run_copy.parent)
    finally:
        root.chmod(0o755)
    assert child.returncode == 2, child.stderr[-2000:]
    said = "run/checkpoints is write-protected, and training deletes the older checkpoints in it"
    assert child.stderr.startswith("rnnkit: error: ") and child.stderr.count("\n") == 1, child.stderr[-2000:]
    assert said in child.stderr
    assert _files(run_copy) == before


def test_the_demo_plan_refuses_a_write_protected_model_before_its_first_section(run_copy, monkeypatch):
    """``rnnkit demo`` checks every model folder it will replace before training any (``check_planned``)."""
    from rnnkit.utils.planned import Planned, check_planned

    check_planned([Planned.model(run_copy / "model", "forecast")])  # writable: accepted
    _protect(monkeypatch, run_copy / "model")
    with pytest.raises(RnnkitError, match=r"cannot replace .*run/model: it is write-protected"):
        check_planned([Planned.model(run_copy / "model", "forecast")])
