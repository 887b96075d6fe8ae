"""A feature's one-step change (log-ratio or difference) is decided on the training data and kept with
the model (``feature_changes`` in config.json): decided again on the file given to ``predict``, one old
value <= 0 there, rows before the window, switched the feature to differences and moved the forecast."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from helpers_forecast import price_frame, write_csv

from rnnkit.cli import main

TINY = ["--epochs", "2", "--hidden-size", "4", "--quiet", "--device", "cpu", "--threads", "1", "--seed", "0"]


def _forecast_line(capsys) -> str:
    return next(line for line in capsys.readouterr().out.splitlines() if line.startswith("forecast "))


@pytest.fixture
def trained(tmp_path: Path, capsys) -> tuple[Path, Path]:
    frame = price_frame(160)
    csv = write_csv(tmp_path / "daily.csv", frame)
    run = tmp_path / "run"
    args = ["forecast", "train", "--data", str(csv), "--features", "Volume", "--predict", "returns"]
    args += ["--out", str(run), *TINY]
    assert main(args) == 0
    capsys.readouterr()
    return csv, run


def test_an_old_value_before_the_window_leaves_the_forecast_as_it_was(trained, tmp_path, capsys):
    csv, run = trained
    config = json.loads((run / "model" / "config.json").read_text())
    assert config["feature_changes"] == ["log-ratio"]  # Volume is positive in the training data
    assert main(["forecast", "predict", "--model", str(run), "--data", str(csv), "--quiet"]) == 0
    before = _forecast_line(capsys)
    frame = price_frame(160)
    frame.loc[0, "Volume"] = -1  # 150 rows before the window the model reads
    changed = write_csv(tmp_path / "changed.csv", frame)
    assert main(["forecast", "predict", "--model", str(run), "--data", str(changed), "--quiet"]) == 0
    assert _forecast_line(capsys) == before


def test_a_value_of_no_log_ratio_inside_the_window_is_one_line(trained, tmp_path, capsys):
    csv, run = trained
    frame = price_frame(160)
    frame.loc[158, "Volume"] = 0
    bad = write_csv(tmp_path / "bad.csv", frame)
    assert main(["forecast", "predict", "--model", str(run), "--data", str(bad), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(  # the value and its date: a window's rows are not the user's to guess
        "rnnkit: error: feature 'Volume' is 0 on 2020-08-10, where the model reads it: it was "
    )
    assert len(err.strip().splitlines()) == 1


def test_eval_names_the_date_of_a_value_of_no_log_ratio(trained, tmp_path, capsys):
    """eval reads every row (the linear AR fits on the training part): a value <= 0 anywhere is one
    line, which names its date (it said 'a value <= 0 where the model reads it' of a 160-row file)."""
    csv, run = trained
    frame = price_frame(160)
    frame.loc[3, "Volume"] = -1
    bad = write_csv(tmp_path / "bad.csv", frame)
    assert main(["forecast", "eval", "--model", str(run), "--data", str(bad), "--quiet"]) == 2
    assert capsys.readouterr().err.startswith("rnnkit: error: feature 'Volume' is -1 on 2020-01-06, where ")


def test_a_folder_saved_before_the_changes_were_kept_still_predicts(trained, capsys):
    csv, run = trained
    assert main(["forecast", "predict", "--model", str(run), "--data", str(csv), "--quiet"]) == 0
    before = _forecast_line(capsys)
    config_path = run / "model" / "config.json"
    config = json.loads(config_path.read_text())
    del config["feature_changes"]
    config_path.write_text(json.dumps(config))
    assert main(["forecast", "predict", "--model", str(run), "--data", str(csv), "--quiet"]) == 0
    assert _forecast_line(capsys) == before  # decided on the data given, as it was, and the same here


def test_a_global_model_keeps_each_series_feature_changes(tmp_path, capsys):
    """A feature positive in one series and not in another: a global model kept no choice (the series
    disagreed), so each series' feature was decided again on the file given to predict. Each series'
    choice is now kept, and an old value <= 0 in series A before the window leaves its forecast alone."""
    a, b = price_frame(160, seed=1), price_frame(160, seed=2)
    b["Volume"] = b["Volume"] - b["Volume"].max() - 1  # all <= 0: differences
    long = pd.concat([a.assign(symbol="A"), b.assign(symbol="B")], ignore_index=True)
    csv = write_csv(tmp_path / "long.csv", long)
    run = tmp_path / "run"
    args = ["forecast", "train", "--data", str(csv), "--id-column", "symbol", "--features", "Volume"]
    assert main([*args, "--predict", "returns", "--out", str(run), *TINY]) == 0
    config = json.loads((run / "model" / "config.json").read_text())
    assert config["series_feature_changes"] == {"A": ["log-ratio"], "B": ["difference"]}
    capsys.readouterr()
    assert main(["forecast", "predict", "--model", str(run), "--data", str(csv), "--quiet"]) == 0
    before = capsys.readouterr().out
    long.loc[0, "Volume"] = -1  # series A's first row, far before its window
    changed = write_csv(tmp_path / "changed.csv", long)
    assert main(["forecast", "predict", "--model", str(run), "--data", str(changed), "--quiet"]) == 0
    assert capsys.readouterr().out == before
