"""What the serve tests share: a real server in a thread, a headless Chromium page, and a page's tags."""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

BROWSER = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium on this machine (apt-get install chromium)"
)


class Tags(HTMLParser):
    """Each start tag of a page, in order, as (tag, attributes)."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def by_id(self, name: str) -> dict:
        (found,) = [a for _, a in self.tags if a.get("id") == name]
        return found


@contextlib.contextmanager
def serving(models) -> Iterator[str]:
    """A real uvicorn server of the models under ``models`` on a free loopback port, in a thread, with
    ``rnnkit serve``'s own configuration (its deadline on a request's head)."""
    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    with serving_app(create_app(discover(models))) as url:
        yield url


@contextlib.contextmanager
def serving_app(app, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """A real uvicorn server of ``app`` with ``rnnkit serve``'s configuration, bound to ``host`` on
    ``port`` (0: a free one), in a thread; yields its URL on ``host``."""
    import uvicorn

    from rnnkit.serve.cli import server_config

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a port just served again, as rnnkit serve
    sock.bind((host, port))
    srv = uvicorn.Server(server_config(app))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextlib.contextmanager
def browser_page(width: int = 1280, height: int = 900) -> Iterator:
    """A page of a fresh headless Chromium at ``width`` x ``height``; the browser closes after.
    Skips without playwright (the dev extra) or Chromium."""
    if BROWSER is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")
    with sync_api.sync_playwright() as play:
        browser = play.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def wait(page, condition: str, timeout: float = 60.0) -> None:
    """Poll ``condition`` (a JS expression) until true. Playwright's ``wait_for_function`` evaluates its
    predicate with ``eval``, which the pages' Content-Security-Policy forbids, as it should."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => !!({condition})"):
        assert time.monotonic() < deadline, f"timed out waiting for {condition}"
        time.sleep(0.1)


def one_line_error(response, status: int, needle: str = "") -> str:
    """The API's answer must be a one-line JSON error with ``status`` that mentions ``needle``; returns it."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"} and "\n" not in body["error"] and needle in body["error"], body
    return body["error"]
