"""A spreadsheet's formula error kept in a CSV export (``#DIV/0!`` in a computed column of returns,
``#REF!``, LibreOffice's ``Err:502``) is one line naming it as such and the fix. ``#DIV/0!`` holds a
digit, so it was taken for a mistyped number and the message named no fix at all."""

import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError

FIX = "a spreadsheet's formula error: correct the formula, or leave the cell empty (see --missing)"


@pytest.mark.parametrize("cell", ["#DIV/0!", "#REF!", "#NAME?", "#VALUE!", "Err:502"])
def test_a_formula_error_in_a_file_names_the_fix(tmp_path, cell):
    rows = [f"2024-01-{day:02d},{100 + day}" for day in range(1, 31)]
    rows[10] = f"2024-01-11,{cell}"  # line 12
    path = tmp_path / "x.csv"
    path.write_text("Date,Return\n" + "\n".join(rows) + "\n")
    with pytest.raises(RnnkitError) as exc:
        load_series(path)
    assert str(exc.value) == (
        f"column 'Return' of x.csv is not numeric: line 12 holds {cell!r} (1 such value(s)); {FIX}"
    )


def test_a_formula_error_in_a_dataframe_names_the_fix():
    frame = pd.DataFrame(
        {"Return": ["0.5"] * 29 + ["#DIV/0!"]}, index=pd.date_range("2024-01-01", periods=30)
    )
    with pytest.raises(RnnkitError, match="row 2024-01-30 holds '#DIV/0!'.*formula error"):
        load_series(frame)


def test_a_number_written_wrong_gets_no_formula_hint(tmp_path):
    rows = [f"2024-01-{day:02d},{100 + day}" for day in range(1, 31)]
    rows[10] = "2024-01-11,12a"
    path = tmp_path / "x.csv"
    path.write_text("Date,Return\n" + "\n".join(rows) + "\n")
    with pytest.raises(RnnkitError) as exc:
        load_series(path)
    assert str(exc.value).endswith("line 12 holds '12a' (1 such value(s))")
