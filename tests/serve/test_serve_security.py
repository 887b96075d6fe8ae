"""What a hostile model folder under ``--models`` or a hostile client can do to ``rnnkit serve``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import urllib.error
import urllib.request
from pathlib import Path

from helpers_serve import serving

from rnnkit.serve.registry import discover


def _model(folder: Path, config: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(config)
    (folder / "model.safetensors").write_bytes(b"")
    return folder


def test_a_config_nested_100000_deep_is_skipped_not_a_traceback_at_startup(tmp_path):
    # json.loads ends such a file in a RecursionError, which took `rnnkit serve --models` down
    _model(tmp_path / "deep", "[" * 100_000 + "]" * 100_000)
    _model(tmp_path / "good", json.dumps({"application": "forecast", "cell": "gru"}))
    assert set(discover(tmp_path, shipped_translator=False)) == {"good"}


def _health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _answer(sock: socket.socket) -> bytes:
    sock.settimeout(5)
    data = b""
    with contextlib.suppress(OSError):
        while chunk := sock.recv(4096):
            data += chunk
    return data


def test_a_slowloris_client_blocks_no_one_and_its_connections_are_closed(monkeypatch):
    # uvicorn's limit_concurrency counted the half-sent requests: 100 of them answered every other
    # request 503 for as long as their client liked
    from rnnkit.serve import limits

    monkeypatch.setattr(limits, "HEAD_SECONDS", 1.0)
    with serving(None) as url:
        port = int(url.rsplit(":", 1)[1])
        slow = []
        for _ in range(100):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never the blank line
            slow.append(s)
        idle = socket.create_connection(("127.0.0.1", port))  # sends nothing (a browser's preconnect)
        try:
            assert _health(port) == 200
            answer = _answer(slow[0])  # closed after HEAD_SECONDS, with a 408 naming why
            assert answer.startswith(b"HTTP/1.1 408 ") and b"did not arrive within 1 s" in answer
            assert _answer(idle) == b""  # closed, silently
            assert _health(port) == 200
        finally:
            for s in [*slow, idle]:
                s.close()


def test_a_request_that_is_no_valid_http_gets_one_json_line_naming_why():
    """uvicorn answered every request h11 refuses with the plain text "Invalid HTTP request received.":
    a browser with many cookies for 127.0.0.1 (other local apps set them) showed that for every page.
    Each is the API's one JSON line now, naming what was wrong, with h11's status."""
    with serving(None) as url:
        port = int(url.rsplit(":", 1)[1])
        sent = {
            "431": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + b"a" * 20_000,
            "bad Content-Length": b"POST /api/cells/gradient HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: ten\r\n\r\n{}",
            "illegal chunk header": b"POST /api/cells/gradient HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            "illegal request line": b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n",  # https:// to http
        }
        for why, request in sent.items():
            with socket.create_connection(("127.0.0.1", port)) as s:
                s.sendall(request)
                head, _, body = _answer(s).partition(b"\r\n\r\n")
            assert b"content-type: application/json" in head.lower(), (why, head)
            said = json.loads(body)["error"]
            if why == "431":
                assert head.startswith(b"HTTP/1.1 431 "), head
                assert said.startswith("the request's line and headers were still unfinished past 16 KiB"), (
                    said
                )
            else:
                assert head.startswith(b"HTTP/1.1 400 "), head
                assert said == f"the request is not valid HTTP/1.1 ({why})", said
        assert _health(port) == 200


def test_a_broken_body_after_the_app_answered_gets_no_second_answer():
    """The app answers some requests before reading their body (a 415 for its Content-Type); a broken
    chunk after that was answered again, a second response on the connection that a kept-alive client
    or proxy would take as the answer to its next request. It is closed with the one answer now."""
    with serving(None) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(
                b"POST /api/cells/gradient HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            s.settimeout(10)
            first = s.recv(65536)  # the 415, sent before any of the body
            assert first.startswith(b"HTTP/1.1 415 "), first
            s.sendall(b"zz\r\nxx\r\n")
            rest = _answer(s)
        assert b"HTTP/1.1" not in first[12:] + rest, first + rest
        assert _health(port) == 200


async def _call(app, client: tuple[str, int] | None) -> int:
    """The status ``app`` answers a POST from ``client``; its body must never be read."""
    sent = []

    async def receive():
        raise AssertionError("the body was read")

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/translate", "headers": [], "client": client}
    await app(scope, receive, send)
    if sent[0]["status"] == 503:
        assert json.loads(sent[1]["body"])["error"].startswith("the server is busy: ")
    return sent[0]["status"]


def _holding(most: int, clients: list, then: list) -> tuple[list[int], list[int]]:
    """The statuses of requests from ``then`` while requests from ``clients`` are in progress, and of
    the same requests once those are answered."""
    from rnnkit.serve.app import InFlightLimit

    async def scenario():
        release = asyncio.Event()

        async def slow_app(scope, receive, send):  # a request whose body is still arriving
            await release.wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        app = InFlightLimit(slow_app, most=most)
        held = [asyncio.create_task(_call(app, c)) for c in clients]
        await asyncio.sleep(0.01)
        during = []
        for c in then:
            task = asyncio.create_task(_call(app, c))
            await asyncio.sleep(0.01)
            during.append(task)
        release.set()
        held_statuses = await asyncio.gather(*held)
        during_statuses = await asyncio.gather(*during)
        after = [await _call(app, c) for c in then]
        assert all(s == 200 for s in held_statuses)
        return during_statuses, after

    return asyncio.run(scenario())


def test_requests_past_the_bound_get_one_json_line_before_their_body_is_read():
    here = ("127.0.0.1", 5000)
    during, after = _holding(3, [here] * 3, [here])
    assert during == [503] and after == [200]


def test_one_remote_client_holds_at_most_half_the_places():
    # a client on the network that sends its bodies a byte at a time held every place
    attacker, other, here = ("10.0.0.7", 4000), ("10.0.0.8", 4000), ("127.0.0.1", 4000)
    during, after = _holding(6, [attacker] * 3, [attacker, other, here])
    assert during == [503, 200, 200] and after == [200, 200, 200]
    during, _ = _holding(6, [here] * 5, [here])  # this machine's own clients share one address
    assert during == [200]


def test_an_ipv6_client_is_one_client_across_its_block_and_a_mapped_ipv4_is_the_ipv4():
    # an IPv6 client may take any address of its /64: each one counted apart held every place
    block = [(f"2001:db8:1:2::{n:x}", 4000) for n in range(1, 5)]
    other, mapped_here = ("2001:db8:1:3::1", 4000), ("::ffff:127.0.0.1", 4000)
    during, after = _holding(6, block[:3], [block[3], other, mapped_here])
    assert during == [503, 200, 200] and after == [200, 200, 200]
    # on a dual-stack socket (--host ::) this machine's browser comes as ::ffff:127.0.0.1, and two
    # IPv4 machines stay two clients
    during, _ = _holding(6, [mapped_here] * 5, [mapped_here])
    assert during == [200]
    during, _ = _holding(6, [("::ffff:10.0.0.7", 1)] * 3, [("::ffff:10.0.0.8", 1)])
    assert during == [200]
