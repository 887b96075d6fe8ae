"""The forecast page's verdict against every baseline in its table: a model 0.3% ahead of naive on an
uploaded near-linear series, whose linear AR was 700 times better, was shown green ('beats naive'), and
the linear blend's note, which reads the model's training data, read as a statement about the upload."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")

JS = Path(__file__).resolve().parents[2] / "src" / "rnnkit" / "serve" / "static" / "forecast.js"
NODE = shutil.which("node")


def test_an_upload_whose_linear_ar_beats_the_model_says_so_and_names_where_the_blend_was_chosen(client):
    days = pd.date_range("2021-01-01", periods=300, freq="D")
    values = 100 + 3 * np.arange(300) + 0.001 * np.sin(np.arange(300))  # a near-linear series
    csv = "Date,Adj Close\n" + "".join(f"{d:%Y-%m-%d},{v:.4f}\n" for d, v in zip(days, values, strict=True))
    r = client.post("/api/forecast", json={"csv": csv, "filename": "line.csv"})
    assert r.status_code == 200, r.text
    said = r.json()
    assert said["beaten_by"] == ["linear AR"]  # the model (IBM's) is far from this series' own AR
    assert "The linear autoregression beats the model: MAE " in said["verdict"]
    if said["blend"] is not None:  # chosen on the model's training data, not on line.csv
        assert said["blend"].startswith("linear blend, chosen in training on the validation part of ")
        assert "line.csv" not in said["blend"]


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
@pytest.mark.parametrize(
    ("answer", "tone"),
    [
        ({"beats_naive": True, "ties_naive": False, "beaten_by": ["linear AR"]}, "bad"),
        ({"beats_naive": True, "ties_naive": False, "beaten_by": []}, "good"),
        ({"beats_naive": False, "ties_naive": True, "beaten_by": ["seasonal naive"]}, "bad"),
        ({"beats_naive": False, "ties_naive": True, "beaten_by": []}, ""),
        ({"beats_naive": False, "ties_naive": False, "beaten_by": []}, "bad"),
    ],
)
def test_the_verdict_is_green_only_where_no_baseline_beats_the_model(answer, tone):
    found = re.search(r"\n  function verdictTone\(.*?\n  }\n", JS.read_text(encoding="utf-8"), re.S)
    assert found, "verdictTone"
    script = found.group(0) + f"console.log(JSON.stringify(verdictTone({json.dumps(answer)})));"
    out = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=20, check=True)
    assert json.loads(out.stdout) == tone
