"""Session 22 QA: the many-series backtest and train/eval (``--id-column``) as a user with many series
reads them: the seasonal naive beside the other baselines, labels, errors and ``--json``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from helpers_forecast import write_csv

from rnnkit.cli import main
from rnnkit.forecast.panel import load_panel
from rnnkit.utils.errors import RnnkitError

TINY = ["--epochs", "2", "--hidden", "4", "--quiet", "--device", "cpu", "--threads", "1"]


def weekly(n: int, level: float, seed: int) -> np.ndarray:
    """A daily series with a strong weekly pattern (a season of 7 is found in it)."""
    rng = np.random.default_rng(seed)
    return level + 10.0 * np.sin(2 * np.pi * np.arange(n) / 7) + rng.normal(0, 0.5, n)


def walk(n: int, level: float, seed: int) -> np.ndarray:
    """A random walk: no season is found in it."""
    return level + np.cumsum(np.random.default_rng(seed).normal(0, 1, n))


def long_csv(tmp_path, series: dict[str, np.ndarray]):
    frames = [
        pd.DataFrame(
            {
                "shop": name,
                "date": pd.date_range("2024-01-01", periods=len(v)).strftime("%Y-%m-%d"),
                "sales": v,
            }
        )
        for name, v in series.items()
    ]
    return write_csv(tmp_path / "long.csv", pd.concat(frames))


def backtest(tmp_path, path, *more: str) -> tuple[pd.DataFrame, dict]:
    out = tmp_path / "bt"
    cmd = ["forecast", "backtest", "--data", str(path), "--id-column", "shop", "--target", "sales"]
    assert main([*cmd, "--folds", "2", "--stride", "7", "--out", str(out), *more, *TINY]) == 0
    table = pd.read_csv(out / "backtest.csv", keep_default_na=False, na_values=[""], dtype={"shop": str})
    return table, json.loads((out / "backtest.json").read_text())


def test_panel_backtest_shows_and_pools_the_seasonal_naive_when_every_series_has_one(tmp_path, capsys):
    path = long_csv(tmp_path, {"Store 1": weekly(120, 100, 0), "Zürich café": weekly(100, 20, 1)})
    table, saved = backtest(tmp_path, path)
    text = capsys.readouterr().out
    fold_head = next(line for line in text.splitlines() if line.startswith("fold"))
    series_head = next(line for line in text.splitlines() if line.startswith("series"))
    assert "MASE seasonal naive" in fold_head  # each fold's pooled MASE
    assert "MAE seasonal naive" in series_head and "MASE seasonal naive" in series_head
    pooled_row = next(line for line in text.splitlines() if line.startswith("pooled"))
    assert pooled_row.split()[-2] != "-"  # the pooled seasonal naive MASE is printed
    # the CSV: per fold and series, per series over its folds, and pooled (sample-weighted)
    per_fold = table[table["fold"] != "all"]
    assert per_fold["MASE seasonal naive"].notna().all()
    totals = table[table["fold"] == "all"].set_index("shop")
    for name in ("Store 1", "Zürich café"):
        rows = per_fold[per_fold["shop"] == name]
        weighted = np.average(rows["MAE seasonal naive"], weights=rows["samples"])
        assert totals.loc[name, "MAE seasonal naive"] == pytest.approx(weighted)
    series = totals.drop("pooled")
    pooled = np.average(series["MASE seasonal naive"], weights=series["samples"])
    assert totals.loc["pooled", "MASE seasonal naive"] == pytest.approx(pooled)
    # the JSON holds what is printed: per series, pooled, and each fold's pooled MASE
    assert saved["pooled_mase"]["seasonal naive"] == pytest.approx(pooled)
    assert saved["per_series"]["Zürich café"]["seasonal naive"]["MAE"] == pytest.approx(
        totals.loc["Zürich café", "MAE seasonal naive"]
    )
    assert all("seasonal naive" in fold["pooled_mase"] for fold in saved["folds"])
    # ... and the verdict's count of folds, each fold's outcome on its pooled MASE
    counts = [saved[f"fold_{key}"] for key in ("wins", "ties", "losses")]
    assert "it wins {}, ties {} and loses {} of 2 folds (pooled)".format(*counts) in text
    assert [fold["outcome"] for fold in saved["folds"]].count("win") == counts[0]
    for name in ("Store 1", "Zürich café"):  # each series' transform: of every fold, not the last alone
        kinds = {fold["series"][name]["predict"]["predict"] for fold in saved["folds"]}
        line = next(line for line in text.splitlines() if line.startswith(f"  {name}: predict"))
        assert "(the last fold's reason; " in line and (
            len(kinds) > 1 or f"every fold predicts {kinds.pop()}" in line
        )


def test_panel_backtest_marks_a_series_without_a_season_and_does_not_pool_it(tmp_path, capsys):
    path = long_csv(tmp_path, {"Store 1": weekly(120, 100, 0), "42": walk(100, 500, 2)})
    table, saved = backtest(tmp_path, path)
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert "MASE seasonal naive" not in next(line for line in lines if line.startswith("fold"))
    row_42 = next(line for line in lines if line.startswith("42 "))
    assert row_42.split()[4] == "-"  # MAE seasonal naive of the series without a season
    assert "seasonal naive: '-' for 42: no season found" in text
    assert "the seasonal naive has no pooled MASE" in text
    totals = table[table["fold"] == "all"].set_index("shop")
    assert np.isnan(totals.loc["42", "MAE seasonal naive"]) and np.isfinite(
        totals.loc["Store 1", "MAE seasonal naive"]
    )
    assert np.isnan(totals.loc["pooled", "MASE seasonal naive"])
    assert (
        "seasonal naive" in saved["per_series"]["Store 1"]
        and "seasonal naive" not in saved["per_series"]["42"]
    )
    assert "seasonal naive" not in saved["pooled_mase"]


def _panel_train(path, out) -> list[str]:
    """``forecast train`` of the long file ``path`` (series in ``shop``, values in ``sales``) into ``out``."""
    return [
        "forecast",
        "train",
        "--data",
        str(path),
        "--id-column",
        "shop",
        "--target",
        "sales",
        "--out",
        str(out),
    ]


def test_panel_train_table_has_the_seasonal_naive(tmp_path, capsys):
    path = long_csv(tmp_path, {"A": weekly(120, 100, 0), "B": weekly(100, 20, 1)})
    out = tmp_path / "run"
    assert main([*_panel_train(path, out), *TINY]) == 0
    text = capsys.readouterr().out
    assert "MASE seasonal naive" in next(line for line in text.splitlines() if line.startswith("series"))
    metrics = json.loads((out / "metrics.json").read_text())
    assert "seasonal naive" in metrics["pooled_mase"] and "seasonal naive" in metrics["per_series"]["A"]
    # metrics.json holds what the table and the verdict print: samples, the series won, tied and lost
    assert metrics["samples"] == {name: metrics["series"][name]["test_samples"] for name in ("A", "B")}
    counts = [metrics[key] for key in ("wins", "ties", "losses")]
    assert (
        sum(counts) == 2
        and "it beats naive on {} of 2 series, ties it on {} and loses on {}".format(*counts) in text
    )


def test_a_long_files_messages_name_the_series_once_and_as_a_series(tmp_path):
    weekly_dates = pd.date_range("2022-01-03", periods=30, freq="W-MON").delete([10, 11])
    daily_dates = pd.date_range("2024-01-01", periods=30)
    cafe = pd.DataFrame({"shop": "Zürich café", "date": weekly_dates, "sales": walk(28, 50, 3)})
    numbered = pd.DataFrame({"shop": "42", "date": daily_dates, "sales": walk(30, 9, 4)})
    frame = pd.concat([cafe, numbered], ignore_index=True)
    panel = load_panel(write_csv(tmp_path / "long.csv", frame), "shop", "sales")
    # the file's note first, then the series' own: not "series Zürich café: Zürich café skips"
    calendars, note = panel[0].notes
    assert calendars.startswith(
        "long.csv holds series on different calendars (weekly: Zürich café; daily: 42)"
    )
    assert note.startswith("series Zürich café skips 2 date(s) of its weekly calendar")
    frame.loc[len(cafe) + 5, "sales"] = np.nan
    with pytest.raises(RnnkitError, match=r"^series 42 has 1 missing value\(s\)"):  # a series, not a file
        load_panel(write_csv(tmp_path / "gap.csv", frame), "shop", "sales")


def test_a_global_models_blend_with_the_ar_says_which_ar_it_is(tmp_path, capsys):
    """The blend's AR is one over every series: "the linear AR's forecast" beside a model column unlike
    the table's per-series linear AR column would read as a bug without the line saying so."""
    path = long_csv(tmp_path, {"A": weekly(220, 100, 0), "B": weekly(220, 20, 1)})
    out = tmp_path / "run"
    assert main([*_panel_train(path, out), *TINY]) == 0
    text = capsys.readouterr().out
    blend = json.loads((out / "metrics.json").read_text())["linear_blend"]
    assert min(blend["weight_on_network"]) < 1  # the AR is in the point forecast (a tiny network)
    assert "a global model's linear AR is one AR fitted on every series' scaled windows" in text


