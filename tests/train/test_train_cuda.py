"""The engine on a GPU: device placement, fp32/bf16/fp16 (with gradient scaling), resume. Skipped on CPU."""

from __future__ import annotations

import pytest
import torch
from helpers_train import fresh_model, mse, regression_data, weights

from rnnkit.train import TrainConfig, Trainer, make_loader

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def _cfg(**kwargs) -> TrainConfig:
    base = {"epochs": 6, "lr": 2e-2, "patience": None, "device": "cuda", "show_progress": False}
    return TrainConfig(**{**base, **kwargs})


@pytest.mark.parametrize("precision", ["no", "bf16", "fp16"])
def test_trains_on_gpu_in_every_precision(precision):
    model = fresh_model(dropout=0.0)
    seen_devices = set()

    def loss_fn(m, batch):
        seen_devices.add(batch[0].device.type)
        return mse(m, batch)

    trainer = Trainer(model, _cfg(mixed_precision=precision), loss_fn)
    result = trainer.fit(make_loader(regression_data(), 8, shuffle=True), make_loader(regression_data(16), 8))
    assert seen_devices == {"cuda"}
    assert trainer.device.type == "cuda"
    assert (trainer.accelerator.scaler is not None) == (precision == "fp16")
    assert result.history[-1]["train_loss"] < result.history[0]["train_loss"]
    assert all(p.device.type == "cuda" and p.dtype == torch.float32 for p in model.parameters())


def test_gpu_resume_matches_straight_run(tmp_path):
    def run(epochs, resume):
        model = fresh_model()
        trainer = Trainer(model, _cfg(epochs=epochs, run_dir=tmp_path / str(resume), resume=resume), mse)
        trainer.fit(make_loader(regression_data(), 8, shuffle=True), make_loader(regression_data(16), 8))
        return weights(model)

    straight = run(4, resume=False)
    run(2, resume=True)  # nothing to resume yet: a fresh start that writes a checkpoint
    resumed = run(4, resume=True)
    # cuDNN's GRU is deterministic for a fixed algorithm; a tolerance covers algorithm choice only.
    for name in straight:
        torch.testing.assert_close(resumed[name], straight[name], rtol=1e-5, atol=1e-6)
