"""A checkpoint is on the disk before its name says it is whole: every file in it (Accelerate's
included) is synced before the folder is renamed into place, and the rename is synced after."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from helpers_train import fresh_model, mse, regression_data

from rnnkit.train import TrainConfig, Trainer, make_loader

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads what a descriptor names in /proc")


def test_every_checkpoint_file_is_synced_before_the_folder_is_renamed_and_the_rename_after(
    tmp_path, disk_events
):
    seen = disk_events
    config = TrainConfig(epochs=1, lr=1e-2, device="cpu", show_progress=False, run_dir=tmp_path)
    Trainer(fresh_model(), config, mse).fit(make_loader(regression_data(), 8, shuffle=True, seed=0))

    root = tmp_path / "checkpoints"
    final, tmp = root / "epoch-0001", root / ".epoch-0001.tmp"
    [moved] = [i for i, e in enumerate(seen) if e == ("replace", str(tmp), str(final))]
    synced = {e[1] for e in seen[:moved] if e[0] == "fsync"}
    files = [Path(here, name) for here, _, names in os.walk(final) for name in names]
    assert files
    for file in files:
        assert str(tmp / file.relative_to(final)) in synced, file.name
    assert str(tmp) in synced
    assert ("fsync", str(root)) in seen[moved:]


def test_a_failed_sync_after_the_rename_says_the_checkpoint_was_written_not_that_it_could_not_be(
    tmp_path, monkeypatch
):
    import errno

    from rnnkit.train import checkpoint
    from rnnkit.utils.atomic import UnconfirmedWrite

    def sync_parent(path):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(checkpoint, "sync_parent", sync_parent)
    config = TrainConfig(epochs=1, lr=1e-2, device="cpu", show_progress=False, run_dir=tmp_path)
    with pytest.raises(UnconfirmedWrite, match=r"epoch-0001 was written, but the disk did not confirm it"):
        Trainer(fresh_model(), config, mse).fit(make_loader(regression_data(), 8, shuffle=True, seed=0))
    assert (tmp_path / "checkpoints" / "epoch-0001").is_dir()  # in place: it was said 'cannot write'
