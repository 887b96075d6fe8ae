"""An id of a long file with one row is named in words that agree with it: 'series too short: O has
1 rows; ...; 1 of 2 series too short: O (1 rows)' read as a typo in a refusal a new user meets first."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnnkit.cli import main

TINY = [
    "--window",
    "4",
    "--hidden-size",
    "8",
    "--epochs",
    "2",
    "--device",
    "cpu",
    "--threads",
    "1",
    "--quiet",
]


def _long(tmp_path: Path) -> Path:
    days = pd.date_range("2021-01-01", periods=300, freq="D").strftime("%Y-%m-%d")
    walk = 100 + np.cumsum(np.random.default_rng(0).normal(size=300))
    frame = pd.concat(
        [
            pd.DataFrame({"symbol": "A", "Date": days, "Close": walk}),
            pd.DataFrame({"symbol": "O", "Date": days[:1], "Close": [5.0]}),  # one row
        ]
    )
    frame.to_csv(path := tmp_path / "long.csv", index=False)
    return path


@pytest.mark.parametrize("command", ["train", "backtest"])
def test_an_id_with_one_row_is_one_row(tmp_path: Path, capsys, command):
    argv = ["forecast", command, "--data", str(_long(tmp_path)), "--id-column", "symbol"]
    assert main([*argv, "--out", str(tmp_path / "out"), *TINY]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err  # one line
    assert "1 of 2 series too short: O (1 row); drop it from the data" in err
    assert "1 rows" not in err
    if command == "train":  # the series' own message, from the windows it needs
        assert "series too short: O has 1 row; --window 4" in err
    else:  # fold_splits' message: 'its 1 row(s) leave' read as a form, not a sentence
        assert "series O: series too short for a backtest: its 1 row leaves no test rows" in err
        assert "(s)" not in err
