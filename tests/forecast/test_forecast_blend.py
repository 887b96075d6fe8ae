"""``--linear-blend``: the point forecast shrunk toward the linear AR's by weights chosen on validation."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch.testing import assert_close

from rnnkit.cli import main
from rnnkit.forecast.baselines import LinearAR
from rnnkit.forecast.blend import GRID, MIN_GAIN, MIN_VALIDATION, choose_blend, step_weights
from rnnkit.forecast.data import Series
from rnnkit.forecast.fit import train_forecaster
from rnnkit.forecast.forecaster import Hyper, TrainedModel
from rnnkit.forecast.model import ForecastNet, LinearBlend
from rnnkit.forecast.prepare import prepare

TINY = dict(epochs=1, hidden_size=4)


def _wave(n: int = 500) -> Series:
    """A noisy sine: a linear recurrence (``y_t = 2 cos(w) y_{t-1} - y_{t-2}``), which the least-squares
    AR fits at once and a network trained one epoch does not."""
    rng = np.random.default_rng(1)
    t = np.arange(n)
    values = (20 + 3 * np.sin(t / 4.0) + 0.3 * rng.standard_normal(n))[:, None]
    return Series("wave", pd.date_range("2020-01-01", periods=n, freq="D"), values, ["y"])


def _wave_csv(path: Path, n: int = 500, ids: tuple[str, ...] = ()) -> Path:
    series = _wave(n)
    frame = pd.DataFrame({"date": series.dates.strftime("%Y-%m-%d"), "y": series.values[:, 0]})
    if ids:  # long format: the same wave under each id, shifted so that the series differ
        frame = pd.concat([frame.assign(id=name, y=frame["y"] + k) for k, name in enumerate(ids)])
    frame.to_csv(path, index=False)
    return path


def test_step_weights_pick_the_better_forecast_and_ties_go_to_the_network():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(200, 2))
    noise = rng.normal(size=(200, 2))
    # step 0: the AR is exact; step 1: the network is exact
    median = np.stack([z[:, 0] + noise[:, 0], z[:, 1]], axis=1)
    ar = np.stack([z[:, 0], z[:, 1] + noise[:, 1]], axis=1)
    assert list(step_weights(median, ar, z)) == [0.0, 1.0]
    assert list(step_weights(z, z, z)) == [1.0, 1.0]  # equal: the network is kept


def test_step_weights_find_the_best_mix_of_two_independent_errors():
    # two unbiased forecasts with independent errors of equal spread: the best mix is about half
    rng = np.random.default_rng(2)
    z = rng.normal(size=(20_000, 1))
    median, ar = z + rng.normal(size=z.shape), z + rng.normal(size=z.shape)
    w = float(step_weights(median, ar, z)[0])
    assert 0.4 <= w <= 0.6 and w in GRID


def test_a_blend_that_gains_too_little_keeps_the_network_alone():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(100, 1))
    median = z + 0.1 * rng.normal(size=z.shape)
    ar = z + 10.0 * rng.normal(size=z.shape)  # far worse: any weight on it gains less than MIN_GAIN
    choice = choose_blend(median, ar, z)
    assert not choice.blended and list(choice.weight) == [1.0]
    assert "the network alone" in choice.reason and f"{100 * MIN_GAIN:.0f}%" in choice.reason


def test_too_few_validation_samples_choose_no_blend():
    z = np.zeros((MIN_VALIDATION - 1, 1))
    choice = choose_blend(z + 1.0, z, z)
    assert not choice.blended and "too few" in choice.reason


def test_a_network_that_found_nothing_gives_the_ar_and_says_so():
    rng = np.random.default_rng(4)
    z = rng.normal(size=(300, 1))
    choice = choose_blend(z + rng.normal(size=z.shape), z.copy(), z)
    assert list(choice.weight) == [0.0]
    assert choice.reason.startswith("the linear AR's forecast") and "% above the AR" in choice.reason


def test_linear_blend_moves_every_quantile_with_the_median():
    torch.manual_seed(0)
    net = ForecastNet(2, 5, horizon=2, quantiles=(0.1, 0.5, 0.9)).eval()
    blend = LinearBlend(net, features=6 * 2, horizon=2).eval()
    blend.coef.copy_(torch.randn(13, 2))
    blend.weight.copy_(torch.tensor([0.25, 1.0]))
    x = torch.randn(8, 6, 2)
    q = net(x)
    ar = x.reshape(8, -1) @ blend.coef[:-1] + blend.coef[-1]  # (8, 2)
    got = blend(x)
    w = torch.tensor([0.25, 1.0])
    assert_close(got[..., 1], w * q[..., 1] + (1 - w) * ar, atol=1e-5, rtol=0)  # the point forecast
    assert_close(got[..., 2] - got[..., 0], q[..., 2] - q[..., 0])  # the interval keeps its width
    assert_close(got[:, 1], q[:, 1])  # weight 1 on step 2: the network alone
    assert not torch.allclose(got[:, 0], q[:, 0])  # weight 0.25 on step 1: pointed at the AR


def test_training_blends_where_the_ar_is_better_and_the_folder_round_trips(tmp_path: Path):
    prep = prepare(_wave(), 6, 1, "prices")
    fc, _ = train_forecaster(prep, Hyper(**TINY), seed=0, device="cpu", show_progress=False)
    assert isinstance(fc.model, LinearBlend)
    info = fc.info["linear_blend"]
    assert info["blended"] and info["weight_on_network"][0] < 1.0
    assert info["val_mae_scaled"]["blend"] <= (1 - MIN_GAIN) * info["val_mae_scaled"]["network"]
    # the blended point forecast is the mix of the network's and the AR's on any window
    ar = LinearAR.fit(prep.x[prep.train], prep.z_scaled[prep.train])
    x = prep.x[prep.test]
    w = info["weight_on_network"][0]
    with torch.no_grad():
        median = fc.model.inner(torch.from_numpy(x))[..., 1].numpy()
        got = fc.model(torch.from_numpy(x))[..., 1].numpy()
    np.testing.assert_allclose(got, w * median + (1 - w) * ar.predict(x), atol=1e-4)
    # saved and loaded: the same forecasts, the weights in the weights file, config.json says so
    fc.save(tmp_path / "model")
    assert json.loads((tmp_path / "model" / "config.json").read_text())["linear_blend"] is True
    back = TrainedModel.load(tmp_path / "model")
    assert isinstance(back.model, LinearBlend)
    np.testing.assert_allclose(back.predict_z(x), fc.predict_z(x), rtol=0, atol=1e-6)


def test_no_linear_blend_keeps_the_network_alone():
    prep = prepare(_wave(), 6, 1, "prices")
    fc, _ = train_forecaster(
        prep, Hyper(linear_blend=False, **TINY), seed=0, device="cpu", show_progress=False
    )
    assert isinstance(fc.model, ForecastNet) and "linear_blend" not in fc.info
    assert fc.config()["linear_blend"] is False


def test_forecast_train_says_how_the_point_forecast_was_blended(tmp_path: Path, capsys):
    series = _wave()
    csv = tmp_path / "wave.csv"
    pd.DataFrame({"date": series.dates.strftime("%Y-%m-%d"), "y": series.values[:, 0]}).to_csv(
        csv, index=False
    )
    tiny = ["--epochs", "1", "--hidden-size", "4", "--window", "6", "--device", "cpu", "--quiet"]
    assert main(["forecast", "train", "--data", str(csv), "--out", str(tmp_path / "run"), *tiny]) == 0
    out = capsys.readouterr().out
    line = next(s for s in out.splitlines() if s.startswith("linear blend: "))
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert line == f"linear blend: {metrics['linear_blend']['reason']}"
    assert metrics["linear_blend"]["blended"]
    card = (tmp_path / "run" / "model" / "README.md").read_text()
    assert "Point forecast: " in card and "linear AR" in card
    # the folder predicts again, and --no-linear-blend trains the network alone
    assert main(["forecast", "predict", "--model", str(tmp_path / "run" / "model"), "--data", str(csv)]) == 0
    off = tmp_path / "off"
    assert main(["forecast", "train", "--data", str(csv), "--out", str(off), "--no-linear-blend", *tiny]) == 0
    assert "linear blend: " not in capsys.readouterr().out
    assert json.loads((off / "model" / "config.json").read_text())["linear_blend"] is False


def test_the_python_api_says_how_the_point_forecast_was_made(tmp_path: Path):
    from rnnkit.forecast import Forecaster

    series = _wave()
    frame = pd.DataFrame({"date": series.dates, "y": series.values[:, 0]})
    fc = Forecaster(window=6, hidden_size=4, epochs=1, device="cpu", show_progress=False)
    assert fc.blend_ is None  # not fitted
    fc.fit(frame)
    assert fc.blend_["blended"] and fc.blend_["reason"]
    fc.save_pretrained(tmp_path / "m")
    back = Forecaster.from_pretrained(tmp_path / "m")
    assert back.blend_ == fc.blend_ and back.hyper.linear_blend
    pd.testing.assert_frame_equal(back.predict(frame, horizon=1), fc.predict(frame, horizon=1))
    alone = Forecaster(
        window=6, hidden_size=4, epochs=1, device="cpu", show_progress=False, linear_blend=False
    )
    assert alone.fit(frame).blend_ is None


def test_the_reason_names_both_weights_or_each_steps():
    rng = np.random.default_rng(5)
    z = rng.normal(size=(2000, 1))
    half = choose_blend(z + rng.normal(size=z.shape), z + rng.normal(size=z.shape), z)
    w = half.weight[0]
    assert half.reason.startswith(
        f"{w:.2f} x the network + {1 - w:.2f} x the linear AR, chosen on validation"
    )
    z2 = rng.normal(size=(2000, 2))
    noise = rng.normal(size=(2000, 2))
    steps = choose_blend(z2 + noise * [1.0, 0.1], z2 + noise[:, ::-1] * [0.1, 1.0], z2)
    w0, w1 = steps.weight
    assert w0 < 0.5 < w1  # step 1: the AR is the better forecast; step 2: the network
    assert steps.reason.startswith(
        f"{w0:.2f}/{w1:.2f} x the network + {1 - w0:.2f}/{1 - w1:.2f} x the linear AR (steps 1/2), chosen on"
    )


def test_the_ar_alone_is_said_in_terms_of_mae_and_a_linear_function_of_the_window():
    # "the network alone was 600% above the AR" read as a forecast six times the AR's, and "a straight
    # line of the window" as a trend line: the AR is a linear function of the window's values
    rng = np.random.default_rng(4)
    z = rng.normal(size=(300, 1))
    reason = choose_blend(z + rng.normal(size=z.shape), z.copy(), z).reason
    assert "the network alone's MAE was " in reason and "% above the AR's" in reason
    assert "straight line" not in reason and "a linear function of the window's values" in reason


def test_the_python_api_refuses_a_switch_that_is_not_true_or_false():
    """``linear_blend="no"`` is a true string: it would blend without a word (``calibrate`` the same)."""
    import pytest

    from rnnkit.forecast import Forecaster
    from rnnkit.utils.errors import RnnkitError

    for name in ("linear_blend", "calibrate"):
        with pytest.raises(RnnkitError, match=f"^{name} must be True or False \\(got 'no'\\)$"):
            Forecaster(**{name: "no"})
    fc = Forecaster(window=6, hidden_size=4, epochs=1, device="cpu", show_progress=False)
    fc.hyper.linear_blend = "no"  # set after construction: checked again by fit and backtest
    frame = pd.DataFrame({"date": _wave().dates, "y": _wave().values[:, 0]})
    with pytest.raises(RnnkitError, match="^linear_blend must be True or False"):
        fc.fit(frame)
    with pytest.raises(RnnkitError, match="^linear_blend must be True or False"):
        fc.backtest(frame, folds=1)
    fc.hyper.linear_blend = np.bool_(False)  # numpy's booleans are booleans
    assert fc.fit(frame).blend_ is None and fc.hyper.linear_blend is False


def test_without_a_validation_part_the_blend_says_why_it_is_not_made():
    # --val 0: no validation part to choose weights on; the schedule line says so, and so must the blend's
    prep = prepare(_wave(), 6, 1, "prices", val=0.0)
    assert not prep.val.any()
    fc, _ = train_forecaster(prep, Hyper(**TINY), seed=0, device="cpu", show_progress=False)
    assert isinstance(fc.model, ForecastNet)
    info = fc.info["linear_blend"]
    assert not info["blended"] and info["weight_on_network"] == [1.0]
    assert info["reason"] == "the network alone: no validation part to choose a blend with the linear AR on"


def _blended(tmp_path: Path) -> tuple[TrainedModel, Path]:
    prep = prepare(_wave(), 6, 1, "prices")
    fc, _ = train_forecaster(prep, Hyper(**TINY), seed=0, device="cpu", show_progress=False)
    assert isinstance(fc.model, LinearBlend)
    return fc, fc.save(tmp_path / "model")


def test_a_config_that_disagrees_with_the_weights_about_the_blend_is_named_as_the_cause(tmp_path: Path):
    import pytest

    from rnnkit.utils.errors import RnnkitError

    _, folder = _blended(tmp_path)
    path = folder / "config.json"
    config = json.loads(path.read_text())
    for value, said in (
        (False, "says linear_blend false"),
        (None, "says linear_blend null"),
        ("DEL", "has no"),
    ):
        changed = {k: v for k, v in config.items() if k != "linear_blend"}
        if value != "DEL":
            changed["linear_blend"] = value
        path.write_text(json.dumps(changed))
        with pytest.raises(
            RnnkitError, match=f"config.json {said}.* holds a linear blend .*not of one model"
        ):
            TrainedModel.load(folder)
    # the other way round: a network alone's weights under linear_blend true
    prep = prepare(_wave(), 6, 1, "prices")
    alone, _ = train_forecaster(
        prep, Hyper(linear_blend=False, **TINY), seed=0, device="cpu", show_progress=False
    )
    folder = alone.save(tmp_path / "alone")
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "linear_blend": True}))
    with pytest.raises(
        RnnkitError, match="says linear_blend true but the weights file holds no linear blend"
    ):
        TrainedModel.load(folder)


def test_a_weights_file_with_blend_weights_outside_0_to_1_is_refused(tmp_path: Path):
    """A weight of 1.5 pushes the forecast past both the network's and the AR's: one line, not a forecast."""
    import pytest

    from rnnkit.utils.errors import RnnkitError

    fc, _ = _blended(tmp_path)
    for value in (1.5, -0.5):
        model = dataclasses.replace(fc, model=copy.deepcopy(fc.model))
        model.model.weight.fill_(value)
        folder = model.save(tmp_path / f"w{value}")
        with pytest.raises(
            RnnkitError, match=f"linear blend weights must lie between 0 and 1 \\(got \\[{value}\\]\\)"
        ):
            TrainedModel.load(folder)


def test_the_card_says_what_the_validation_part_chose(tmp_path: Path):
    from rnnkit.forecast.card import single_card
    from rnnkit.forecast.evaluate import evaluate

    prep = prepare(_wave(), 6, 1, "prices")
    blended, _ = train_forecaster(prep, Hyper(**TINY), seed=0, device="cpu", show_progress=False)
    card = single_card(blended, evaluate(prep, blended), "wave").data
    assert (
        "stops training, chooses the point forecast's blend with the linear AR and calibrates the interval"
        in card
    )
    plain, _ = train_forecaster(
        prep, Hyper(linear_blend=False, calibrate=False, **TINY), seed=0, device="cpu", show_progress=False
    )
    card = single_card(plain, evaluate(prep, plain), "wave").data
    assert " that stops training, then the test part" in card


def test_forecast_eval_says_how_the_model_it_scores_makes_its_point_forecast(tmp_path: Path, capsys):
    """A blended model's row in eval's table is the AR's, or near it: eval says why, in train's words."""
    fc, folder = _blended(tmp_path)
    out = tmp_path / "eval"
    assert (
        main(
            [
                "forecast",
                "eval",
                "--model",
                str(folder),
                "--data",
                str(_wave_csv(tmp_path / "wave.csv")),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    from rnnkit.forecast.blend import trained_on

    where = (
        f"chosen in training on the validation part of {trained_on(fc.info)}"  # eval's data may be another's
    )
    assert f"linear blend, {where}: {fc.info['linear_blend']['reason']}" in lines


def test_forecast_eval_says_a_blend_was_chosen_on_validation_only_when_it_was(tmp_path: Path, capsys):
    """A model trained with ``--val 0`` chose no blend: eval said it was "chosen in training on the
    validation part of wave.csv: the network alone: no validation part to choose a blend ... on"."""
    from rnnkit.forecast.blend import blend_line

    prep = prepare(_wave(), 6, 1, "prices", val=0.0)
    fc, _ = train_forecaster(prep, Hyper(**TINY), seed=0, device="cpu", show_progress=False)
    fc.info = {**fc.info, "source": str(tmp_path / "wave.csv")}
    folder = fc.save(tmp_path / "model")
    data = str(_wave_csv(tmp_path / "wave.csv"))
    assert (
        main(["forecast", "eval", "--model", str(folder), "--data", data, "--out", str(tmp_path / "e")]) == 0
    )
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("linear blend")]
    reason = "the network alone: no validation part to choose a blend with the linear AR on"
    assert lines == [f"linear blend (trained on wave.csv): {reason}"]
    # too few validation samples: no blend was chosen on them either
    z = np.zeros((MIN_VALIDATION - 1, 1))
    info = {"source": "walk.csv", "linear_blend": choose_blend(z + 1.0, z, z).to_dict()}
    said = blend_line(info, scored=True)
    assert said.startswith("linear blend (trained on walk.csv): the network alone: ") and "too few" in said
    assert blend_line(info) == f"linear blend: {info['linear_blend']['reason']}"  # train's line is as it was


