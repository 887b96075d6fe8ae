"""metrics.json: standard JSON even when a metric is NaN (MAPE on a series that touches zero)."""

from __future__ import annotations

import json
import math

from helpers_forecast import make_evaluation

from rnnkit.forecast.evaluate import MODEL, NAIVE
from rnnkit.forecast.pipeline import write_outputs


def _reject(token: str):
    raise ValueError(f"bare {token} in metrics.json")


def test_metrics_json_never_holds_a_bare_nan(tmp_path):
    ev = make_evaluation()
    ev.rows = {
        MODEL: {"MAE": 0.4, "MASE": 0.5, "MAPE": math.nan},
        NAIVE: {"MAE": 0.8, "MASE": 1.0, "MAPE": math.inf},
    }
    files = write_outputs(ev, tmp_path, "t", {"seconds": 1.0})
    text = files["metrics"].read_text(encoding="utf-8")
    json.loads(text, parse_constant=_reject)  # any JSON reader takes it
    back = json.loads(text)
    assert back["metrics"]["model"]["MAPE"] is None and back["metrics"]["naive"]["MAPE"] is None  # null
    assert back["metrics"]["model"]["MAE"] == 0.4 and back["seconds"] == 1.0
    assert {p.name for p in tmp_path.iterdir()} == {
        "forecast.png",
        "residuals.png",
        "metrics.json",
        "predictions.csv",
    }
