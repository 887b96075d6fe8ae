"""``--decimal``: a file whose numbers are all written like ``2.000`` (two thousand with a dot grouping
the thousands, or two with three decimals) is read by its separator's convention, says so, and names
the option for the other reading; the option is saved with the model and used by later commands."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnnkit.cli import main
from rnnkit.forecast import Forecaster
from rnnkit.forecast.data import load_series
from rnnkit.forecast.table import read_table
from rnnkit.utils.errors import RnnkitError

TINY = ["--epochs", "1", "--hidden", "4", "--quiet", "--device", "cpu", "--threads", "1"]
THOUSANDS = [1000 * (i % 7 + 2) + 1000 * (i % 3) for i in range(40)]  # 2000, 4000, 6000, ...


def _dotted(n: int) -> str:
    """A whole number as a spreadsheet of decimal commas writes it: 12000 as 12.000."""
    return f"{n:,}".replace(",", ".")


def _write(path: Path, sep: str, cells: list[str]) -> Path:
    days = pd.date_range("2024-01-01", periods=len(cells), freq="D")
    lines = [f"Date{sep}Close"] + [f"{d.date()}{sep}{c}" for d, c in zip(days, cells, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_semicolon_file_of_dotted_whole_thousands_reads_them_as_thousands_and_says_how(tmp_path):
    path = _write(tmp_path / "de.csv", ";", [_dotted(v) for v in THOUSANDS])
    series = load_series(path)
    np.testing.assert_array_equal(series.values[:, 0], np.array(THOUSANDS, dtype=float))
    note = next(n for n in series.notes if "2.000" in n)
    assert "dots group thousands (2.000 is 2000)" in note and "pass --decimal point" in note


def test_decimal_point_reads_the_same_file_as_decimals(tmp_path):
    path = _write(tmp_path / "de.csv", ";", [_dotted(v) for v in THOUSANDS])
    series = load_series(path, decimal="point")
    np.testing.assert_allclose(series.values[:, 0], np.array(THOUSANDS) / 1000)
    assert not any("2.000" in n for n in series.notes)  # the user said which: nothing to tell


def test_a_tab_separated_file_reads_the_dots_as_decimal_points_unless_told(tmp_path):
    path = _write(tmp_path / "us.tsv", "\t", [_dotted(v) for v in THOUSANDS])
    series = load_series(path)
    np.testing.assert_allclose(series.values[:, 0], np.array(THOUSANDS) / 1000)
    note = next(n for n in series.notes if "2.000" in n)
    assert "read its dots as decimal points (2.000 is 2)" in note and "pass --decimal comma" in note
    told = load_series(path, decimal="comma")
    np.testing.assert_array_equal(told.values[:, 0], np.array(THOUSANDS, dtype=float))


def test_one_cell_with_another_number_of_decimals_settles_the_reading(tmp_path):
    """2.5 cannot be thousands: every cell is read with a decimal point, and no note guesses."""
    cells = [_dotted(v) for v in THOUSANDS]
    cells[-1] = "2.5"  # the last row: a sample of the first rows would miss it
    series = load_series(_write(tmp_path / "mixed.csv", ";", cells))
    assert series.values[-1, 0] == 2.5 and series.values[0, 0] == THOUSANDS[0] / 1000
    assert not any("2.000" in n for n in series.notes)


def test_decimal_comma_reads_quoted_decimal_commas_of_a_comma_separated_file(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('Date,Close\n2024-01-01,"1,5"\n2024-01-02,"2,25"\n2024-01-03,3\n')
    frame = read_table(path, decimal="comma")
    assert frame.attrs["rnnkit_decimal"] == ","
    series = load_series(path, decimal="comma")
    np.testing.assert_allclose(series.values[:, 0], [1.5, 2.25, 3.0])


def test_an_unknown_decimal_mark_is_one_line(tmp_path):
    path = _write(tmp_path / "de.csv", ";", [_dotted(v) for v in THOUSANDS])
    with pytest.raises(RnnkitError, match="unknown --decimal 'dot'; choose one of: point, comma"):
        load_series(path, decimal="dot")
    with pytest.raises(RnnkitError, match="decimal must be one of point, comma"):
        Forecaster(decimal="dot")


def test_the_command_line_saves_the_mark_and_predict_reads_with_it(tmp_path, capsys):
    path = _write(tmp_path / "de.csv", ";", [_dotted(v) for v in THOUSANDS])
    out = tmp_path / "run"
    code = main(["forecast", "train", "--data", str(path), "--decimal", "point", "--out", str(out), *TINY])
    assert code == 0, capsys.readouterr().err
    info = json.loads((out / "model" / "config.json").read_text())["info"]
    assert info["reading"]["decimal"] == "point" and info["settings"]["decimal"] == "point"
    capsys.readouterr()
    assert main(["forecast", "predict", "--model", str(out / "model"), "--data", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "read the data as the model's training data were read: --decimal point" in printed
    assert f"last {THOUSANDS[-1] / 1000:.4f}" in printed  # 4.0000 on 2024-02-09, not 4000.0000


def test_the_python_api_names_its_own_argument(tmp_path):
    path = _write(tmp_path / "de.csv", ";", [_dotted(v) for v in THOUSANDS])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted = Forecaster(epochs=1, hidden_size=4, device="cpu").fit(str(path))
    said = [str(w.message) for w in caught]
    assert any("pass decimal='point'" in s for s in said), said
    assert fitted.model_ is not None
    point = Forecaster(epochs=1, hidden_size=4, device="cpu", decimal="point").fit(str(path))
    assert point.decimal == "point"
    assert float(point.predict(str(path)).iloc[-1]["forecast"]) < 100  # read as 2 to 8, not thousands
