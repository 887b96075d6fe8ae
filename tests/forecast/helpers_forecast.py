"""Small CSV files for forecast tests (written into pytest's tmp_path)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


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
