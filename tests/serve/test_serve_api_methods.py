"""QA of the JSON API as a script or an impatient user calls it (session 21): the methods a path takes,
fields the API does not know, numbers written as floats, bodies that are empty, not UTF-8 or never
arrive, and openapi.json describing all of it."""

from __future__ import annotations

import asyncio
import json

import pytest

pytest.importorskip("starlette", reason="starlette is not installed (the serve extra)")

from helpers_serve import one_line_error as _bad  # noqa: E402

from rnnkit.serve import limits  # noqa: E402
from rnnkit.serve.api import FIELDS, ROUTES  # noqa: E402

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def app(bare_app):
    return bare_app


@pytest.fixture(scope="module")
def client(bare_client):
    return bare_client


def test_a_wrong_method_is_told_the_methods_the_path_takes(client):
    """QA: ``PUT /api/translate`` answered 405 "Method Not Allowed" with no ``Allow`` header (HTTP
    requires one), and OPTIONS, which asks which methods a path takes, got a 405 too."""
    answer = client.put("/api/translate", json={"text": "hi"})
    _bad(answer, 405, "PUT is not allowed on /api/translate; it takes OPTIONS, POST")
    assert answer.headers["allow"] == "OPTIONS, POST"
    answer = client.delete("/api/health")
    _bad(answer, 405, "DELETE is not allowed on /api/health")
    assert answer.headers["allow"] == "GET, HEAD, OPTIONS"
    for path, allow in (("/api/translate", "OPTIONS, POST"), ("/api/models", "GET, HEAD, OPTIONS")):
        asked = client.options(path)
        assert (asked.status_code, asked.headers["allow"], asked.content) == (204, allow, b"")
    assert client.head("/api/health").status_code == 200
    _bad(client.options("/api/nothing"), 404, "not found")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/translate", {"text": "hi", "beams": 3}),
        ("/api/translate", {"text": "hi", "n-best": 2}),
        ("/api/cells/gradient", {"length": 7, "lenght": 9}),
        ("/api/caption", {"sample": 0, "beamwidth": 2}),
    ],
)
def test_an_unknown_field_is_refused_not_silently_ignored(client, path, body):
    """QA: ``{"text": "hi", "beams": 3}`` was translated with the default beam of 5, the typo unsaid."""
    typo = next(key for key in body if key not in FIELDS[path])
    message = _bad(client.post(path, json=body), 400, f"unknown field {typo!r}")
    assert ", ".join(FIELDS[path]) in message


def test_openapi_lists_exactly_the_fields_each_endpoint_reads(client):
    doc = client.get("/openapi.json").json()
    posts = {path for method, path, _ in ROUTES if method == "POST"}
    assert posts == set(FIELDS)
    for path in posts:
        schema = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        # FIELDS is read off these properties: a field they do not list is refused, naming those they do
        refused = client.post(path, json={"zz": 1})
        assert refused.status_code == 400, path
        assert (
            refused.json()["error"] == f"unknown field 'zz'; {path} takes {', '.join(schema['properties'])}"
        )
        assert schema["additionalProperties"] is False
        assert "408" in doc["paths"][path]["post"]["responses"]


def test_openapi_json_is_a_valid_openapi_document(client):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(client.get("/openapi.json").json())


def test_an_integer_written_as_a_float_is_that_integer(client):
    """QA: Python's json writes ``n / 2`` as ``50.0``; openapi.json says integer, which in JSON Schema
    2020-12 (OpenAPI 3.1) includes 50.0, yet the server answered 'length must be an integer'."""
    assert client.post("/api/cells/gradient", content=b'{"length": 50.0}', headers=JSON).json() == {
        "length": 50
    }
    _bad(client.post("/api/cells/gradient", json={"length": 50.5}), 400, "length must be an integer")
    _bad(client.post("/api/cells/gradient", json={"length": True}), 400, "length must be an integer")
    _bad(client.post("/api/cells/gradient", json={"length": 1e300}), 400, "length must be between")
    for number in (b"NaN", b"Infinity", b"-Infinity"):
        sent = client.post("/api/cells/gradient", content=b'{"length": ' + number + b"}", headers=JSON)
        _bad(sent, 400, "length must be an integer")


def test_bodies_that_are_empty_or_not_utf8_say_so(client):
    """QA: an empty body and a Latin-1 body were both 'not valid JSON'; a body saved by PowerShell's
    ``>`` (UTF-16 with its byte-order mark) too, though every file reader of rnnkit reads it."""
    for empty in (b"", b"  \r\n"):
        _bad(client.post("/api/cells/gradient", content=empty, headers=JSON), 400, "body is empty")
    latin = '{"kind": "text", "input": "café"}'.encode("latin-1")
    _bad(client.post("/api/cells", content=latin, headers=JSON), 400, "not UTF-8 text")
    for encoding in ("utf-16", "utf-32"):  # Python writes the byte-order mark first
        sent = client.post("/api/cells/gradient", content='{"length": 9}'.encode(encoding), headers=JSON)
        assert sent.json() == {"length": 9}, sent.text
    _bad(client.post("/api/cells/gradient", content=b"{not json", headers=JSON), 400, "not valid JSON")


