"""A QA pass on ``rnnkit forecast``: bundled names beside folders, ambiguous and dotted dates, how a
model's data were read (saved and used again), long-format ties and target fallback, messages for
negative values, ``--predict auto``'s reason, swapped quantiles and files that are not UTF-8."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import make_evaluation, price_frame, write_csv

from rnnkit.cli import main
from rnnkit.forecast import Forecaster
from rnnkit.forecast import panel as panel_module
from rnnkit.forecast.choose import _decide
from rnnkit.forecast.data import BUNDLED, DATA_DIR, load_series, resolve_source
from rnnkit.forecast.dates import inferred_offset, parse_date_column
from rnnkit.forecast.evaluate import LINEAR, MODEL, NAIVE
from rnnkit.forecast.forecaster import TrainedModel
from rnnkit.forecast.panel_run import PanelOutcome, _scored
from rnnkit.utils.errors import RnnkitError

TINY = ["--epochs", "1", "--hidden", "4", "--quiet", "--device", "cpu", "--threads", "1"]


def _run(capsys, args: list[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["forecast", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


# 1. a bundled name is never a folder -----------------------------------------------------------------------
def test_a_folder_named_like_a_bundled_set_reads_the_bundled_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ibm").mkdir()  # a leftover run folder
    path, bundled, name = resolve_source("ibm")
    assert path == DATA_DIR / BUNDLED["ibm"].file and bundled is BUNDLED["ibm"] and name == "ibm"
    (tmp_path / "notbundled").mkdir()
    with pytest.raises(RnnkitError, match="notbundled is a folder, not a CSV file"):
        resolve_source("notbundled")


def test_train_and_backtest_with_out_named_like_the_data(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for again in ([], ["--force"]):  # the second time ./ibm is the first run's folder (replaced: --force)
        code, out, err = _run(capsys, ["train", "--out", "ibm", *TINY, *again])
        assert code == 0, err
        assert "ibm Adj Close" in out
    info = json.loads((tmp_path / "ibm" / "model" / "config.json").read_text())["info"]
    assert info["source"] == "ibm" and info["settings"]["data"] == "ibm"  # the bundled name, not ./ibm
    code, _, err = _run(capsys, ["backtest", "--data", "msft", "--out", "msft", "--folds", "1", *TINY])
    assert code == 0, err
    assert (tmp_path / "msft" / "backtest.json").is_file()


def test_a_missing_data_file_is_refused_before_the_run_folder_exists(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(capsys, ["train", "--data", "nothere.csv", "--out", "run", *TINY])
    assert code == 2 and "data file not found: nothere.csv" in err
    assert not (tmp_path / "run").exists()


# 2. ambiguous dates: the evenly spaced reading ----------------------------------------------------------
def _frame(dates: pd.DatetimeIndex, fmt: str) -> pd.DataFrame:
    return pd.DataFrame({"Date": dates.strftime(fmt), "Close": 100 + np.sin(np.arange(len(dates)))})


def test_monthly_dates_that_read_both_ways_are_read_evenly_spaced(tmp_path):
    # 3 January 1990 ... 3 April 2023, written 03/01/1990 ... 03/04/2023: month first they would be
    # 1 to 12 March of each year (also in time order), so only the spacing tells
    months = pd.date_range("1990-01-03", periods=400, freq=pd.DateOffset(months=1))
    series = load_series(write_csv(tmp_path / "m.csv", _frame(months, "%d/%m/%Y")))
    assert series.dates[-1] == pd.Timestamp("2023-04-03") and series.dates.equals(months)
    assert series.warnings == []
    assert series.notes == [
        "dates in column 'Date' read as '%d/%m/%Y' (day first): that reading is evenly spaced (monthly), "
        "while as '%m/%d/%Y' (month first) the dates would be irregular"
    ]
    # the same month first (US style) is read month first, for the same reason
    series = load_series(write_csv(tmp_path / "us.csv", _frame(months, "%m/%d/%Y")))
    assert series.dates.equals(months) and "(month first): that reading is evenly spaced" in series.notes[0]


def test_equally_regular_readings_warn_how_to_choose():
    firsts = pd.Series(
        pd.DatetimeIndex([pd.Timestamp(2020, k, 1) for k in range(1, 13)]).strftime("%d/%m/%Y")
    )
    parsed = parse_date_column(firsts, "Date", "x.csv")
    assert parsed.fmt == "%m/%d/%Y" and parsed.notes == []
    (warning,) = parsed.warnings
    assert "both readings are in time order and both evenly spaced" in warning
    assert "pass --dayfirst (or --date-format '%d/%m/%Y') to read them so, or --monthfirst" in warning


# 4. dots and two-digit years ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fmt", ["%d.%m.%y", "%d/%m/%y", "%d-%m-%y", "%d.%m.%Y", "%m.%d.%y", "%m/%d/%y", "%d.%m.%y %H:%M"]
)
def test_dotted_and_two_digit_year_dates_are_read_with_one_format(tmp_path, fmt):
    days = pd.date_range("2023-02-10", periods=60, freq="D")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no pandas "Could not infer format" warning
        series = load_series(write_csv(tmp_path / "d.csv", _frame(days, fmt)))
    assert series.dates.equals(days) and series.warnings == []


def test_a_format_the_dayfirst_option_excludes_is_not_tried(tmp_path):
    days = pd.date_range("2023-02-10", periods=30, freq="D")
    csv = write_csv(tmp_path / "d.csv", _frame(days, "%d.%m.%y"))
    with pytest.raises(RnnkitError, match=r"not dates in the format of line 2 \('[^']*' is %m\.%d\.%y\)"):
        load_series(csv, dayfirst=False)


def test_dates_pandas_reads_one_by_one_warn_in_our_words_not_pandas():
    raw = pd.Series(["Fri 10 Feb 23", "Sat 11 Feb 23", "Sun 12 Feb 23"])  # no format pandas infers nor ours
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parsed = parse_date_column(raw, "Date", "x.csv")
    assert parsed.dates[0] == pd.Timestamp("2023-02-10")
    (warning,) = parsed.warnings
    assert "fit no single format; each was read on its own" in warning and "--date-format" in warning


# 3. how the data were read is saved with the model and used again ----------------------------------------
@pytest.fixture(scope="module")
def day_first_run(tmp_path_factory) -> Path:
    """A model trained with --dayfirst --missing fill --predict returns on a day-first file with a gap."""
    root = tmp_path_factory.mktemp("dayfirst")
    frame = price_frame(120)[["Date", "Close"]]
    frame["Date"] = pd.to_datetime(frame["Date"]).dt.strftime("%d/%m/%Y")
    frame.loc[50, "Close"] = np.nan
    csv = write_csv(root / "train.csv", frame)
    args = ["train", "--data", str(csv), "--out", str(root / "run"), "--dayfirst", "--missing", "fill"]
    assert main(["forecast", *args, "--predict", "returns", *TINY]) == 0
    return root / "run"


def _ambiguous(tmp_path: Path, gap: bool = False) -> Path:
    """1 to 10 March 2020 written day first: month first they are the 3rd of January to October, also
    in time order and evenly spaced, so nothing in the file tells the two apart."""
    days = pd.date_range("2020-03-01", periods=10, freq="D")
    frame = _frame(days, "%d/%m/%Y")
    if gap:
        frame.loc[4, "Close"] = np.nan
    return write_csv(tmp_path / ("gap.csv" if gap else "amb.csv"), frame)


def test_the_model_saves_how_its_data_were_read(day_first_run):
    info = json.loads((day_first_run / "model" / "config.json").read_text())["info"]
    assert info["reading"] == {"date_format": None, "dayfirst": True, "missing": "fill", "decimal": None}
    assert {k: info["settings"][k] for k in ("date_format", "dayfirst", "missing", "decimal")} == info[
        "reading"
    ]


def test_predict_and_eval_read_new_data_as_training_did(day_first_run, tmp_path, capsys):
    code, out, err = _run(
        capsys, ["predict", "--model", str(day_first_run), "--data", str(_ambiguous(tmp_path))]
    )
    assert code == 0, err
    assert "note: read the data as the model's training data were read: --dayfirst, --missing fill" in out
    assert "on 2020-03-10" in out  # the last date, day first (month first: 2020-10-03)
    # an explicit date option wins
    args = ["predict", "--model", str(day_first_run), "--data", str(_ambiguous(tmp_path)), "--monthfirst"]
    code, out, _ = _run(capsys, args)
    assert code == 0 and "on 2020-10-03" in out
    # the gap training filled is filled again; --missing error given is obeyed
    gap = str(_ambiguous(tmp_path, gap=True))
    code, out, err = _run(capsys, ["predict", "--model", str(day_first_run), "--data", gap])
    assert code == 0, err
    assert "filled 1 missing value(s)" in out
    code, _, err = _run(
        capsys, ["predict", "--model", str(day_first_run), "--data", gap, "--missing", "error"]
    )
    assert code == 2 and "has 1 missing value(s)" in err
    # eval on the training data (its own --data): read day first and filled, as in training
    code, out, err = _run(capsys, ["eval", "--model", str(day_first_run), "--out", str(tmp_path / "ev")])
    assert code == 0, err
    assert "--dayfirst, --missing fill" in out


def test_from_pretrained_reads_as_the_command_line_trained(day_first_run, tmp_path):
    fc = Forecaster.from_pretrained(day_first_run / "model")
    assert fc.dayfirst is True and fc.missing == "fill"
    assert fc.hyper.epochs == 1  # forecast train --epochs 1: fit and backtest train so again
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the note on the filled value
        forecast = fc.predict(_ambiguous(tmp_path, gap=True))
    assert forecast["date"].iloc[0] == pd.Timestamp("2020-03-11")


def test_train_config_reads_the_data_as_the_model_did(day_first_run, tmp_path, capsys):
    args = [
        "train",
        "--config",
        str(day_first_run / "model" / "config.json"),
        "--out",
        str(tmp_path / "again"),
    ]
    code, out, err = _run(capsys, [*args, *TINY])
    assert code == 0, err  # the gap is filled again, the dates read day first again
    info = json.loads((tmp_path / "again" / "model" / "config.json").read_text())["info"]
    assert info["reading"] == {"date_format": None, "dayfirst": True, "missing": "fill", "decimal": None}


def test_a_python_model_saved_with_dayfirst_is_honoured_by_predict(tmp_path, capsys):
    frame = price_frame(80)[["Date", "Close"]]
    frame["Date"] = pd.to_datetime(frame["Date"]).dt.strftime("%d/%m/%Y")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fc = Forecaster(dayfirst=True, epochs=1, hidden_size=4, device="cpu").fit(frame)
    fc.save_pretrained(tmp_path / "amb_model")
    code, out, err = _run(
        capsys, ["predict", "--model", str(tmp_path / "amb_model"), "--data", str(_ambiguous(tmp_path))]
    )
    assert code == 0, err
    assert "on 2020-03-10" in out


def test_a_garbled_saved_reading_is_one_line(day_first_run, tmp_path, capsys):
    folder = tmp_path / "model"
    shutil.copytree(day_first_run / "model", folder)
    config = json.loads((folder / "config.json").read_text())
    config["info"]["reading"]["dayfirst"] = "yes"
    (folder / "config.json").write_text(json.dumps(config))
    code, _, err = _run(capsys, ["predict", "--model", str(folder), "--data", str(_ambiguous(tmp_path))])
    assert code == 2 and "garbled dayfirst ('yes')" in err


# 7. negative values on predict name what predict's user can do ------------------------------------------
def test_a_negative_value_on_predict_says_to_retrain_in_differences_or_prices(
    day_first_run, tmp_path, capsys
):
    frame = _frame(pd.date_range("2020-03-01", periods=20, freq="D"), "%d/%m/%Y")
    frame.loc[19, "Close"] = -1.0
    csv = write_csv(tmp_path / "neg.csv", frame)
    code, _, err = _run(capsys, ["predict", "--model", str(day_first_run), "--data", str(csv)])
    assert code == 2 and "\n" not in err.strip()
    assert "the model predicts returns, which needs positive values" in err
    # differences as well as levels: a series through zero is often a walk that levels cannot follow
    assert "train a model on it with --predict differences or --predict prices" in err
    assert "use --predict" not in err


# 10. swapped quantiles -----------------------------------------------------------------------------------
def test_swapped_quantiles_in_config_say_they_must_increase(day_first_run, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(day_first_run / "model", folder)
    config = json.loads((folder / "config.json").read_text())
    config["quantiles"] = [0.9, 0.5, 0.1]
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(RnnkitError, match=r"quantiles \[0.9, 0.5, 0.1\]; they must be increasing"):
        TrainedModel.load(folder)


# 5. long format: one tie rule for the flags and the counts -----------------------------------------------
def test_long_format_flags_agree_with_the_verdicts_counts(monkeypatch):
    # model MAE 0.02% below naive: a tie at one decimal, a win at the many-series verdict's two
    evaluations = {}
    for name, model_mae in (("A", 0.9998), ("B", 1.0), ("C", 1.01)):
        ev = make_evaluation()
        ev.rows = {
            MODEL: {"MAE": model_mae, "MASE": model_mae},
            NAIVE: {"MAE": 1.0, "MASE": 1.0},
            LINEAR: {"MAE": 1.0, "MASE": 1.0},
        }
        evaluations[name] = ev
    monkeypatch.setattr(
        panel_module, "evaluate", lambda prep, model, season=None: evaluations[prep.series.name]
    )
    model = SimpleNamespace(for_series=lambda name: None)
    preps = [SimpleNamespace(series=SimpleNamespace(name=n)) for n in evaluations]
    scored = panel_module.score_panel(model, preps)
    res = PanelOutcome(scored, _scored(scored), {})
    flags = res.to_dict()["series"]
    assert [flags[n]["beats_naive"] for n in "ABC"] == [True, False, False]
    assert [flags[n]["ties_naive"] for n in "ABC"] == [False, True, False]
    assert (res.scores.wins, res.scores.ties, res.scores.losses) == (1, 1, 1)
    assert "beats naive on 1 of 3 series, ties it on 1 and loses on 1" in res.verdict()


# 6. long format: the target falls back as for one series -------------------------------------------------
@pytest.fixture(scope="module")
def long_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("long")
    parts = [
        price_frame(100, seed=k)[["Date", "Close", "Adj Close"]].assign(symbol=s) for k, s in enumerate("AB")
    ]
    csv = write_csv(root / "long.csv", pd.concat(parts)[["symbol", "Date", "Close", "Adj Close"]])
    args = ["train", "--data", str(csv), "--id-column", "symbol", "--out", str(root / "run"), *TINY]
    assert main(["forecast", *args]) == 0
    return root / "run"


def test_a_long_model_on_adj_close_reads_close_when_the_file_lacks_it(long_run, tmp_path, capsys):
    parts = [price_frame(30, seed=k)[["Date", "Close"]].assign(symbol=s) for k, s in enumerate("AB")]
    csv = write_csv(tmp_path / "close.csv", pd.concat(parts)[["symbol", "Date", "Close"]])
    code, out, err = _run(capsys, ["predict", "--model", str(long_run), "--data", str(csv)])
    assert code == 0, err
    assert (
        "note: close.csv has no column 'Adj Close'; using 'Close' as the target (choose with --target)" in out
    )
    assert "A Close" in out and "B Close" in out
    # neither column: the error names the file, not a series
    both = pd.concat(parts).rename(columns={"Close": "Price"}).assign(Volume=1)
    csv = write_csv(tmp_path / "price.csv", both)
    code, _, err = _run(capsys, ["predict", "--model", str(long_run), "--data", str(csv)])
    assert code == 2 and err.startswith("rnnkit: error: price.csv has several numeric columns")


def test_a_long_file_without_the_target_names_the_file(tmp_path):
    from rnnkit.forecast.panel import load_panel

    parts = [price_frame(30, seed=k)[["Date", "Close"]].assign(symbol=s) for k, s in enumerate("AB")]
    csv = write_csv(tmp_path / "close.csv", pd.concat(parts))
    with pytest.raises(RnnkitError, match=r"^close.csv has no target column 'Adj Close'"):
        load_panel(csv, "symbol", "Adj Close")


# 8. the reason of --predict auto ------------------------------------------------------------------------
def test_the_auto_reason_says_which_comparison_chose_log_returns():
    choice = _decide({"returns": 1.0, "log-returns": 0.95, "prices": 1.0}, 0.0, 0.95, "MAE")
    assert choice.predict == "log-returns"
    assert choice.reason.startswith(
        "predict log-returns: log-returns are 5% better than returns; levels are not 2% better than "
        "log-returns and the level persists (0.95)"
    )
    choice = _decide({"returns": 1.0, "log-returns": 0.99, "prices": 1.5}, 0.0, 0.99, "MAE")
    assert choice.reason.startswith("predict returns: log-returns are better than returns, but not by 2%;")


def test_the_auto_reason_never_prints_minus_zero():
    choice = _decide({"returns": 1.0, "log-returns": 1.0, "prices": 1.0}, 0.0, -0.001, "MAE")
    assert "-0.00" not in choice.reason and "persistence 0.00 < 0.9" in choice.reason


# 9. no pandas warning on a Series with a DatetimeIndex --------------------------------------------------
def test_predict_on_a_series_with_a_datetime_index_warns_nothing():
    frame = price_frame(80)
    series = pd.Series(frame["Close"].to_numpy(), index=pd.to_datetime(frame["Date"]), name="Close")
    fc = Forecaster(epochs=1, hidden_size=4, device="cpu").fit(series)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        forecast = fc.predict(series)
        assert inferred_offset(pd.date_range("2020-01-01", periods=5, freq="MS")) == pd.offsets.MonthBegin()
    assert len(forecast) == 1


# 11. not UTF-8 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["l1.csv", "l1.csv.gz"])
def test_a_latin1_file_names_the_line_and_says_to_save_as_utf8(tmp_path, name):
    """Compressed too: the check for binary data reads the text, not the gzip bytes around it."""
    import gzip

    data = "Date,Close,Note\n2020-01-01,1,cafe\n2020-01-02,2,caf\u00e9\n".encode("latin-1")
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    with pytest.raises(RnnkitError) as exc:
        load_series(path)
    text = str(exc.value)
    assert "line 3 holds byte 0xe9" in text and "save the file as UTF-8" in text and "codec" not in text


def test_utf16_with_a_byte_order_mark_is_read_and_without_is_one_line(tmp_path):
    frame = price_frame(40)[["Date", "Close"]]
    text = frame.to_csv(index=False)
    (tmp_path / "bom.csv").write_bytes(text.encode("utf-16"))  # with a byte-order mark
    assert load_series(tmp_path / "bom.csv").values.shape == (40, 1)
    (tmp_path / "u32.csv").write_bytes(text.encode("utf-32"))  # its mark begins with UTF-16's: read as UTF-32
    assert load_series(tmp_path / "u32.csv").values.shape == (40, 1)
    (tmp_path / "le.csv").write_bytes(text.encode("utf-16-le"))
    with pytest.raises(RnnkitError, match="UTF-16 text without a byte-order mark; save the file as UTF-8"):
        load_series(tmp_path / "le.csv")


@pytest.mark.parametrize("order", ["<i2", ">i2"])
def test_raw_int16_numbers_are_binary_data_not_utf16(tmp_path, order):
    """Numbers under 256 saved raw as 16-bit integers have every other byte 0, as UTF-16 ASCII has: they
    were "UTF-16 text without a byte-order mark; save the file as UTF-8"; read as UTF-16 they are
    control characters as often as letters."""
    path = tmp_path / "ids.csv"
    np.array([5, 17, 200, 3, 99, 12] * 10, dtype=order).tofile(path)
    with pytest.raises(RnnkitError) as exc:
        load_series(path)
    assert str(exc.value) == f"{path} is binary data, not a CSV text file"


@pytest.mark.parametrize("order", ["<i2", ">i2"])
def test_raw_int16_numbers_under_128_are_binary_data(tmp_path, order):
    """Ids under 128 saved raw as 16-bit integers are ASCII bytes and NULs, which UTF-8 reads: forecast
    said "line 8 has more fields than the header's 2", of a file half NUL bytes."""
    path = tmp_path / "ids.csv"
    np.random.default_rng(0).integers(0, 100, 400).astype(order).tofile(path)
    with pytest.raises(RnnkitError) as exc:
        load_series(path)
    assert str(exc.value) == f"{path} is binary data, not a CSV text file"


def test_cli_forecast_train_says_raw_ids_are_binary_data(tmp_path, capsys):
    from rnnkit.cli import main

    path = tmp_path / "ids.csv"
    np.random.default_rng(0).integers(0, 100, 400).astype("<i2").tofile(path)
    assert main(["forecast", "train", "--data", str(path), "--out", str(tmp_path / "run")]) == 2
    assert capsys.readouterr().err == f"rnnkit: error: {path} is binary data, not a CSV text file\n"
    assert not (tmp_path / "run").exists()
