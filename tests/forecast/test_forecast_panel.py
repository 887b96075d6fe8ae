"""Long format, many series, one global model (issue 13, item 5)."""

from __future__ import annotations

import json

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
    config = json.loads((out / "model" / "config.json").read_text())
    scalers = config["series_scalers"]
    assert scalers["AAA"]["target"]["std"] != scalers["BBB"]["target"]["std"]  # each its own scaler
    assert main(["forecast", "predict", "--model", str(out / "model"), "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[1].split()[0] for line in lines] == ["AAA", "BBB"]
    assert main(["forecast", "backtest", "--data", str(path), "--id-column", "symbol", *TINY]) == 2
    assert "--id-column" in capsys.readouterr().err
    ev = ["forecast", "eval", "--model", str(out / "model"), "--out", str(tmp_path / "ev")]
    assert main(ev) == 2 and "is a global model of 2 series" in capsys.readouterr().err


def test_api_fit_predict_long_format():
    frame = long_frame()
    fc = Forecaster(id_column="symbol", window=4, epochs=2, hidden_size=4, device="cpu").fit(frame)
    out = fc.predict(frame)
    assert list(out["symbol"]) == ["AAA", "BBB"]
    last = frame.groupby("symbol")["Adj Close"].last()
    ratio = out.set_index("symbol")["forecast"] / last
    assert np.all(np.abs(ratio - 1) < 0.2)  # each series forecast in its own units
