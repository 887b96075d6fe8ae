"""The pages through a reverse proxy, in a browser: the proxy (a small one here, doing what nginx's
defaults and the configuration in docs/serve.md do) calls the server as 127.0.0.1:PORT and adds
X-Forwarded-For; the page's own requests are then of another origin than the Host the server sees."""

from __future__ import annotations

import contextlib
import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers_serve import browser_page, serving_app, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")

HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


@contextlib.contextmanager
def reverse_proxy(upstream: str) -> Iterator[str]:
    """A proxy on localhost in front of ``upstream`` (http://127.0.0.1:PORT); yields its URL."""
    target = upstream.removeprefix("http://")

    class Forward(BaseHTTPRequestHandler):
        def forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            headers["Host"] = target  # nginx's default: proxy_pass's own host and port
            headers["X-Forwarded-For"] = self.client_address[0]
            headers["X-Forwarded-Proto"] = "http"
            conn = http.client.HTTPConnection(target, timeout=120)
            conn.request(self.command, self.path, body=body or None, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            for k, v in answer.getheaders():
                if k.lower() not in HOP:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            conn.close()

        do_GET = do_POST = do_HEAD = forward

        def log_message(self, *args) -> None:  # quiet
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{proxy.server_address[1]}"  # a name, as a proxy's would be
    finally:
        proxy.shutdown()
        proxy.server_close()


def test_a_page_through_a_proxy_gets_its_answers():
    """Every POST of the pages was refused as cross-origin (Origin http://localhost:P, Host 127.0.0.1:S)."""
    from rnnkit.serve.app import create_app
    from rnnkit.serve.proxies import parse_proxies
    from rnnkit.serve.registry import discover

    app = create_app(discover(None), proxies=parse_proxies("127.0.0.1"))
    with serving_app(app) as upstream, reverse_proxy(upstream) as url, browser_page(1000) as page:
        page.goto(url + "/translate")
        wait(page, "document.querySelector('#model').options.length > 0")
        page.fill("#text", "I am a student.")
        page.click("#go")
        wait(
            page, "document.querySelector('#error').textContent || !document.querySelector('#result').hidden"
        )
        assert page.text_content("#error") == ""
        assert page.text_content("#translation").strip()
