"""Smaller inconsistencies of ``rnnkit forecast`` (new-user audit, section 18): the API's names, its note
on another target column, ``--resume`` with fewer epochs, a file as ``--model``, ``export``'s torch chatter,
a tie with naive, short series in long format, and duplicated dates in a long file without ``--id-column``."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import price_frame, write_csv

from rnnkit.cli import main
from rnnkit.forecast import Forecaster
from rnnkit.forecast.backtest import BacktestResult
from rnnkit.forecast.data import load_series
from rnnkit.forecast.evaluate import LINEAR, MODEL, NAIVE, Evaluation
from rnnkit.forecast.panel_scores import SeriesScores
from rnnkit.forecast.windows import Split
from rnnkit.utils.errors import RnnkitError

TINY = ["--epochs", "2", "--hidden", "4", "--quiet", "--device", "cpu", "--threads", "1"]


@pytest.fixture(scope="module")
def one_series_run(tmp_path_factory) -> Path:
    """A tiny model of one series (Close only), trained by ``forecast train``."""
    root = tmp_path_factory.mktemp("one")
    csv = write_csv(root / "prices.csv", price_frame(120)[["Date", "Close"]])
    assert main(["forecast", "train", "--data", str(csv), "--out", str(root / "run"), *TINY]) == 0
    return root / "run"


def _long(sizes: dict[str, int]) -> pd.DataFrame:
    """Long format, one series per id with ``sizes[id]`` business days from 2020-01-01."""
    parts = [
        price_frame(n, seed=k)[["Date", "Close"]].assign(symbol=name)
        for k, (name, n) in enumerate(sizes.items())
    ]
    return pd.concat(parts)[["symbol", "Date", "Close"]]


# 1. Forecaster(...) takes forecast train's names, and says where the others go ----------------------------
def test_forecaster_takes_the_command_line_names_of_transform_and_show_progress():
    fc = Forecaster(predict="returns", progress=True)
    assert fc.transform == "returns" and fc.settings.predict == "returns" and fc.show_progress is True
    assert Forecaster(predict="prices", transform="prices").transform == "prices"  # the same, twice: fine
    with pytest.raises(RnnkitError, match=r"give transform or predict \(the same setting\), not both"):
        Forecaster(predict="returns", transform="prices")
    with pytest.raises(RnnkitError, match=r"transform must be one of auto, .* \(got 'levels'\)"):
        Forecaster(predict="levels")  # checked as transform= is


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("test", r"fit keeps no test part .*\.backtest\(df, test=\.\.\.\)"),
        ("folds", r"\.backtest\(df, folds=\.\.\.\)"),
        ("stride", r"\.backtest\(df, stride=\.\.\.\)"),
        ("season", r"\.backtest\(df, season=\.\.\.\)"),
        ("data", r"\.fit\(df\), \.predict\(df\) or \.backtest\(df\)"),
    ],
)
def test_command_line_options_that_are_no_setting_say_where_they_go(name, where):
    with pytest.raises(RnnkitError, match=rf"^{name} is not a Forecaster setting: .*{where}") as info:
        Forecaster(**{name: 1})
    assert "\n" not in str(info.value)


def test_an_unknown_setting_lists_every_known_name():
    with pytest.raises(RnnkitError, match="unknown Forecaster setting") as info:
        Forecaster(colour=1)
    known = str(info.value).split("known: ")[1].split(", ")
    assert {"window", "transform", "predict", "progress", "date_format", "hidden_size", "epochs"} <= set(
        known
    )


# 3. predict on a frame without the model's column warns the command line's note, in its words ------------
def test_predict_without_the_models_column_warns_with_the_cli_note():
    frame = price_frame(150)[["Date", "Close"]]
    fc = Forecaster(epochs=2, hidden_size=4, device="cpu", threads=1).fit(frame)
    renamed = frame.rename(columns={"Close": "Price"})
    with pytest.warns(UserWarning) as record:
        out = fc.predict(renamed)
    texts = [str(w.message) for w in record if w.category is UserWarning]
    assert "DataFrame has no column 'Close'; using 'Price' as the target (choose with target=)" in texts
    assert record[0].filename == __file__  # points at the caller's line
    np.testing.assert_allclose(out["forecast"], fc.predict(frame)["forecast"])  # the same values, read
    with warnings.catch_warnings(record=True) as quiet:
        warnings.simplefilter("always")
        fc.predict(frame)  # its own column: nothing to say
    assert not [w for w in quiet if "as the target" in str(w.message)]
    # fc.target chooses the column, as predict --target does
    other = price_frame(150, seed=5)["Close"].to_numpy()
    want = fc.predict(frame.assign(Close=other))["forecast"]
    fc.target = "Other"
    got = fc.predict(renamed.assign(Other=other))["forecast"]
    np.testing.assert_allclose(got, want)
    assert not np.allclose(got, out["forecast"])


# 4. --resume with fewer epochs than the run was set to, or has trained, is refused -----------------------
def test_resume_with_fewer_epochs_is_one_line(tmp_path, one_line_error):
    csv = write_csv(tmp_path / "prices.csv", price_frame(120)[["Date", "Close"]])
    out = tmp_path / "run"
    tiny = [*TINY[2:], "--patience", "50"]

    def train(epochs: int, *extra: str) -> int:
        cmd = ["forecast", "train", "--data", str(csv), "--out", str(out), "--epochs", str(epochs)]
        return main([*cmd, *tiny, *extra])

    assert train(3) == 0
    assert train(2, "--resume") == 2
    one_line_error("--epochs was 3 when the run started, now 2", "use --epochs 3 or more")
    assert train(4, "--resume") == 0  # raising it trains on
    assert train(3, "--resume") == 2  # at least the run's start, but below what it has trained
    one_line_error("the run has trained 4 epochs, more than --epochs 3", "use --epochs 4 or more")
    assert train(4, "--resume") == 0


# 5. a file as --model ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["predict", "eval", "export"])
def test_a_file_given_as_model_says_it_is_a_file(tmp_path, command, one_line_error):
    csv = write_csv(tmp_path / "plain.csv", price_frame(60)[["Date", "Close"]])
    extra = {
        "predict": [],
        "eval": ["--out", str(tmp_path / "ev")],
        "export": ["--out", str(tmp_path / "m.onnx")],
    }
    assert main(["forecast", command, "--model", str(csv), *extra[command]]) == 2
    one_line_error(f"{csv} is a file, not a model folder", "give the folder forecast train wrote")


@pytest.mark.parametrize("command", ["predict", "eval", "export"])
def test_a_models_own_file_given_as_model_names_the_folder_to_give(
    one_series_run, tmp_path, command, one_line_error
):
    extra = {
        "predict": [],
        "eval": ["--out", str(tmp_path / "ev")],
        "export": ["--out", str(tmp_path / "m.onnx")],
    }
    model = one_series_run / "model"
    assert main(["forecast", command, "--model", str(model / "config.json"), *extra[command]]) == 2
    one_line_error(f"is a file of the model folder {model}; give the folder itself, {model}")
    assert main(["forecast", command, "--model", str(one_series_run / "metrics.json"), *extra[command]]) == 2
    one_line_error(f"is a file of the run folder {one_series_run}; give its model folder, {model}")


# 6. export prints rnnkit's line only --------------------------------------------------------------------------
def test_export_prints_only_its_own_line(one_series_run, tmp_path, capfd):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    capfd.readouterr()
    out = tmp_path / "net.onnx"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["forecast", "export", "--model", str(one_series_run / "model"), "--out", str(out)]) == 0
    captured = capfd.readouterr()
    from rnnkit.forecast.export import GRAPH  # what the graph does around it, in one line

    assert captured.out.splitlines() == [f"wrote {out} (onnx; {GRAPH})"]
    assert "[torch.onnx]" not in captured.out + captured.err and "torchvision" not in captured.err
    assert not [w for w in caught if issubclass(w.category, FutureWarning)], [str(w.message) for w in caught]


def test_quiet_torch_export_hides_torch_chatter_only_inside_and_never_errors():
    from rnnkit.forecast.export import TORCH_LOGGERS, quiet_torch_export

    chatty = logging.getLogger("torch.onnx._internal.exporter._registration")
    before = [logging.getLogger(name).level for name in TORCH_LOGGERS]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(RnnkitError, match="still raised"), quiet_torch_export():
            assert not chatty.isEnabledFor(logging.WARNING) and chatty.isEnabledFor(logging.ERROR)
            warnings.warn("_check_is_size will be removed", FutureWarning, stacklevel=1)
            raise RnnkitError("still raised")
        warnings.warn("after the export", FutureWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["after the export"]
    assert [logging.getLogger(name).level for name in TORCH_LOGGERS] == before


# 7. a difference that prints as 0.0% is a tie, not a win -----------------------------------------------------
def _evaluation(model_mae: float, naive_mae: float) -> Evaluation:
    n = 4
    rows = {
        MODEL: {"MAE": model_mae, "MASE": model_mae},
        NAIVE: {"MAE": naive_mae, "MASE": naive_mae},
        LINEAR: {"MAE": 0.6436, "MASE": 0.6436},
    }
    return Evaluation(rows, pd.date_range("2024-01-01", periods=n), np.zeros(n), np.zeros(n), {},
                      np.zeros((n, 3)), [0.1, 0.5, 0.9], {}, None, "", 1)  # fmt: skip


def test_a_difference_that_rounds_to_zero_is_a_tie():
    from rnnkit.forecast.evaluate import against_naive

    assert against_naive(0.6402, 0.6405) == ("ties", "within 0.05%")
    assert against_naive(0.6405, 0.6402) == ("ties", "within 0.05%")
    assert against_naive(1.0, 1.001) == ("beats", "-0.1%")
    assert against_naive(1.238, 1.237) == ("does NOT beat", "+0.1%")
    assert against_naive(1.0, 1.00004, decimals=2) == ("ties", "within 0.005%")
    text = _evaluation(0.6402, 0.6405).verdict()
    assert text.startswith(
        "The model ties the naive forecast (tomorrow = today): one-step MAE 0.6402 vs 0.6405 (within 0.05%)."
    )
    assert _evaluation(0.60, 0.6405).verdict().startswith("The model beats the naive forecast: ")
    assert "(-6.3%)" in _evaluation(0.60, 0.6405).verdict()


def test_backtest_and_many_series_verdicts_tie_too():
    ev = _evaluation(0.6402, 0.6405)
    pooled = {MODEL: {"MAE": 0.6402}, NAIVE: {"MAE": 0.6405}}
    res = BacktestResult([ev], [Split(10, 12, 14)], pooled)
    assert res.verdict().startswith(
        "The model ties the naive forecast over all folds (MAE 0.6402 vs 0.6405, within 0.05%)"
    )
    res.pooled = {MODEL: {"MAE": 0.5}, NAIVE: {"MAE": 0.6405}}
    assert res.verdict().startswith(
        "The model beats the naive forecast over all folds (MAE 0.5 vs 0.6405, -21.9%)"
    )
    rows = {MODEL: {"MASE": 1.00001}, NAIVE: {"MASE": 1.0}, LINEAR: {"MASE": 1.0}}
    scores = SeriesScores({"A": rows}, {"A": 10}, {MODEL: 1.00001, NAIVE: 1.0, LINEAR: 1.0})
    assert "The global model ties the naive forecast pooled over the series" in scores.verdict()
    assert "within 0.005%" in scores.verdict()


# 8. long format: every too-short series named, and the fix ---------------------------------------------------
def test_too_short_series_in_long_format_are_all_named_with_the_fix(tmp_path, one_line_error):
    csv = write_csv(tmp_path / "long.csv", _long({"AAA": 120, "BBB": 120, "CCC": 6, "DDD": 8}))
    base = ["--data", str(csv), "--id-column", "symbol", *TINY]
    assert main(["forecast", "train", *base, "--out", str(tmp_path / "t")]) == 2
    one_line_error(
        "series too short: CCC has 6 rows",
        "2 of 4 series too short: CCC (6 rows), DDD (8 rows); drop them from the data",
    )  # no window fits 6 or 8 rows, so a lower --window is not offered
    assert not (tmp_path / "t" / "model").exists()  # nothing skipped silently, nothing trained
    assert main(["forecast", "backtest", *base, "--folds", "2", "--out", str(tmp_path / "b")]) == 2
    one_line_error(
        "series CCC: --folds 2 is more than the 1 test row allows",
        "2 of 4 series too short: CCC (6 rows), DDD (8 rows); drop them from the data",
    )  # nor one fold: no lower option would rescue them
    # where one fold does fit every short series, a lower --folds is offered, and never at --folds 1
    csv = write_csv(tmp_path / "long2.csv", _long({"AAA": 120, "BBB": 120, "CCC": 30}))
    base = ["--data", str(csv), "--id-column", "symbol", *TINY]
    assert main(["forecast", "backtest", *base, "--folds", "8", "--out", str(tmp_path / "b2")]) == 2
    one_line_error(
        "--folds 8 is more than the 6 test rows allow; 1 of 3 series too short: CCC (30 rows); drop it from the data, or lower --folds"
    )
    csv = write_csv(tmp_path / "long3.csv", _long({"AAA": 120, "BBB": 120, "CCC": 12}))
    base = ["--data", str(csv), "--id-column", "symbol", *TINY]
    assert main(["forecast", "backtest", *base, "--folds", "1", "--out", str(tmp_path / "b3")]) == 2
    said = one_line_error("1 of 3 series too short: CCC (12 rows); drop it from the data")
    assert "lower" not in said.split("series too short: CCC")[-1]
    # the Python API says the same
    with pytest.raises(RnnkitError, match=r"1 of 3 series too short: CCC \(6 rows\); drop it from the data"):
        Forecaster(id_column="symbol", epochs=1).fit(_long({"AAA": 120, "BBB": 120, "CCC": 6}))


def test_every_series_too_short_keeps_the_plain_message():
    with pytest.raises(RnnkitError) as info:
        Forecaster(id_column="symbol", epochs=1).fit(_long({"AAA": 6, "BBB": 7}))
    assert str(info.value).startswith("series too short: AAA has 6 rows") and "drop" not in str(info.value)


# 9. duplicated dates in a long file without --id-column name the id column -----------------------------------
def test_duplicated_dates_of_a_long_file_suggest_the_id_column(one_series_run, tmp_path, one_line_error):
    csv = write_csv(tmp_path / "long.csv", _long({"AAA": 60, "BBB": 60}))
    assert main(["forecast", "predict", "--model", str(one_series_run / "model"), "--data", str(csv)]) == 2
    one_line_error(
        "long.csv has 60 duplicated date(s)",
        "keep one row per date (a long file with several series? pass --id-column 'symbol')",
    )
    with pytest.raises(RnnkitError, match=r"pass --id-column 'symbol'\)$"):
        load_series(pd.read_csv(csv))


def test_duplicated_dates_without_an_id_like_column_get_no_hint():
    frame = price_frame(40)[["Date", "Close"]]
    doubled = pd.concat([frame, frame.iloc[:5]])  # five rows twice: no column tells series apart
    with pytest.raises(RnnkitError, match=r"keep one row per date$"):
        load_series(doubled)
    # a column whose values repeat dates within themselves is no id column either
    with pytest.raises(RnnkitError, match=r"keep one row per date$"):
        load_series(doubled.assign(kind=["x", "y"] * 22 + ["x"]))
