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


def test_a_fresh_run_killed_while_it_clears_the_old_checkpoints_leaves_none_half_deleted(tmp_path):
    """A kill -9 while a fresh run (``--force`` over a finished one) deleted the old checkpoints could
    leave ``epoch-0002`` without its loop state but with its other files: no checkpoint any more, and
    every run after, fresh or ``--resume``, was refused as holding a user's folder of that name."""
    import os
    import signal

    from rnnkit.train.checkpoint import CHECKPOINTS, check_clearable, clear_run

    root = tmp_path / CHECKPOINTS
    for name in ("epoch-0001", "epoch-0002"):
        (root / name).mkdir(parents=True)
        (root / name / checkpoint.STATE_NAME).write_text("{}")
        (root / name / "model.bin").write_bytes(b"x" * 100)
    (root / "LATEST").write_text("epoch-0002\n")
    pid = os.fork()
    if pid == 0:  # the run, killed once the loop state of the folder it deletes is gone
        try:

            def killed_part_way(path, *args, **kwargs):
                state = os.path.join(path, checkpoint.STATE_NAME)
                if os.path.exists(state):
                    os.unlink(state)
                    os.kill(os.getpid(), signal.SIGKILL)

            checkpoint.shutil.rmtree = killed_part_way
            clear_run(tmp_path)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    check_clearable(tmp_path)  # the next run is not refused
    clear_run(tmp_path)
    assert not root.exists()


@pytest.mark.parametrize("reverse", [False, True], ids=["checkpoint-first", "leftover-first"])
def test_a_fresh_run_clears_a_checkpoint_beside_its_killed_deletions_leftover(tmp_path, monkeypatch, reverse):
    """``epoch-0002`` beside the ``.epoch-0002.tmp`` of a killed deletion: discarding ``epoch-0002``
    deletes and reuses that name, and clearing, which had listed it, then failed the fresh run 'No such
    file or directory' unlinking it. Both orders the listing may give."""
    from rnnkit.train.checkpoint import CHECKPOINTS, clear_run

    root = tmp_path / CHECKPOINTS
    for name in ("epoch-0002", ".epoch-0002.tmp"):
        (root / name).mkdir(parents=True)
        (root / name / checkpoint.STATE_NAME).write_text("{}")
    (root / "LATEST").write_text("epoch-0002\n")
    listed = checkpoint._engine_entries
    monkeypatch.setattr(
        checkpoint,
        "_engine_entries",
        lambda folder: sorted(listed(folder), key=lambda p: p.name.lstrip("."), reverse=reverse),
    )
    clear_run(tmp_path)
    assert not root.exists()
