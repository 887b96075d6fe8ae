"""Run under ``torchrun --nproc_per_node 2``: DDP training on CPU (gloo) with the rnnkit Trainer.

In one process group it trains (a) 4 epochs straight and (b) 2 epochs, then a fresh trainer resumes
(b) to 4. Each rank writes its final weights and histories into ``OUT/rank{r}.*`` for the test to
compare. Not collected by pytest (no ``test_`` prefix); ``test_train_ddp.py`` launches it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
from helpers_train import fresh_model, mse, regression_data
from safetensors.torch import save_file

from rnnkit.train import TrainConfig, Trainer, make_loader

SEEN: list[int] = []  # items per training batch in this process


def counting_mse(model, batch):
    if model.training:
        SEEN.append(len(batch[0]))
    return mse(model, batch)


def train(run_dir: Path, epochs: int, resume: bool) -> tuple[Trainer, list[dict[str, float]]]:
    model = fresh_model(0)
    cfg = TrainConfig(epochs=epochs, lr=2e-2, patience=None, device="cpu", run_dir=run_dir, resume=resume)
    SEEN.clear()
    trainer = Trainer(model, cfg, counting_mse)
    train_loader = make_loader(regression_data(64), batch_size=8, shuffle=True, seed=0)
    result = trainer.fit(train_loader, make_loader(regression_data(16, seed=2), batch_size=8))
    return trainer, result.history


def main() -> None:
    out = Path(sys.argv[1])
    straight, history = train(out / "straight", 4, resume=False)
    seen = list(SEEN)
    train(out / "resumed", 2, resume=False)
    resumed, resumed_history = train(out / "resumed", 4, resume=True)
    acc = straight.accelerator
    rank = acc.process_index
    for name, trainer in (("straight", straight), ("resumed", resumed)):
        state = {k: v.detach().contiguous() for k, v in trainer._unwrapped().state_dict().items()}
        save_file(state, str(out / f"rank{rank}.{name}.safetensors"))
    info = {
        "num_processes": acc.num_processes,
        "distributed_type": str(acc.distributed_type),
        "backend": torch.distributed.get_backend() if torch.distributed.is_initialized() else None,
        "history": history,
        "resumed_history": resumed_history,
        "batches_per_epoch": len(seen) // 4,
        "items_per_batch": max(seen),
    }
    (out / f"rank{rank}.json").write_text(json.dumps(info))
    acc.end_training()


if __name__ == "__main__":
    main()
