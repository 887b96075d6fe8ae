"""Behind a reverse proxy: whose X-Forwarded-For the server believes (``--forwarded-allow-ips``), tested
through a real uvicorn server with ``rnnkit serve``'s configuration, with clients on loopback and on
this machine's network address (a client that is not loopback, as another machine's would be)."""

from __future__ import annotations

import contextlib
import socket
import time

import pytest
from helpers_serve import serving_app

pytest.importorskip("uvicorn", reason="uvicorn is not installed (the serve extra)")


def _network_address() -> str:
    """This machine's address on its network (no packet is sent: a UDP socket only picks a route)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("198.51.100.1", 9))
            address = probe.getsockname()[0]
    except OSError:
        pytest.skip("no network address on this machine")
    if address.startswith("127."):
        pytest.skip("no network address on this machine")
    return address


def _limit(app):
    """The app's InFlightLimit (Starlette builds its middleware stack on the first request)."""
    from rnnkit.serve.app import InFlightLimit

    layer = app.middleware_stack
    while not isinstance(layer, InFlightLimit):
        layer = layer.app
    return layer


def _head(method: str, forwarded: str | None, length: int = 0) -> bytes:
    lines = [f"{method} {'/api/translate' if length else '/api/health'} HTTP/1.1", "Host: 127.0.0.1"]
    if forwarded is not None:
        lines.append(f"X-Forwarded-For: {forwarded}")
    if length:
        lines += ["Content-Type: application/json", f"Content-Length: {length}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@contextlib.contextmanager
def _held(port: int, source: str, forwarded: list[str | None], app):
    """Requests in progress from ``source``, one per ``forwarded`` header (None: none): each sends its
    head and the first byte of a body that never ends (a slow upload, which holds its place)."""
    limit = _limit(app)
    conns = []
    try:
        for header in forwarded:
            conn = socket.create_connection((source, port), source_address=(source, 0), timeout=20)
            conn.sendall(_head("POST", header, length=100) + b"{")
            conns.append(conn)
        _settle(limit, len(conns))
        yield
    finally:
        for conn in conns:
            conn.close()


def _settle(limit, count: int) -> None:
    """Wait until ``count`` requests are in progress (an answered request ends just after its answer)."""
    deadline = time.monotonic() + 30
    while limit.now != count:
        assert time.monotonic() < deadline, f"{limit.now} requests in progress, not {count}"
        time.sleep(0.02)


def _status(port: int, source: str, forwarded: str | None) -> int:
    with socket.create_connection((source, port), source_address=(source, 0), timeout=20) as conn:
        conn.sendall(_head("GET", forwarded))
        return int(conn.recv(200).split(b" ", 2)[1])


def _app(proxies: str = ""):
    from rnnkit.serve.app import create_app
    from rnnkit.serve.proxies import parse_proxies
    from rnnkit.serve.registry import discover

    app = create_app(discover(None), workers=1, queue=1, proxies=parse_proxies(proxies))
    return app


@contextlib.contextmanager
def _serving(proxies: str = ""):
    app = _app(proxies)
    with serving_app(app, host="0.0.0.0") as url:
        port = int(url.rsplit(":", 1)[1])
        assert _status(port, "127.0.0.1", None) == 200  # builds the middleware stack
        _settle(_limit(app), 0)
        yield app, port, _limit(app).most // 2


def test_behind_a_named_proxy_each_forwarded_client_is_counted_apart():
    with _serving("127.0.0.1") as (app, port, half), _held(port, "127.0.0.1", ["203.0.113.7"] * half, app):
        assert _status(port, "127.0.0.1", "203.0.113.7") == 503
        assert _status(port, "127.0.0.1", "203.0.113.8") == 200
        # nginx's $proxy_add_x_forwarded_for appends the address it saw: a client's own entry in
        # front of it is skipped, not believed
        assert _status(port, "127.0.0.1", "203.0.113.8, 203.0.113.7") == 503
        assert _status(port, "127.0.0.1", "127.0.0.1, 203.0.113.7") == 503


def test_a_named_proxy_that_sends_no_forwarded_for_counts_as_one_client():
    # its clients all come as the proxy: were it this machine's own address, uncounted, one of them
    # could take every place
    with _serving("127.0.0.1") as (app, port, half), _held(port, "127.0.0.1", [None] * half, app):
        assert _status(port, "127.0.0.1", None) == 503


def test_without_a_named_proxy_the_header_is_ignored_and_said_once(capfd):
    with _serving() as (app, port, half), _held(port, "127.0.0.1", ["203.0.113.7"] * (half + 2), app):
        # this machine, uncounted: as before a proxy was known of
        assert _status(port, "127.0.0.1", "203.0.113.7") == 200
    err = capfd.readouterr().err
    assert err.count("rnnkit: warning: requests from 127.0.0.1 carry X-Forwarded-For") == 1, err
    assert "--forwarded-allow-ips 127.0.0.1" in err


@pytest.mark.parametrize("proxies", ["", "127.0.0.1"])
def test_a_client_elsewhere_cannot_forge_its_address(proxies, monkeypatch):
    # uvicorn would believe anyone when the environment says FORWARDED_ALLOW_IPS=*; rnnkit serve reads
    # the variable as its option (which refuses '*'), never through uvicorn
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    here = _network_address()
    with _serving(proxies) as (app, port, half):
        forged = [f"10.9.0.{n}" for n in range(half)]
        with _held(port, here, forged, app):
            assert _status(port, here, "10.9.0.200") == 503
            assert _status(port, "127.0.0.1", None) == 200


def test_the_option_takes_addresses_and_networks_only():
    from rnnkit.serve.proxies import ProxyOptionError, is_proxy, parse_proxies

    proxies = parse_proxies(" 127.0.0.1, [::1],10.0.0.0/8 ")
    assert is_proxy("127.0.0.1", proxies) and is_proxy("::1", proxies) and is_proxy("10.2.3.4", proxies)
    assert is_proxy("::ffff:10.2.3.4", proxies)  # a dual-stack socket's form of an IPv4 client
    assert not is_proxy("192.0.2.1", proxies) and not is_proxy("", proxies)
    assert parse_proxies("") == () and parse_proxies(None) == ()
    for bad, words in [
        ("*", "any client"),
        ("nginx.local", "not an IP address"),
        ("10.0.0.0/33", "not an IP"),
    ]:
        with pytest.raises(ProxyOptionError, match=words):
            parse_proxies(bad)


def test_a_uvicorn_that_compares_networks_as_strings_is_refused():
    """uvicorn 0.30 and older matched '127.0.0.1/32' against the peer's address as a string: no proxy
    was ever believed, and nothing said so."""
    from rnnkit.serve.proxies import ProxyOptionError, check_uvicorn

    with pytest.raises(ProxyOptionError, match=r"needs uvicorn 0.31 or later \(this is 0.30.6\)"):
        check_uvicorn("0.30.6")
    for fine in ("0.31.0", "0.55.0", "1.0", "1.2.3rc1"):
        check_uvicorn(fine)
