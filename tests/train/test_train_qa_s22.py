"""Session-22 QA of the training engine: a DDP process that dies (the survivors say so in one line,
and none hangs), and settings of the wrong kind (one line, not a wrong run or a TypeError).

Run as a script (``python test_train_qa_s22.py OUT``) this file is one process of a 2-process launch started
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

    TrainConfig(epochs=np.int64(3), seed=np.int32(1), patience=None, device="cpu").validate()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(
    not (torch.distributed.is_available() and torch.distributed.is_gloo_available()),
    reason="needs torch.distributed with gloo",
)
def test_when_one_process_is_killed_the_other_stops_in_one_line(tmp_path):
    port = _free_port()
    base = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE)]),
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(port),
        "WORLD_SIZE": "2",
    }
    base.pop("CUDA_VISIBLE_DEVICES", None)
    procs = []
    for rank in (0, 1):
        env = {**base, "RANK": str(rank), "LOCAL_RANK": str(rank)}
        cmd = [sys.executable, str(Path(__file__)), str(tmp_path)]
        procs.append(
            subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        )
    try:
        outs = [proc.communicate(timeout=90) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert procs[1].returncode == -signal.SIGKILL, outs[1][1][-2000:]
    status, err = procs[0].returncode, outs[0][1]
    assert status == 2, err[-3000:]  # no hang, and the exit status of an rnnkit error
    assert "Traceback" not in err, err[-3000:]
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[-1].startswith("rnnkit: error: lost contact with the other processes of the launch ("), err
    assert lines[-1].endswith("another process probably failed first: see its error"), err


# -- the launched process --------------------------------------------------------------------------


def _launched_process(out: Path) -> int:
    """Train 3 epochs on 2 processes; process 1 dies in epoch 2. Prints what the command line would."""
    from helpers_train import fresh_model, mse, regression_data

    from rnnkit.train import TrainConfig, Trainer, make_loader
    from rnnkit.utils.errors import RnnkitError

    steps = [0]  # training steps taken; 64 items in batches of 8: 8 per epoch

    def loss(model, batch):
        steps[0] += model.training
        if os.environ["RANK"] == "1" and steps[0] == 9:  # the first step of epoch 2
            os.kill(os.getpid(), signal.SIGKILL)
        return mse(model, batch)

    config = TrainConfig(epochs=3, lr=1e-2, patience=None, device="cpu", run_dir=out, show_progress=False)
    train = make_loader(regression_data(64), batch_size=8, shuffle=True, seed=0)
    try:
        Trainer(fresh_model(0), config, loss).fit(
            train, make_loader(regression_data(16, seed=2), batch_size=8)
        )
    except RnnkitError as exc:
        print(f"rnnkit: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(_launched_process(Path(sys.argv[1])))
