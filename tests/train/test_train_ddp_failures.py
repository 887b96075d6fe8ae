"""Session-22 QA of the training engine: a DDP process that dies (the survivors say so in one line,
and none hangs), batches too small to split among the processes, settings of the wrong kind (one line, not a wrong
run or a TypeError), and a checkpoint of another model or optimizer (the weight named; one line).

Run as a script (``python test_train_ddp_failures.py MODE OUT``) this file is one process of a 2-process launch started
by the test itself through the launcher's environment (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``,
``MASTER_PORT``), not through torchrun: torchrun sends the survivor SIGTERM as soon as the other
process dies, and whether that or the lost connection reaches it first is a race. Process 1 kills
itself (SIGKILL, as the out-of-memory killer would) in the first step of epoch 2.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

HERE = Path(__file__).parent
SRC = HERE.parent.parent / "src"  # this checkout's rnnkit, not an installed one

# The error gloo (torch 2.13) raises in the survivor's backward when its peer is gone: a plain
# RuntimeError, not a DistError, so its words are all there is to recognise it by.
GLOO_RESET = (
    "[/__w/pytorch/pytorch/third_party/gloo/gloo/transport/tcp/pair.cc:537] Read error "
    "[127.0.0.1]:9129: Connection reset by peer. This is typically caused by a remote worker hanging "
    "or bugs in the application. Check the logs of the remote worker before reporting an error. GLHF!"
)


def test_a_lost_peer_is_told_in_one_line():
    from rnnkit.train.engine import _peers_watched
    from rnnkit.utils.errors import RnnkitError

    with pytest.raises(RnnkitError) as caught, _peers_watched(2):
        raise RuntimeError(GLOO_RESET)
    message = str(caught.value)
    assert message == (
        "lost contact with the other processes of the launch (Read error [127.0.0.1]:9129: Connection "
        "reset by peer); another process probably failed first: see its error"
    )


def test_other_errors_and_one_process_runs_pass_unchanged():
    from rnnkit.train.engine import _peers_watched

    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes"), _peers_watched(2):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied (4x3 and 2x1)")
    with pytest.raises(RuntimeError, match="Connection reset by peer"), _peers_watched(1):
        raise RuntimeError(GLOO_RESET)


def test_a_peer_lost_while_the_model_is_wrapped_is_told_in_one_line(monkeypatch, tmp_path):
    """Wrapping the model in DDP (accelerate's prepare) is the launch's first collective: a peer that had
    already refused alone made process 0 print gloo's whole traceback there, outside fit's watch."""
    import accelerate
    from helpers_train import fresh_model, mse

    from rnnkit.train import TrainConfig, Trainer
    from rnnkit.utils.errors import RnnkitError

    def lost(self, *objects):
        raise RuntimeError(GLOO_RESET)

    monkeypatch.setattr(accelerate.Accelerator, "prepare", lost)
    monkeypatch.setattr(accelerate.Accelerator, "num_processes", property(lambda self: 2))
    config = TrainConfig(epochs=1, device="cpu", run_dir=tmp_path / "run", show_progress=False)
    with pytest.raises(
        RnnkitError, match=r"^lost contact with the other processes of the launch \(Read error"
    ):
        Trainer(fresh_model(0), config, mse)


def test_an_error_that_names_nccl_is_not_a_lost_peer():
    from rnnkit.train.engine import _peers_watched

    # this process's own misuse of a collective: NCCL's real failures are DistBackendErrors
    with pytest.raises(RuntimeError, match="ProcessGroupNCCL does not support gather"), _peers_watched(2):
        raise RuntimeError("ProcessGroupNCCL does not support gather")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 2.5}, "epochs must be a whole number, got 2.5"),  # trained 3 epochs, "epoch 3/2.5"
        ({"epochs": "3"}, "epochs must be a whole number, got '3'"),  # a TypeError inside the loop
        ({"patience": 2.5}, "patience must be a whole number, got 2.5"),
        ({"checkpoint_every": True}, "checkpoint_every must be a whole number, got True"),
        ({"weight_decay": -0.1}, "weight_decay must be 0 or more, got -0.1"),  # torch's ValueError
        ({"lr": float("inf")}, "learning rate must be positive, got inf"),
    ],
)
def test_settings_of_the_wrong_kind_are_one_line_errors(kwargs, message):
    from rnnkit.train.config import TrainConfig
    from rnnkit.utils.errors import RnnkitError

    with pytest.raises(RnnkitError) as caught:
        TrainConfig(device="cpu", **kwargs).validate()
    assert str(caught.value) == message


def test_numpy_counts_are_whole_numbers():
    import numpy as np

    from rnnkit.train.config import TrainConfig

    config = TrainConfig(epochs=np.int64(3), seed=np.int32(1), patience=None, device="cpu")
    config.validate()
    assert (config.epochs, config.seed) == (3, 1) and type(config.epochs) is type(config.seed) is int


def _two_epochs_in(run_dir: Path) -> None:
    from helpers_train import fresh_model, mse, regression_data

    from rnnkit.train import TrainConfig, Trainer, make_loader

    config = TrainConfig(epochs=2, device="cpu", run_dir=run_dir, show_progress=False)
    Trainer(fresh_model(0), config, mse).fit(make_loader(regression_data(16), batch_size=8))


def test_a_checkpoint_of_another_shape_names_the_weight(tmp_path):
    from helpers_train import fresh_model, mse, regression_data

    from rnnkit.train import TrainConfig, Trainer, make_loader
    from rnnkit.utils.errors import RnnkitError

    _two_epochs_in(tmp_path)
    config = TrainConfig(epochs=3, device="cpu", run_dir=tmp_path, resume=True, show_progress=False)
    trainer = Trainer(fresh_model(0, hidden=7), config, mse)
    with pytest.raises(RnnkitError) as caught:
        trainer.fit(make_loader(regression_data(16), batch_size=8))
    # it ended at "Error(s) in loading state_dict for TinyRegressor:", the weight on the next line
    message = str(caught.value)
    assert "\n" not in message
    assert "Error(s) in loading state_dict for TinyRegressor: size mismatch for rnn.weight_ih_l0" in message


def test_a_checkpoint_of_another_optimizer_is_one_line(tmp_path):
    from helpers_train import fresh_model, mse, regression_data

    from rnnkit.train import TrainConfig, Trainer, make_loader
    from rnnkit.utils.errors import RnnkitError

    _two_epochs_in(tmp_path)  # AdamW
    model = fresh_model(0)
    config = TrainConfig(epochs=3, device="cpu", run_dir=tmp_path, resume=True, show_progress=False)
    trainer = Trainer(model, config, mse, optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    # it loaded, then stopped in the first step with KeyError: 'momentum'
    with pytest.raises(RnnkitError) as caught:
        trainer.fit(make_loader(regression_data(16), batch_size=8))
    assert str(caught.value) == (
        f"checkpoint {tmp_path}/checkpoints/epoch-0002 was written by another optimizer: its settings lack "
        "this one's dampening, momentum; resume with the optimizer that started the run, or start over "
        "with --force instead of --resume"
    )


def test_a_run_without_a_schedule_resumes_with_one(tmp_path):
    from helpers_train import fresh_model, mse, regression_data

    from rnnkit.train import TrainConfig, Trainer, make_loader

    _two_epochs_in(tmp_path)  # a constant learning rate: no scheduler, so no initial_lr in the groups
    config = TrainConfig(
        epochs=3, device="cpu", run_dir=tmp_path, resume=True, show_progress=False, lr_schedule="cosine"
    )
    # the cosine scheduler's initial_lr was taken for a setting of another optimizer
    result = Trainer(fresh_model(0), config, mse).fit(make_loader(regression_data(16), batch_size=8))
    assert result.epochs_run == 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


needs_gloo = pytest.mark.skipif(
    not (torch.distributed.is_available() and torch.distributed.is_gloo_available()),
    reason="needs torch.distributed with gloo",
)


def _launch(tmp_path: Path, mode: str) -> list[tuple[int, str]]:
    """Run this file as both processes of a launch in ``mode``; (exit status, stderr) of each."""
    base = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE)]),
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(_free_port()),
        "WORLD_SIZE": "2",
    }
    base.pop("CUDA_VISIBLE_DEVICES", None)
    procs = []
    for rank in (0, 1):
        env = {**base, "RANK": str(rank), "LOCAL_RANK": str(rank)}
        cmd = [sys.executable, str(Path(__file__)), mode, str(tmp_path)]
        procs.append(
            subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        )
    try:
        outs = [proc.communicate(timeout=90) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    return [(proc.returncode, err) for proc, (_, err) in zip(procs, outs, strict=True)]


@needs_gloo
def test_when_one_process_is_killed_the_other_stops_in_one_line(tmp_path):
    (status, err), (killed, killed_err) = _launch(tmp_path, "killed")
    assert killed == -signal.SIGKILL, killed_err[-2000:]
    assert status == 2, err[-3000:]  # no hang, and the exit status of an rnnkit error
    assert "Traceback" not in err, err[-3000:]
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[-1].startswith("rnnkit: error: lost contact with the other processes of the launch ("), err
    assert lines[-1].endswith("another process probably failed first: see its error"), err


def test_a_batch_smaller_than_the_processes_is_not_said_to_count():
    from rnnkit.train.shard import uneven_warning

    # it is skipped, not split into shards of 0 and 1 items
    assert uneven_warning(torch.zeros(1, 3), 2) == (
        "2 processes cannot split a batch of 1 items (each needs at least one), so such batches are "
        "skipped; choose a batch size that is a multiple of 2"
    )
    assert "shards of 2 and 3 items" in uneven_warning(torch.zeros(5, 3), 2)


@needs_gloo
def test_batches_too_small_for_the_processes_are_named_not_called_empty(tmp_path):
    # --batch-size 1 on 2 processes: every batch is skipped; it used to say "gave no batches"
    for status, err in _launch(tmp_path, "batch-of-1"):
        assert status == 2, err[-3000:]
        assert "Traceback" not in err, err[-3000:]
        assert err.strip().splitlines()[-1] == (
            "rnnkit: error: the training data gave no batch of at least 2 items, one for each of the 2 "
            "processes (a batch is split among them, and a smaller one is skipped); use a batch size "
            "that is a multiple of 2"
        )


# -- the launched process --------------------------------------------------------------------------


def _launched_process(mode: str, out: Path) -> int:
    """One process of a 2-process launch; prints an error as the command line would.

    ``killed``: 3 epochs, and process 1 dies in the first step of epoch 2. ``batch-of-1``: batches
    of one item, which 2 processes cannot split.
    """
    from helpers_train import fresh_model, mse, regression_data

    from rnnkit.train import TrainConfig, Trainer, make_loader
    from rnnkit.utils.errors import RnnkitError

    steps = [0]  # training steps taken; 64 items in batches of 8: 8 per epoch

    def loss(model, batch):
        steps[0] += model.training
        if mode == "killed" and os.environ["RANK"] == "1" and steps[0] == 9:  # epoch 2's first step
            os.kill(os.getpid(), signal.SIGKILL)
        return mse(model, batch)

    config = TrainConfig(epochs=3, lr=1e-2, patience=None, device="cpu", run_dir=out, show_progress=False)
    batch_size = 1 if mode == "batch-of-1" else 8
    train = make_loader(regression_data(64), batch_size=batch_size, shuffle=True, seed=0)
    try:
        Trainer(fresh_model(0), config, loss).fit(
            train, make_loader(regression_data(16, seed=2), batch_size=8)
        )
    except RnnkitError as exc:
        print(f"rnnkit: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(_launched_process(sys.argv[1], Path(sys.argv[2])))