def test_the_card_says_the_transform_was_chosen_on_validation_only_when_it_was():
    """``--predict prices`` given is no choice on validation (the card said it was, whatever the option)."""
    from rnnkit.forecast.card import _summary

    prep = prepare(_wave(), 6, 1, "prices")
    fc, _ = train_forecaster(prep, Hyper(**TINY), seed=0, device="cpu", show_progress=False)
    given = {"predict": "prices", "reason": "--predict prices", "val_mae_linear_ar": {}}
    chosen = {"predict": "prices", "reason": "predict prices: ...", "val_mae_linear_ar": {"prices": 0.3}}
    for choice, said in (
        (given, False),
        (chosen, True),
        ({"a": given, "b": chosen}, True),
        ({"a": given}, False),
    ):
        fc.info = {**fc.info, "predict_choice": choice}
        summary = _summary(fc)
        assert ("the network predicts prices (chosen on the validation part)," in summary) is said
        assert said or "the network predicts prices, turned back into the series' own units." in summary


def test_backtest_says_each_folds_blend_and_writes_its_weight(tmp_path: Path, capsys):
    """Each fold trains its own model, and its blend was chosen on its own validation rows: the output
    says it, backtest.csv has the weight on the network of each fold, backtest.json the whole choice."""
    csv = _wave_csv(tmp_path / "wave.csv")
    tiny = ["--epochs", "1", "--hidden-size", "4", "--window", "6", "--device", "cpu", "--no-progress"]
    out = tmp_path / "bt"
    assert main(["forecast", "backtest", "--data", str(csv), "--folds", "2", "--out", str(out), *tiny]) == 0
    text = capsys.readouterr().out
    assert "linear blend (every fold): " in text or "linear blend per fold (chosen on each fold's" in text
    folds = json.loads((out / "backtest.json").read_text())["folds"]
    frame = pd.read_csv(out / "backtest.csv")
    weights = [f["linear_blend"]["weight_on_network"][-1] for f in folds]
    assert frame["weight_on_network"].iloc[:2].tolist() == weights and min(weights) < 1.0
    assert all(fold["linear_blend"]["reason"] in text for fold in folds)  # each fold's own, as printed
    off = tmp_path / "off"
    args = [
        "forecast",
        "backtest",
        "--data",
        str(csv),
        "--folds",
        "2",
        "--out",
        str(off),
        "--no-linear-blend",
    ]
    assert main([*args, *tiny]) == 0
    assert "linear blend" not in capsys.readouterr().out
    assert pd.read_csv(off / "backtest.csv")["weight_on_network"].iloc[:2].tolist() == [1.0, 1.0]


