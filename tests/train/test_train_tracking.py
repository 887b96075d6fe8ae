"""Callbacks in the training loop, and experiment tracking (``log_with`` / ``--log-with``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_train import fresh_model, mse, regression_data

from rnnkit.train import Callback, TrainConfig, Trainer, make_loader
from rnnkit.utils.errors import RnnkitError


def _trainer(run_dir: Path | None = None, callbacks=(), **config) -> tuple[Trainer, object, object]:
    cfg = TrainConfig(
        epochs=5, lr=1e-2, patience=None, device="cpu", show_progress=False, run_dir=run_dir, **config
    )
    trainer = Trainer(fresh_model(0), cfg, mse, callbacks=callbacks)
    train = make_loader(regression_data(), batch_size=8, shuffle=True, seed=0)
    return trainer, train, make_loader(regression_data(16, seed=2), batch_size=8)


class Recorder(Callback):
    def __init__(self, stop_after: int | None = None) -> None:
        self.events: list[tuple] = []
        self.stop_after = stop_after

    def on_fit_start(self, trainer):
        self.events.append(("start",))

    def on_epoch_end(self, trainer, metrics):
        self.events.append(("epoch", metrics["epoch"], metrics["train_loss"], metrics["val_loss"]))
        return self.stop_after is not None and metrics["epoch"] >= self.stop_after

    def on_fit_end(self, trainer, result):
        self.events.append(("end", result.epochs_run))


def test_callbacks_see_every_epoch_and_may_stop_training():
    seen = Recorder()
    trainer, train, val = _trainer(callbacks=[seen])
    result = trainer.fit(train, val)
    assert seen.events[0] == ("start",) and seen.events[-1] == ("end", 5)
    epochs = [e for e in seen.events if e[0] == "epoch"]
    assert [e[1] for e in epochs] == [1, 2, 3, 4, 5]
    assert [e[2] for e in epochs] == [row["train_loss"] for row in result.history]

    stopper = Recorder(stop_after=2)
    trainer, train, val = _trainer(callbacks=[stopper, Recorder()])
    result = trainer.fit(train, val)
    assert result.epochs_run == 2 and result.stopped_early


def test_unknown_tracker_and_tracker_without_run_folder_are_one_line_errors(tmp_path):
    with pytest.raises(RnnkitError, match="unknown tracker 'nope'"):
        TrainConfig(log_with=("nope",), run_dir=tmp_path).validate()
    with pytest.raises(RnnkitError, match="needs a run folder"):
        TrainConfig(log_with=("tensorboard",)).validate()
    TrainConfig(log_with=("csv",)).validate()  # metrics.csv: no tracker to start


def _scalars(run_dir: Path) -> dict[str, list[float]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    files = list(run_dir.rglob("events.out.tfevents.*"))
    assert files, f"no TensorBoard event file under {run_dir}"
    acc = EventAccumulator(str(files[0].parent))
    acc.Reload()
    return {tag: [e.value for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}


def test_tensorboard_gets_every_epochs_metrics(tmp_path):
    pytest.importorskip("tensorboard", reason="tensorboard is not installed (dev extra)")
    trainer, train, val = _trainer(run_dir=tmp_path / "run", log_with=("tensorboard",))
    result = trainer.fit(train, val)
    scalars = _scalars(tmp_path / "run")
    assert scalars["train_loss"] == pytest.approx([row["train_loss"] for row in result.history], rel=1e-6)
    assert len(scalars["val_loss"]) == 5


def test_log_with_on_the_command_line_reaches_the_engine(tmp_path):
    """A training command's --log-with is honoured without the application passing it along."""
    pytest.importorskip("tensorboard", reason="tensorboard is not installed (dev extra)")
    from rnnkit.cli import main

    out = tmp_path / "gf"
    args = ["explain", "memory", "--task", "adding", "--lengths", "4", "--cells", "rnn", "--epochs", "1"]
    assert (
        main(
            [*args, "--train-size", "64", "--test-size", "32", "--out", str(out), "--log-with", "tensorboard"]
        )
        == 0
    )
    assert "train_loss" in _scalars(out)


def test_a_tracker_that_is_not_installed_is_one_line_before_any_work(tmp_path, monkeypatch, capsys):
    """Accelerate only warns (two lines of a Python warning) and trains without logging anywhere."""
    import importlib.util

    from rnnkit.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "wandb" else real(name, *a)
    )
    with pytest.raises(RnnkitError, match="--log-with wandb needs the wandb package, which is not installed"):
        TrainConfig(log_with=("wandb",), run_dir=tmp_path).validate()
    out = tmp_path / "mem"
    args = ["explain", "memory", "--lengths", "4", "--cells", "rnn", "--epochs", "1", "--out", str(out)]
    assert main([*args, "--log-with", "csv", "--log-with", "wandb"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "rnnkit: error: --log-with wandb needs the wandb package, which is not installed: pip install wandb"
    ]
    assert not out.exists()
