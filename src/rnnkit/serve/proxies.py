"""Which reverse proxies the server believes: ``--forwarded-allow-ips`` (uvicorn's name for it).

The server counts requests per client address (:class:`rnnkit.serve.app.InFlightLimit`). Behind a
reverse proxy every request comes from the proxy's address, and the client's is in the
``X-Forwarded-For`` header the proxy adds; any client can send that header too, so it is believed only
from the addresses named here. None by default: the header is ignored, and a proxy on this machine
makes every client look like this machine, which is not counted (the warning of :class:`ProxyHint`
says so the first time it is seen).

From a named proxy, uvicorn's own ``ProxyHeadersMiddleware`` reads the header (the rightmost address
that is not a named proxy is the client, so a client's forged entries in front are skipped) and
``X-Forwarded-Proto``; a request from a named proxy without the header counts as the proxy itself,
loopback or not, since the proxy speaks for the clients behind it.
"""

from __future__ import annotations

import ipaddress

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ProxyOptionError(ValueError):
    """``--forwarded-allow-ips`` names something that is not an address or a network."""


def parse_proxies(text: str | None) -> tuple[Network, ...]:
    """The networks of ``text``, a comma-separated list of IP addresses and networks
    (``127.0.0.1,::1``, ``10.0.0.0/8``); empty or None: none.

    ``*`` (uvicorn's "believe everyone") is refused: any client could then claim any address. An
    IPv4 entry also covers its IPv4-mapped IPv6 form, which a dual-stack socket (``--host ::``) sees.
    """
    networks: list[Network] = []
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        if item == "*":
            raise ProxyOptionError(
                "--forwarded-allow-ips '*' would believe X-Forwarded-For from any client, which could then "
                "pose as any address; name the proxy's address or network (127.0.0.1, 10.0.0.0/8)"
            )
        try:
            network = ipaddress.ip_network(item.strip("[]"), strict=False)
        except ValueError:
            raise ProxyOptionError(
                f"--forwarded-allow-ips: {item[:60]!r} is not an IP address or network "
                "(127.0.0.1, ::1, 10.0.0.0/8; names are not resolved)"
            ) from None
        networks.append(network)
        if isinstance(network, ipaddress.IPv4Network):
            mapped = ipaddress.IPv6Address(f"::ffff:{network.network_address}")
            networks.append(ipaddress.IPv6Network((mapped, 96 + network.prefixlen)))
    return tuple(networks)


UVICORN_NETWORKS = (0, 31)  # the first uvicorn whose ProxyHeadersMiddleware takes networks


def check_uvicorn(version: str) -> None:
    """Refuses proxies with a uvicorn (installed ``version``) that compares them as strings: 0.30 and
    older took ``127.0.0.1/32`` for a name no address equals, and so believed no proxy, in silence."""
    parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    if len(parts) == 2 and parts < UVICORN_NETWORKS:
        raise ProxyOptionError(
            f"--forwarded-allow-ips needs uvicorn 0.31 or later (this is {version}): pip install -U uvicorn"
        )


def is_proxy(host: str | None, proxies: tuple[Network, ...]) -> bool:
    """Whether the peer address ``host`` (an ASGI scope's client host) is one of ``proxies``."""
    if not host or not proxies:
        return False
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return any(address in network for network in proxies)
