"""Requests a person typing curl gets wrong, sent to a real server over a socket: each is answered with one
JSON line and a 4xx status that says what was wrong, and the server's terminal stays quiet (no trace,
no warning: the log is for the server's own failures)."""

from __future__ import annotations

import gzip
import json
import socket

import pytest
from helpers_serve import serving

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")


JSON_PLEASE = "send the request body as JSON, with the header Content-Type: application/json"


def _send(url: str, head: str, body: bytes) -> tuple[int, dict]:
    """The status and JSON answer to ``head`` (the request line and headers) and ``body`` on one connection."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), json.loads(rest.partition(b"\r\n\r\n")[2])


def _post(content_type: str | None, length: int, more: str = "") -> str:
    kind = f"Content-Type: {content_type}\n" if content_type else ""
    return (
        f"POST /api/translate HTTP/1.1\nHost: 127.0.0.1\n{kind}{more}Content-Length: {length}\n"
        "Connection: close\n"
    )


def test_curl_mistakes_get_one_json_line_and_leave_the_log_quiet(capfd):
    sentence = b'{"text": "I am a student."}'
    deep = b"[" * 1_500_000 + b"]" * 1_500_000  # 3 MB, under the body bound
    packed = gzip.compress(sentence)
    with serving(None) as url:
        capfd.readouterr()  # what starting the server printed
        answers = [
            # curl -d without -H: application/x-www-form-urlencoded
            _send(url, _post("application/x-www-form-urlencoded", len(sentence)), sentence),
            _send(url, _post("text/plain", len(sentence)), sentence),
            _send(url, _post(None, len(sentence)), sentence),
            # a 20 MB file with --data-binary: refused from its Content-Length, before it is read
            _send(url, _post("application/json", 20_000_000), b'{"text": "' + b"a" * 65536),
            _send(url, _post("application/json", len(deep)), deep),
            # curl --data-binary @body.json.gz -H 'Content-Encoding: gzip': was "not UTF-8 text", a 400
            _send(url, _post("application/json", len(packed), "Content-Encoding: gzip\n"), packed),
        ]
        quiet = capfd.readouterr()
    assert answers == [
        (
            415,
            {
                "error": f"{JSON_PLEASE} (it came as application/x-www-form-urlencoded, as curl -d sends it unless "
                "given -H 'Content-Type: application/json')"
            },
        ),
        (415, {"error": f"{JSON_PLEASE} (it came as text/plain)"}),
        (415, {"error": f"{JSON_PLEASE} (it came with no Content-Type)"}),
        (413, {"error": "request body too large (at most 4194304 bytes)"}),
        (400, {"error": "the request body is nested too deeply"}),
        (415, {"error": "send the request body uncompressed (it came with Content-Encoding: gzip)"}),
    ]
    assert quiet.out == "" and quiet.err == "", quiet
