"""uvicorn's HTTP/1.1 protocol with a deadline on each request's head (slowloris).

uvicorn closes a kept-alive connection that stays silent, but never one that sends its request line
and headers a byte at a time: such a connection is held for as long as its client likes. And the
server counts connections against its limit (``limit_concurrency``), beyond which every request is
answered 503, so one client holding ~70 half-sent requests shut every page and call out. Here a
connection must deliver a whole request head within :data:`rnnkit.serve.limits.HEAD_SECONDS` of
connecting (or of starting its next request); one that does not is closed, with a 408 when it had sent
part of one (a browser's idle preconnected socket is closed silently, as uvicorn closes an idle
kept-alive one). The body
has its own bound, :data:`rnnkit.serve.limits.BODY_SECONDS` of silence (:func:`rnnkit.serve.api.read_json`).

A request that is no valid HTTP/1.1 (a head still unfinished past h11's 16 KiB, a Content-Length that is no number, a
broken chunked body) is answered as the API answers, one JSON line naming what was wrong, where uvicorn
answered the same plain "Invalid HTTP request received." to all of them.

Two requests HTTP allows are handed to the app as it can route and guard them. An absolute-form request
line (``GET http://127.0.0.1:8000/api/health HTTP/1.1``, as a client speaking to a proxy sends it, which
RFC 9112 3.2.2 says a server MUST accept) is its path, and its authority the Host (the Host header
received is ignored, as the RFC says): uvicorn routed the path ``/http://...``, a 404. An HTTP/1.0 request
without Host (1.0 does not require one) is taken as sent to the address it reached: the guard's DNS
rebinding check (:mod:`rnnkit.serve.guard`) refused it as sent to ``''``, yet no browser omits Host.

An ``Upgrade`` header (a WebSocket handshake, ``h2c``) is ignored, as RFC 9110 7.8 lets a server: the app
has no WebSocket route nor any other protocol to switch to, so the request is answered as plain HTTP.
uvicorn answered it so too, but first logged two warnings for each ("Unsupported upgrade request." and
"No supported WebSocket library detected", advising to install one, which would only hand the app
connections it has no route for).
"""

from __future__ import annotations

import asyncio
import http
import json
import re

import h11
from uvicorn.protocols.http.h11_impl import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE, H11Protocol

from rnnkit.serve import limits
from rnnkit.serve.guard import url_host


def _answer(status: int, message: str) -> bytes:
    """A whole HTTP response of the API's one JSON error line, after which the connection closes."""
    body = json.dumps({"error": message}).encode()
    head = (
        f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nx-content-type-options: nosniff\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


def _too_slow() -> bytes:
    return _answer(408, f"the request's headers did not arrive within {limits.HEAD_SECONDS:g} s")


def _invalid(refused: h11.RemoteProtocolError | None, most: int) -> bytes:
    """The answer to a request h11 refused (``refused``, None if unknown), its status h11's hint."""
    if refused is None:
        return _answer(400, "the request is not valid HTTP/1.1")
    status = refused.error_status_hint if 400 <= refused.error_status_hint < 600 else 400
    if status == 431:  # the only case h11 hints it for: a head still unfinished past the bound
        return _answer(
            431,
            f"the request's line and headers were still unfinished past {most // 1024} KiB, more than this "
            "server reads (a browser sends so much with many cookies for this address: clear them)",
        )
    # "illegal request line: bytearray(b'\x16\x03...')": the bytes, which may be a TLS greeting, go
    reason = re.sub(r":\s*bytearray\(.*", "", str(refused), flags=re.DOTALL).strip() or "malformed"
    said = (
        "this server does not take such a request" if status == 501 else "the request is not valid HTTP/1.1"
    )
    return _answer(status, f"{said} ({reason[:100]})")


# An absolute-form request target (RFC 9112 3.2.2): scheme, authority, then the path and query if any.
_ABSOLUTE = re.compile(rb"https?://([^/?]*)(.*)", re.IGNORECASE | re.DOTALL)


def _origin_form(request: h11.Request, default_host: bytes | None) -> h11.Request:
    """``request`` as the app routes and guards it (see the module): an absolute-form target becomes its
    path, its authority the Host (RFC 9112 3.2.2: the Host received is ignored), and an HTTP/1.0 request
    without Host gets ``default_host``, the address it reached (RFC 9112 3.3's "default name configured
    for the server"; None: left as it is, and refused by the Host check)."""
    absolute = _ABSOLUTE.fullmatch(request.target)
    if absolute is not None:
        host, rest = absolute[1], absolute[2]
        target = rest if rest.startswith(b"/") else b"/" + rest  # http://h:1 and http://h:1?q ask for /
    elif request.http_version == b"1.0" and default_host and b"host" not in dict(request.headers):
        host, target = default_host, request.target
    else:
        return request
    headers = [(name, value) for name, value in request.headers if name != b"host"] + [(b"host", host)]
    return h11.Request(
        method=request.method, target=target, headers=headers, http_version=request.http_version
    )


class _Connection(h11.Connection):
    """h11's connection, keeping the error that ended it (uvicorn's answer named none), and handing each
    request on in origin form (:func:`_origin_form`)."""

    refused: h11.RemoteProtocolError | None = None
    default_host: bytes | None = None  # the address the connection reached, as a Host header says it

    def next_event(self):  # noqa: ANN201 - h11's own
        try:
            event = super().next_event()
        except h11.RemoteProtocolError as exc:
            self.refused = exc
            raise
        return _origin_form(event, self.default_host) if isinstance(event, h11.Request) else event


class HeadDeadline(H11Protocol):
    """:class:`H11Protocol` that closes a connection whose request head is late, answers a request that
    is no valid HTTP/1.1 in the API's JSON, hands the app each request in origin form, and ignores
    ``Upgrade`` (see the module)."""

    _deadline: asyncio.TimerHandle | None = None

    def __init__(self, config, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003 - uvicorn's own
        super().__init__(config, *args, **kwargs)
        self._most = config.h11_max_incomplete_event_size or DEFAULT_MAX_INCOMPLETE_EVENT_SIZE
        self.conn = _Connection(h11.SERVER, self._most)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request h11 refused, as one JSON line naming why (see the module).

        Only while no answer to this request has begun: the app may answer before reading a body (a 415
        for its Content-Type, a 413 for its Content-Length) whose broken chunks come after; a second
        response then would be read by a kept-alive client as the answer to its next request."""
        if self.conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            self.transport.write(_invalid(getattr(self.conn, "refused", None), self._most))
        self.transport.close()

    def _should_upgrade(self) -> bool:
        """Never: the app takes no upgrade (see the module), so none is tried and none is warned of."""
        return False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self.server is not None:  # None on a Unix socket
            host, port = self.server
            self.conn.default_host = f"{url_host(host)}:{port}".encode()
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:  # the next request of a kept-alive connection begins
            self._arm()
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # its head is whole: the app takes over
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(limits.HEAD_SECONDS, self._late)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _late(self) -> None:
        self._deadline = None
        if self.conn.their_state is not h11.IDLE or self.transport.is_closing():
            return
        if self.conn.trailing_data[0]:  # part of a head came: say why the connection ends
            self.transport.write(_too_slow())
        self.transport.close()
