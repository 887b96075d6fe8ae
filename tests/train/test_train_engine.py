"""The training loop: resume, seeding, early stopping, clipping, NaN stop, metrics CSV, checkpoints."""

from __future__ import annotations

import itertools
import json
import math
import os
import re
from pathlib import Path

import pytest
import torch
from helpers_train import assert_same_weights, fresh_model, mse, regression_data, weights
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from rnnkit.train import FitResult, TrainConfig, Trainer, make_loader
from rnnkit.train.checkpoint import CHECKPOINTS, LATEST, latest_checkpoint
from rnnkit.train.metrics_log import read_metrics_csv
from rnnkit.utils.errors import RnnkitError


def _config(**kwargs) -> TrainConfig:
    base = {"epochs": 4, "lr": 1e-2, "patience": None, "device": "cpu", "show_progress": False}
    return TrainConfig(**{**base, **kwargs})


def _fit(
    epochs: int,
    run_dir: Path | None = None,
    resume: bool = False,
    plain_loader: bool = False,
    seed: int = 0,
    evaluate=None,
    **extra,
):
    """Build model and loaders from scratch (as a fresh process would) and train (``extra``: config)."""
    model = fresh_model(seed)
    data = regression_data()
    if plain_loader:
        train = DataLoader(data, batch_size=8, shuffle=True)
    else:
        train = make_loader(data, batch_size=8, shuffle=True, seed=seed)
    val = make_loader(regression_data(16, seed=2), batch_size=8)
    config = _config(epochs=epochs, run_dir=run_dir, resume=resume, seed=seed, **extra)
    trainer = Trainer(model, config, mse, evaluate=evaluate)
    return model, trainer.fit(train, val)


def _strip_seconds(history):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in history]


@pytest.mark.parametrize("plain_loader", [False, True])
def test_resume_is_bit_identical_to_a_straight_run(tmp_path, plain_loader):
    straight, straight_result = _fit(8, tmp_path / "a", plain_loader=plain_loader)
    _fit(4, tmp_path / "b", plain_loader=plain_loader)
    folder = latest_checkpoint(tmp_path / "b")
    assert folder.name == "epoch-0004"
    resumed, resumed_result = _fit(8, tmp_path / "b", resume=True, plain_loader=plain_loader)
    assert resumed_result.epochs_run == 8
    assert_same_weights(weights(straight), weights(resumed))
    assert _strip_seconds(resumed_result.history) == _strip_seconds(straight_result.history)
    assert resumed_result.best_epoch == straight_result.best_epoch
    rows = read_metrics_csv(tmp_path / "b" / "metrics.csv")
    assert [row["epoch"] for row in rows] == list(range(1, 9))
    assert rows[-1]["train_loss"] == pytest.approx(straight_result.history[-1]["train_loss"], rel=1e-12)
    # Only the newest checkpoint is kept.
    names = sorted(p.name for p in (tmp_path / "b" / CHECKPOINTS).iterdir())
    assert names == ["LATEST", "epoch-0008"]


def test_same_seed_repeats_bit_for_bit_and_another_seed_differs():
    first, r1 = _fit(3)
    second, r2 = _fit(3)
    assert_same_weights(weights(first), weights(second))
    assert _strip_seconds(r1.history) == _strip_seconds(r2.history)
    other, _ = _fit(3, seed=1)
    assert not torch.equal(weights(first)["head.weight"], weights(other)["head.weight"])


def test_loss_goes_down_and_result_fields():
    model, result = _fit(6)
    assert isinstance(result, FitResult)
    assert result.epochs_run == 6 and not result.stopped_early and result.seconds > 0
    assert result.history[-1]["train_loss"] < result.history[0]["train_loss"]
    assert result.best_metric == min(row["val_loss"] for row in result.history)
    assert set(result.history[0]) == {"epoch", "train_loss", "val_loss", "seconds"}


