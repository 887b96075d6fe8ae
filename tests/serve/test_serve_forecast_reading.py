"""The web app reads an uploaded CSV as the model's training data were read (its saved decimal mark too), and scores
it with a model of any transform (differences on a series through zero)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rnnkit.cli import main
from rnnkit.serve.adapt_forecast import ForecastAdapter, as_trained, read_series

UPLOAD = "Date;Close\n" + "".join(f"2024-01-{d:02d};{d % 5 + 2}.000\n" for d in range(1, 21))


def test_an_upload_is_read_with_the_models_decimal_mark():
    series = read_series(None, UPLOAD, ["Close"], {"decimal": "point"})
    assert series.values[:3, 0].tolist() == [3.0, 4.0, 5.0]
    assert series.notes[0] == "read uploaded.csv as the model's training data were read: decimal points"


def test_without_a_saved_mark_a_semicolon_upload_reads_whole_thousands():
    series = read_series(None, UPLOAD, ["Close"], {})
    assert series.values[:3, 0].tolist() == [3000.0, 4000.0, 5000.0]
    assert as_trained({"decimal": None, "missing": "error"}) == ""


def test_a_model_in_differences_scores_an_upload_through_zero(tmp_path):
    # --predict differences (a target with values <= 0): the page scores and forecasts it as eval does
    values = np.cumsum(np.random.default_rng(3).normal(0.15, 1.0, 300)) - 20.0
    assert values.min() < 0 < values.max()
    text = "Date,y\n" + "".join(
        f"{d.date()},{v:.4f}\n" for d, v in zip(pd.date_range("2020-01-01", periods=300), values, strict=True)
    )
    (tmp_path / "walk.csv").write_text(text)
    out = tmp_path / "run"
    args = ["forecast", "train", "--data", str(tmp_path / "walk.csv"), "--out", str(out), "--predict"]
    assert main([*args, "differences", "--epochs", "1", "--hidden", "4", "--quiet", "--device", "cpu"]) == 0
    page = ForecastAdapter().run(out / "model", None, text)
    assert page["test_samples"] == 60 and len(page["model"]) == 60 and np.isfinite(page["model"]).all()
    last = page["next"]["last"]
    assert last == float(f"{values[-1]:.4f}")
    assert abs(page["next"]["point"][0] - last) < 5.0  # a change from the last value, not a level
