"""A model folder deleted or moved while the server runs, or a restart with other models while a page is
open: the server's state, not the request's fault."""

from __future__ import annotations

import logging
import shutil
from contextlib import contextmanager

import pytest

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")

from helpers_serve import browser_page, one_line_error, serving_app, wait  # noqa: E402


def test_a_model_folder_deleted_while_serving_is_a_503_naming_the_model(models_dir, tmp_path, caplog):
    """QA: ``rm -r`` of a served model's folder made its first request a 400 in the loader's words,
    "model folder not found: /abs/path (nor is it a Hub id owner/name)", which blamed the input and
    spoke of the Hub, which the server never reads. Now a 503 names the model and what to do; the
    terminal names the folder; the model is served again once its folder is back, without a restart."""
    from starlette.testclient import TestClient

    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    served = tmp_path / "models"
    shutil.copytree(models_dir, served)
    app = create_app(discover(served))
    shutil.move(served / "caption", tmp_path / "caption-away")
    shutil.rmtree(served / "forecast")
    with TestClient(app, base_url="http://127.0.0.1:8000") as client, caplog.at_level(logging.WARNING):
        said = one_line_error(client.post("/api/caption", json={"sample": 0}), 503)
        assert said.startswith("the caption model 'caption' cannot be loaded: its folder is gone"), said
        assert "restart rnnkit serve" in said and "Hub" not in said and str(tmp_path) not in said
        said = one_line_error(client.post("/api/forecast", json={"series": "ibm"}), 503)
        assert said.startswith("the forecast model 'forecast' cannot be loaded"), said
        assert str(served / "caption") in caplog.text  # the operator learns which folder
        shutil.move(tmp_path / "caption-away", served / "caption")
        assert client.post("/api/caption", json={"sample": 0}).status_code == 200
        assert client.get("/api/health").json()["status"] == "ok"


def test_a_model_its_loader_refuses_is_a_503_in_the_loaders_words(models_dir, tmp_path):
    """A listed folder whose files were replaced by ones the loader refuses (a model file cut short by
    a copy still running) is the server's model, not the request: a 503 with the loader's reason."""
    from starlette.testclient import TestClient

    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    served = tmp_path / "models"
    shutil.copytree(models_dir, served)
    app = create_app(discover(served))
    (served / "forecast" / "model.safetensors").write_bytes(b"cut")
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        said = one_line_error(client.post("/api/forecast", json={"series": "ibm"}), 503)
        assert said.startswith("the forecast model 'forecast' cannot be loaded: "), said
        assert "gone" not in said, said


IDLE = "!document.querySelector('#go').disabled"


@contextmanager
def _forecast_page_across_a_restart(models_dir, tmp_path, change):
    """The forecast page open on a server of one forecast model, the server restarted after ``change``
    (of the served models' folder), and Forecast pressed: the page, its error line drawn."""
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")
    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    served = tmp_path / "models"
    shutil.copytree(models_dir / "forecast", served / "forecast")
    with browser_page(390, 844) as page:
        with serving_app(create_app(discover(served))) as url:
            page.goto(url + "/forecast")
            wait(page, f"{IDLE} && !document.querySelector('#result').hidden")
        change(served)
        with serving_app(create_app(discover(served)), port=int(url.rsplit(":", 1)[1])):
            page.click("#go")
            wait(page, f"{IDLE} && document.querySelector('#error').textContent")
            yield page


def test_a_restart_with_other_models_redraws_the_pages_model_box(models_dir, tmp_path):
    """rnnkit serve restarted with its model folder renamed while the forecast page was open: the page's
    Model box still offered 'forecast' alone, and the answer, "unknown forecast model 'forecast'; known:
    forecast-v2", named a model the page gave no way to choose but a reload. The box is drawn again from
    the server's list, the line says why, and the next press is answered."""
    with _forecast_page_across_a_restart(
        models_dir, tmp_path, lambda served: shutil.move(served / "forecast", served / "forecast-v2")
    ) as page:
        assert page.text_content("#error") == (
            "Error: unknown forecast model 'forecast'; known: forecast-v2. The server's models have changed "
            "since this page was opened (rnnkit serve was restarted): the Model box lists them now; choose "
            "one and press “Forecast” again."
        )
        assert page.eval_on_selector_all("#model option", "os => os.map(o => o.value)") == ["forecast-v2"]
        page.click("#go")
        wait(page, f"{IDLE} && !document.querySelector('#result').hidden")
        assert page.text_content("#error") == ""


def test_a_restart_with_no_model_of_the_pages_kind_says_how_to_start_one(models_dir, tmp_path):
    """Restarted with no forecast model, the Model box was redrawn "none on this server" while the line
    said "the Model box lists them now; choose one": there was none to choose. It says the server has
    no forecast model now and how to start it with one."""
    with _forecast_page_across_a_restart(
        models_dir, tmp_path, lambda served: shutil.rmtree(served / "forecast")
    ) as page:
        said = page.text_content("#error")
        assert said.startswith("Error: unknown forecast model 'forecast'"), said
        assert said.endswith(
            " rnnkit serve was restarted with no forecast model: start it with --models DIR holding one "
            "from rnnkit forecast train, then press “Forecast” again."
        ), said
        assert "choose one" not in said
        assert page.eval_on_selector_all("#model option", "os => os.map(o => o.text)") == [
            "none on this server"
        ]
