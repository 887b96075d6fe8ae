"""A closed terminal or Ctrl-C while an older checkpoint is deleted: the deletion is finished before the run
stops (CI once found the old checkpoint left as ``.epoch-0003.tmp`` after a SIGHUP)."""

import shutil

import pytest

from rnnkit.train import checkpoint


def test_an_interrupted_deletion_of_an_older_checkpoint_is_finished(tmp_path, monkeypatch):
    for name in ("epoch-0001", "epoch-0002"):
        (tmp_path / name).mkdir()
        (tmp_path / name / checkpoint.STATE_NAME).write_text("{}")
        (tmp_path / name / "model.bin").write_bytes(b"x" * 100)
    real = shutil.rmtree
    calls = []

    def interrupted_once(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:  # the old checkpoint renamed to its .tmp, its deletion just begun
            raise KeyboardInterrupt
        return real(path, *args, **kwargs)

    monkeypatch.setattr(checkpoint.shutil, "rmtree", interrupted_once)
    with pytest.raises(KeyboardInterrupt):
        checkpoint._remove_older(tmp_path, tmp_path / "epoch-0002")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["epoch-0002"]
