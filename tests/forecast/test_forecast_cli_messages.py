"""What ``rnnkit forecast`` prints is true (audit bugs 3, 12 to 15): --dayfirst on ISO files, --test 0,
backtest's transform line, a constant series, huge values."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import write_csv

from rnnkit.cli import main

TINY = ["--epochs", "2", "--hidden", "4", "--quiet", "--device", "cpu", "--threads", "1"]
DAYS = pd.bdate_range("2020-01-01", periods=160)


def _frame(values, dates=DAYS) -> pd.DataFrame:
    return pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Close": values})


def _walk(n: int = 160, seed: int = 0) -> np.ndarray:
    return 100 * np.exp(np.cumsum(np.random.default_rng(seed).normal(0, 0.01, n)))


def test_dayfirst_on_an_iso_month_start_file(tmp_path, capsys):
    months = pd.date_range("2000-01-01", periods=120, freq="MS")
    path = write_csv(tmp_path / "ms.csv", _frame(_walk(120), months))
    out = tmp_path / "run"
    assert main(["forecast", "train", "--data", str(path), "--dayfirst", "--out", str(out), *TINY]) == 0
    captured = capsys.readouterr()
    assert "forecast 2010-01-01 (+1)" in captured.out and "on 2009-12-01" in captured.out
    assert "%Y-%d-%m" not in captured.err


def test_test_zero_says_why(tmp_path, capsys):
    path = write_csv(tmp_path / "p.csv", _frame(_walk()))
    for command in ("train", "backtest"):
        code = main(
            ["forecast", command, "--data", str(path), "--test", "0", "--out", str(tmp_path / command), *TINY]
        )
        assert code == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("rnnkit: error: --test must be a fraction greater than 0") and "\n" not in err
        assert "val + test < 1" not in err


def test_backtest_transform_line_is_true_for_every_fold(tmp_path, capsys):
    path = write_csv(tmp_path / "p.csv", _frame(_walk(400), pd.bdate_range("2020-01-01", periods=400)))
    out = tmp_path / "bt"
    assert main(["forecast", "backtest", "--data", str(path), "--folds", "3", "--out", str(out), *TINY]) == 0
    text = capsys.readouterr().out
    reasons = [f["predict"]["reason"] for f in json.loads((out / "backtest.json").read_text())["folds"]]
    if len(set(reasons)) == 1:
        assert f"target transform (every fold): {reasons[0]}" in text
    else:
        assert "(every fold)" not in text
        for k, reason in enumerate(reasons, start=1):
            assert f"  fold {k}: {reason}" in text


def test_a_constant_series_prints_no_nan(tmp_path, capsys):
    path = write_csv(tmp_path / "c.csv", _frame(np.full(160, 42.0)))
    assert main(["forecast", "train", "--data", str(path), "--out", str(tmp_path / "c"), *TINY]) == 0
    text = capsys.readouterr().out
    assert "nan" not in text
    assert "The series is constant on the test samples" in text
    assert "seasonal naive: no season: the training part is constant" in text


def test_huge_values_no_warnings_and_short_lines(tmp_path, capsys):
    path = write_csv(tmp_path / "h.csv", _frame(_walk() * 1e300))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert main(["forecast", "train", "--data", str(path), "--out", str(tmp_path / "h"), *TINY]) == 0
    text = capsys.readouterr().out
    (line,) = [x for x in text.splitlines() if x.startswith("forecast ")]
    assert len(line) < 200 and "e+30" in line
    assert " inf " not in text


def test_quantiles_help_says_the_median_is_added(capsys):
    assert main(["forecast", "train", "--help"]) == 0
    assert "0.5 is added" in " ".join(capsys.readouterr().out.split())


def test_patience_help_gives_the_range_that_is_accepted(capsys):
    # the help promised 0..100000, and --patience 0 was then refused by the training engine
    for command in ("train", "backtest"):
        assert main(["forecast", command, "--help"]) == 0
        assert "--patience INTEGER 1..100000" in capsys.readouterr().out
    assert main(["forecast", "train", "--patience", "0"]) == 2
    assert "'--patience': must be >= 1" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value"),
    [("--quantiles", "0.1,,0.9"), ("--quantiles", "0.1,0.9,"), ("--features", "open,,high")],
)
def test_an_empty_item_in_a_comma_list_is_refused(tmp_path, capsys, option, value):
    """A level or a column lost between commas was skipped in silence (--cells and --lengths refuse one)."""
    assert main(["forecast", "train", "--data", "ibm", option, value, "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert f"{option} has an empty item between commas" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


def test_the_python_api_refuses_an_empty_item_too():
    from rnnkit.forecast import Forecaster
    from rnnkit.utils.errors import RnnkitError

    with pytest.raises(RnnkitError, match="empty item between commas"):
        Forecaster(quantiles="0.1,,0.9")
