"""Requests HTTP allows that uvicorn's h11 protocol handed the app in a form it refused, sent over a
real socket to a real server (:mod:`rnnkit.serve.protocol`)."""

from __future__ import annotations

import contextlib
import json
import socket

import pytest
from helpers_serve import serving

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")


def _ask(port: int, request: bytes) -> tuple[str, str]:
    """The status line and body of the answer to ``request``, sent alone on a new connection."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(request)
        s.settimeout(10)
        data = b""
        with contextlib.suppress(OSError):
            while chunk := s.recv(65536):
                data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n", 1)[0].decode(), body.decode()


HEALTH = '"status":"ok"'


def test_an_absolute_form_request_line_is_served_and_its_authority_is_the_host_checked():
    """RFC 9112 3.2.2: a server MUST accept an absolute-form target (a client speaking as to a proxy
    sends one). It was routed as the path '/http://127.0.0.1:PORT/api/health', a 404; and its authority,
    which the RFC says replaces Host, is what the DNS rebinding check reads."""
    with serving(None) as url:
        port = int(url.rsplit(":", 1)[1])
        close = b"Connection: close\r\n\r\n"
        line, body = _ask(
            port, f"GET http://127.0.0.1:{port}/api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + close
        )
        assert line == "HTTP/1.1 200 OK" and HEALTH in body, (line, body)
        # scheme and name in capitals, no path: the home page; the Host received is not what is checked
        line, body = _ask(
            port, f"GET HTTP://LOCALHOST:{port}?x=1 HTTP/1.1\r\nHost: evil.example\r\n".encode() + close
        )
        assert line == "HTTP/1.1 200 OK" and "<title>Home" in body, (line, body[:200])
        line, body = _ask(port, b"GET http://evil.example/api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + close)
        assert line == "HTTP/1.1 400 Bad Request", line
        assert "not 'evil.example'" in json.loads(body)["error"], body
        # the path part is routed as any other: a 404 page one folder down, a POST's own checks
        line, body = _ask(
            port,
            f"POST http://127.0.0.1:{port}/api/cells/gradient HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Origin: http://127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            "Content-Length: 15\r\n".encode()
            + close
            + b'{"length": 300}',
        )
        assert line == "HTTP/1.1 400 Bad Request" and "length must be between" in body, (line, body)


def test_an_http_1_0_request_without_host_is_served_as_sent_to_the_address_it_reached():
    """HTTP/1.0 does not require Host (a 1.1 request without it is still refused by h11, as it must
    be); the guard refused it as sent to ''. No browser omits Host, so DNS rebinding is not at stake."""
    with serving(None) as url:
        port = int(url.rsplit(":", 1)[1])
        line, body = _ask(port, b"GET /api/health HTTP/1.0\r\n\r\n")
        assert line == "HTTP/1.1 200 OK" and HEALTH in body, (line, body)
        line, body = _ask(port, b"GET /api/health HTTP/1.0\r\nHost: evil.example\r\n\r\n")
        assert line == "HTTP/1.1 400 Bad Request" and "not 'evil.example'" in body, (line, body)
        line, body = _ask(port, b"GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n")
        assert line == "HTTP/1.1 400 Bad Request" and "Host" in json.loads(body)["error"], (line, body)


def test_options_asterisk_says_what_the_server_takes():
    """OPTIONS * (RFC 9110 9.3.7: about the server as a whole, not one path) was 'not found: /*'."""
    with serving(None) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b"OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            s.settimeout(10)
            data = b""
            with contextlib.suppress(OSError):
                while chunk := s.recv(65536):
                    data += chunk
        head = data.partition(b"\r\n\r\n")[0].decode().lower()
        assert head.startswith("http/1.1 204 ") and "\r\nallow: get, head, options, post" in head, head
        line, _ = _ask(port, b"GET * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert line == "HTTP/1.1 404 Not Found", line


def test_connect_is_told_the_server_is_no_proxy():
    """A client told to use the server as its HTTPS proxy sends ``CONNECT example.com:443`` with that Host:
    it was answered 400 'a page may be trying DNS rebinding', and with this server's Host 404 'not found:
    /example.com:443'. A CONNECT asks for a tunnel: 405 with Allow, as any method the server does not
    take, whatever its Host, and the connection serves its next request."""
    with serving(None) as url:
        port = int(url.rsplit(":", 1)[1])
        for target, host in (
            ("example.com:443", "example.com:443"),
            (f"127.0.0.1:{port}", f"127.0.0.1:{port}"),
            ("/api/health", "127.0.0.1"),
        ):
            with socket.create_connection(("127.0.0.1", port)) as s:
                s.sendall(
                    f"CONNECT {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
                    + b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                s.settimeout(10)
                data = b""
                with contextlib.suppress(OSError):
                    while chunk := s.recv(65536):
                        data += chunk
            head, _, rest = data.decode().partition("\r\n\r\n")
            line, *fields = head.split("\r\n")
            assert line == "HTTP/1.1 405 Method Not Allowed", head
            assert "allow: GET, HEAD, OPTIONS, POST" in fields, head
            assert f"CONNECT {target} is not allowed: this server is not a proxy" in rest, rest
            assert "HTTP/1.1 200 OK" in rest and HEALTH in rest, rest  # the next request is served


def test_an_upgrade_is_answered_as_plain_http_without_warnings():
    """Each WebSocket handshake (a browser tool or extension trying ws://127.0.0.1:8000/) printed two
    warnings in the server's terminal, 'Unsupported upgrade request.' and 'No supported WebSocket
    library detected. Please use "pip install 'uvicorn[standard]'"...': the app has no WebSocket route,
    so the Upgrade is ignored (RFC 9110 7.8) and the request answered as HTTP, with nothing said."""
    import logging

    heard: list[str] = []

    class Hear(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            heard.append(record.getMessage())

    hear = Hear(level=logging.WARNING)
    with serving(None) as url:
        port = int(url.rsplit(":", 1)[1])
        logger = logging.getLogger("uvicorn.error")
        logger.addHandler(hear)
        try:
            websocket = (
                b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n"
                b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
            )
            h2c = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings, close\r\n"
            h2c += b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n"
            for request in (websocket, h2c):
                line, body = _ask(port, request)
                assert line == "HTTP/1.1 200 OK" and HEALTH in body, (line, body)
        finally:
            logger.removeHandler(hear)
    assert heard == []
