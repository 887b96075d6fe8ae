"""The Python API's messages name its arguments (``target=``), the command line's its options (``--target``):
one message per check, rewritten for Python by :mod:`rnnkit.forecast.python_words`."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import price_frame, write_csv

from rnnkit.cli import main
from rnnkit.forecast import Forecaster
from rnnkit.forecast.python_words import python_message
from rnnkit.utils.errors import RnnkitError

TINY = {"epochs": 1, "hidden_size": 4, "device": "cpu"}


@pytest.mark.parametrize(
    ("cli", "python"),
    [
        ("name the column with --target", "name the column with target="),
        (
            "pass --missing fill (carry) or --missing drop (drop)",
            "pass missing='fill' (carry) or missing='drop' (drop)",
        ),
        (
            "--window 30 and --horizon 1 need at least 40 rows",
            "window=30 and horizon=1 need at least 40 rows",
        ),
        (
            "--folds 5 x --stride 100 rows leave no training rows",
            "folds=5 x stride=100 rows leave no training rows",
        ),
        ("pass --dayfirst (or --date-format '%d/%m/%Y')", "pass dayfirst=True (or date_format='%d/%m/%Y')"),
        ("pass --monthfirst", "pass dayfirst=False"),
        ("--val 0.5 and --test 0.5 leave no rows", "val=0.5 and test=0.5 leave no rows"),
        (
            "train a model on it with --predict differences or --predict prices",
            "train a model on it with transform='differences' or transform='prices'",
        ),
        ("pass --id-column 'symbol')", "pass id_column='symbol')"),
        ("choose with --target or --features", "choose with target= or features="),
        ("--season 7 is longer than the training part", "season=7 is longer than the training part"),
        # options that are no Python argument, and options inside a command to run, stay as they are
        ("(rnnkit forecast train --resume does)", "(rnnkit forecast train --resume does)"),
        (
            "run rnnkit forecast eval --model FOLDER, or lower --window",
            "run rnnkit forecast eval --model FOLDER, or lower window=",
        ),
        ("nothing to change", "nothing to change"),
    ],
)
def test_options_become_arguments(cli, python):
    assert python_message(cli) == python


def _gapped() -> pd.DataFrame:
    frame = price_frame(80)[["Date", "Close"]]
    frame.loc[5, "Close"] = np.nan
    return frame


def test_the_same_check_speaks_python_to_fit_and_flags_to_the_command_line(tmp_path, capsys):
    with pytest.raises(RnnkitError) as info:
        Forecaster(**TINY).fit(_gapped())
    assert str(info.value).endswith(
        "pass missing='fill' (carry the last value forward) or missing='drop' (drop those rows)"
    )
    csv = write_csv(tmp_path / "gap.csv", _gapped())
    assert (
        main(["forecast", "train", "--data", str(csv), "--out", str(tmp_path / "run"), "--epochs", "1"]) == 2
    )
    assert "pass --missing fill (carry the last value forward) or --missing drop" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda f: Forecaster(target="nope", **TINY).fit(f), "name the column with target="),
        (lambda f: Forecaster(features=["nope"], **TINY).fit(f), "name the column with features="),
        (
            lambda f: Forecaster(**TINY).fit(f.set_axis(["Date", "a"], axis=1).assign(b=1.0)),
            "choose one with target=",
        ),
        (lambda f: Forecaster(window=30, **TINY).fit(f.iloc[:20]), "window=30 and horizon=1 need"),
        (
            lambda f: Forecaster(**TINY).fit(f.sample(frac=1, random_state=0)),
            "sort the rows by date (or check date_format=",
        ),
        (lambda f: Forecaster(**TINY).backtest(f, folds=5, stride=30), "folds=5 x stride=30 rows"),
        (lambda f: Forecaster(**TINY).backtest(f.iloc[:20], folds=5), "folds=5 is more than"),
        (lambda f: Forecaster(val=0.5, **TINY).backtest(f, test=0.5), "val=0.5 and test=0.5 leave no rows"),
        (lambda f: Forecaster(id_column="nope", **TINY).fit(f), "name the column with id_column="),
    ],
)
def test_python_errors_name_no_command_line_option(make, words):
    frame = price_frame(80)[["Date", "Close"]]
    with pytest.raises(RnnkitError) as info:
        make(frame)
    message = str(info.value)
    assert words in message and not re.search(r"(?<![\w-])--[a-z]", message), message


def test_predict_errors_and_notes_name_arguments(tmp_path):
    frame = price_frame(80)[["Date", "Close"]]
    fitted = Forecaster(horizon=2, **TINY).fit(frame)
    with pytest.raises(
        RnnkitError, match=r"^horizon=3 is beyond .* train with horizon=3 to forecast further$"
    ):
        fitted.predict(frame, horizon=3)
    with pytest.raises(RnnkitError, match=r"pass missing='fill' .* or missing='drop'"):
        fitted.predict(_gapped())
    with warnings.catch_warnings(record=True) as record:  # a one-column model reads another column
        warnings.simplefilter("always")
        fitted.predict(frame.rename(columns={"Close": "Price"}))
    notes = [str(w.message) for w in record if w.category is UserWarning]
    assert notes == ["DataFrame has no column 'Close'; using 'Price' as the target (choose with target=)"]