def _scripted_evaluate(values, snapshots, mode_key="score"):
    """An evaluate function returning ``values`` epoch by epoch, snapshotting the weights each time."""
    calls = iter(values)

    def evaluate(model, loader):
        assert not model.training  # evaluation runs in eval mode
        assert not torch.is_grad_enabled()
        for batch in loader:
            assert batch[0].device.type == "cpu"
        snapshots.append(weights(model))
        return {mode_key: next(calls)}

    return evaluate


@pytest.mark.parametrize(
    ("mode", "values", "best_epoch"),
    [("min", [3.0, 2.0, 1.0, 2.0, 3.0, 0.5], 3), ("max", [1.0, 5.0, 4.0, 3.0, 9.0, 9.5], 2)],
)
def test_early_stopping_restores_best_weights(tmp_path, mode, values, best_epoch):
    snapshots: list[dict[str, torch.Tensor]] = []
    model = fresh_model()
    cfg = _config(epochs=6, patience=2, monitor="score", mode=mode, run_dir=tmp_path)
    trainer = Trainer(model, cfg, mse, evaluate=_scripted_evaluate(values, snapshots))
    result = trainer.fit(make_loader(regression_data(), 8, shuffle=True), make_loader(regression_data(8), 8))
    assert result.stopped_early and result.epochs_run == best_epoch + 2
    assert result.best_epoch == best_epoch and result.best_metric == values[best_epoch - 1]
    assert_same_weights(weights(model), snapshots[best_epoch - 1])
    assert not torch.equal(snapshots[-1]["head.weight"], snapshots[best_epoch - 1]["head.weight"])
    # A resume after an early stop trains no further and still hands back the best weights.
    again = fresh_model(5)
    trainer = Trainer(again, cfg.__class__(**{**cfg.__dict__, "resume": True}), mse, evaluate=lambda m, v: {})
    resumed = trainer.fit(make_loader(regression_data(), 8), make_loader(regression_data(8), 8))
    assert resumed.stopped_early and resumed.epochs_run == result.epochs_run
    assert_same_weights(weights(again), snapshots[best_epoch - 1])


def test_resuming_a_run_that_stopped_early_says_why_nothing_trains(tmp_path, capsys):
    cfg = _config(epochs=6, patience=2, monitor="score", mode="min", run_dir=tmp_path)
    values = [3.0, 2.0, 1.0, 2.0, 3.0, 0.5]
    trainer = Trainer(fresh_model(), cfg, mse, evaluate=_scripted_evaluate(values, []))
    first = trainer.fit(make_loader(regression_data(), 8, shuffle=True), make_loader(regression_data(8), 8))
    assert first.stopped_early and first.epochs_run == 5
    capsys.readouterr()
    more = cfg.__class__(**{**cfg.__dict__, "resume": True, "epochs": 60})
    resumed = Trainer(fresh_model(5), more, mse, evaluate=lambda m, v: {}).fit(
        make_loader(regression_data(), 8), make_loader(regression_data(8), 8)
    )
    assert resumed.epochs_run == 5  # nothing more trained: a finished run stays finished
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "stopped early after epoch 5 (its best was epoch 3)" in err
    assert "larger --patience" in err


@pytest.mark.parametrize(("growth", "stops_after"), [(0.0, 6), (0.5, 6), (1.0, 8), (1.2, 9)])
def test_patience_grows_with_the_best_epoch(growth, stops_after):
    # Best at epoch 4, then no improvement: the run waits max(2, ceil(growth * 4)) epochs.
    values = [4.0, 3.0, 2.0, 1.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0]
    cfg = _config(epochs=10, patience=2, patience_growth=growth, monitor="score", mode="min")
    trainer = Trainer(fresh_model(), cfg, mse, evaluate=_scripted_evaluate(values, []))
    result = trainer.fit(make_loader(regression_data(), 8), make_loader(regression_data(8), 8))
    assert result.best_epoch == 4 and result.stopped_early and result.epochs_run == stops_after


