"""Multi-process training: 2 CPU processes (gloo) under torchrun agree on weights and metrics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers_train import assert_same_weights
from safetensors.torch import load_file

HERE = Path(__file__).parent
SRC = HERE.parent.parent / "src"  # this checkout's rnnkit, not an installed one


def test_two_process_ddp_on_cpu(tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE)])}
    env.pop("CUDA_VISIBLE_DEVICES", None)
    cmd = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
        str(HERE / "ddp_train_script.py"), str(tmp_path),
    ]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    infos = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    for info in infos:
        assert info["num_processes"] == 2
        assert info["distributed_type"] == "DistributedType.MULTI_CPU"
        assert info["backend"] == "gloo"
        # 64 items / batch 8 = 8 batches, each split into two shards of 4 items, one per process.
        assert info["batches_per_epoch"] == 8 and info["items_per_batch"] == 4
    # Metrics are reduced across processes: both ranks log the same numbers, and the loss fell.
    strip = [[{k: v for k, v in row.items() if k != "seconds"} for row in i["history"]] for i in infos]
    assert strip[0] == strip[1]
    assert strip[0][-1]["train_loss"] < strip[0][0]["train_loss"]
    assert strip[0][-1]["val_loss"] < strip[0][0]["val_loss"]
    # DDP keeps the replicas identical, and a resumed run repeats the straight one bit for bit.
    straight = [load_file(str(tmp_path / f"rank{r}.straight.safetensors")) for r in (0, 1)]
    resumed = [load_file(str(tmp_path / f"rank{r}.resumed.safetensors")) for r in (0, 1)]
    assert_same_weights(straight[0], straight[1])
    assert_same_weights(resumed[0], resumed[1])
    assert_same_weights(straight[0], resumed[0])
    resumed_strip = [{k: v for k, v in row.items() if k != "seconds"} for row in infos[0]["resumed_history"]]
    assert resumed_strip == strip[0]
    # Only the main process shows progress and writes the log; each wrote its own random state.
    assert done.stderr.count("epoch 1/4: train_loss") == 1
    assert done.stderr.count("resuming from") == 1
    checkpoint = tmp_path / "straight" / "checkpoints" / "epoch-0004"
    assert (checkpoint / "random_states_0.pkl").is_file() and (checkpoint / "random_states_1.pkl").is_file()
    lines = (tmp_path / "straight" / "metrics.csv").read_text().strip().splitlines()
    assert len(lines) == 5
