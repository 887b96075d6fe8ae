"""The Python API says what the command line says about how the data were read: each ``note:`` line and
each ``rnnkit: warning:`` line of ``rnnkit forecast`` is one ``UserWarning`` of ``fit``, ``predict`` and
``backtest``, with the same text in the API's words (``dayfirst=True`` for ``--dayfirst``; a reversed
newest-first file, ``missing="fill"``/``"drop"`` counts, how the dates were read, the separator), and
nothing is printed."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import price_frame, write_csv

from rnnkit.cli import main
from rnnkit.forecast import Forecaster
from rnnkit.forecast.python_words import python_message

TINY = {"epochs": 2, "hidden_size": 4, "device": "cpu", "threads": 1}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A tiny one-column model (Close), saved where ``forecast predict --model`` reads it."""
    fc = Forecaster(window=4, **TINY).fit(price_frame(150)[["Date", "Close"]])
    return fc.save_pretrained(tmp_path_factory.mktemp("notes") / "model")


def _api_warnings(call) -> list[str]:
    """The texts of the UserWarnings that ``call()`` raises, in order."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught if w.category is UserWarning]


def _cli_lines(capsys, folder: Path, csv: Path, *options: str) -> list[str]:
    """What ``forecast predict`` prints about the data: its warnings (stderr), then its notes (stdout)."""
    capsys.readouterr()
    assert main(["forecast", "predict", "--model", str(folder), "--data", str(csv), *options]) == 0
    out, err = capsys.readouterr()
    warned = [ln.removeprefix("rnnkit: warning: ") for ln in err.splitlines() if ln.startswith("rnnkit: ")]
    return warned + [ln.removeprefix("note: ") for ln in out.splitlines() if ln.startswith("note: ")]


def _reading(lines: list[str]) -> list[str]:
    """The lines about how the data were read: without the warning that the file's dates step by another
    calendar than the model's training data (these files are not business daily; tests/forecast/
    test_api_data_warnings.py and test_forecast_after_s21.py check that warning), nor the note on long gaps
    in the calendar, which files of days 1 to 12 of each month have (test_dates_long_gaps.py checks it)."""
    incidental = ("the model's training data were", "long gap(s) in its")
    return [line for line in lines if not any(words in line for words in incidental)]


def _predict_warns(capsys, folder: Path, csv: Path, expected: list[str], **kw) -> None:
    """``predict`` warns exactly ``expected`` (in its words) about reading the data, which is what
    ``forecast predict`` prints, and prints nothing."""
    fc = Forecaster.from_pretrained(folder)
    for name, value in kw.items():
        setattr(fc, name, value)
    capsys.readouterr()
    assert _reading(_api_warnings(lambda: fc.predict(csv))) == [python_message(line) for line in expected]
    assert capsys.readouterr().out == ""  # the API prints nothing
    options = [f"--{k.replace('_', '-')}={v}" for k, v in kw.items() if k != "dayfirst"]
    assert _reading(_cli_lines(capsys, folder, csv, *options)) == expected


def test_a_newest_first_file_warns_that_it_was_reversed(folder, tmp_path, capsys):
    csv = write_csv(tmp_path / "newest.csv", price_frame(40)[["Date", "Close"]].iloc[::-1])
    _predict_warns(
        capsys, folder, csv, ["newest.csv lists the newest date first; reversed it to oldest first"]
    )
    fc = Forecaster.from_pretrained(folder)
    with pytest.warns(UserWarning, match="^newest.csv lists the newest date first") as record:
        fc.predict(csv)
    assert record[0].filename == __file__  # points at the caller's line


def test_missing_fill_and_drop_counts_warn(folder, tmp_path, capsys):
    frame = price_frame(40)[["Date", "Close"]]
    frame.loc[[0, 10, 11, 39], "Close"] = np.nan
    csv = write_csv(tmp_path / "gaps.csv", frame)
    last = frame["Date"].iloc[-1]
    filled = (
        "filled 3 missing value(s) ('Close': 3 on lines 12, 13, 41) with the last value; dropped 1 leading "
        "row(s) with nothing "
        f"before them to carry forward; the last row ({last}) holds carried-forward values, not observations"
    )
    _predict_warns(capsys, folder, csv, [filled], missing="fill")
    _predict_warns(
        capsys,
        folder,
        csv,
        ["dropped 4 row(s) with 4 missing value(s) ('Close': 4 on lines 2, 12, 13 and 1 more)"],
        missing="drop",
    )


def test_how_the_dates_were_read_warns(folder, tmp_path, capsys):
    # every day is 12 or less: both readings parse, only day-first is in time order
    days = pd.DatetimeIndex([pd.Timestamp(2020, m, d) for m in range(1, 5) for d in range(1, 13)])
    close = 100 + np.sin(np.arange(len(days)))
    csv = write_csv(tmp_path / "dm.csv", pd.DataFrame({"Date": days.strftime("%d/%m/%Y"), "Close": close}))
    note = "dates in column 'Date' read as '%d/%m/%Y': the only reading that puts the rows in time order"
    _predict_warns(capsys, folder, csv, [note])
    # both readings give the same dates (01/01, 02/02, ...): nothing to say
    diagonal = pd.DatetimeIndex([pd.Timestamp(2020, k, k) for k in range(1, 13)])
    csv = write_csv(
        tmp_path / "same.csv", pd.DataFrame({"Date": diagonal.strftime("%d/%m/%Y"), "Close": close[:12]})
    )
    _predict_warns(capsys, folder, csv, [])
    # both readings in time order and evenly spaced (1 to 12 January, or the 1st of each month): month
    # first, with the command line's warning, which says how to choose
    firsts = pd.DatetimeIndex([pd.Timestamp(2020, k, 1) for k in range(1, 13)])
    csv = write_csv(
        tmp_path / "both.csv", pd.DataFrame({"Date": firsts.strftime("%d/%m/%Y"), "Close": close[:12]})
    )
    warning = (
        "dates in column 'Date' such as '01/01/2020' read as '%m/%d/%Y' (month first); they also read as "
        "'%d/%m/%Y' (day first) and both readings are in time order and both evenly spaced: pass --dayfirst "
        "(or --date-format '%d/%m/%Y') to read them so, or --monthfirst to keep this reading"
    )
    _predict_warns(capsys, folder, csv, [warning])
    fc = Forecaster.from_pretrained(folder)
    fc.dayfirst = True  # the user said how: nothing to warn about reading them
    assert _reading(_api_warnings(lambda: fc.predict(csv))) == []


def test_another_separator_warns(folder, tmp_path, capsys):
    frame = price_frame(40)[["Date", "Close"]]
    semi = tmp_path / "semi.csv"
    frame.to_csv(semi, sep=";", index=False)
    _predict_warns(capsys, folder, semi, ["semi.csv is ';'-separated; read it so"])
    tab = tmp_path / "tab.csv"
    frame.to_csv(tab, sep="\t", index=False)
    _predict_warns(capsys, folder, tab, ["tab.csv is tab-separated; read it so"])
    comma = tmp_path / "comma.csv"
    frame.to_csv(comma, sep=";", decimal=",", index=False)
    _predict_warns(capsys, folder, comma, ["comma.csv is ';'-separated with decimal commas; read it so"])


def test_well_formed_data_warns_nothing(folder, tmp_path):
    csv = write_csv(tmp_path / "fine.csv", price_frame(40)[["Date", "Close"]])
    assert _api_warnings(lambda: Forecaster.from_pretrained(folder).predict(csv)) == []


def test_fit_and_backtest_warn_too(tmp_path, capsys):
    frame = price_frame(120)[["Date", "Close"]]
    frame.loc[5, "Close"] = np.nan
    newest = frame.iloc[::-1].reset_index(drop=True)
    reversed_note = "DataFrame lists the newest date first; reversed it to oldest first"
    fill_note = "filled 1 missing value(s) ('Close': 1 on row 114) with the last value"  # the frame's label
    fc = Forecaster(window=4, missing="fill", **TINY)
    capsys.readouterr()
    with pytest.warns(UserWarning) as record:
        fc.fit(newest)
    assert [str(w.message) for w in record if w.category is UserWarning] == [reversed_note, fill_note]
    assert all(w.filename == __file__ for w in record)
    with pytest.warns(UserWarning) as record:
        fc.backtest(newest, folds=2, stride=10)
    assert [str(w.message) for w in record if w.category is UserWarning] == [reversed_note, fill_note]
    assert capsys.readouterr().out == ""


def test_long_format_warns_per_series_as_the_command_line_notes(tmp_path, capsys):
    parts = []
    for k, name in enumerate(("A", "B")):
        part = price_frame(80, seed=k)[["Date", "Close"]].assign(symbol=name)
        parts.append(part)
    long = pd.concat(parts, ignore_index=True)[["symbol", "Date", "Close"]]
    long.loc[long.index[long["symbol"] == "B"][3], "Close"] = np.nan
    csv = tmp_path / "long.csv"
    long.to_csv(csv, sep=";", index=False)
    fc = Forecaster(window=4, id_column="symbol", missing="drop", **TINY)
    expected = [
        "long.csv is ';'-separated; read it so",
        "series B: dropped 1 row(s) with 1 missing value(s) ('Close': 1 on line 85)",  # the file's line
    ]
    capsys.readouterr()
    assert _api_warnings(lambda: fc.fit(csv)) == expected
    assert capsys.readouterr().out == ""
    folder = fc.save_pretrained(tmp_path / "model")
    assert _cli_lines(capsys, folder, csv, "--id-column", "symbol", "--missing", "drop") == expected
    assert _api_warnings(lambda: fc.predict(csv)) == expected