@pytest.mark.parametrize("lr_patience", [0, 1])
def test_plateau_schedule_cuts_the_rate_after_its_patience(lr_patience):
    # The monitored score never improves after epoch 1, so the rate halves every lr_patience + 1 epochs.
    values = [5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0]
    cfg = _config(epochs=7, monitor="score", mode="max", lr_schedule="plateau", lr_factor=0.5,
                  lr_patience=lr_patience, min_lr=1e-3)  # fmt: skip
    trainer = Trainer(fresh_model(), cfg, mse, evaluate=_scripted_evaluate(values, []))
    result = trainer.fit(make_loader(regression_data(), 8), make_loader(regression_data(8), 8))
    expected = {
        0: [1e-2, 1e-2, 5e-3, 2.5e-3, 1.25e-3, 1e-3, 1e-3],  # floored at min_lr
        1: [1e-2, 1e-2, 1e-2, 5e-3, 5e-3, 2.5e-3, 2.5e-3],
    }[lr_patience]
    assert [row["lr"] for row in result.history] == pytest.approx(expected, rel=1e-12)
    # The rate the optimizer steps with is the scheduled one (the next epoch's).
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(
        expected[-1] if lr_patience == 0 else 1.25e-3
    )


def test_plateau_schedule_keeps_the_rate_while_the_metric_improves():
    cfg = _config(epochs=5, monitor="score", mode="min", lr_schedule="plateau", lr_patience=0)
    trainer = Trainer(fresh_model(), cfg, mse, evaluate=_scripted_evaluate([5.0, 4.0, 3.0, 2.0, 1.0], []))
    result = trainer.fit(make_loader(regression_data(), 8), make_loader(regression_data(8), 8))
    assert [row["lr"] for row in result.history] == [1e-2] * 5


def test_cosine_schedule_anneals_from_lr_to_min_lr_over_the_epochs():
    cfg = _config(epochs=6, lr_schedule="cosine", min_lr=1e-3)
    trainer = Trainer(fresh_model(), cfg, mse)
    result = trainer.fit(make_loader(regression_data(), 8), make_loader(regression_data(8), 8))
    expected = [1e-3 + (1e-2 - 1e-3) * (1 + math.cos(math.pi * e / 6)) / 2 for e in range(6)]
    assert [row["lr"] for row in result.history] == pytest.approx(expected, rel=1e-9)
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(1e-3, rel=1e-9)  # after the last step
    assert list(result.history[0]) == ["epoch", "train_loss", "val_loss", "lr", "seconds"]


def _val_loss(model, batches, coarse: bool = False):
    """Mean validation loss; ``coarse`` rounds it to 0.1, so it plateaus within a short run."""
    losses = [float(mse(model, batch)) for batch in batches]
    mean = sum(losses) / len(losses)
    return {"val_loss": round(mean / 0.1) * 0.1 if coarse else mean}


class _Interrupted(Exception):
    pass


def _stopping_at(epoch: int, coarse: bool):
    """An evaluate that raises in the given epoch, after the previous epoch's checkpoint: a crash."""
    calls = itertools.count(1)

    def evaluate(model, batches):
        if next(calls) == epoch:
            raise _Interrupted
        return _val_loss(model, batches, coarse)

    return evaluate


@pytest.mark.parametrize(
    "schedule",
    [
        {"lr_schedule": "plateau", "lr_patience": 0, "lr_factor": 0.5},
        {"lr_schedule": "cosine", "min_lr": 1e-4},
    ],
    ids=["plateau", "cosine"],
)
def test_resume_with_a_schedule_is_bit_identical(tmp_path, schedule):
    coarse = schedule["lr_schedule"] == "plateau"
    straight, straight_result = _fit(
        8, tmp_path / "a", evaluate=lambda m, b: _val_loss(m, b, coarse), **schedule
    )
    lrs = [row["lr"] for row in straight_result.history]
    # The schedule acts on both sides of the resume point, so its restored state matters.
    assert len(set(lrs[:4])) > 1 and len(set(lrs[3:])) > 1, lrs
    with pytest.raises(_Interrupted):
        _fit(8, tmp_path / "b", evaluate=_stopping_at(5, coarse), **schedule)
    folder = latest_checkpoint(tmp_path / "b")
    assert folder.name == "epoch-0004"
    # The schedule's state is plain JSON in the loop state, not one more pickle beside Accelerate's.
    assert json.loads((folder / "trainer_state.json").read_text())["scheduler"]["last_epoch"] == 4
    assert not list(folder.glob("custom_checkpoint*"))
    resumed, resumed_result = _fit(
        8, tmp_path / "b", resume=True, evaluate=lambda m, b: _val_loss(m, b, coarse), **schedule
    )
    assert_same_weights(weights(straight), weights(resumed))
    assert _strip_seconds(resumed_result.history) == _strip_seconds(straight_result.history)


