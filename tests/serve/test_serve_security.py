"""What a hostile model folder under ``--models`` or a hostile client can do to ``rnnkit serve``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

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


@contextlib.contextmanager
def _real_server() -> Iterator[int]:
    """``rnnkit serve``'s own uvicorn configuration, on a free loopback port, in a thread."""
    import uvicorn

    from rnnkit.serve.app import create_app
    from rnnkit.serve.cli import server_config

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    srv = uvicorn.Server(server_config(create_app(discover(None))))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    try:
        yield sock.getsockname()[1]
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()


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
    with _real_server() as port:
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


def test_requests_past_the_bound_get_one_json_line_before_their_body_is_read():
    from rnnkit.serve.app import InFlightLimit

    release = asyncio.Event()

    async def slow_app(scope, receive, send):
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def call(app, sent: list) -> None:
        async def receive():
            raise AssertionError("the body was read")

        async def send(message):
            sent.append(message)

        await app({"type": "http", "method": "POST", "path": "/api/translate", "headers": []}, receive, send)

    async def scenario():
        app = InFlightLimit(slow_app, most=1)
        first, second = [], []
        running = asyncio.create_task(call(app, first))
        await asyncio.sleep(0)
        await call(app, second)  # while the first is in progress
        release.set()
        await running
        third = []
        await call(app, third)  # the first finished: its place is free again
        return first, second, third

    first, second, third = asyncio.run(scenario())
    assert first[0]["status"] == 200 and third[0]["status"] == 200
    assert second[0]["status"] == 503
    assert json.loads(second[1]["body"])["error"].startswith("the server is busy: ")
