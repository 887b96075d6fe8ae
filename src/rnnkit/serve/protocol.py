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
"""

from __future__ import annotations

import asyncio
import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from rnnkit.serve import limits


def _too_slow() -> bytes:
    body = json.dumps(
        {"error": f"the request's headers did not arrive within {limits.HEAD_SECONDS:g} s"}
    ).encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


class HeadDeadline(H11Protocol):
    """:class:`H11Protocol` that closes a connection whose request head is late (see the module)."""

    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
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