def test_resume_with_more_epochs_anneals_the_cosine_over_the_new_length(tmp_path):
    """2 epochs, then ``--resume`` to 5: the saved schedule (T_max 2) must not reach 0 and rise again."""
    schedule = {"lr_schedule": "cosine", "min_lr": 1e-3}
    _, part = _fit(2, tmp_path / "run", **schedule)
    assert [row["lr"] for row in part.history] == pytest.approx([1e-2, 5.5e-3], rel=1e-9)
    _, resumed = _fit(5, tmp_path / "run", resume=True, **schedule)
    expected = [1e-3 + (1e-2 - 1e-3) * (1 + math.cos(math.pi * e / 5)) / 2 for e in (2, 3, 4)]
    assert [row["lr"] for row in resumed.history[2:]] == pytest.approx(expected, rel=1e-9)


class _Scale(nn.Module):
    """y = w . x with a known gradient: for loss = sum(y), dL/dw = sum over the batch of x."""

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.zeros(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.w  # (N,)


@pytest.mark.parametrize("clip", [None, 1.0, 100.0])
def test_gradient_norm_clipping(clip):
    x = torch.tensor([[3.0, 4.0, 0.0], [0.0, 0.0, 12.0]])  # gradient (3, 4, 12), norm 13
    model = _Scale()
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    trainer = Trainer(
        model, _config(epochs=1, clip_norm=clip), lambda m, b: m(b[0]).sum(), optimizer=optimizer
    )
    trainer.fit(DataLoader(TensorDataset(x), batch_size=2))
    grad = torch.tensor([3.0, 4.0, 12.0])
    expected = -grad * (min(1.0, clip / 13.0) if clip is not None else 1.0)  # SGD, lr 1: w = -g_clipped
    torch.testing.assert_close(model.w.detach(), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_nonfinite_loss_stops_with_one_line(tmp_path, bad):
    data = regression_data(16)
    data.tensors[1][11, 0] = bad  # a target in the second batch of epoch 1 makes the loss non-finite
    trainer = Trainer(fresh_model(), _config(epochs=3, run_dir=tmp_path), mse)
    with pytest.raises(RnnkitError, match=r"loss became (nan|inf) in epoch 1") as info:
        trainer.fit(make_loader(data, 8))
    assert "\n" not in str(info.value)
    assert latest_checkpoint(tmp_path) is None  # nothing was saved from the broken epoch


@pytest.mark.parametrize(
    ("clip", "hint"), [(1.0, "(gradients were clipped to norm 1)"), (None, ", clip gradients or")]
)
def test_nonfinite_loss_suggests_clipping_only_where_it_is_off(clip, hint):
    data = regression_data(16)
    data.tensors[1][3, 0] = math.nan
    trainer = Trainer(fresh_model(), _config(epochs=1, clip_norm=clip), mse)
    with pytest.raises(RnnkitError) as info:
        trainer.fit(make_loader(data, 8))
    assert hint in str(info.value) and str(info.value).count("clip") == 1


def test_a_nonfinite_validation_metric_stops_with_one_line_and_keeps_the_checkpoints(tmp_path):
    # a NaN in the validation data: the training loss stays finite, the validation loss does not
    val = regression_data(16, seed=2)
    val.tensors[1][5, 0] = math.nan
    trainer = Trainer(
        fresh_model(), _config(epochs=4, patience=2, run_dir=tmp_path, lr_schedule="plateau"), mse
    )
    with pytest.raises(
        RnnkitError, match=r"^training stopped: the monitored metric val_loss became nan in epoch 1;"
    ):
        trainer.fit(make_loader(regression_data(), 8), make_loader(val, 8))
    # and one that turns NaN later: the run stops there, with the earlier epochs' checkpoints kept
    metrics = iter([{"score": 0.5}, {"score": math.nan}, {"score": 0.9}])
    trainer = Trainer(fresh_model(), _config(epochs=3, run_dir=tmp_path, monitor="score", mode="max"), mse,
                      evaluate=lambda model, loader: next(metrics))  # fmt: skip
    with pytest.raises(
        RnnkitError, match=r"metric score became nan in epoch 2; check the validation data"
    ) as info:
        trainer.fit(make_loader(regression_data(), 8), [])
    assert "\n" not in str(info.value)
    assert latest_checkpoint(tmp_path).name == "epoch-0001"


def test_metrics_csv_is_written_every_epoch(tmp_path):
    seen: list[int] = []

    def evaluate(model, loader):
        path = tmp_path / "metrics.csv"
        seen.append(len(read_metrics_csv(path)) if path.exists() else 0)
        return {"val_loss": 1.0 / (len(seen))}

    trainer = Trainer(fresh_model(), _config(epochs=3, run_dir=tmp_path), mse, evaluate=evaluate)
    result = trainer.fit(make_loader(regression_data(), 8), [])
    assert seen == [0, 1, 2]  # epoch k's validation sees k - 1 rows already on disk
    rows = read_metrics_csv(tmp_path / "metrics.csv")
    assert _strip_seconds(rows) == _strip_seconds(result.history)
    assert all(not name.endswith(".tmp") for name in os.listdir(tmp_path))


def test_crash_while_checkpointing_keeps_the_previous_one_and_resume_matches(tmp_path, monkeypatch):
    straight, _ = _fit(4, tmp_path / "straight")
    model = fresh_model()
    trainer = Trainer(model, _config(epochs=4, run_dir=tmp_path / "run"), mse)
    real_save = trainer.accelerator.save_state
    saves = []

    def crashing_save(output_dir, **kwargs):
        saves.append(output_dir)
        if len(saves) == 3:
            real_save(output_dir, **kwargs)
            raise KeyboardInterrupt  # killed after Accelerate wrote its files, before ours
        return real_save(output_dir, **kwargs)

    monkeypatch.setattr(trainer.accelerator, "save_state", crashing_save)
    with pytest.raises(KeyboardInterrupt):
        trainer.fit(
            make_loader(regression_data(), 8, shuffle=True), make_loader(regression_data(16, seed=2), 8)
        )
    root = tmp_path / "run" / CHECKPOINTS
    assert (root / LATEST).read_text().strip() == "epoch-0002"
    assert latest_checkpoint(tmp_path / "run").name == "epoch-0002"
    assert not (root / "epoch-0003").exists()
    resumed, result = _fit(4, tmp_path / "run", resume=True)
    assert result.epochs_run == 4
    assert_same_weights(weights(straight), weights(resumed))
    assert not any(p.name.endswith(".tmp") for p in root.iterdir())


def test_resume_without_checkpoint_starts_fresh(tmp_path):
    fresh, _ = _fit(2)
    resumed, result = _fit(2, tmp_path / "empty", resume=True)
    assert result.epochs_run == 2
    assert_same_weights(weights(fresh), weights(resumed))


def test_resume_into_another_model_is_a_one_line_error(tmp_path):
    _fit(1, tmp_path)
    trainer = Trainer(fresh_model(hidden=3), _config(epochs=2, run_dir=tmp_path, resume=True), mse)
    with pytest.raises(RnnkitError, match="does not fit this model") as info:
        trainer.fit(make_loader(regression_data(), 8))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mixed_precision": "fp8"}, "unknown mixed precision 'fp8'; choose one of: no, fp16, bf16"),
        ({"mode": "up"}, "unknown mode 'up'; choose one of: min, max"),
        ({"epochs": 0}, "epochs must be at least 1"),
        ({"lr": 0.0}, "learning rate must be positive"),
        ({"clip_norm": -1.0}, "clip_norm must be positive"),
        ({"patience": 0}, "patience must be at least 1"),
        ({"resume": True}, "resume needs a run folder"),
        ({"device": "tpu"}, "unknown device 'tpu'"),
        ({"device": "cudax"}, "unknown device 'cudax'; choose one of: auto, cpu, cuda, or cuda:k"),
        ({"lr_schedule": "step"}, "unknown lr schedule 'step'; choose one of: constant, plateau, cosine"),
        ({"lr_factor": 1.0}, "lr_factor must be in (0, 1), got 1.0"),
        ({"lr_patience": -1}, "lr_patience must be 0 or more, got -1"),
        ({"min_lr": 1.0}, "min_lr must be in [0, lr], got 1.0"),
    ],
)
def test_bad_settings_are_one_line_errors(kwargs, message):
    with pytest.raises(RnnkitError, match=re.escape(message)):
        Trainer(fresh_model(), _config(**kwargs), mse)