def test_a_many_series_backtest_says_each_folds_blend(tmp_path: Path, capsys):
    csv = _wave_csv(tmp_path / "long.csv", ids=("a", "b"))
    tiny = ["--epochs", "1", "--hidden-size", "4", "--window", "6", "--device", "cpu", "--no-progress"]
    out = tmp_path / "bt"
    args = [
        "forecast",
        "backtest",
        "--data",
        str(csv),
        "--id-column",
        "id",
        "--folds",
        "2",
        "--out",
        str(out),
    ]
    assert main([*args, *tiny]) == 0
    text = capsys.readouterr().out
    folds = json.loads((out / "backtest.json").read_text())["folds"]
    assert all(f["linear_blend"]["reason"] in text for f in folds)
    frame = pd.read_csv(out / "backtest.csv")
    per_fold = frame[frame["fold"] != "all"]
    want = [f["linear_blend"]["weight_on_network"][-1] for f in folds for _ in ("a", "b")]
    assert per_fold["weight_on_network"].tolist() == want


def test_a_many_series_model_trains_again_from_its_config_with_its_settings(tmp_path: Path, capsys):
    """A global model's folder records the options that trained it, as one series' does: --config
    trains it again the same way (here the network alone, --no-linear-blend), and the Python API reads
    them back."""
    from rnnkit.forecast import Forecaster

    csv = _wave_csv(tmp_path / "long.csv", ids=("a", "b"))
    tiny = ["--epochs", "1", "--hidden-size", "4", "--window", "6", "--device", "cpu", "--quiet"]
    first = tmp_path / "first"
    args = ["forecast", "train", "--data", str(csv), "--id-column", "id", "--no-linear-blend", *tiny]
    assert main([*args, "--out", str(first)]) == 0
    config = first / "model" / "config.json"
    settings = json.loads(config.read_text())["info"]["settings"]
    assert settings["linear_blend"] is False and settings["id_column"] == "id" and settings["window"] == 6
    again = tmp_path / "again"
    assert main(["forecast", "train", "--config", str(config), "--out", str(again), "--quiet"]) == 0
    back = json.loads((again / "model" / "config.json").read_text())
    assert back["linear_blend"] is False and back["info"]["settings"]["id_column"] == "id"
    assert not Forecaster.from_pretrained(first / "model").hyper.linear_blend
