"""A series too short for a saved model's window says why a window of W changes needs W + 1 rows."""

from __future__ import annotations

import pytest
from helpers_forecast import price_frame, write_csv

from rnnkit.cli import main

TINY = ["--epochs", "1", "--hidden-size", "4", "--quiet", "--device", "cpu", "--window", "4"]


@pytest.mark.parametrize(
    ("predict", "said"),
    [("returns", "the model's window needs 5 (4 returns, each from the row before it)"), ("prices", None)],
)
def test_predict_on_too_few_rows(tmp_path, capsys, predict, said):
    # 'has 4 rows; the model's window needs 5' beside --window 4 read as a miscount
    data = write_csv(tmp_path / "p.csv", price_frame(120)[["Date", "Close"]])
    out = tmp_path / "run"
    assert (
        main(["forecast", "train", "--data", str(data), "--out", str(out), "--predict", predict, *TINY]) == 0
    )
    short = write_csv(tmp_path / "short.csv", price_frame(120)[["Date", "Close"]].iloc[:3])
    capsys.readouterr()
    assert main(["forecast", "predict", "--model", str(out), "--data", str(short)]) == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    needs = said or "the model's window needs 4"
    assert err == f"rnnkit: error: series too short: short.csv has 3 rows; {needs}"
