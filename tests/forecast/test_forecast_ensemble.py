"""``--ensemble N`` (networks whose quantile forecasts are averaged), ``--input-noise`` (jitter) and
``--aux-steps`` on the command line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch
from helpers_forecast import price_frame, write_csv
from torch.testing import assert_close

from rnnkit.cli import main
from rnnkit.forecast import Forecaster
from rnnkit.forecast.data import Series
from rnnkit.forecast.fit import MEMBER_SEED_STEP, train_forecaster
from rnnkit.forecast.forecaster import Hyper, TrainedModel
from rnnkit.forecast.model import EnsembleNet, ForecastNet
from rnnkit.forecast.prepare import prepare

TINY = dict(epochs=3, hidden_size=4)


def _prep():
    rng = np.random.default_rng(1)
    t = np.arange(200)
    values = (20 + 3 * np.sin(t / 4.0) + 0.3 * rng.standard_normal(200))[:, None]
    series = Series("wave", pd.date_range("2020-01-01", periods=200, freq="D"), values, ["y"])
    return prepare(series, 6, 1, "prices")


def _net_out(model: torch.nn.Module, x: np.ndarray) -> torch.Tensor:
    with torch.no_grad():
        return model.eval()(torch.from_numpy(x))


def test_ensemble_net_averages_its_members_quantiles():
    torch.manual_seed(0)
    members = [ForecastNet(2, 5, horizon=2, quantiles=(0.1, 0.5, 0.9)) for _ in range(3)]
    ens = EnsembleNet(members).eval()
    x = torch.randn(4, 6, 2)
    want = torch.stack([m.eval()(x) for m in members]).mean(dim=0)
    assert_close(ens(x), want)
    assert ens(x).shape == (4, 2, 3) and ens.point_index() == 1
    assert (ens(x).diff(dim=-1) >= 0).all()  # averaged sorted quantiles stay sorted


def test_an_ensemble_of_two_is_the_average_of_the_two_single_models_of_its_seeds():
    prep = _prep()
    kw = dict(device="cpu", show_progress=False)
    ens, result = train_forecaster(prep, Hyper(ensemble=2, **TINY), seed=3, **kw)
    one, _ = train_forecaster(prep, Hyper(**TINY), seed=3, **kw)
    two, _ = train_forecaster(prep, Hyper(**TINY), seed=3 + MEMBER_SEED_STEP, **kw)
    assert isinstance(ens.model, EnsembleNet) and len(ens.model.members) == 2
    x = prep.x[prep.val]
    out_one, out_two = _net_out(one.model, x), _net_out(two.model, x)
    assert not torch.allclose(out_one, out_two)  # two different models ...
    assert_close(_net_out(ens.model, x), (out_one + out_two) / 2)  # ... averaged
    assert result.epochs_run == 6 and {row["member"] for row in result.history} == {0, 1}
    assert [m["seed"] for m in ens.info["ensemble"]] == [3, 3 + MEMBER_SEED_STEP]


def test_a_saved_ensemble_loads_and_predicts_the_same(tmp_path):
    prep = _prep()
    ens, _ = train_forecaster(prep, Hyper(ensemble=3, **TINY), device="cpu", show_progress=False)
    ens.save(tmp_path / "model")
    config = json.loads((tmp_path / "model" / "config.json").read_text())
    assert config["ensemble"] == 3
    loaded = TrainedModel.load(tmp_path / "model")
    x = prep.x[prep.test]
    assert isinstance(loaded.model, EnsembleNet) and len(loaded.model.members) == 3
    np.testing.assert_array_equal(loaded.predict_z(x), ens.predict_z(x))


def test_input_noise_changes_training_and_repeats_by_seed():
    prep = _prep()
    kw = dict(device="cpu", show_progress=False, seed=0)
    plain, _ = train_forecaster(prep, Hyper(**TINY), **kw)
    zero, _ = train_forecaster(prep, Hyper(input_noise=0.0, **TINY), **kw)
    noisy, _ = train_forecaster(prep, Hyper(input_noise=0.5, **TINY), **kw)
    again, _ = train_forecaster(prep, Hyper(input_noise=0.5, **TINY), **kw)
    x = prep.x[prep.val]
    assert torch.equal(_net_out(plain.model, x), _net_out(zero.model, x))  # 0: the default, exactly
    assert not torch.allclose(_net_out(plain.model, x), _net_out(noisy.model, x))
    assert torch.equal(_net_out(noisy.model, x), _net_out(again.model, x))


def test_the_api_takes_ensemble_and_round_trips_a_model_folder(tmp_path):
    frame = price_frame(160)
    fc = Forecaster(window=4, ensemble=2, device="cpu", **TINY).fit(frame)
    fc.save_pretrained(tmp_path / "m")
    back = Forecaster.from_pretrained(tmp_path / "m")
    assert back.hyper.ensemble == 2
    pd.testing.assert_frame_equal(back.predict(frame), fc.predict(frame))


def test_cli_ensemble_is_saved_and_a_model_folder_retrains_it(tmp_path, capsys):
    data = write_csv(tmp_path / "p.csv", price_frame(160))
    tiny = ["--epochs", "2", "--hidden-size", "4", "--quiet", "--device", "cpu"]
    out = tmp_path / "run"
    args = ["forecast", "train", "--data", str(data), "--out", str(out), "--ensemble", "2"]
    assert main([*args, "--input-noise", "0.1", "--aux-steps", "2", *tiny]) == 0
    config = json.loads((out / "model" / "config.json").read_text())
    assert config["ensemble"] == 2 and config["horizon"] == 1  # the aux steps' head was cut back
    settings = config["info"]["settings"]
    assert (settings["ensemble"], settings["input_noise"], settings["aux_steps"]) == (2, 0.1, 2)
    assert (out / "members" / "1" / "metrics.csv").is_file()  # the second member's own log
    assert "An ensemble of 2 LSTM forecasters" in (out / "model" / "README.md").read_text()
    assert (
        "an ensemble of 2 networks, forecasts averaged; epochs (best) of each: 2 (" in capsys.readouterr().out
    )
    again = tmp_path / "again"
    cfg = str(out / "model" / "config.json")
    assert main(["forecast", "train", "--config", cfg, "--out", str(again), "--no-progress"]) == 0
    second = json.loads((again / "model" / "config.json").read_text())
    assert second["ensemble"] == 2 and second["info"]["settings"] == config["info"]["settings"]


@pytest.mark.parametrize(
    ("flag", "value", "match"),
    [
        ("--ensemble", "0", "'--ensemble': must be >= 1"),  # the option's range (rnnkit.utils.limits)
        ("--ensemble", "65", "'--ensemble': must be <= 64"),
        ("--input-noise", "-1", "'--input-noise': must be >= 0"),
        ("--aux-steps", "-1", "'--aux-steps': must be >= 0"),
    ],
)
def test_cli_rejects_a_bad_ensemble_or_noise_in_one_line(tmp_path, capsys, flag, value, match):
    data = write_csv(tmp_path / "p.csv", price_frame(60))
    code = main(
        ["forecast", "train", "--data", str(data), "--out", str(tmp_path / "o"), flag, value, "--quiet"]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("rnnkit: error: ") and match in err[0]
    assert not (tmp_path / "o").exists()
