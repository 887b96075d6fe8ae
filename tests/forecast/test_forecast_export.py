"""``rnnkit forecast export --format onnx``: the file runs in onnxruntime and matches the network."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from helpers_forecast import price_frame, write_csv

from rnnkit.cli import main
from rnnkit.forecast.export import exported_module

ort = pytest.importorskip("onnxruntime", reason="onnxruntime is in the dev extra")
pytest.importorskip("onnxscript", reason="torch's ONNX exporter needs onnxscript (dev extra)")


def test_export_onnx_matches_the_network(tmp_path: Path, capsys) -> None:
    from rnnkit.forecast.forecaster import TrainedModel

    csv = write_csv(tmp_path / "prices.csv", price_frame(120))
    run = tmp_path / "run"
    tiny = ["--epochs", "1", "--hidden", "4", "--quiet", "--device", "cpu", "--cell", "lstm"]
    assert main(["forecast", "train", "--data", str(csv), "--out", str(run), *tiny]) == 0
    out = tmp_path / "net.onnx"
    assert (
        main(["forecast", "export", "--format", "onnx", "--model", str(run / "model"), "--out", str(out)])
        == 0
    )
    assert "wrote" in capsys.readouterr().out and out.stat().st_size > 0
    fc = TrainedModel.load(run / "model")
    x = torch.randn(7, fc.window, len(fc.columns))
    got = ort.InferenceSession(str(out)).run(None, {"x": x.numpy()})[0]
    with torch.no_grad():  # the network with its calibrated intervals, as predict computes them
        want = exported_module(fc)(x).numpy()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)


def test_export_of_a_missing_model_is_one_line(tmp_path: Path, capsys) -> None:
    assert (
        main(["forecast", "export", "--model", str(tmp_path / "nope"), "--out", str(tmp_path / "x.onnx")])
        == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("rnnkit: error: ")
    assert not (tmp_path / "x.onnx").exists()


def test_export_onnx_carries_the_linear_blend(tmp_path: Path) -> None:
    """A model blended with the linear AR (--linear-blend) exports the blend with the network: the
    ONNX graph's forecasts are the blended ones."""
    import pandas as pd

    from rnnkit.forecast.forecaster import TrainedModel
    from rnnkit.forecast.model import LinearBlend

    t = np.arange(500)
    y = 20 + 3 * np.sin(t / 4) + 0.3 * np.random.default_rng(1).standard_normal(500)
    csv = tmp_path / "wave.csv"
    pd.DataFrame({"date": pd.date_range("2020-01-01", periods=500).strftime("%Y-%m-%d"), "y": y}).to_csv(
        csv, index=False
    )
    run = tmp_path / "run"
    tiny = ["--epochs", "1", "--hidden-size", "4", "--window", "6", "--quiet", "--device", "cpu"]
    assert main(["forecast", "train", "--data", str(csv), "--out", str(run), *tiny]) == 0
    fc = TrainedModel.load(run / "model")
    assert isinstance(fc.model, LinearBlend)
    out = tmp_path / "net.onnx"
    assert (
        main(["forecast", "export", "--format", "onnx", "--model", str(run / "model"), "--out", str(out)])
        == 0
    )
    x = torch.randn(5, fc.window, len(fc.columns))
    got = ort.InferenceSession(str(out)).run(None, {"x": x.numpy()})[0]
    with torch.no_grad():
        want = exported_module(fc)(x).numpy()
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)