def test_unknown_monitor_lists_the_metrics():
    trainer = Trainer(fresh_model(), _config(epochs=1, monitor="bleu"), mse)
    with pytest.raises(RnnkitError, match="'bleu' is not among the metrics: train_loss, val_loss"):
        trainer.fit(make_loader(regression_data(), 8), make_loader(regression_data(8), 8))


def test_empty_training_data_is_an_error():
    trainer = Trainer(fresh_model(), _config(epochs=1), mse)
    with pytest.raises(RnnkitError, match="training data gave no batches"):
        trainer.fit([])


def test_plain_iterable_of_batches_and_train_loss_monitor():
    data = regression_data(16)
    batches = [(data.tensors[0][:8], data.tensors[1][:8]), (data.tensors[0][8:], data.tensors[1][8:])]
    model = fresh_model()
    result = Trainer(model, _config(epochs=3, patience=1), mse).fit(batches)
    assert result.best_metric == min(row["train_loss"] for row in result.history)
    assert "val_loss" not in result.history[0]


@pytest.mark.parametrize("precision", ["bf16", "fp16"])
def test_mixed_precision_trains(precision):
    model = fresh_model(dropout=0.0)
    cfg = _config(epochs=4, mixed_precision=precision, lr=3e-2)
    trainer = Trainer(model, cfg, mse)
    result = trainer.fit(make_loader(regression_data(), 8, shuffle=True))
    assert trainer.accelerator.mixed_precision == precision
    assert result.history[-1]["train_loss"] < result.history[0]["train_loss"]
    assert all(p.dtype == torch.float32 for p in model.parameters())  # master weights stay fp32


