"""Every ``rnnkit forecast`` command end to end on tiny settings, and every bad input of the issue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import price_frame, write_csv

from helpers_models import assert_model_card
from rnnkit.cli import main

TINY = ["--epochs", "2", "--hidden", "4", "--quiet", "--device", "cpu"]


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory) -> Path:
    return write_csv(tmp_path_factory.mktemp("data") / "prices.csv", price_frame(160))


@pytest.fixture(scope="module")
def trained(csv_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "run"
    assert (
        main(["forecast", "train", "--data", str(csv_file), "--out", str(out), "--cell", "gru", *TINY]) == 0
    )
    return out


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("rnnkit: error: "), err
    return err[0]


@pytest.mark.parametrize("command", ["train", "eval", "backtest", "predict"])
def test_help(command, capsys):
    assert main(["forecast", command, "--help"]) == 0
    out = capsys.readouterr().out
    # --seed only where something is drawn at random (issue 15): training, not scoring or predicting
    assert ("--seed" in out) == (command in ("train", "backtest")) and "--data" in out and "--threads" in out


def test_train_writes_model_plots_metrics_and_a_next_step_forecast(trained, csv_file, capsys):
    for name in (
        "model/config.json",
        "model/model.safetensors",
        "forecast.png",
        "residuals.png",
        "metrics.json",
    ):
        assert (trained / name).is_file(), name
    metrics = json.loads((trained / "metrics.json").read_text())
    assert set(metrics["metrics"]) >= {"model", "naive", "linear AR"}
    assert metrics["test_samples"] == 32  # 20% of 160 rows, one-step
    naive_mae = np.mean(np.abs(np.diff(price_frame(160)["Adj Close"].to_numpy()[-33:])))
    assert abs(metrics["metrics"]["naive"]["MAE"] - naive_mae) < 1e-9
    preds = pd.read_csv(trained / "predictions.csv")
    assert list(preds.columns[:4]) == ["date", "last", "actual", "model"]
    config = json.loads((trained / "model/config.json").read_text())
    assert config["application"] == "forecast" and config["cell"] == "gru"
    assert np.asarray(config["interval_offsets"]).shape == (1, 1)  # calibrated on validation, saved


def _declared(*names: str) -> set[str]:
    """The entries a command declares it writes in its --out (checked before any work), with the marker."""
    return {".rnnkit", *(name.rstrip("/") for name in names)}


def _evaluate(model, data, out) -> list[str]:
    """``forecast eval`` of ``model`` on ``data`` into ``out``."""
    return ["forecast", "eval", "--model", str(model), "--data", str(data), "--out", str(out), "--quiet"]


def test_each_command_declares_everything_it_writes_in_its_out(trained, csv_file, tmp_path):
    """What a command declares to its claim is checked before any work and never written over a user's
    entry of that name with --force (docs/reliability.md); a file it writes undeclared would be."""
    from rnnkit.forecast.cli import BACKTEST_FILES
    from rnnkit.forecast.pipeline import REPORT_FILES
    from rnnkit.utils.runs import RUN_ENTRIES

    assert set(os.listdir(trained)) == _declared(*RUN_ENTRIES, *REPORT_FILES, "model")
    ev = tmp_path / "ev"
    assert main(_evaluate(trained, csv_file, ev)) == 0
    assert set(os.listdir(ev)) == _declared(*REPORT_FILES)
    bt = tmp_path / "bt"
    assert (
        main(["forecast", "backtest", "--data", str(csv_file), "--folds", "1", "--out", str(bt), *TINY]) == 0
    )
    assert set(os.listdir(bt)) == _declared(*BACKTEST_FILES)


def test_force_replaces_an_evals_own_files_in_a_folder_another_result_command_marked(
    trained, csv_file, tmp_path
):
    """``forecast eval --out EV``, ``forecast backtest --out EV --force``, then ``forecast eval --out EV
    --force`` was refused: the folder (now backtest's) was taken for the user's, and the eval's own
    forecast.png, written there by rnnkit, blamed on the user. A marked folder's files are rnnkit's."""
    ev = tmp_path / "ev"
    evaluate = _evaluate(trained, csv_file, ev)
    assert main(evaluate) == 0
    assert (
        main(
            [
                "forecast",
                "backtest",
                "--data",
                str(csv_file),
                "--folds",
                "1",
                "--out",
                str(ev),
                "--force",
                *TINY,
            ]
        )
        == 0
    )
    assert main([*evaluate, "--force"]) == 0
    assert {"forecast.png", "backtest.json", "predictions.csv"} <= set(os.listdir(ev))


def test_train_writes_a_model_card_beside_the_model(trained):
    card = assert_model_card(trained / "model", "forecast train", "naive")
    assert "linear AR" in card and "rnnkit forecast model: " in card and "prices.csv" in card
    assert str(trained.parent) not in card.split("## How it was made")[0]  # no absolute data path


def test_train_output_says_whether_it_beats_naive(csv_file, tmp_path, capsys):
    out = tmp_path / "r"
    assert (
        main(["forecast", "train", "--data", str(csv_file), "--out", str(out), "--horizon", "2", *TINY]) == 0
    )
    text = capsys.readouterr().out
    assert "the naive forecast" in text and "2-step forecasts" in text
    assert text.count("forecast 2020-") == 2  # one line per step ahead, on business days
    assert "naive" in text and "linear AR" in text and "MASE" in text
    # predict --horizon: the first steps of the trained two, and beyond them one line naming the horizon
    model = ["forecast", "predict", "--model", str(out / "model"), "--quiet"]
    assert main([*model, "--horizon", "1"]) == 0
    one = capsys.readouterr().out.splitlines()
    assert len(one) == 1 and one[0] == [ln for ln in text.splitlines() if "(+1)" in ln][0]
    assert main([*model, "--horizon", "3"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert captured.out == "" and len(err) == 1
    assert "--horizon 3 is beyond the model's trained horizon of 2 step(s)" in err[0]
    assert "train with --horizon 3" in err[0]
    assert main([*model, "--horizon", "0"]) == 2 and ">= 1" in capsys.readouterr().err


def test_predict_answers_from_the_latest_window(trained, csv_file, capsys):
    capsys.readouterr()
    assert (
        main(["forecast", "predict", "--model", str(trained / "model"), "--data", str(csv_file), "--quiet"])
        == 0
    )
    lines = capsys.readouterr().out.strip().splitlines()
    last_date = price_frame(160)["Date"].iloc[-1]
    assert len(lines) == 1 and lines[0].startswith("forecast ") and f"on {last_date}" in lines[0]
    assert "80% interval" in lines[0]
    # --out of train is the run folder: --model takes it as well as its model/, with the same answer
    assert main(["forecast", "predict", "--model", str(trained), "--data", str(csv_file), "--quiet"]) == 0
    assert capsys.readouterr().out.strip().splitlines() == lines


def test_predict_does_not_load_the_training_stack(trained, csv_file):
    code = (
        "import sys; from rnnkit.cli import main; "
        f"rc = main(['forecast', 'predict', '--model', {str(trained / 'model')!r}, '--data', {str(csv_file)!r}]); "
        "bad = [m for m in ('accelerate', 'rnnkit.train.engine', 'matplotlib') if m in sys.modules]; "
        "print(rc, bad)"
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert res.stdout.strip().splitlines()[-1] == "0 []", res.stdout + res.stderr


def test_eval_scores_a_saved_model(trained, csv_file, tmp_path, capsys):
    out = tmp_path / "ev"
    args = ["forecast", "eval", "--model", str(trained / "model"), "--data", str(csv_file), "--out", str(out)]
    assert main([*args, "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "naive" in text and "linear AR" in text and (out / "forecast.png").is_file()
    assert json.loads((out / "metrics.json").read_text())["test_samples"] == 32


def test_backtest_runs_walk_forward_folds(csv_file, tmp_path, capsys):
    out = tmp_path / "bt"
    args = ["forecast", "backtest", "--data", str(csv_file), "--folds", "2", "--out", str(out), *TINY]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "2 folds" in text and "of 2 folds" in text and "target transform" in text
    result = json.loads((out / "backtest.json").read_text())
    folds = result["folds"]
    assert [f["test_start"] for f in folds] == [128, 144] and folds[1]["train_end"] == 127
    assert sum(f["test_samples"] for f in folds) == 32
    # each fold's rows are the rows of its dates: inclusive both (test_end had been one past the last row)
    assert result["bounds"].startswith("inclusive")
    dates = pd.read_csv(csv_file)["Date"]
    assert [f["test_end"] for f in folds] == [143, 159]
    for fold in folds:
        assert {key: dates[row] for key, row in fold.items() if key in fold["dates"]} == fold["dates"]


def _bad(tmp_path: Path, capsys, frame_or_path, extra=(), match: str = "") -> None:
    path = (
        frame_or_path if isinstance(frame_or_path, Path) else write_csv(tmp_path / "bad.csv", frame_or_path)
    )
    out = tmp_path / "out"
    code = main(["forecast", "train", "--data", str(path), "--out", str(out), *extra, *TINY])
    assert code == 2
    line = _one_line_error(capsys)
    assert match in line, line
    assert not out.exists()  # no partial run or model folder


def test_bad_inputs_exit_2_with_one_line_and_no_output(tmp_path, capsys):
    _bad(tmp_path, capsys, tmp_path / "missing.csv", match="data file not found")
    _bad(tmp_path, capsys, pd.DataFrame({"a": [1.0, 2.0, 3.0]}), match="no date column")
    frame = price_frame(60)
    frame["Adj Close"] = frame["Adj Close"].astype(object)
    frame.loc[7, "Adj Close"] = "n/a?"
    _bad(tmp_path, capsys, frame, match="is not numeric")
    gaps = price_frame(60)
    gaps.loc[[10, 11], "Adj Close"] = np.nan
    _bad(tmp_path, capsys, gaps, match="2 missing value(s)")
    dup = price_frame(60)
    _bad(tmp_path, capsys, pd.concat([dup, dup.iloc[[3]]]), match="duplicated date")
    _bad(tmp_path, capsys, price_frame(15), match="series too short")
    _bad(tmp_path, capsys, price_frame(60), extra=["--target", "nope"], match="no target column 'nope'")
    _bad(
        tmp_path,
        capsys,
        price_frame(60),
        extra=["--cell", "transformer"],
        match="'transformer' is not one of 'rnn'",
    )  # --cell is a choice


def test_missing_values_filled_with_count_and_newest_first_file_reversed(tmp_path, capsys):
    frame = price_frame(100)
    frame.loc[[10, 11, 12], "Adj Close"] = np.nan
    path = write_csv(tmp_path / "gaps.csv", frame.iloc[::-1])  # also newest first
    out = tmp_path / "ok"
    assert (
        main(["forecast", "train", "--data", str(path), "--out", str(out), "--missing", "fill", *TINY]) == 0
    )
    captured = capsys.readouterr()
    assert "note: filled 3 missing value(s)" in captured.out
    assert "note: gaps.csv lists the newest date first; reversed it to oldest first" in captured.out
    assert (out / "model" / "config.json").is_file()


def test_predict_and_eval_bad_model_folder(tmp_path, capsys):
    assert main(["forecast", "predict", "--model", str(tmp_path / "none"), "--data", "ibm"]) == 2
    assert "model folder not found" in _one_line_error(capsys)
    assert main(["forecast", "eval", "--model", str(tmp_path / "none"), "--out", str(tmp_path / "e")]) == 2
    _one_line_error(capsys)
    assert not (tmp_path / "e").exists()


def test_predict_with_other_columns_than_the_model_is_an_error(trained, csv_file, capsys):
    model = str(trained / "model")
    assert main(["forecast", "predict", "--model", model, "--data", str(csv_file), "--features", "open"]) == 2
    assert "the model reads 1 column(s)" in _one_line_error(capsys)


def test_train_with_ohlcv_features_then_predict(csv_file, tmp_path, capsys):
    out = tmp_path / "feat"
    args = ["forecast", "train", "--data", str(csv_file), "--features", "open,volume", "--out", str(out)]
    assert main([*args, "--predict", "log-returns", *TINY]) == 0
    config = json.loads((out / "model" / "config.json").read_text())
    assert config["columns"] == ["Adj Close", "Open", "Volume"] and config["predict"] == "log-returns"
    capsys.readouterr()
    assert main(["forecast", "predict", "--model", str(out / "model"), "--quiet"]) == 0  # data recorded
    assert capsys.readouterr().out.startswith("forecast ")


def test_predict_on_a_file_whose_column_is_named_differently(trained, tmp_path, capsys):
    model = str(trained / "model")  # trained on Adj Close
    plain = price_frame(160)[["Date", "Close"]].rename(columns={"Close": "Price"})
    path = write_csv(tmp_path / "mine.csv", plain)
    assert main(["forecast", "predict", "--model", model, "--data", str(path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "using 'Price' as the target (choose with --target)" in out and "forecast " in out
    two = write_csv(tmp_path / "two.csv", price_frame(160)[["Date", "Open", "High"]])
    assert main(["forecast", "predict", "--model", model, "--data", str(two), "--quiet"]) == 2
    assert "choose one with --target" in _one_line_error(capsys)
    assert (
        main(["forecast", "predict", "--model", model, "--data", str(two), "--target", "High", "--quiet"])
        == 0
    )
    assert "High" in capsys.readouterr().out
    assert main(["forecast", "predict", "--model", model, "--data", str(two), "--target", "Low"]) == 2
    assert "no target column 'Low'" in (err := _one_line_error(capsys)) and "--target" in err


def test_retraining_from_a_model_config_json_reproduces_its_settings(trained, tmp_path, capsys):
    """Issue 15: a model folder's config.json is enough to train it again."""
    again = tmp_path / "again"
    assert main(["forecast", "train", "--config", str(trained / "model" / "config.json"), "--out", str(again),
                 "--no-progress"]) == 0  # fmt: skip
    first, second = (json.loads((d / "model" / "config.json").read_text()) for d in (trained, again))
    assert second["info"]["settings"] == first["info"]["settings"]
    assert first["info"]["settings"]["hidden_size"] == 4 and first["info"]["settings"]["cell"] == "gru"
    for key in ("cell", "hidden_size", "num_layers", "window", "horizon", "predict", "quantiles", "columns"):
        assert second[key] == first[key], key


def test_a_model_folder_with_the_old_key_names_still_loads(trained, tmp_path, capsys):
    """Folders written before one vocabulary say hidden and layers."""
    import shutil

    from rnnkit.forecast import Forecaster

    old = tmp_path / "old"
    shutil.copytree(trained / "model", old)
    config = json.loads((old / "config.json").read_text())
    config["hidden"], config["layers"] = config.pop("hidden_size"), config.pop("num_layers")
    (old / "config.json").write_text(json.dumps(config))
    fc = Forecaster.load(old)
    assert fc.hyper.hidden_size == 4 and fc.hyper.num_layers == 1
    assert Forecaster(hidden=8, layers=2).hyper.hidden_size == 8  # the old keyword names too


def test_a_baseline_that_explodes_leaves_a_model_that_loads(tmp_path, capsys):
    # a level jump (x12) made the linear AR's log-returns validation MAE inf; config.json then held
    # Infinity, and forecast predict refused the model train had just saved ("not a JSON number")
    steps = np.arange(60)
    close = (100 + 10 * np.sin(steps / 5) + 0.3 * steps) * np.where(steps > 40, 12, 1)
    frame = pd.DataFrame(
        {"Date": pd.date_range("2024-01-01", periods=60).strftime("%Y-%m-%d"), "Close": close}
    )
    csv = write_csv(tmp_path / "jump.csv", frame.round(2))
    out = tmp_path / "run"
    assert main(["forecast", "train", "--data", str(csv), "--out", str(out), *TINY]) == 0
    config = json.loads((out / "model" / "config.json").read_text())
    assert config["info"]["predict_choice"]["val_mae_linear_ar"]["log-returns"] is None  # was Infinity
    capsys.readouterr()
    assert main(["forecast", "predict", "--model", str(out / "model"), "--data", str(csv)]) == 0
    assert "forecast 2024-03-01 (+1): Close" in capsys.readouterr().out


def test_train_tips_a_window_shorter_than_the_season(tmp_path, capsys):
    """A daily series with a weekly season at the default window of 4: the model never sees last week's
    value. train says so, with a window that would (and says nothing when the window spans the season)."""
    from rnnkit.forecast.evaluate import window_hint

    rng = np.random.default_rng(0)
    days = pd.date_range("2022-01-01", periods=400, freq="D")
    week = np.array([0.0, 1.0, 2.0, 1.0, 0.0, -3.0, -1.0])
    level = 20 + np.cumsum(0.1 * rng.standard_normal(400)) + 3 * week[days.dayofweek]
    csv = tmp_path / "weekly.csv"
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "value": level}).to_csv(csv, index=False)
    tiny = ["--epochs", "1", "--hidden-size", "4", "--device", "cpu", "--quiet"]
    assert main(["forecast", "train", "--data", str(csv), "--out", str(tmp_path / "w4"), *tiny]) == 0
    tips = [line for line in capsys.readouterr().out.splitlines() if line.startswith("tip: ")]
    assert tips == [window_hint(7, 4)] and "(--window 14)" in tips[0] and "(7 steps" in tips[0]
    args = ["forecast", "train", "--data", str(csv), "--out", str(tmp_path / "w14"), "--window", "14"]
    assert main([*args, *tiny]) == 0
    assert "tip: " not in capsys.readouterr().out
    assert window_hint(None, 4) is None and window_hint(7, 7) is None
