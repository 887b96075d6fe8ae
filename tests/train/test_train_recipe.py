"""The steps every recipe shares (rnnkit.train.recipe): start_run seeds and begins the run folder,
fit_model trains on the engine, resumes from the run folder and unwraps."""

from __future__ import annotations

import json

import pytest
import torch
from helpers_train import TinyRegressor, fresh_model, mse, regression_data, weights
from torch.utils.data import DataLoader

from rnnkit.train import TrainConfig
from rnnkit.train.recipe import fit_model, start_run
from rnnkit.utils.errors import RnnkitError
from rnnkit.utils.runs import RunFolder


def _loader(seed: int = 1) -> DataLoader:
    return DataLoader(regression_data(seed=seed), batch_size=16)


def _config(**kw) -> TrainConfig:
    return TrainConfig(**{"epochs": 2, "lr": 1e-2, "device": "cpu", "show_progress": False, **kw})


def test_fit_model_returns_the_plain_trained_module_and_the_result():
    model = fresh_model()
    before = weights(model)
    fitted = fit_model(model, _config(), mse, _loader(), _loader(2))
    assert isinstance(fitted.model, TinyRegressor) and fitted.stopped is None
    assert fitted.result.epochs_run == 2 and len(fitted.result.history) == 2
    assert fitted.device == torch.device("cpu") and 0 < fitted.seconds < 600
    assert any(not torch.equal(before[k], v) for k, v in fitted.model.state_dict().items())


def test_fit_model_keeps_metrics_in_the_run_folder_and_resumes_to_the_same_weights(tmp_path):
    straight = fit_model(fresh_model(), _config(epochs=3), mse, _loader(), _loader(2)).model
    run = RunFolder(tmp_path / "run")
    fit_model(fresh_model(), _config(epochs=2), mse, _loader(), _loader(2), run=run)
    assert (run.path / "metrics.csv").is_file() and (run.path / "checkpoints").is_dir()
    resumed = fit_model(
        fresh_model(), _config(epochs=3), mse, _loader(), _loader(2), run=RunFolder(run.path, True)
    )
    for name, value in straight.state_dict().items():
        torch.testing.assert_close(resumed.model.state_dict()[name], value, rtol=0, atol=0)


def test_a_diverging_run_is_reported_only_when_allowed():
    x = torch.full((16, 5, 2), float("nan"))
    nan_data = DataLoader(torch.utils.data.TensorDataset(x, torch.zeros(16, 1)), batch_size=8)
    with pytest.raises(RnnkitError, match="training stopped"):
        fit_model(fresh_model(), _config(), mse, nan_data)
    fitted = fit_model(fresh_model(), _config(), mse, nan_data, allow_divergence=True)
    assert fitted.result is None and fitted.stopped.startswith("training stopped")
    assert isinstance(fitted.model, TinyRegressor)


def test_start_run_seeds_and_begins_or_checks_the_run(tmp_path):
    assert start_run(None, {}, seed=5) is None
    a = torch.rand(3)
    start_run(None, {}, seed=5)
    assert torch.equal(a, torch.rand(3))
    run = RunFolder(tmp_path / "run")
    assert start_run(run, {"--hidden-size": 4}, seed=0, state={"max_len": 7}) == {"max_len": 7}
    saved = json.loads((run.path / "run.json").read_text())
    assert saved["settings"] == {"--hidden-size": 4} and saved["state"] == {"max_len": 7}
    with pytest.raises(RnnkitError, match="nothing to resume"):  # a resumed run is checked first
        start_run(RunFolder(run.path, resume=True), {"--hidden-size": 4}, seed=0)