def test_progress_lines_go_to_stderr_only(capsys):
    trainer = Trainer(fresh_model(), _config(epochs=2, show_progress=True), mse)
    trainer.fit(make_loader(regression_data(16), 8), make_loader(regression_data(8), 8))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "epoch 1/2: train_loss" in captured.err and "epoch 2/2: train_loss" in captured.err


class _FlatBuffer(nn.Module):
    """Parameters that are views of one buffer, as cuDNN's flattened RNN weights are on a GPU."""

    def __init__(self) -> None:
        super().__init__()
        flat = torch.randn(2 * 5 + 5)
        self.weight = nn.Parameter(flat[:10].view(5, 2))  # shares flat's storage
        self.bias = nn.Parameter(flat[10:])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x[:, -1] @ self.weight.T + self.bias).sum(dim=1, keepdim=True)  # (N, 1)


def test_resume_keeps_parameters_that_share_storage(tmp_path):
    def run(epochs, resume):
        torch.manual_seed(0)
        model = _FlatBuffer()
        assert model.weight.untyped_storage().data_ptr() == model.bias.untyped_storage().data_ptr()
        trainer = Trainer(
            model, _config(epochs=epochs, run_dir=tmp_path / "r" if resume else None, resume=resume), mse
        )
        trainer.fit(make_loader(regression_data(), 8, shuffle=True))
        return weights(model)

    straight = run(4, resume=False)
    run(2, resume=True)
    assert_same_weights(straight, run(4, resume=True))