def test_predict_and_eval_name_every_series_too_short_for_the_model(tmp_path, capsys):
    series = {"A": weekly(120, 100, 0), "42": walk(120, 500, 2), "Zürich café": weekly(120, 20, 1)}
    out = tmp_path / "run"
    cmd = ["forecast", "train", "--data", str(long_csv(tmp_path, series)), "--id-column", "shop"]
    assert main([*cmd, "--target", "sales", "--out", str(out), *TINY]) == 0
    short = {"A": series["A"], "42": series["42"][-2:], "Zürich café": series["Zürich café"][-3:]}
    data = ["--data", str(long_csv(tmp_path, short)), "--quiet"]
    capsys.readouterr()
    assert main(["forecast", "predict", "--model", str(out / "model"), *data]) != 0
    said = "2 of 3 series too short: 42 (2 rows), Zürich café (3 rows); drop them from the data"
    assert said in capsys.readouterr().err  # not only the first, one run at a time
    assert (
        main(["forecast", "eval", "--model", str(out / "model"), "--out", str(tmp_path / "ev"), *data]) != 0
    )
    assert said in capsys.readouterr().err


def test_the_backtests_transform_line_lists_the_folds_when_they_chose_differently():
    from types import SimpleNamespace

    from rnnkit.forecast.choose import Choice
    from rnnkit.forecast.cli import _fold_choices

    def fold(kind: str) -> SimpleNamespace:
        return SimpleNamespace(choices={"42": Choice(kind, f"predict {kind}: why", {})})

    (line,) = _fold_choices([fold("prices"), fold("prices"), fold("returns")]).values()
    assert (
        line == "predict returns: why (the last fold's reason; folds 1 to 3 predict prices, prices, returns)"
    )
    (line,) = _fold_choices([fold("prices"), fold("prices")]).values()
    assert line.endswith("(the last fold's reason; every fold predicts prices)")


