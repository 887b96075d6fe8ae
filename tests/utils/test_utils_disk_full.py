"""A full disk part-way through training (session 23 QA): one line naming the folder, the last good
checkpoint kept, and ``--resume`` going on once space is freed.

1. torch's file stream reports a disk that fills as a small file (the optimizer state) is closed as
   ``RuntimeError: basic_ios::clear: iostream error``, not as an ``OSError`` nor as its zip writer's
   message: the run ended in a traceback (a real 3 MB tmpfs, ``forecast train`` with 200 KB left).
2. When the disk filled while rnnkit wrote its own files of a checkpoint (``manifest.json``), the error
   named the hidden temporary folder that the failure had just removed
   (``cannot write run/checkpoints/.epoch-0002.tmp/manifest.json``), where every other checkpoint
   failure says ``cannot write a checkpoint in run/checkpoints``.
"""

from __future__ import annotations

import errno
import os
import pathlib
from pathlib import Path

import pytest
import torch

from rnnkit.cli import main
from rnnkit.utils.atomic import failed_write

ARGS = ["forecast", "train", "--data", "ibm", "--out", "run", "--epochs", "3", "--hidden-size", "4"]
ARGS += ["--threads", "1", "--device", "cpu", "--no-progress"]


def _checkpoint_files(run: Path) -> dict[str, bytes]:
    """Every file of the run's checkpoints, by path: what must survive a failed later checkpoint."""
    root = run / "checkpoints"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _no_temporaries(tmp_path: Path) -> None:
    left = [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp") or ".rnnkit-" in p.name]
    assert not left, left


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux) for a real full write")
def test_torch_stream_error_of_a_full_disk_is_a_write_failure():
    """The exact error real torch raises for a small ``torch.save`` onto a full device."""
    with pytest.raises(RuntimeError) as info:
        torch.save({"step": torch.zeros(4)}, "/dev/full")
    assert "basic_ios::clear" in str(info.value)  # what torch raises: the case below is real
    error = failed_write("/dev/full", info.value)
    assert error is not None and str(error).startswith("cannot write /dev/full: ")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux) for a real full write")
def test_disk_full_as_the_optimizer_state_closes_is_one_line_and_resume_goes_on(
    tmp_path, monkeypatch, one_line_error
):
    monkeypatch.chdir(tmp_path)
    real = torch.save
    saves: list[str] = []

    def fills_in_epoch_two(obj, f, *args, **kwargs):
        saves.append(str(f))
        if "epoch-0002" in str(f) and str(f).endswith("optimizer.bin"):
            # torch's own error when the disk fills as the file closes (a small file fails this way)
            return real({"step": torch.zeros(4)}, "/dev/full")
        return real(obj, f, *args, **kwargs)

    monkeypatch.setattr(torch, "save", fills_in_epoch_two)
    assert main(ARGS) == 2
    one_line_error("cannot write a checkpoint in run/checkpoints: ")
    assert any(s.endswith("optimizer.bin") and "epoch-0002" in s for s in saves)
    assert (tmp_path / "run/checkpoints/LATEST").read_text() == "epoch-0001\n"
    assert sorted(p.name for p in (tmp_path / "run/checkpoints").iterdir()) == ["LATEST", "epoch-0001"]
    _no_temporaries(tmp_path)

    monkeypatch.setattr(torch, "save", real)  # space freed
    assert main([*ARGS, "--resume"]) == 0
    assert (tmp_path / "run/model/model.safetensors").is_file()


def test_disk_full_on_the_checkpoint_manifest_names_the_checkpoints_folder(
    tmp_path, monkeypatch, one_line_error
):
    monkeypatch.chdir(tmp_path)
    real = pathlib.Path.write_text

    def fills_on_second_manifest(self, *args, **kwargs):
        if self.name.startswith(".manifest.json.") and ".epoch-0002.tmp" in str(self):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "write_text", fills_on_second_manifest)
    assert main(ARGS) == 2
    line = one_line_error("cannot write a checkpoint in run/checkpoints: No space left on device")
    assert ".tmp" not in line  # not the hidden folder the failure removed
    before = _checkpoint_files(tmp_path / "run")
    names = ("best.safetensors", "manifest.json", "optimizer.bin", "pytorch_model.bin")
    names += ("random_states_0.pkl", "trainer_state.json")
    assert sorted(before) == sorted(["LATEST", *(f"epoch-0001/{n}" for n in names)])
    _no_temporaries(tmp_path)

    monkeypatch.setattr(pathlib.Path, "write_text", real)
    assert main([*ARGS, "--resume"]) == 0
    assert (tmp_path / "run/checkpoints/LATEST").read_text() == "epoch-0003\n"