class _EpochBatches:
    """A custom batch iterable with ``set_epoch``, recording which epochs it was asked for."""

    def __init__(self) -> None:
        data = regression_data(16)
        self.batches = [(data.tensors[0][i : i + 8], data.tensors[1][i : i + 8]) for i in (0, 8)]
        self.epochs: list[int] = []

    def set_epoch(self, epoch: int) -> None:
        self.epochs.append(epoch)

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self):
        return iter(self.batches)


def test_custom_iterables_get_set_epoch_and_evaluate_gets_a_sized_reiterable(tmp_path):
    lengths = []

    def evaluate(model, loader):
        lengths.append((len(loader), sum(1 for _ in loader), sum(1 for _ in loader)))
        return {"val_loss": 1.0}

    first = _EpochBatches()
    Trainer(fresh_model(), _config(epochs=2, run_dir=tmp_path), mse, evaluate=evaluate).fit(first, first)
    assert first.epochs == [0, 1]
    assert lengths == [(2, 2, 2), (2, 2, 2)]
    again = _EpochBatches()
    Trainer(fresh_model(), _config(epochs=4, run_dir=tmp_path, resume=True), mse, evaluate=evaluate).fit(
        again, again
    )
    assert again.epochs == [2, 3]  # a resumed run asks for the epochs it has not done yet


def test_a_fresh_run_clears_an_older_runs_checkpoints(tmp_path):
    _fit(3, tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    trainer = Trainer(fresh_model(), _config(epochs=1, run_dir=tmp_path), mse)

    def crash(model, batch):
        raise KeyboardInterrupt  # the new run dies before its first checkpoint

    trainer.loss_fn = crash
    with pytest.raises(KeyboardInterrupt):
        trainer.fit(make_loader(regression_data(), 8))
    assert latest_checkpoint(tmp_path) is None  # a later --resume cannot pick up the old run
    assert not (tmp_path / "metrics.csv").exists()
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_failed_join_of_the_launch_is_one_line_about_the_other_processes(monkeypatch):
    """Joining the process group fails when another process (often on another node) stopped first."""
    import accelerate
    import torch.distributed as dist

    from rnnkit.train.engine import _make_accelerator

    def refused(*args, **kwargs):
        raise dist.DistNetworkError("Failed to recv, got 0 bytes. Connection was likely closed.\nmore")

    monkeypatch.setattr(accelerate, "Accelerator", refused)
    with pytest.raises(RnnkitError) as info:
        _make_accelerator(True, "no", 0)
    message = str(info.value)
    assert message.startswith("cannot join the other processes of the launch (Failed to recv"), message
    assert "mixed precision" not in message and "\n" not in message

    def bad_setting(*args, **kwargs):
        raise ValueError("fp16 mixed precision requires a GPU")

    monkeypatch.setattr(accelerate, "Accelerator", bad_setting)
    with pytest.raises(RnnkitError, match="cannot set up training with mixed precision 'fp16'"):
        _make_accelerator(True, "fp16", 0)


@pytest.mark.parametrize("device", ["cpu", "cpu:0"])
def test_a_cpu_device_by_either_name_trains_on_the_cpu(device, monkeypatch):
    # 'cpu:0' passed the shared device parser but was compared with 'cpu' alone: Accelerator(cpu=False),
    # so on a GPU machine a run asked for on the CPU went to the GPU
    from rnnkit.train import engine

    asked = []
    real = engine._make_accelerator
    monkeypatch.setattr(
        engine, "_make_accelerator", lambda cpu, *a, **k: (asked.append(cpu), real(cpu, *a, **k))[1]
    )
    Trainer(fresh_model(), _config(device=device), mse)
    assert asked == [True]
