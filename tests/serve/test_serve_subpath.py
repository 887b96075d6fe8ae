"""The app behind a reverse proxy that serves it under a sub-path (nginx's ``location /rnnkit/ {
proxy_pass http://127.0.0.1:8000/; }``, the prefix stripped before it reaches the app): every URL the
pages, scripts and styles use is relative, and so is the Location of a redirect, so nothing leads out
of the prefix. The pages used ``/static/...``, ``/api/...`` and nav links from the host's root, and a
trailing-slash redirect named ``http://127.0.0.1:8000/...``: every page broke under the prefix."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from helpers_serve import Tags, browser_page, reverse_proxy, serving_app, wait

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")

PREFIX = "/rnnkit/"
# a URL from the host's root in HTML (href/src/action), CSS (url()) or JS (a string or template)
ROOTED = re.compile(
    r"""(?:href|src|action)\s*=\s*["']/(?!/)|url\(\s*["']?/(?!/)|["'`]/(?:static|api|openapi)\b"""
)


def fetch(url: str, method: str = "GET", body: bytes | None = None, accept: str = "*/*"):
    """(status, headers, body) of one request, redirects not followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Accept": accept}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        conn.request(
            method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers
        )
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def proxied(bare_app) -> Iterator[str]:
    """The app's URL under the prefix, through the proxy."""
    with serving_app(bare_app) as upstream, reverse_proxy(upstream, PREFIX) as proxy:
        yield proxy + PREFIX


def test_no_page_script_or_style_uses_a_url_from_the_host_root(bare_client):
    """Every page as served (the 404 page included) and every file of static/: no ``/static``, ``/api``
    or other root-relative URL, which would leave a proxy's sub-path (a new page cannot bring one back)."""
    from rnnkit.serve.app import PAGES, STATIC

    answers = {path: bare_client.get(path).text for path in PAGES}
    answers["404"] = bare_client.get("/a/b", headers={"Accept": "text/html"}).text
    files = sorted(p for p in Path(STATIC).iterdir() if p.suffix in {".js", ".css", ".html"})
    assert files
    answers |= {p.name: bare_client.get(f"/static/{p.name}").text for p in files}
    rooted = {name: ROOTED.findall(text) for name, text in answers.items()}
    assert not {name: found for name, found in rooted.items() if found}
    assert ROOTED.search('fetch("/api/x")') and ROOTED.search('<a href="/">') and ROOTED.search("url(/x.png)")


def test_a_page_and_an_api_call_work_through_a_prefix_stripping_proxy(proxied):
    """The home page under /rnnkit/: each file it links is served there, and a call of the API made
    as its script makes it (relative to the app's root) answers."""
    status, _, page = fetch(proxied, accept="text/html")
    assert status == 200
    links = [a.get("href") or a.get("src") for _, a in Tags(page.decode()).tags]
    links = [u for u in links if u and not u.startswith("data:")]
    assert any("static/rk.js" in u for u in links) and any("translate" in u for u in links)
    for link in links:
        url = urljoin(proxied, link)
        assert url.startswith(proxied), link
        assert fetch(url, accept="text/html")[0] == 200, link
    status, _, answer = fetch(urljoin(proxied, "api/cells/gradient"), "POST", b'{"length": 7}')
    assert (status, answer) == (200, b'{"length":7}')


def test_redirects_and_the_not_found_page_stay_under_the_prefix(proxied):
    """/rnnkit/translate/ redirects to /rnnkit/translate (its Location was http://127.0.0.1:PORT/translate,
    the app's own address, which left the proxy); a 404 page a folder down links the styles and home
    page of the app, not of the folder."""
    for path, lands in [("translate/", "translate"), ("api/health//?x=1", "api/health?x=1")]:
        status, headers, _ = fetch(urljoin(proxied, path))
        assert status == 307
        assert urljoin(urljoin(proxied, path), headers["location"]) == urljoin(proxied, lands)
    assert fetch(urljoin(proxied, "translate"), accept="text/html")[0] == 200
    status, _, page = fetch(urljoin(proxied, "nothing/here"), accept="text/html")
    assert status == 404
    tags = Tags(page.decode()).tags
    (css,) = [a["href"] for t, a in tags if t == "link" and a.get("rel") == "stylesheet"]
    assert urljoin(urljoin(proxied, "nothing/here"), css) == urljoin(proxied, "static/app.css")
    (home,) = [a["href"] for t, a in tags if t == "a" and a.get("class") == "brand"]
    assert urljoin(urljoin(proxied, "nothing/here"), home) == proxied


def test_the_pages_scripts_reach_the_api_under_the_prefix_in_a_browser(proxied):
    """In Chromium through the proxy: the home page lists the server's models (its script's calls
    reach api/models and api/health under /rnnkit/), a POST of RK.api is served, the navigation marks
    the page it is on, and the API page's curl commands name the prefix."""
    errors: list[str] = []
    with browser_page() as page:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(proxied)
        wait(page, "!document.querySelector('#models').textContent.includes('loading')")
        assert "Error" not in page.inner_text("#models"), errors
        # a POST as the pages send it (Origin: the proxy's, Sec-Fetch-Site: same-origin) is served too
        assert page.evaluate("() => RK.api('api/cells/gradient', {length: 7})") == {"length": 7}
        page.goto(urljoin(proxied, "api"))
        wait(page, "document.querySelectorAll('#calls pre').length > 0")
        assert page.get_attribute("header nav a[href='./api']", "aria-current") == "page"
        assert f"curl {urljoin(proxied, 'api/health')}" in page.inner_text("#calls")
    assert not errors, errors
