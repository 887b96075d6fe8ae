"""Series ids of a long file stay as written, in every output: ``001`` is never 1, ``NA`` (Namibia, a
ticker) is an id and not a missing one, and ids with spaces, commas, quotes or Hangul go through the
printed tables, ``predictions.csv``, ``metrics.json``, ``predict --json`` and ``backtest.csv`` whole. An
id that is empty or spaces only is one line naming its row."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnnkit.cli import main
from rnnkit.forecast import Forecaster
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError

IDS = ["001", "007", "NA", "Seoul, KR", 'say "hi"', "서울"]
TINY = [
    "--epochs",
    "2",
    "--hidden",
    "4",
    "--window",
    "8",
    "--device",
    "cpu",
    "--threads",
    "1",
    "--no-progress",
]


def long_rows(ids: list[str], n: int = 60) -> list[list[str]]:
    """Each id's ``n`` daily values (a wavy random walk), the rows interleaved by date as a database
    export sorted by date gives them."""
    dates = pd.date_range("2020-01-01", periods=n).strftime("%Y-%m-%d")
    rows = []
    for k, name in enumerate(ids):
        values = 100 + np.cumsum(np.random.default_rng(k).normal(size=n)) + 5 * np.sin(np.arange(n) / 3)
        rows += [[name, d, f"{v:.3f}"] for d, v in zip(dates, values, strict=True)]
    return sorted(rows, key=lambda row: row[1])


def write_long(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "date", "value"], *rows])
    return path


@pytest.fixture(scope="module")
def long_csv(tmp_path_factory) -> Path:
    return write_long(tmp_path_factory.mktemp("ids") / "long.csv", long_rows(IDS))


def test_a_long_file_reads_every_id_as_written(long_csv):
    panel = load_panel(long_csv, "id")
    assert [s.name for s in panel] == IDS  # 'NA' was "the id column 'id' is empty on line 5"
    assert all(len(s) == 60 for s in panel)


def test_every_output_keeps_the_ids(long_csv, tmp_path, capsys):
    out = tmp_path / "run"
    assert (
        main(["forecast", "train", "--data", str(long_csv), "--id-column", "id", "--out", str(out), *TINY])
        == 0
    )
    printed = capsys.readouterr().out
    for name in IDS:
        assert f"\n{name} " in printed and f"(+1): {name} value" in printed, name
    assert list(json.loads((out / "metrics.json").read_text())["series"]) == IDS
    with (out / "predictions.csv").open(encoding="utf-8") as handle:
        assert list(dict.fromkeys(row["id"] for row in csv.DictReader(handle))) == IDS

    answer = tmp_path / "next.json"
    assert main(["forecast", "predict", "--model", str(out / "model"), "--json", str(answer), "--quiet"]) == 0
    assert [f["series"] for f in json.loads(answer.read_text())["forecasts"]] == IDS

    bt = tmp_path / "bt"
    args = [
        "forecast",
        "backtest",
        "--data",
        str(long_csv),
        "--id-column",
        "id",
        "--folds",
        "2",
        "--out",
        str(bt),
    ]
    assert main([*args, *TINY]) == 0
    assert "\n001 " in capsys.readouterr().out
    with (bt / "backtest.csv").open(encoding="utf-8") as handle:
        assert {row["id"] for row in csv.DictReader(handle)} == {*IDS, "pooled"}


def test_an_id_of_spaces_or_nothing_is_one_line_naming_its_row(tmp_path):
    rows = long_rows(["001", "007"], 30)
    rows[4][0] = "  "
    with pytest.raises(RnnkitError, match=r"^blank.csv: the id column 'id' is empty on line 6$"):
        load_panel(write_long(tmp_path / "blank.csv", rows), "id")  # was a series named '  '
    frame = pd.DataFrame(long_rows(["001", "007"], 30), columns=["id", "date", "value"])
    for empty in ("", " "):
        with pytest.raises(RnnkitError, match=r"^DataFrame: the id column 'id' is empty on row 4$"):
            load_panel(
                frame.assign(id=frame["id"].where(frame.index != 4, empty)), "id"
            )  # was "series too short"


def test_a_frame_whose_na_id_pandas_read_as_missing_says_how_to_keep_it(long_csv):
    frame = pd.read_csv(long_csv)  # 'NA' is NaN to pandas, and 001 is 1
    with pytest.raises(RnnkitError, match=r"empty on row 2; pd.read_csv reads an id written 'NA', 'None' or"):
        load_panel(frame, "id")


def test_ids_that_lost_their_leading_zeros_are_named_as_such(tmp_path):
    zeros = write_long(tmp_path / "zeros.csv", long_rows(["001", "007"]))
    fitted = Forecaster(id_column="id", epochs=1, hidden_size=4, window=8, device="cpu", show_progress=False)
    assert fitted.fit(str(zeros)).predict(str(zeros))["id"].tolist() == ["001", "007"]
    as_numbers = pd.read_csv(zeros)  # pandas reads the ids 001 and 007 as the numbers 1 and 7
    said = (
        r"not trained on a series '1' \(its series: 001, 007\); '1' is its '001' with the leading zeros lost"
    )
    with pytest.raises(RnnkitError, match=said):
        fitted.predict(as_numbers)
    assert fitted.predict(pd.read_csv(zeros, dtype={"id": str}))["id"].tolist() == ["001", "007"]
    scalers = fitted.model_.series_scalers["001"]
    many = replace(fitted.model_, series_scalers={f"s{k}": scalers for k in range(25)})
    with pytest.raises(
        RnnkitError, match=r"\(its series: s0, s1, s2, s3, s4, s5, s6, s7, s8, s9 and 15 more\)$"
    ):
        many.for_series("x")  # a model of 5,000 stores named every one of them


def test_a_series_named_pooled_is_refused(tmp_path):
    path = write_long(tmp_path / "pooled.csv", long_rows(["A", "pooled"], 30))
    with pytest.raises(
        RnnkitError, match=r"^pooled.csv: a series is named 'pooled', as the tables' row of all"
    ):
        load_panel(path, "id")  # its rows and the pooled row were two rows of one name


def test_an_id_across_two_lines_is_one_line_naming_it(tmp_path):
    rows = long_rows(["A\nB", "C"], 30)  # a quoted field with a line break: tables and messages broke there
    with pytest.raises(RnnkitError, match=r"^broken.csv: the id on line 2 holds a line break \('A\\nB'\); "):
        load_panel(write_long(tmp_path / "broken.csv", rows), "id")
    frame = pd.DataFrame(rows, columns=["id", "date", "value"])
    with pytest.raises(RnnkitError, match=r"^DataFrame: the id on row 0 holds a line break"):
        load_panel(frame, "id")


def test_an_id_column_that_is_the_dates_or_the_values_says_so(long_csv):
    # they were "long.csv has no date column (columns: id, value)" and "series too short: 100.126 has 1 rows"
    with pytest.raises(
        RnnkitError, match=r"^long.csv: the id column 'date' holds the dates; name the column that"
    ):
        load_panel(long_csv, "date")
    with pytest.raises(
        RnnkitError, match=r"^long.csv: the id column 'value' makes \d+ of its 360 rows a series of one row; "
    ):
        load_panel(long_csv, "value")


def test_a_number_and_a_text_written_alike_are_named(tmp_path):
    frame = pd.DataFrame(long_rows(["7", "8"], 30), columns=["id", "date", "value"]).astype({"id": object})
    frame.loc[frame["id"] == "7", "id"] = 7  # the number 7 beside the text '8', and the text '7' below
    mixed = pd.concat([frame, frame[frame["id"] == 7].assign(id="7")], ignore_index=True)
    with pytest.raises(
        RnnkitError, match=r"^DataFrame: the ids 7 and '7' are two series written alike \('7'\)"
    ):
        load_panel(mixed, "id")  # was "series names must be distinct", naming none


def test_one_number_written_two_ways_is_named():
    frame = pd.DataFrame(long_rows(["1", "2"], 30), columns=["id", "date", "value"]).astype({"id": object})
    frame["id"] = frame["id"].map(int).astype(object)
    mixed = pd.concat([frame, frame[frame["id"] == 1].assign(id=1.0)], ignore_index=True).astype(
        {"id": object}
    )
    # was "series 1.0 has 30 duplicated date(s)", of a series the user never wrote so
    with pytest.raises(RnnkitError, match=r"^DataFrame: the ids 1 and 1.0 are one series written two ways; "):
        load_panel(mixed, "id")


def test_numeric_ids_in_a_file_without_dates_are_not_taken_for_dates(tmp_path):
    path = tmp_path / "stores.csv"
    pd.DataFrame({"store": np.repeat([1001, 1002, 1050], 20), "sales": np.arange(60.0)}).to_csv(
        path, index=False
    )
    # store numbers read as years to a looser parser: it said "the id column 'store' holds the dates"
    with pytest.raises(RnnkitError, match=r"^stores.csv has no date column \(columns: sales\)"):
        load_panel(path, "store")