def _post_gradient(app, receive) -> tuple[int, dict]:
    """POST /api/cells/gradient straight to the ASGI app, the body from ``receive``: the status and the
    JSON answer."""
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/cells/gradient", "raw_path": b"/api/cells/gradient",
        "query_string": b"", "root_path": "", "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
                    (b"content-length", b"100")],
    }  # fmt: skip
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 30))
    return sent[0]["status"], json.loads(b"".join(m.get("body", b"") for m in sent[1:]))


def test_a_body_that_never_arrives_is_answered_408_and_frees_its_place(app, monkeypatch):
    """QA: a client whose Content-Length promised more than it sent held its connection (one of the
    server's limited places) forever, answered nothing."""
    monkeypatch.setattr(limits, "BODY_SECONDS", 0.2)
    parts = [{"type": "http.request", "body": b'{"length":', "more_body": True}]

    async def receive() -> dict:
        if parts:
            return parts.pop()
        await asyncio.sleep(3600)  # the rest of the body never comes
        raise AssertionError("unreachable")

    status, body = _post_gradient(app, receive)
    assert status == 408
    assert set(body) == {"error"} and "nothing came for 0.2 s" in body["error"]


def test_a_client_gone_mid_body_is_no_failure_of_the_servers(app):
    """A client that closed its connection mid-body (a tab closed during an upload, curl stopped, a
    broken chunked body that uvicorn answers itself) was logged as "POST /api/cells/gradient failed"
    with a traceback of starlette's ClientDisconnect, as a bug of the server's is."""
    import logging

    parts = [{"type": "http.request", "body": b'{"length":', "more_body": True}, {"type": "http.disconnect"}]

    async def receive() -> dict:
        return parts.pop(0)

    logged: list[logging.LogRecord] = []
    catch = logging.Handler(logging.WARNING)
    catch.emit = logged.append
    log = logging.getLogger("uvicorn.error")
    log.addHandler(catch)
    try:
        status, body = _post_gradient(app, receive)
    finally:
        log.removeHandler(catch)
    assert [record.getMessage() for record in logged] == []
    assert status == 400 and set(body) == {"error"} and "cut off" in body["error"]


def test_a_slow_upload_that_keeps_sending_is_not_cut_off(app, monkeypatch):
    """Review: the 408 bounded the whole body, so a live upload slower than that in all (a 3 MB photo,
    4 MB in base64, over a slow link to --host 0.0.0.0) was refused; only silence is a 408 now."""
    monkeypatch.setattr(limits, "BODY_SECONDS", 1.0)
    body = b'{"length": 9}' + b" " * 19
    pieces = [body[i : i + 4] for i in range(0, len(body), 4)]  # 8 pieces 0.25 s apart: 2 s in all

    async def receive() -> dict:
        await asyncio.sleep(0.25)
        piece = pieces.pop(0)
        return {"type": "http.request", "body": piece, "more_body": bool(pieces)}

    assert _post_gradient(app, receive) == (200, {"length": 9})


@pytest.mark.parametrize("name", ["-1", "x", "1e1", "９", "9" * 5000])
def test_a_sample_that_is_no_number_names_the_samples_there_are(client, name):
    """QA: ``/api/caption/sample/99.png`` said 'samples are 0 to 23', ``-1.png`` only 'no sample '-1''; a
    number of 5000 digits was a 500 (int() refuses one past 4300) with a traceback in the server's log."""
    _bad(client.get(f"/api/caption/sample/{name}.png"), 404, "samples are 0 to ")


def test_an_unknown_layer_or_state_names_the_ones_there_are(client):
    """QA: a script asking /api/cells/similar for layer 'LSTM' was told only "unknown layer 'LSTM'"."""
    run = client.post("/api/cells", json={"kind": "text", "input": "the cat sat"}).json()
    names = [layer["name"] for layer in run["layers"]]
    asked = {"kind": "text", "input": "the cat sat", "layer": "nope", "state": "h", "unit": 0, "start": 0,
             "end": 1}  # fmt: skip
    _bad(client.post("/api/cells/similar", json=asked), 400, f"layers: {', '.join(names)}")
    _bad(client.post("/api/cells/similar", json={**asked, "layer": names[0], "state": "q"}), 400, "states: h")
