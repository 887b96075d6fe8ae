"""A resume whose saved state is damaged or inconsistent refuses in one line (issue 10, items 7 and 11).

Accelerate skips a random-state file it cannot read with a log message, so without rnnkit's own check a
corrupt ``random_states_0.pkl`` would make the resumed run silently differ from an unbroken one.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from helpers_train import fresh_model, mse, regression_data

from rnnkit.train import TrainConfig, Trainer, make_loader
from rnnkit.train.checkpoint import MANIFEST_NAME, STATE_NAME, latest_checkpoint
from rnnkit.utils.errors import RnnkitError


def _trainer(run_dir: Path, epochs: int, resume: bool = False) -> Trainer:
    config = TrainConfig(
        epochs=epochs, lr=1e-2, device="cpu", show_progress=False, run_dir=run_dir, resume=resume
    )
    return Trainer(fresh_model(), config, mse)


def _fit(run_dir: Path, epochs: int, resume: bool = False):
    return _trainer(run_dir, epochs, resume).fit(make_loader(regression_data(), 8, shuffle=True, seed=0))


@pytest.fixture(scope="module")
def run_two_epochs(tmp_path_factory) -> Path:
    run = tmp_path_factory.mktemp("run")
    _fit(run, 2)
    return run


@pytest.fixture
def run(run_two_epochs, tmp_path) -> Path:
    import shutil

    copy = tmp_path / "run"
    shutil.copytree(run_two_epochs, copy)
    return copy


def _resume_error(run: Path) -> str:
    with pytest.raises(RnnkitError) as info:
        _fit(run, 3, resume=True)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_checkpoint_has_a_manifest_of_every_file(run):
    folder = latest_checkpoint(run)
    files = json.loads((folder / MANIFEST_NAME).read_text())["files"]
    assert "random_states_0.pkl" in files and "pytorch_model.bin" in files and "optimizer.bin" in files
    assert STATE_NAME not in files
    assert _fit(run, 3, resume=True).epochs_run == 3  # an intact checkpoint resumes


@pytest.mark.parametrize("name", ["random_states_0.pkl", "optimizer.bin", "pytorch_model.bin"])
def test_a_corrupt_file_refuses_the_resume(run, name):
    path = latest_checkpoint(run) / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte: same size, other content
    path.write_bytes(bytes(data))
    assert f"cannot resume: {path} is damaged" in _resume_error(run)


def test_a_missing_random_state_refuses_the_resume(run):
    path = latest_checkpoint(run) / "random_states_0.pkl"
    path.unlink()
    assert "is missing from the checkpoint" in _resume_error(run)


def test_an_old_checkpoint_without_manifest_still_needs_a_readable_random_state(run):
    folder = latest_checkpoint(run)
    (folder / MANIFEST_NAME).unlink()
    assert _fit(run, 3, resume=True).epochs_run == 3
    folder = latest_checkpoint(run)
    (folder / MANIFEST_NAME).unlink()
    (folder / "random_states_0.pkl").write_bytes(b"not a pickle")
    said = _resume_error(run)
    assert "the random state" in said and "start over with --force instead of --resume" in said


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"epoch": "2"}, "epoch must be a whole number"),
        ({"epoch": True}, "epoch must be a whole number"),
        ({"best": "low"}, "best must be a number"),
        ({"history": "none"}, "history must be a list"),
        ({"history": [{"loss": "x"}, {}]}, "history must be a list"),
        ({"stopped_early": 0}, "stopped_early must be true or false"),
        ({"scheduler": [1]}, "scheduler must be an object"),
        ({"epoch": 5}, "history holds 2 epochs, epoch says 5"),
        ({"best_epoch": 9}, "exceed epoch"),
        ({"surprise": 1}, "unknown field 'surprise'"),
    ],
)
def test_a_wrong_trainer_state_is_one_line(run, change, needle):
    path = latest_checkpoint(run) / STATE_NAME
    state = json.loads(path.read_text())
    state.update(change)
    path.write_text(json.dumps(state))
    message = _resume_error(run)
    assert message.startswith(f"cannot resume: {path} is unreadable") or "holds the state of epoch" in message
    assert needle in message or "holds the state of epoch" in message


def test_trainer_state_that_is_not_json_is_one_line(run):
    path = latest_checkpoint(run) / STATE_NAME
    path.write_text("[1, 2")
    assert f"cannot resume: {path} is unreadable" in _resume_error(run)


def test_disk_full_while_checkpointing_is_one_line_and_leaves_no_partial_folder(tmp_path, monkeypatch):
    import torch

    real = torch.save
    calls = []

    def full(obj, f, *args, **kwargs):
        calls.append(f)
        if len(calls) > 3:  # the second checkpoint runs out of space
            raise OSError(errno.ENOSPC, "No space left on device", str(f))
        return real(obj, f, *args, **kwargs)

    monkeypatch.setattr(torch, "save", full)
    with pytest.raises(
        RnnkitError, match=r"cannot write a checkpoint in .*checkpoints: No space left on device"
    ):
        _fit(tmp_path, 3)
    root = tmp_path / "checkpoints"
    assert sorted(p.name for p in root.iterdir()) == ["LATEST", "epoch-0001"]  # no partial .tmp folder
    monkeypatch.setattr(torch, "save", real)
    assert _fit(tmp_path, 3, resume=True).epochs_run == 3


def test_torch_writer_failure_is_one_line(tmp_path, monkeypatch):
    """torch.save reports a short write as a RuntimeError from its zip writer, not an OSError."""
    import torch

    def short(obj, f, *args, **kwargs):
        raise RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos 576 vs 534")

    monkeypatch.setattr(torch, "save", short)
    with pytest.raises(RnnkitError, match="cannot write a checkpoint in"):
        _fit(tmp_path, 1)
    assert [p.name for p in (tmp_path / "checkpoints").iterdir()] == []


def test_a_fresh_run_clears_only_what_the_engine_wrote(run):
    from rnnkit.train.checkpoint import CHECKPOINTS, clear_run

    root = run / CHECKPOINTS
    (root / "my-notes.txt").write_text("mine")
    (root / "epoch-0099").mkdir()  # not a checkpoint: no loop state in it
    (root / ".epoch-0003.tmp").mkdir()  # a checkpoint a kill cut short
    clear_run(run)
    assert sorted(p.name for p in root.iterdir()) == ["epoch-0099", "my-notes.txt"]
    (root / "my-notes.txt").unlink()
    (root / "epoch-0099").rmdir()
    clear_run(run)
    assert not root.exists() and not (run / "metrics.csv").exists()


def test_a_resume_with_fewer_epochs_than_the_run_trained_refuses(run):
    """The loop would not run, and the model would be saved as one of fewer epochs than it trained."""
    with pytest.raises(RnnkitError, match=r"it has trained 2 epochs, more than --epochs 1; use --epochs 2"):
        _fit(run, 1, resume=True)
    assert _fit(run, 2, resume=True).epochs_run == 2  # as many as trained: nothing more to do


@pytest.mark.parametrize("pointer", [b"\xff\xfe\n", b"../../elsewhere/checkpoints/epoch-0009\n", b"\n"])
def test_a_damaged_or_foreign_latest_pointer_is_not_followed(run, tmp_path, pointer):
    """LATEST that is not text, or names a folder outside this run, falls back to the run's newest."""
    import shutil

    newest = latest_checkpoint(run)
    shutil.copytree(newest, tmp_path / "elsewhere" / "checkpoints" / "epoch-0009")  # another run's
    (run / "checkpoints" / "LATEST").write_bytes(pointer)
    assert latest_checkpoint(run) == newest


