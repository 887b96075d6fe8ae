"""Atomic files and folders: written whole or not at all, never a temporary left behind."""

import os
import stat
from pathlib import Path

import pytest

from rnnkit.utils.atomic import atomic_folder, atomic_path, write_bytes_atomic, write_text_atomic
from rnnkit.utils.markers import Mark, write_mark


def _siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_text_and_bytes(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    assert write_text_atomic(target, "héllo\n") == target
    assert target.read_text(encoding="utf-8") == "héllo\n"
    write_bytes_atomic(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert _siblings(target.parent) == ["a.txt"]


def test_atomic_path_failure_keeps_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="boom"), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert _siblings(tmp_path) == ["a.txt"]


def test_atomic_path_replaces_on_success(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with atomic_path(target) as tmp:
        assert tmp != target and tmp.parent == tmp_path
        tmp.write_text("new")
        assert target.read_text() == "old"  # not visible until the block ends
    assert target.read_text() == "new"
    assert _siblings(tmp_path) == ["a.txt"]


MARK = Mark("test", "thing")


def test_atomic_folder_new_and_replace(tmp_path):
    target = tmp_path / "model"
    with atomic_folder(target, mark=MARK) as tmp:
        (tmp / "x").write_text("1")
        assert not target.exists()
    assert (target / "x").read_text() == "1"
    with atomic_folder(target, mark=MARK) as tmp:
        (tmp / "y").write_text("2")
    assert _siblings(target) == [".rnnkit", "y"]
    assert _siblings(tmp_path) == ["model"]


def test_atomic_folder_failure_keeps_old_folder(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    write_mark(target, MARK)
    (target / "x").write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_folder(target) as tmp:
        (tmp / "x").write_text("new")
        raise KeyboardInterrupt
    assert (target / "x").read_text() == "old"
    assert _siblings(tmp_path) == ["model"]


def test_atomic_folder_no_overwrite(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    with pytest.raises(FileExistsError), atomic_folder(target, overwrite=False) as tmp:
        (tmp / "x").write_text("new")
    assert _siblings(target) == []
    assert _siblings(tmp_path) == ["model"]


def test_written_files_and_folders_follow_the_umask(tmp_path):
    """mkstemp/mkdtemp make private 0600/0700 entries; what rnnkit writes must look like a plain write."""
    old = os.umask(0o022)
    try:
        f = write_text_atomic(tmp_path / "a.txt", "x")
        with atomic_folder(tmp_path / "model") as folder:
            (folder / "w").write_text("y")
    finally:
        os.umask(old)
    assert stat.S_IMODE(f.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "model").stat().st_mode) == 0o755


def test_safetensors_and_model_folders_are_0644_like_their_config(tmp_path):
    """safetensors' save_file creates 0600 files; rnnkit's weights must be readable like config.json."""
    import torch

    from rnnkit.train.modelfile import save_model
    from rnnkit.utils.atomic import save_safetensors

    old = os.umask(0o022)
    try:
        weights = save_safetensors({"w": torch.zeros(2)}, tmp_path / "w.safetensors")
        folder = save_model(
            tmp_path / "m", {"w": torch.ones(3)}, {"application": "forecast"}, files={"x.txt": b"x"}
        )
    finally:
        os.umask(old)
    assert stat.S_IMODE(weights.stat().st_mode) == 0o644
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    assert {"config.json", "model.safetensors", "x.txt", "README.md", "provenance.json"} == set(modes)
    assert set(modes.values()) == {0o644}
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755


def test_no_direct_safetensors_save_file_in_the_library():
    """Every safetensors file goes through utils.atomic.save_safetensors (the file mode is fixed there)."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "rnnkit"
    users = sorted(
        str(p.relative_to(src)) for p in src.rglob("*.py") if "save_file(" in p.read_text(encoding="utf-8")
    )
    assert users == ["utils/atomic.py"]
