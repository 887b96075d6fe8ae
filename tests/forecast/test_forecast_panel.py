"""Long format, many series, one global model (issue 13, item 5)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import price_frame, write_csv

from rnnkit.cli import main
from rnnkit.forecast import Forecaster
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError

TINY = ["--epochs", "2", "--hidden", "4", "--quiet", "--device", "cpu"]


def long_frame() -> pd.DataFrame:
    """Two series on different scales (one in hundreds, one in units), interleaved by date."""
    a = price_frame(150, seed=1).assign(symbol="AAA")
    b = price_frame(150, seed=2).assign(symbol="BBB")
    b[["Close", "Adj Close"]] = b[["Close", "Adj Close"]] / 100.0
    return pd.concat([a, b]).sort_values(["Date", "symbol"], kind="stable")[
        ["symbol", "Date", "Close", "Adj Close"]
    ]


def test_load_panel_splits_by_id_and_names_the_file_lines(tmp_path):
    frame = long_frame()
    panel = load_panel(frame, "symbol")
    assert [s.name for s in panel] == ["AAA", "BBB"] and all(len(s) == 150 for s in panel)
    assert panel[1].target.max() < 5 < panel[0].target.min()
    bad = frame.reset_index(drop=True)
    bad.loc[7, "Date"] = bad.loc[1, "Date"]  # a duplicated date inside one series
    with pytest.raises(RnnkitError, match=r"duplicated date\(s\) \(line 9"):
        load_panel(write_csv(tmp_path / "bad.csv", bad), "symbol")
    with pytest.raises(RnnkitError, match="no id column 'ticker'.*--id-column"):
        load_panel(frame, "ticker")


def test_cli_trains_one_global_model_scores_each_series_and_pooled(tmp_path, capsys):
    path = write_csv(tmp_path / "long.csv", long_frame())
    out = tmp_path / "run"
    assert (
        main(["forecast", "train", "--data", str(path), "--id-column", "symbol", "--out", str(out), *TINY])
        == 0
    )
    text = capsys.readouterr().out
    assert "2 series, one global lstm model" in text and "pooled" in text
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["series"]) == {"AAA", "BBB"} and set(metrics["pooled_mase"]) == {
        "model",
        "naive",
        "linear AR",
    }
    preds = pd.read_csv(out / "predictions.csv")
    assert list(preds.columns[:4]) == ["symbol", "date", "last", "actual"]
    assert preds.groupby("symbol").size().to_dict() == {
        k: v["test_samples"] for k, v in metrics["series"].items()
    }
    config = json.loads((out / "model" / "config.json").read_text())
    scalers = config["series_scalers"]
    assert scalers["AAA"]["target"]["std"] != scalers["BBB"]["target"]["std"]  # each its own scaler
    assert set(config["series_transforms"]) == {"AAA", "BBB"}
    assert main(["forecast", "predict", "--model", str(out / "model"), "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[1].split()[0] for line in lines] == ["AAA", "BBB"]


def test_cli_eval_of_a_global_model_reproduces_its_per_series_and_pooled_scores(tmp_path, capsys):
    path = write_csv(tmp_path / "long.csv", long_frame())
    out = tmp_path / "run"
    train = ["forecast", "train", "--data", str(path), "--id-column", "symbol", "--out", str(out)]
    assert main([*train, *TINY]) == 0
    trained = json.loads((out / "metrics.json").read_text())
    capsys.readouterr()
    ev = ["forecast", "eval", "--model", str(out / "model"), "--out", str(tmp_path / "ev"), "--quiet"]
    assert main(ev) == 0  # --data and --id-column default to the model's own
    text = capsys.readouterr().out
    assert "2 series, the global lstm model" in text and "beats naive on" in text
    scored = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    for name in ("AAA", "BBB"):  # the same data and split: the training run's test scores exactly
        for f in ("model", "naive", "linear AR"):
            assert scored["per_series"][name][f] == pytest.approx(trained["per_series"][name][f])
    assert scored["pooled_mase"] == pytest.approx(trained["pooled_mase"])
    assert set(pd.read_csv(tmp_path / "ev" / "predictions.csv")["symbol"]) == {"AAA", "BBB"}
    # a series the model does not know, and a one-series model asked for long format: one line each
    other = long_frame().replace({"symbol": {"BBB": "CCC"}})
    bad = ["--data", str(write_csv(tmp_path / "other.csv", other)), "--out", str(tmp_path / "ev2")]
    assert main([*ev[:-3], *bad]) == 2
    assert "not trained on a series 'CCC' (its series: AAA, BBB)" in capsys.readouterr().err
    single = ["forecast", "train", "--data", str(write_csv(tmp_path / "one.csv", price_frame(150)))]
    assert main([*single, "--out", str(tmp_path / "one"), *TINY]) == 0
    one = ["forecast", "eval", "--model", str(tmp_path / "one" / "model"), "--data", str(path)]
    assert main([*one, "--id-column", "symbol", "--out", str(tmp_path / "ev3")]) == 2
    assert "is a model of one series" in capsys.readouterr().err


def test_cli_backtest_long_format_per_fold_per_series_and_pooled(tmp_path, capsys):
    path = write_csv(tmp_path / "long.csv", long_frame())
    out = tmp_path / "bt"
    cmd = ["forecast", "backtest", "--data", str(path), "--id-column", "symbol", "--folds", "2"]
    assert main([*cmd, "--out", str(out), *TINY]) == 0
    text = capsys.readouterr().out
    assert "one global lstm model per fold" in text and "each series over all folds" in text
    table = pd.read_csv(out / "backtest.csv")
    per_fold = table[table["fold"] != "all"]
    assert sorted(zip(per_fold["fold"], per_fold["symbol"], strict=True)) == [
        ("1", "AAA"),
        ("1", "BBB"),
        ("2", "AAA"),
        ("2", "BBB"),
    ]
    assert (per_fold["test_start"] > per_fold["train_end"]).all()
    totals = table[table["fold"] == "all"].set_index("symbol")
    for name in ("AAA", "BBB"):  # a series over its folds: sample-weighted MAE, the folds' samples summed
        rows = per_fold[per_fold["symbol"] == name]
        assert totals.loc[name, "samples"] == rows["samples"].sum()
        weighted = np.average(rows["MAE model"], weights=rows["samples"])
        assert totals.loc[name, "MAE model"] == pytest.approx(weighted)
    assert np.isnan(totals.loc["pooled", "MAE model"])  # MAE is not pooled across scales
    pooled = np.average(per_fold["MASE naive"], weights=per_fold["samples"])
    assert totals.loc["pooled", "MASE naive"] == pytest.approx(pooled)
    saved = json.loads((out / "backtest.json").read_text())
    assert len(saved["folds"]) == 2 and set(saved["per_series"]) == {"AAA", "BBB"}


def mixed_frame() -> pd.DataFrame:
    """A trending random walk (returns) and a stationary series around 50 (levels), in long format."""
    rng = np.random.default_rng(3)
    n = 200
    dates = pd.bdate_range("2020-01-01", periods=n).strftime("%Y-%m-%d")
    walk = 100.0 * np.exp(np.cumsum(0.004 + 0.01 * rng.standard_normal(n)))
    ar = np.zeros(n)
    for i in range(1, n):
        ar[i] = 0.3 * ar[i - 1] + rng.standard_normal()
    flat = 50.0 + 3.0 * np.sin(np.arange(n) * 2 * np.pi / 5) + ar
    return pd.concat(
        [
            pd.DataFrame({"id": "walk", "date": dates, "value": walk}),
            pd.DataFrame({"id": "flat", "date": dates, "value": flat}),
        ]
    )


def test_transform_is_chosen_per_series_saved_and_used(tmp_path):
    frame = mixed_frame()
    fc = Forecaster(id_column="id", window=5, epochs=2, hidden=4, device="cpu").fit(frame)
    assert {k: c.predict for k, c in fc.choices_.items()} == {"walk": "returns", "flat": "prices"}
    assert fc.choice_.predict == "mixed" and "walk: predict returns" in fc.choice_.reason
    assert fc.model_.for_series("flat").transform == "prices"
    out = fc.predict(frame).set_index("id")
    # each forecast in its own units: the walk near its last value, the flat series near 50
    assert abs(out.loc["walk", "forecast"] / frame[frame["id"] == "walk"]["value"].iloc[-1] - 1) < 0.1
    assert 40 < out.loc["flat", "forecast"] < 60
    fc.save(tmp_path / "m")
    back = Forecaster.load(tmp_path / "m")
    assert {k: c.predict for k, c in back.choices_.items()} == {"walk": "returns", "flat": "prices"}
    pd.testing.assert_frame_equal(back.predict(frame), fc.predict(frame))
    # a global model saved before transforms were chosen per series: every series uses the model's one
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    del config["series_transforms"]
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    old = Forecaster.load(tmp_path / "m").model_
    assert {old.for_series(k).transform for k in ("walk", "flat")} == {old.transform}
    forced = Forecaster(id_column="id", window=5, epochs=2, hidden=4, transform="prices").fit(frame)
    assert {c.predict for c in forced.choices_.values()} == {"prices"}


def test_api_backtest_long_format():
    frame = long_frame()
    fc = Forecaster(id_column="symbol", window=4, epochs=2, hidden=4, device="cpu")
    out = fc.backtest(frame, folds=2, stride=10)
    assert list(out.columns[:3]) == ["fold", "symbol", "train_end"]
    assert list(out["fold"]) == ["1", "1", "2", "2", "all", "all", "all"]
    assert list(out["symbol"].iloc[-3:]) == ["AAA", "BBB", "pooled"]
    assert (out["samples"].iloc[:4] == 10).all()
    assert (out["test_start"].iloc[:4] > out["train_end"].iloc[:4]).all()  # Timestamps, compared as dates


def test_api_fit_predict_long_format():
    frame = long_frame()
    fc = Forecaster(id_column="symbol", window=4, epochs=2, hidden_size=4, device="cpu").fit(frame)
    out = fc.predict(frame)
    assert list(out["symbol"]) == ["AAA", "BBB"]
    last = frame.groupby("symbol")["Adj Close"].last()
    ratio = out.set_index("symbol")["forecast"] / last
    assert np.all(np.abs(ratio - 1) < 0.2)  # each series forecast in its own units


def test_resume_with_an_id_column_is_refused_before_the_run_is_touched(tmp_path, capsys):
    """A global model keeps no checkpoints: --resume used to retrain from scratch in silence."""
    path = write_csv(tmp_path / "long.csv", long_frame())
    out = tmp_path / "run"
    args = ["forecast", "train", "--data", str(path), "--id-column", "symbol", "--out", str(out), *TINY]
    assert main(args) == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    capsys.readouterr()
    assert main([*args, "--resume"]) == 2
    err = capsys.readouterr().err
    assert "--resume does not work with --id-column" in err and len(err.strip().splitlines()) == 1
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    # the way it names: '--force' over the finished run ('train again without --resume' was refused
    # in turn: 'holds a finished run'), without --resume where there is no run
    assert err.strip().endswith(
        "; start afresh with --force in place of --resume (it clears the run), or with another --out"
    )
    assert main([*args, "--resume", "--out", str(tmp_path / "new")]) == 2
    assert capsys.readouterr().err.strip().endswith("keeps no checkpoints; train again without --resume")
    assert main([*args, "--force"]) == 0


def test_resume_with_an_id_column_over_an_unfinished_run_advises_force(tmp_path, capsys):
    """An unfinished run folder (checkpoints, no model) was advised 'train again without --resume', which
    said 'holds an unfinished run (...): continue it with --resume, or start over with --force': back and
    forth. The advice is --force wherever a fresh run would be refused."""
    frame = long_frame()
    one = write_csv(tmp_path / "one.csv", frame[frame["symbol"] == "AAA"].drop(columns="symbol"))
    out = tmp_path / "run"
    assert main(["forecast", "train", "--data", str(one), "--out", str(out), *TINY]) == 0
    shutil.rmtree(out / "model")  # stopped before its model was saved: its checkpoints wait for --resume
    assert any((out / "checkpoints").iterdir())
    path = write_csv(tmp_path / "long.csv", frame)
    args = ["forecast", "train", "--data", str(path), "--id-column", "symbol", "--out", str(out), *TINY]
    capsys.readouterr()
    assert main([*args, "--resume"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--resume does not work with --id-column" in err
    assert err.strip().endswith(
        "keeps no checkpoints; start afresh with --force in place of --resume (it clears the run), or with "
        "another --out"
    )
    assert main(args) == 2  # without --resume: refused, as the advice said
    assert "holds an unfinished run" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0
