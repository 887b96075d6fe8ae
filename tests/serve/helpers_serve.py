"""What the serve tests share: a real server in a thread, a reverse proxy in front of it, a headless
Chromium page, and a page's tags."""

from __future__ import annotations

import contextlib
import http.client
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

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


# headers of one hop, which a proxy never passes on (it sets its own Host and Content-Length)
HOP = {"host", "connection", "keep-alive", "transfer-encoding", "te", "upgrade", "proxy-connection",
       "content-length"}  # fmt: skip


@contextlib.contextmanager
def reverse_proxy(
    upstream: str, prefix: str = "/", name: str = "127.0.0.1", forwarded_for: bool = False
) -> Iterator[str]:
    """A tiny reverse proxy on a free loopback port in front of ``upstream`` (http://127.0.0.1:PORT),
    doing what nginx's defaults do: it calls the server as ``upstream``'s host and port (the Host it
    sees) and passes the answer back as it is (a Location header untouched). Under a ``prefix`` other
    than ``/`` it forwards ``prefix*`` with the prefix stripped (nginx's ``location /rnnkit/ {
    proxy_pass http://...:8000/; }``) and answers 404 to anything else. ``forwarded_for`` adds
    X-Forwarded-For and X-Forwarded-Proto, as the configuration in docs/serve.md does. Yields its URL
    on the host ``name`` (a name, as a real proxy's would be, makes the page's origin differ from the
    server's)."""
    target = urlsplit(upstream)

    class Forward(BaseHTTPRequestHandler):
        def forward(self) -> None:
            if not self.path.startswith(prefix):
                self.send_error(404, "outside the prefix")
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            if forwarded_for:
                headers["X-Forwarded-For"] = self.client_address[0]
                headers["X-Forwarded-Proto"] = "http"
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
            try:  # http.client sends Host: the upstream's host and port, as proxy_pass does
                conn.request(self.command, "/" + self.path[len(prefix) :], body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
            finally:
                conn.close()
            self.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in HOP:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_HEAD = forward

        def log_message(self, *args) -> None:  # quiet
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{name}:{proxy.server_address[1]}"
    finally:
        proxy.shutdown()
        proxy.server_close()


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