def test_a_resume_removes_a_checkpoint_a_kill_left_half_deleted(run):
    """A kill while an older checkpoint was being deleted leaves its renamed ``.epoch-NNNN.tmp``; the
    resumed run's next checkpoint removes it (before, only a fresh run did, so every --resume kept a
    checkpoint's worth of dead files in the run folder for good)."""
    from rnnkit.train.checkpoint import CHECKPOINTS

    root = run / CHECKPOINTS
    trash = root / ".epoch-0001.tmp"  # epoch-0001, renamed for deletion, its deletion cut short
    trash.mkdir()
    (trash / "optimizer.bin").write_bytes(b"\0" * 1024)
    (root / "my-notes.txt").write_text("mine")
    assert _fit(run, 3, resume=True).epochs_run == 3
    assert sorted(p.name for p in root.iterdir()) == ["LATEST", "epoch-0003", "my-notes.txt"]


@pytest.mark.parametrize("resume", [False, True], ids=["fresh", "resume"])
def test_a_users_folder_named_like_a_checkpoint_is_refused_not_deleted(run, resume):
    """`forecast train --out mydocs --force` into a folder that kept its own checkpoints/epoch-0003/ (no
    loop state in it: not rnnkit's) deleted it at the run's third checkpoint, which replaced it, and any
    such folder at the next one, which deletes every older checkpoint; now refused before training."""
    root = run / "checkpoints"
    (root / "epoch-0003").mkdir()
    (root / "epoch-0003" / "data.txt").write_text("precious")
    with pytest.raises(
        RnnkitError,
        match=rf"epoch-0003 is not an rnnkit checkpoint \(it holds no {STATE_NAME}\), but training writes and "
        r"deletes the checkpoints of that name in .*checkpoints; move it away, or train in another folder$",
    ):
        _fit(run, 3, resume=resume)
    assert (root / "epoch-0003" / "data.txt").read_text() == "precious"
