"""A slow call of the API runs off the event loop: the server answers other requests meanwhile."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")

from helpers_serve import serving_app  # noqa: E402


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as answer:
        return json.loads(answer.read())


def test_a_health_check_is_answered_while_the_series_list_is_computed(monkeypatch):
    """The bundled series' list takes about 1.5 s on its first call (the forecast package's import); it
    ran on the event loop and held up every other request until it was done."""
    from rnnkit.serve import api
    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    computing, done = threading.Event(), threading.Event()

    def slow_list() -> list[dict]:
        computing.set()
        done.wait(120)  # until the health check below has been answered
        return [{"name": "ibm", "description": "a stock"}]

    monkeypatch.setattr(api, "bundled", slow_list)
    listed: dict = {}
    with serving_app(create_app(discover(None))) as url:
        asking = threading.Thread(target=lambda: listed.update(_get(f"{url}/api/forecast/series")))
        asking.start()
        try:
            assert computing.wait(60), "the series list was never asked for"
            assert _get(f"{url}/api/health")["status"] == "ok"  # answered while the list is computed
            assert not listed
        finally:
            done.set()
            asking.join(120)
    assert listed["series"] == [{"name": "ibm", "description": "a stock"}]


def test_the_series_list_does_not_wait_behind_a_running_job():
    """On the worker pool (one worker, no queue) the fixed list was refused as busy while a forecast ran
    (with a queue it waited, then was refused as 'try a shorter input')."""
    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    app = create_app(discover(None), workers=1, queue=0, seconds=30)
    started, release = threading.Event(), threading.Event()
    with serving_app(app) as url:
        app.state.services.cells.gradient_flow = lambda length: (started.set(), release.wait(60), {})[2]
        job = urllib.request.Request(
            f"{url}/api/cells/gradient", data=b'{"length": 50}', headers={"Content-Type": "application/json"}
        )
        running = threading.Thread(
            target=lambda: urllib.request.urlopen(job, timeout=120).read(), daemon=True
        )
        running.start()
        try:
            assert started.wait(60), "the long job never started"  # it holds the one worker
            assert [s["name"] for s in _get(f"{url}/api/forecast/series")["series"]]
        finally:
            release.set()
            running.join(120)
