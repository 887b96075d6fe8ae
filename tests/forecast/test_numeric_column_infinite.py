"""An infinite value in the target (``inf``, ``-inf``, ``Infinity``, or ``1e400``, which pandas reads as
inf) is one line naming its line and the fix, as any other cell that is no number is; it said only
``column 'Close' of x.csv holds infinite values``, and a user of 5,000 rows was left to search for it."""

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast.data import load_series
from rnnkit.utils.errors import RnnkitError


@pytest.mark.parametrize("cell", ["inf", "-inf", "Infinity", "1e400"])
def test_an_infinite_cell_names_its_line(tmp_path, cell):
    rows = [f"2024-01-{day:02d},{100 + day}" for day in range(1, 31)]
    rows[20] = f"2024-01-21,{cell}"  # line 22: the header is line 1
    path = tmp_path / "x.csv"
    path.write_text("Date,Close\n" + "\n".join(rows) + "\n")
    with pytest.raises(RnnkitError) as exc:
        load_series(path)
    message = str(exc.value)
    assert message.startswith("column 'Close' of x.csv holds infinite values")
    assert "line 22 holds" in message and "(1 such value(s))" in message
    assert "leave the cell empty (see --missing)" in message


def test_a_dataframe_names_the_index_label():
    frame = pd.DataFrame(
        {"Close": np.r_[np.arange(1.0, 40.0), -np.inf]}, index=pd.date_range("2024-01-01", periods=40)
    )
    with pytest.raises(RnnkitError, match=r"row 2024-02-09 holds '-inf' \(1 such value\(s\)\)"):
        load_series(frame)
