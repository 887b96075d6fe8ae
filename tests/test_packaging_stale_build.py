"""``pip install .`` from a checkout that built before installs what src/ holds now, nothing older.

Under setuptools a build copied the package into ``build/lib`` and packed the wheel from there, and nothing
ever emptied that folder: build a wheel, delete a module from src/ (a ``git pull`` that removed it), build
again, and the new wheel still held the deleted module (pypa/setuptools#1871). Hatchling packs the wheel
straight from src/. The test builds three times with pip, the command the README gives, in a copy of the
checkout's files that also holds a ``build/`` folder as the old backend left it.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from test_packaging import ROOT, _repo_files, build_wheel

# What a wheel build reads: the metadata files and the package (the tests, docs and benchmarks only the sdist).
NEEDED = ["pyproject.toml", "README.md", "LICENSE", ".gitignore", "src/rnnkit"]


def _copy_of_the_checkout(dest: Path) -> Path:
    for rel in (f for under in NEEDED for f in _repo_files(under)):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    return dest


def _wheel_names(tree: Path, out: Path) -> set[str]:
    """Build the wheel of ``tree`` as ``pip wheel .`` does and list it."""
    with zipfile.ZipFile(build_wheel(tree, out)) as zf:
        return set(zf.namelist())


@pytest.mark.slow
def test_a_module_deleted_since_the_last_build_is_not_in_the_next_wheel(tmp_path):
    pytest.importorskip("hatchling", reason="the build backend (the [dev] extra) is missing")
    tree = _copy_of_the_checkout(tmp_path / "checkout")
    leftover = tree / "build" / "lib" / "rnnkit" / "zz_setuptools_era.py"  # an old backend's build/lib
    leftover.parent.mkdir(parents=True)
    leftover.write_text("GONE = True\n", encoding="utf-8")
    module = tree / "src" / "rnnkit" / "zz_old.py"

    first = _wheel_names(tree, tmp_path / "w1")
    module.write_text("OLD = True\n", encoding="utf-8")
    with_module = _wheel_names(tree, tmp_path / "w2")
    module.unlink()
    after_delete = _wheel_names(tree, tmp_path / "w3")

    assert "rnnkit/zz_old.py" in with_module  # the builds do see src/ as it is
    assert "rnnkit/zz_old.py" not in after_delete, "a module deleted from src/ is still in the wheel"
    assert not [n for n in first | after_delete if "zz_setuptools_era" in n], "build/ leaked into the wheel"
    assert after_delete == first