def test_a_multi_step_backtest_says_which_step_its_scores_are_of(tmp_path, capsys):
    path = long_csv(tmp_path, {"A": weekly(100, 100, 0), "B": weekly(90, 20, 1)})
    backtest(tmp_path, path, "--horizon", "2")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(
        "; scores of step 2 of the 2-step forecasts (backtest.json's mae_by_step has each step)"
    )
    assert lines[1].startswith("fold  test dates (all series)")  # each series' block on its own calendar
    one = tmp_path / "one.csv"
    pd.read_csv(path).query("shop == 'A'").drop(columns="shop").to_csv(one, index=False)
    cmd = ["forecast", "backtest", "--data", str(one), "--target", "sales", "--folds", "2", "--stride", "7"]
    assert main([*cmd, "--horizon", "2", "--out", str(tmp_path / "bt1"), *TINY]) == 0
    assert "expanding window; scores of step 2 of the 2-step forecasts" in capsys.readouterr().out


def test_an_empty_id_beside_times_with_two_offsets_is_one_line(tmp_path, capsys):
    # looking for a column to suggest instead of the empty id, a column of times across a clock change
    # (+01:00, then +02:00) made pandas raise "Mixed timezones detected": a traceback from the CLI
    days = pd.date_range("2024-03-28", periods=8, freq="D", tz="Europe/Berlin")
    rows = ["id,date,stamp,sales"] + [  # the series A and B, the same days, the first id left empty
        f"{'' if j == 0 else key},{d:%Y-%m-%d},{d.isoformat(sep=' ')},{j}"
        for key in "AB"
        for j, d in enumerate(days)
    ]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(rows) + "\n")
    argv = ["forecast", "train", "--data", str(path), "--id-column", "id", "--target", "sales"]
    assert main([*argv, "--out", str(tmp_path / "run"), *TINY]) == 2
    assert capsys.readouterr().err.strip() == "rnnkit: error: long.csv: the id column 'id' is empty on line 2"
