"""The pages through a reverse proxy, in a browser: the proxy (a small one here, doing what nginx's
defaults and the configuration in docs/serve.md do) calls the server as 127.0.0.1:PORT and adds
X-Forwarded-For; the page's own requests are then of another origin than the Host the server sees."""

from __future__ import annotations

import pytest
from helpers_serve import browser_page, reverse_proxy, serving_app, wait

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")


def test_a_page_through_a_proxy_gets_its_answers():
    """Every POST of the pages was refused as cross-origin (Origin http://localhost:P, Host 127.0.0.1:S)."""
    from rnnkit.serve.app import create_app
    from rnnkit.serve.proxies import parse_proxies
    from rnnkit.serve.registry import discover

    app = create_app(discover(None), proxies=parse_proxies("127.0.0.1"))
    with (
        serving_app(app) as upstream,
        reverse_proxy(upstream, name="localhost", forwarded_for=True) as url,
        browser_page(1000) as page,
    ):
        page.goto(url + "/translate")
        wait(page, "document.querySelector('#model').options.length > 0")
        page.fill("#text", "I am a student.")
        page.click("#go")
        wait(
            page, "document.querySelector('#error').textContent || !document.querySelector('#result').hidden"
        )
        assert page.text_content("#error") == ""
        assert page.text_content("#translation").strip()
