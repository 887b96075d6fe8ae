"""Every message an upload to the forecast page can meet, in the page user's words: the reader's advice
names the command line's options (``pass --missing fill``, ``--date-format``, ``--decimal point``), and
a page user has none; :func:`rnnkit.forecast.python_words.page_message` says what to change in the file.
Each case goes through the page's own ``POST /api/forecast`` and finds no option left."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from rnnkit.forecast.python_words import page_message

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")

OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
DAYS = pd.date_range("2021-01-01", periods=200, freq="D")


def csv(header: str, rows: list[str], sep: str = ",") -> str:
    return header.replace(",", sep) + "\n" + "".join(row.replace(",", sep) + "\n" for row in rows)


def values(n: int = 200) -> list[str]:
    return [f"{100 + 5 * np.sin(i / 4):.3f}" for i in range(n)]


def dated(days=DAYS, vals=None, fmt: str = "%Y-%m-%d") -> list[str]:
    return [f"{d.strftime(fmt)},{v}" for d, v in zip(days, vals or values(len(days)), strict=True)]


def no_option(text: str) -> None:
    """No option outside a command to run (``rnnkit forecast train --predict prices`` may stay)."""
    assert not OPTION.findall(re.sub(r"rnnkit forecast train(?: --[a-z-]+ \w+)*", "", text)), text


def error(client, text: str, model: str | None = None) -> str:
    r = client.post("/api/forecast", json={"csv": text, "model": model})
    assert r.status_code == 400, r.text
    message = r.json()["error"]
    no_option(message)
    return message


def answer(client, text: str) -> dict:
    r = client.post("/api/forecast", json={"csv": text})
    assert r.status_code == 200, r.text
    said = r.json()
    for line in [*said["notes"], *said["warnings"]]:
        no_option(line)
    return said


# the errors of the session's model ('Adj Close', read with the defaults), then what the page says instead
ERRORS = [
    pytest.param(
        csv("name,kind", [f"n{i},k{i}" for i in range(30)]),
        "uploaded.csv has no date column (columns: name, kind); head the column of dates 'Date'",
        id="no-date-column",
    ),
    pytest.param(
        csv("Date,a,b", [f"{d:%Y-%m-%d},x,y" for d in DAYS]),
        "uploaded.csv has no numeric column to forecast; upload the date and the column to forecast, "
        "headed 'Adj Close'",
        id="no-numeric-column",
    ),
    pytest.param(
        csv("Date,Adj Close", [f"{d:%Y-%m-%d},-" for d in DAYS[:3]] + dated(DAYS[3:])),
        "column 'Adj Close' of uploaded.csv is not numeric: line 2 holds '-' (3 such value(s)); leave "
        "missing values empty",
        id="a-word-for-a-missing-value",
    ),
    pytest.param(
        csv("Date,Adj Close", [f"{d:%Y-%m-%d}," for d in DAYS]),
        "column 'Adj Close' of uploaded.csv is empty (no value in any row); upload the column with its values",
        id="an-empty-column",
    ),
    pytest.param(
        csv("Date,Adj Close", [*dated(DAYS[:50]), f"{DAYS[50]:%Y-%m-%d},", *dated(DAYS[51:])]),
        "uploaded.csv has 1 missing value(s) ('Adj Close': 1 on line 52); fill them in, or delete those rows",
        id="a-missing-value",
    ),
    pytest.param(
        csv("Date,Adj Close", [*dated(DAYS[:50]), ",101", *dated(DAYS[51:])]),
        "uploaded.csv: date column 'Date' has 1 empty value(s): line 52 (nan); fill in their dates, or "
        "delete those rows",
        id="an-empty-date",
    ),
    pytest.param(
        csv("Date,store,Adj Close", [f"{d:%Y-%m-%d},{s},1{i}" for s in "ab" for i, d in enumerate(DAYS)]),
        "uploaded.csv has 200 duplicated date(s) (line 202 (2021-01-01, as line 2), line 203 (2021-01-02, "
        "as line 3), line 204 (2021-01-03, as line 4)); keep one row per date (a long file with several "
        "series? the page forecasts one series: upload the rows of one of them)",
        id="a-long-file",
    ),
    pytest.param(
        csv("Date,Adj Close", [*dated(DAYS[:100]), "soon,1", *dated(DAYS[101:])]),
        "uploaded.csv: 1 value(s) in date column 'Date' are not dates in the format of line 2 "
        "('2021-01-01' is %Y-%m-%d): line 102 ('soon'); write the dates as YYYY-MM-DD (e.g. 2024-01-31)",
        id="not-a-date",
    ),
    pytest.param(
        csv(
            "Date,Adj Close",
            [*dated(DAYS[:100], fmt="%d/%m/%Y"), "soon,1", *dated(DAYS[101:], fmt="%d/%m/%Y")],
        ),
        "uploaded.csv: 1 value(s) in date column 'Date' are not dates in the format of line 2 "
        "('01/01/2021' is %d/%m/%Y): line 102 ('soon'); write the dates as YYYY-MM-DD (e.g. 2024-01-31)",
        id="not-a-date-day-first",
    ),
    pytest.param(
        csv("Date,Adj Close", ["someday,1", "later,2", *dated(DAYS[2:])]),
        "uploaded.csv: 2 value(s) in date column 'Date' are not dates: line 2 ('someday'), line 3 ('later'); "
        "write the dates as YYYY-MM-DD (e.g. 2024-01-31)",
        id="free-text-dates",
    ),
    pytest.param(
        csv("Date,Adj Close", dated(DAYS[[0, 2, 1, *range(3, 200)]])),
        "uploaded.csv: dates are neither in ascending nor in descending order: line 4 (2021-01-02) after "
        "line 3 (2021-01-03); sort the rows by date (or check that day and month are where you meant them)",
        id="out-of-order",
    ),
    pytest.param(
        csv("Date,Adj Close", dated(DAYS[:5])),
        "series too short: uploaded.csv has 5 rows; the model's window 4 and horizon 1 need at least",
        id="too-short",
    ),
]


@pytest.mark.parametrize(("text", "said"), ERRORS)
def test_an_upload_error_says_what_to_change_in_the_file(client, text, said):
    assert error(client, text).startswith(said)


def test_notes_say_what_to_change_in_the_file(client):
    thousands = answer(
        client, csv("Date,Adj Close", dated(vals=[f"{2 + i % 5}.000" for i in range(200)]), ";")
    )
    assert thousands["notes"][1] == (
        "uploaded.csv writes numbers such as 2.000 only; a ';'-separated file writes decimal commas, so its "
        "dots group thousands (2.000 is 2000); if they are decimal points, save the file comma-separated "
        "(its dots are then decimal points)"
    )
    tabs = answer(client, csv("Date,Adj Close", dated(vals=[f"{2 + i % 5}.000" for i in range(200)]), "\t"))
    assert tabs["notes"][1] == (
        "uploaded.csv writes numbers such as 2.000 only; read its dots as decimal points (2.000 is 2); if "
        "they group thousands, write the numbers without those dots (2000)"
    )
    gaps = answer(client, csv("Date,Adj Close", dated(DAYS.delete([40, 41]))))
    assert gaps["notes"][-1].endswith("(add those rows, with their values, to keep the steps even)")


def test_warnings_reach_the_page_in_its_words(client):
    """The CLI warns of dates read one by one; the page said nothing of it (and would have said
    --date-format)."""
    said = answer(client, csv("Date,Adj Close", dated(fmt="%b-%d-%y")))
    assert said["warnings"] == [
        "dates in column 'Date' such as 'Jan-01-21' fit no single format; each was read on its own, so check "
        "them, or write the dates as YYYY-MM-DD (e.g. 2024-01-31)"
    ]


def test_dates_that_read_two_ways_warn_how_to_write_them():
    from rnnkit.serve.adapt_forecast import read_series

    firsts = pd.DatetimeIndex([pd.Timestamp(2020, k, 1) for k in range(1, 13)])
    series = read_series(None, csv("Date,Close", dated(firsts, fmt="%d/%m/%Y")), ["Close"])
    assert series.warnings == [
        "dates in column 'Date' such as '01/01/2020' read as '%m/%d/%Y' (month first); they also read as "
        "'%d/%m/%Y' (day first) and both readings are in time order and both evenly spaced: to read them as "
        "'%d/%m/%Y', write the dates as YYYY-MM-DD (e.g. 2024-01-31)"
    ]


@pytest.fixture(scope="module")
def strict_client(tmp_path_factory):
    """A model with a feature, a date format and returns: the messages only such a model meets."""
    from starlette.testclient import TestClient

    from rnnkit.forecast import Forecaster
    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    root = tmp_path_factory.mktemp("strict")
    frame = pd.DataFrame(
        {"Date": DAYS.strftime("%d.%m.%Y"), "Close": values(), "Volume": np.arange(200) % 7 + 1.0}
    )
    fc = Forecaster(
        window=4, features=["Volume"], date_format="%d.%m.%Y", transform="returns", hidden=4, epochs=1,
        device="cpu",
    )  # fmt: skip
    fc.fit(frame).save(root / "models" / "strict")
    with TestClient(create_app(discover(root / "models")), base_url="http://127.0.0.1:8000") as c:
        yield c


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param(
            csv("Date,Close", dated(fmt="%d.%m.%Y")),
            "uploaded.csv has no feature column 'Volume' (columns: Date, Close); the model reads that column: "
            "upload it, headed so",
            id="no-feature-column",
        ),
        pytest.param(
            csv("Date,Close,Volume", [f"{r},1" for r in dated()]),
            "uploaded.csv: 200 value(s) in date column 'Date' do not match the date format of the model's data, "
            "'%d.%m.%Y'",
            id="another-date-format",
        ),
        pytest.param(
            csv("Date,Close,Volume", [f"{r},1" for r in dated(fmt="%d.%m.%Y", vals=["-1"] * 200)]),
            "the model predicts returns, which needs positive values, but 'Close' has 200 value(s) <= 0, so it "
            "cannot forecast this series; train a model on it that predicts differences or prices (rnnkit "
            "forecast train --predict auto chooses between them)",
            id="returns-of-negative-values",
        ),
    ],
)
def test_a_models_own_reading_is_said_as_the_models(strict_client, text, said):
    assert error(strict_client, text).startswith(said)


def test_the_saved_reading_is_said_in_words():
    from rnnkit.serve.adapt_forecast import as_trained

    assert as_trained({"dayfirst": True, "missing": "fill", "decimal": "comma"}) == (
        "dates day first, missing values filled with the last value, decimal commas"
    )
    assert as_trained({"date_format": "%d.%m.%Y", "missing": "drop"}) == (
        "dates as '%d.%m.%Y', rows with a missing value dropped"
    )


def test_a_column_name_is_put_in_as_written():
    assert page_message("x has several numeric columns (a, b); choose one with --target", r"C\1").endswith(
        r"or head it 'C\\1'"
    )


def test_notes_and_warnings_name_the_upload_as_the_user_named_it(client):
    """Errors named the picked file; a note of the reader named the server's copy: 'uploaded.csv skips 2
    date(s) of its daily calendar' of a file picked as rows.csv."""
    text = csv("Date,Adj Close", dated(DAYS.delete([40, 41]), fmt="%d %b %y"))
    r = client.post("/api/forecast", json={"csv": text, "filename": "rows.csv"})
    assert r.status_code == 200, r.text
    said = r.json()
    assert said["notes"][-1].startswith("rows.csv skips 2 date(s) of its daily calendar"), said["notes"]
    assert not [line for line in [*said["notes"], *said["warnings"]] if "uploaded.csv" in line], said
