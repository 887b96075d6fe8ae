"""An investing.com export (``"Date","Price","Open","High","Low","Vol.","Change %"``): its ``Price`` is the
close, and the default target when the file has neither ``Adj Close`` nor ``Close``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import price_frame, write_csv

from rnnkit.cli import main
from rnnkit.forecast.data import load_series
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError

TINY = ["--epochs", "2", "--hidden", "4", "--quiet", "--device", "cpu", "--threads", "1"]
NOTE = (
    "has no column 'Adj Close' or 'Close'; using 'Price' as the target, the closing price as investing.com's "
    "exports name it (choose with --target)"
)


def investing_lines(n: int = 160, seed: int = 0) -> list[str]:
    """An investing.com history export, newest first, every cell quoted, numbers written for people."""
    close = price_frame(n, seed)["Close"].to_numpy() * 10  # above 1,000: thousands separators
    dates = pd.bdate_range("2020-01-01", periods=n)
    rows = []
    for day, price in zip(dates[::-1], close[::-1], strict=True):
        cells = [f"{day:%m/%d/%Y}", f"{price:,.2f}", f"{price * 0.99:,.2f}", f"{price * 1.01:,.2f}"]
        rows.append(",".join(f'"{c}"' for c in [*cells, f"{price * 0.98:,.2f}", "12.5K", "-0.52%"]))
    return ['"Date","Price","Open","High","Low","Vol.","Change %"', *rows]


@pytest.fixture
def investing(tmp_path) -> Path:
    path = tmp_path / "investing.csv"
    path.write_text("\n".join(investing_lines()) + "\n", encoding="utf-8")
    return path


def test_the_price_of_an_investing_export_is_the_default_target(investing):
    series = load_series(investing)  # was "has several numeric columns (Price, Open, High, Low, Vol., ...)"
    assert series.columns == ["Price"] and len(series) == 160
    expected = np.round(price_frame(160)["Close"].to_numpy() * 10, 2)
    np.testing.assert_allclose(series.target, expected)  # oldest first, '1,234.50' read as 1234.5
    assert f"investing.csv {NOTE}" in series.notes


def test_a_price_without_open_high_and_low_is_no_closing_price(tmp_path):
    shop = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=30).strftime("%Y-%m-%d")})
    path = write_csv(tmp_path / "shop.csv", shop.assign(units=np.arange(30), price=9.5))
    with pytest.raises(
        RnnkitError, match=r"several numeric columns \(units, price\); choose one with --target"
    ):
        load_series(path)


def test_a_long_investing_file_says_the_price_once(tmp_path):
    parts = []
    for k, symbol in enumerate(("A", "B")):
        lines = investing_lines(40, seed=k)
        parts += [f'"{symbol}",{line}' for line in lines[1:]]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(['"Symbol",' + investing_lines(1)[0], *parts]) + "\n", encoding="utf-8")
    panel = load_panel(path, "Symbol")
    assert [s.columns for s in panel] == [["Price"], ["Price"]]
    said = [note for s in panel for note in s.notes if "investing.com" in note]
    assert said == [f"long.csv {NOTE}"]  # once for the file, not once per series


@pytest.mark.parametrize("trained_on", ["Adj Close", "Close"])
def test_predict_reads_the_price_with_a_model_trained_on_a_close(trained_on, investing, tmp_path, capsys):
    data = write_csv(tmp_path / "prices.csv", price_frame(160)[["Date", trained_on]])
    out = tmp_path / "run"
    assert main(["forecast", "train", "--data", str(data), "--out", str(out), "--window", "4", *TINY]) == 0
    capsys.readouterr()
    code = main(["forecast", "predict", "--model", str(out / "model"), "--data", str(investing), "--quiet"])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert f"investing.csv has no column {trained_on!r}; using 'Price' as the target" in printed.out
    assert "last " in printed.out and "on 2020-08-11" in printed.out  # the export's newest date, read last
