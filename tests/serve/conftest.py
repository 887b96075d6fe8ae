"""Tiny models for the server's tests, trained once per session (a few seconds on one thread):
a caption model on 24 generated scenes and a forecaster on the last 600 days of IBM. The translate
page uses the shipped translator."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    from rnnkit.caption.datasets import read_karpathy
    from rnnkit.caption.modelio import save_captioner
    from rnnkit.caption.pipeline import CaptionConfig, train_captioner
    from rnnkit.caption.shapes import generate
    from rnnkit.forecast import Forecaster
    from rnnkit.forecast.data import load_series

    root = tmp_path_factory.mktemp("serve-models")
    data = read_karpathy(generate(root / "data", {"train": 24, "val": 6}, image_size=32, seed=1))
    cfg = CaptionConfig(epochs=1, hidden_size=16, embed_dim=8, attention_dim=8, channels=16, image_size=32,
                        device="cpu")  # fmt: skip
    result = train_captioner(data, cfg)
    save_captioner(
        root / "models" / "caption", result.model, result.vocab, cfg, result.max_len, ood=result.ood
    )
    ibm = load_series("ibm")
    import pandas as pd

    frame = pd.DataFrame({"Date": ibm.dates[-600:], "Adj Close": ibm.target[-600:]})
    Forecaster(window=4, horizon=1, hidden=8, epochs=2, device="cpu").fit(frame).save(
        root / "models" / "forecast"
    )
    return root / "models"


@pytest.fixture(scope="session")
def app(models_dir):
    pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")
    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    return create_app(discover(models_dir), seconds=120.0)


@pytest.fixture(scope="session")
def client(app):
    from starlette.testclient import TestClient

    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        yield c


@pytest.fixture(scope="module")
def bare_app():
    """The app without trained models, for the API's own rules; the gradient view echoes its length
    (no computation)."""
    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    app = create_app(discover(None))
    app.state.services.cells.gradient_flow = lambda length: {"length": length}
    return app


@pytest.fixture(scope="module")
def bare_client(bare_app):
    from starlette.testclient import TestClient

    with TestClient(bare_app, base_url="http://127.0.0.1:8000") as c:
        yield c
