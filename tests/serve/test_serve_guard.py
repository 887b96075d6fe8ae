"""Who may use the server (rnnkit.serve.guard): a foreign Host name is refused (DNS rebinding), a page of
another origin may not make it compute (cross-site requests), and every answer carries the headers that
keep other sites from framing or reading it."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")

from starlette.testclient import TestClient  # noqa: E402

from rnnkit.serve.api import ROUTES  # noqa: E402
from rnnkit.serve.guard import LOOPBACK_NAMES, allowed_hosts  # noqa: E402

LOCAL = "http://127.0.0.1:8000"
POSTS = [path for method, path, _ in ROUTES if method == "POST"]
# a body each POST route accepts, so a refusal is the guard's and not the body's
BODIES = {
    "/api/translate": {"text": "Hello."},
    "/api/caption": {"sample": 0},
    "/api/forecast": {"series": "ibm"},
    "/api/cells": {"kind": "numbers", "input": "0.1 *0.2 *0.3"},
    "/api/cells/similar": {
        "kind": "numbers",
        "input": "0.1 *0.2 *0.3",
        "layer": "rnn",
        "state": "h",
        "unit": 0,
        "start": 0,
        "end": 1,
    },  # fmt: skip
    "/api/cells/gradient": {"length": 5},
}


@pytest.fixture
def counted(tmp_path):
    """An app over no models whose every computation is counted instead of run."""
    from rnnkit.serve.app import create_app
    from rnnkit.serve.registry import discover

    def build(hosts=LOOPBACK_NAMES):
        app = create_app(discover(tmp_path), hosts=hosts)
        app.state.calls = []
        services = app.state.services

        def record(name):
            return lambda *args: app.state.calls.append(name) or {"ran": name}

        services.translate.translate = record("translate")
        services.cells.states = record("cells")
        services.cells.similar = record("similar")
        services.cells.gradient_flow = record("gradient")
        return app

    return build


def _refused(response, status: int, needle: str) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"} and "\n" not in body["error"] and needle in body["error"], body
    assert response.headers["x-content-type-options"] == "nosniff"  # refusals carry the headers too


def test_every_post_route_is_in_the_table_and_says_it_may_be_refused(client):
    assert sorted(BODIES) == sorted(POSTS)
    paths = client.get("/openapi.json").json()["paths"]
    for path in POSTS:
        assert "another origin" in paths[path]["post"]["responses"]["403"]["description"]


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:8000", "127.0.0.1.evil.example:8000", "localhost.evil.example",
     "evil.example@127.0.0.1", "127.0.0.1/x", "", "[::2]:8000", "0.0.0.0:8000"],
)  # fmt: skip
def test_a_foreign_host_name_is_refused_before_any_route(counted, host):
    """DNS rebinding: evil.example re-pointed at 127.0.0.1 reaches the server with its own Host name."""
    with TestClient(counted(), base_url=LOCAL) as c:
        for response in (
            c.get("/", headers={"host": host}),
            c.get("/api/models", headers={"host": host}),
            c.post("/api/cells/gradient", json={"length": 5}, headers={"host": host}),
        ):
            _refused(response, 400, "this server answers to 127.0.0.1, [::1], localhost, not")
        assert c.app.state.calls == []


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000"])
def test_the_loopback_names_are_served(counted, host):
    with TestClient(counted(), base_url=LOCAL) as c:
        assert c.get("/translate", headers={"host": host}).status_code == 200
        assert c.post("/api/translate", json={"text": "Hi."}, headers={"host": host}).json() == {
            "ran": "translate"
        }


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},  # a sandboxed frame or a file:// page
        {"origin": "http://localhost:3000"},  # another server of this machine
        {"origin": "https://127.0.0.1:8000"},  # same host and port, another scheme
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ],
)
def test_a_post_from_another_origin_does_no_work(counted, path, headers):
    """A page elsewhere may post to 127.0.0.1 (a form, or fetch with no-cors): refused before its body
    is read, on every POST route, with a JSON body the route would accept."""
    with TestClient(counted(), base_url=LOCAL) as c:
        _refused(c.post(path, json=BODIES[path], headers=headers), 403, "cross-origin request refused")
        # a form post (text/plain) from elsewhere is a cross-origin refusal too, not "not JSON"
        _refused(c.post(path, content="{}", headers={**headers, "content-type": "text/plain"}), 403, "cross")
        assert c.app.state.calls == []


def test_the_servers_own_pages_and_clients_without_an_origin_are_served(counted):
    with TestClient(counted(), base_url=LOCAL) as c:
        own = {"origin": LOCAL, "sec-fetch-site": "same-origin"}
        assert c.post("/api/cells/gradient", json={"length": 5}, headers=own).json() == {"ran": "gradient"}
        as_localhost = {"host": "localhost:8000", "origin": "http://localhost:8000"}
        assert c.post("/api/cells", json=BODIES["/api/cells"], headers=as_localhost).status_code == 200
        assert c.post("/api/cells/gradient", json={"length": 5}).status_code == 200  # curl: no Origin
        # reading is not work: another origin's GET is answered (the browser keeps it from the page)
        assert c.get("/api/health", headers={"origin": "http://evil.example"}).status_code == 200
        assert c.app.state.calls == ["gradient", "cells", "gradient"]


def test_behind_a_reverse_proxy_the_pages_own_posts_are_served(counted):
    """Through nginx the page is https://rnn.example.org and Host the address nginx calls: every POST
    of the pages was refused as cross-origin. The browser's Sec-Fetch-Site: same-origin vouches for
    it; a page elsewhere, or an old browser that does not say, is still refused."""
    proxied = {"host": "127.0.0.1:8000", "x-forwarded-proto": "https"}
    with TestClient(counted(), base_url=LOCAL) as c:
        own = {**proxied, "origin": "https://rnn.example.org", "sec-fetch-site": "same-origin"}
        assert c.post("/api/cells/gradient", json={"length": 5}, headers=own).json() == {"ran": "gradient"}
        for other in ("cross-site", "same-site", None):
            headers = {**proxied, "origin": "https://evil.example"}
            if other:
                headers["sec-fetch-site"] = other
            _refused(c.post("/api/cells/gradient", json={"length": 5}, headers=headers), 403, "cross-origin")
        assert c.app.state.calls == ["gradient"]


def test_a_proxy_that_passes_the_public_name_on_is_told_what_host_to_send(counted):
    with TestClient(counted(), base_url=LOCAL) as c:
        proxied = {"host": "rnn.example.org", "x-forwarded-for": "203.0.113.7"}
        _refused(
            c.get("/api/health", headers=proxied), 400, "a reverse proxy must send the server's own address"
        )
        _refused(c.get("/api/health", headers={"host": "evil.example"}), 400, "DNS rebinding")


def test_bound_to_every_address_any_host_name_is_served_but_not_another_origin(counted):
    with TestClient(counted(hosts=None), base_url="http://my-box.lan:8000") as c:
        assert c.get("/api/health").status_code == 200
        assert c.post(
            "/api/cells/gradient", json={"length": 5}, headers={"origin": "http://my-box.lan:8000"}
        ).json()
        _refused(
            c.post("/api/cells/gradient", json={"length": 5}, headers={"origin": "http://evil.example"}),
            403,
            "evil.example",
        )
        assert c.app.state.calls == ["gradient"]


@pytest.mark.parametrize(
    ("host", "bound", "names"),
    [
        ("127.0.0.1", "127.0.0.1", LOOPBACK_NAMES),
        ("localhost", "127.0.0.1", LOOPBACK_NAMES),
        ("127.1", "127.0.0.1", LOOPBACK_NAMES | {"127.1"}),
        ("::1", "::1", LOOPBACK_NAMES),
        ("0.0.0.0", "0.0.0.0", None),
        ("0", "0.0.0.0", None),
        ("::", "::", None),
        ("192.168.1.5", "192.168.1.5", {"192.168.1.5"}),
        ("My-Box.lan", "10.0.0.2", {"my-box.lan", "10.0.0.2"}),
    ],
)
def test_the_names_a_server_answers_to_follow_the_address_it_holds(host, bound, names):
    assert allowed_hosts(host, bound) == names


def test_every_answer_forbids_framing_sniffing_and_other_sites_reading_it(client):
    for path in ("/", "/static/rk.js", "/api/caption/sample/0.png", "/api/nothing"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["cross-origin-resource-policy"] == "same-origin"
        assert headers["cross-origin-opener-policy"] == "same-origin"
