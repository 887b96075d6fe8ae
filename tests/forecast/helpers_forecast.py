"""Small CSV files for forecast tests (written into pytest's tmp_path)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rnnkit.forecast.evaluate import MODEL, NAIVE, Evaluation


def price_frame(n: int = 160, seed: int = 0) -> pd.DataFrame:
    """A Yahoo-style daily OHLCV frame on business days with a positive, wavy random-walk close."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2020-01-01", periods=n)
    close = 100.0 * np.exp(np.cumsum(0.01 * rng.standard_normal(n))) + 5.0 * np.sin(np.arange(n) / 3.0)
    return pd.DataFrame(
        {
            "Date": dates.strftime("%Y-%m-%d"),
            "Open": close * 0.99,
            "High": close * 1.01,
            "Low": close * 0.98,
            "Close": close,
            "Adj Close": close,
            "Volume": rng.integers(1000, 5000, n),
        }
    )


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def make_evaluation(n: int = 90, horizon: int = 1) -> Evaluation:
    """A scored test period of ``n`` daily points: a random walk, the model near it, naive one step behind."""
    rng = np.random.default_rng(0)
    actual = 100 + np.cumsum(rng.normal(size=n))
    model = actual + rng.normal(scale=0.5, size=n)
    naive = np.r_[actual[0], actual[:-1]]
    quantiles = np.stack([model - 1.0, model, model + 1.0], axis=1)  # (n, 3)
    return Evaluation(
        rows={MODEL: {"MAE": 0.4}, NAIVE: {"MAE": 0.8}},
        dates=pd.date_range("2024-01-01", periods=n, freq="D"),
        actual=actual,
        last=naive,
        forecasts={MODEL: model, NAIVE: naive},
        quantiles=quantiles,
        levels=[0.1, 0.5, 0.9],
        mae_by_step={MODEL: np.array([0.4]), NAIVE: np.array([0.8])},
        season=None,
        season_reason="",
        horizon=horizon,
    )


def refused_training(path: Path, text: str, capsys) -> list[str]:
    """Write ``text`` to ``path``, train on it, and return the error lines: training must refuse it
    (exit 2) and leave no run folder behind."""
    from rnnkit.cli import main

    path.write_text(text)
    out = path.parent / "run"
    assert main(["forecast", "train", "--data", str(path), "--out", str(out)]) == 2
    assert not out.exists()
    return capsys.readouterr().err.strip().splitlines()
