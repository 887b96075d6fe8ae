"""``forecast eval`` scores a saved model on its own test rows (session 23): it used its own ``--test
0.2``, so a model trained with ``--test 0.05`` was scored on 654 rows of IBM of which 490 it had trained
or validated on, with no word said; the score was optimistic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers_forecast import price_frame, write_csv

from rnnkit.cli import main
from rnnkit.forecast.data import load_series
from rnnkit.forecast.seen import seen_rows, seen_test_warning

TINY = ["--epochs", "1", "--hidden-size", "4", "--quiet", "--device", "cpu", "--threads", "1"]


def _samples(printed: str) -> int:
    return int(re.search(r"forecasts on (\d+) test samples", printed).group(1))


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, Path, str]:
    """A model trained with --test 0.05 --val 0.05 on 400 rows, its data file, and what train printed."""
    root = tmp_path_factory.mktemp("eval_split")
    data = write_csv(root / "p.csv", price_frame(400))
    args = ["forecast", "train", "--data", str(data), "--test", "0.05", "--val", "0.05", *TINY]
    with pytest.MonkeyPatch.context() as mp:
        printed = []
        mp.setattr("click.echo", lambda message="", *a, **k: printed.append(str(message)))
        assert main([*args, "--out", str(root / "run")]) == 0
    return root / "run" / "model", data, "\n".join(printed)


def test_eval_scores_the_test_rows_the_model_was_trained_with(trained, tmp_path, capsys):
    model, data, printed = trained
    capsys.readouterr()
    assert (
        main(["forecast", "eval", "--model", str(model), "--data", str(data), "--out", str(tmp_path / "e")])
        == 0
    )
    captured = capsys.readouterr()
    assert _samples(captured.out) == _samples(printed) == 20  # train's test part: 5% of 400 rows (was 80)
    assert "warning" not in captured.err
    info = json.loads((model / "config.json").read_text())["info"]
    assert (info["val"], info["test"]) == (0.05, 0.05)


def test_a_larger_test_part_than_the_models_is_said_to_hold_rows_it_saw(trained, tmp_path, capsys):
    model, data, _ = trained
    capsys.readouterr()
    args = ["forecast", "eval", "--model", str(model), "--data", str(data), "--test", "0.2"]
    assert main([*args, "--out", str(tmp_path / "e")]) == 0
    err = capsys.readouterr().err
    # 80 test rows from row 320; the model saw rows 0..379 (its 5% test part is the last 20)
    assert "rnnkit: warning: 60 of the 80 test rows are rows this model trained or validated on" in err
    assert "leave --test and --val out" in err and err.count("rnnkit: warning") == 1


def test_seen_rows_follow_the_training_data_and_claim_nothing_of_other_data(trained, tmp_path):
    model, data, _ = trained
    info = json.loads((model / "config.json").read_text())["info"]
    series = load_series(data)
    assert seen_rows(info, series) == 380
    assert seen_test_warning(info, series, 0.05, 0.05) is None  # the model's own test rows (from row 380)
    assert seen_test_warning(info, series, 0.05, 0.2).startswith("60 of the 80 test rows")
    longer = load_series(write_csv(tmp_path / "longer.csv", price_frame(500)))  # the same start, rows added
    assert seen_rows(info, longer) == 380
    later = load_series(write_csv(tmp_path / "later.csv", price_frame(400).iloc[50:]))  # starts elsewhere
    assert seen_rows(info, later) == 0
    assert seen_rows({}, series) == 0  # a config without the marks: nothing claimed


def test_a_model_fitted_in_python_is_said_to_have_seen_every_row_it_is_scored_on(tmp_path, capsys):
    """Forecaster.fit keeps no test part: eval on the same data scores rows the model trained on, and says
    so (the model recorded neither its rows nor its split, so nothing could be said)."""
    from rnnkit.forecast import Forecaster

    data = write_csv(tmp_path / "p.csv", price_frame(200))
    folder = Forecaster(window=4, epochs=1, hidden_size=4, device="cpu", threads=1).fit(str(data))
    folder = folder.save_pretrained(tmp_path / "m")
    info = json.loads((folder / "config.json").read_text())["info"]
    assert (info["rows"], info["test"]) == (200, 0.0)
    capsys.readouterr()
    assert (
        main(["forecast", "eval", "--model", str(folder), "--data", str(data), "--out", str(tmp_path / "e")])
        == 0
    )
    err = capsys.readouterr().err
    assert "40 of the 40 test rows are rows this model trained or validated on" in err  # train's 20%
    assert "fitted with no test part (Forecaster.fit), so score it on rows after these" in err


def test_the_web_page_scores_the_models_own_test_rows_and_warns_as_eval_does(trained):
    from rnnkit.serve.adapt_forecast import ForecastAdapter

    model, data, printed = trained
    page = ForecastAdapter().run(model, None, data.read_text())
    assert page["test_samples"] == _samples(printed) == 20  # the model's 5%, not the page's fixed 20%
    assert page["warnings"] == []


@pytest.mark.parametrize("bad", ["x", [0.1], True, 1.5, "0.2"])
def test_a_damaged_split_in_config_json_is_one_line_naming_it(trained, tmp_path, capsys, bad):
    model, data, _ = trained
    damaged = tmp_path / "model"
    damaged.mkdir()
    for f in model.iterdir():
        (damaged / f.name).write_bytes(f.read_bytes())
    cfg = json.loads((damaged / "config.json").read_text())
    cfg["info"]["val"] = bad
    (damaged / "config.json").write_text(json.dumps(cfg))
    capsys.readouterr()
    code = main(
        ["forecast", "eval", "--model", str(damaged), "--data", str(data), "--out", str(tmp_path / "e")]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"config.json has info.val {bad!r}, not a fraction in [0, 1): give --val" in err
