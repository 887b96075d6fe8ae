"""Run as one of two processes of a launch that sets no ``OMP_NUM_THREADS`` (as ``srun``, ``mpirun`` or
``torchrun --nnodes 2 --nproc_per_node 1`` leave it): trains under the thread policy's choice and writes
``OUT/rank{r}.json`` with the torch thread counts seen while the trainer was built and while it trained.
Not collected by pytest (no ``test_`` prefix); ``test_train_threads_launch.py`` launches it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import psutil
import torch
from helpers_train import fresh_model, mse, regression_data

from rnnkit.train import TrainConfig, Trainer, make_loader
from rnnkit.utils.threads import cpu_threads


def main() -> None:
    out = Path(sys.argv[1])
    # any count but the one Accelerate would pick (the physical cores, one process per node here)
    chosen = 1 if psutil.cpu_count(logical=False) != 1 else 2
    seen: list[int] = []

    def loss(model, batch):
        seen.append(torch.get_num_threads())
        return mse(model, batch)

    with cpu_threads(chosen):
        config = TrainConfig(epochs=1, patience=None, device="cpu", show_progress=False)
        trainer = Trainer(fresh_model(0), config, loss)
        built = torch.get_num_threads()
        trainer.fit(make_loader(regression_data(16), batch_size=8))
    info = {
        "chosen": chosen,
        "built": built,
        "training": sorted(set(seen)),
        "processes": trainer.accelerator.num_processes,
    }
    (out / f"rank{trainer.accelerator.process_index}.json").write_text(json.dumps(info))
    trainer.accelerator.end_training()


if __name__ == "__main__":
    main()
