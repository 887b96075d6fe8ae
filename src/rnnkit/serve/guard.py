"""Who may use the server: requests addressed to a name it answers to, and work asked for by its own pages.

Two ways a web page elsewhere can reach a server on this machine, and the checks that stop them:

- **DNS rebinding.** A page on ``evil.example`` points its own name at 127.0.0.1, and its script then
  calls ``http://evil.example:8000/api/...``: the browser calls that same-origin, so it lets the page
  read the answers. Its requests say ``Host: evil.example:8000``, so a server bound to loopback answers
  only the loopback names (``127.0.0.1``, ``localhost``, ``[::1]``) and one bound to a named address
  only that name; one bound to every address (``--host 0.0.0.0``) answers any name, as its warning says.
- **Cross-site requests.** A page elsewhere posts to ``http://127.0.0.1:8000/api/...`` (it cannot read
  the answer, but the server would compute it, and a form or ``fetch`` in many tabs keeps the workers
  busy). Browsers name the page's origin in ``Origin``, so a request of any method but GET, HEAD and
  OPTIONS whose ``Origin`` is not this server itself (``http://`` and the ``Host`` it was sent to) is
  refused before its body is read, unless the browser marks it ``Sec-Fetch-Site: same-origin`` (a page
  of the server behind a reverse proxy, whose origin is the proxy's); so is one a browser marks
  ``Sec-Fetch-Site: cross-site`` or ``same-site`` (another port of this machine). A client that sends
  neither (curl, a script) is no page and is served.

A ``CONNECT`` asks for a tunnel, which a proxy makes, and this server is none: it is answered 405 with the
methods the server takes, before either check, as its Host names the tunnel's far end (RFC 9112 3.2.3),
not this server (a client told to use it as its HTTPS proxy was answered 'not found: /example.com:443',
or, with that Host, that a page may be trying DNS rebinding). It does nothing, so there is nothing to guard.

Starlette's ``TrustedHostMiddleware`` checks the first, but answers in plain text ("Invalid host
header"); here both refusals are the API's one JSON line and name what the server does answer to.
"""

from __future__ import annotations

import ipaddress
import re

from starlette.datastructures import Headers
from starlette.responses import JSONResponse

from rnnkit.serve.api import SERVER_METHODS, error

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A Host header is a name, an IPv4 address or a bracketed IPv6 address, then an optional port; anything
# else (user info, a path, spaces) is no address a browser sends and is refused.
_HOST = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::[0-9]{1,5})?")


def url_host(host: str) -> str:
    """``host`` as written in a URL and a Host header: an IPv6 address in brackets, lower case."""
    host = host.lower()
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def allowed_hosts(host: str, bound: str) -> frozenset[str] | None:
    """The Host names a server bound as ``--host host`` (at address ``bound``) answers to; None: any.

    ``bound`` is the address the socket really holds (``localhost`` and ``127.1`` hold 127.0.0.1, an
    empty host or ``0`` holds 0.0.0.0), so the choice follows what the network can reach.
    """
    address = ipaddress.ip_address(bound.split("%")[0])
    if address.is_unspecified:
        return None  # every address of this machine: any name may lead to it
    names = {url_host(host), url_host(bound)}
    return frozenset(names | LOOPBACK_NAMES) if address.is_loopback else frozenset(names)


class LocalGuard:
    """Refuses requests to a foreign Host name (400) and cross-origin requests that do work (403).

    Pure ASGI, like :class:`rnnkit.serve.app.SecurityHeaders`: it reads headers only, never the body.
    """

    def __init__(self, app, hosts: frozenset[str] | None) -> None:  # noqa: ANN001 - an ASGI app
        self.app, self.hosts = app, hosts

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] == "http":
            refusal = self.refusal(scope)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, scope) -> JSONResponse | None:  # noqa: ANN001 - an ASGI scope
        if scope["method"] == "CONNECT":  # see the module
            target = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")[:200]
            answer = error(
                405, f"CONNECT {target} is not allowed: this server is not a proxy; it takes {SERVER_METHODS}"
            )
            answer.headers["Allow"] = SERVER_METHODS
            return answer
        headers = Headers(scope=scope)
        sent_to = headers.get("host", "").strip().lower()
        if self.hosts is not None:
            match = _HOST.fullmatch(sent_to)
            if match is None or match["name"] not in self.hosts:
                known = ", ".join(sorted(self.hosts))
                why = (  # nginx's proxy_set_header Host $host passes the public name on
                    "a reverse proxy must send the server's own address as Host, as nginx does unless "
                    "told 'proxy_set_header Host $host'"
                    if "x-forwarded-for" in headers
                    else "a page may be trying DNS rebinding; to serve another name, start rnnkit serve with --host"
                )
                return error(400, f"this server answers to {known}, not {sent_to[:80]!r} ({why})")
        if scope["method"] in SAFE_METHODS:
            return None
        origin = headers.get("origin")
        site = headers.get("sec-fetch-site", "").lower()
        # Behind a reverse proxy the page's origin is the proxy's (https://rnn.example.org) and Host the
        # address the proxy calls (127.0.0.1:8000), so they never match; a browser that says
        # Sec-Fetch-Site: same-origin vouches that the page and the address it called are one origin
        # (a page elsewhere cannot make it say so; a program could, but it may omit Origin anyway).
        if (
            origin is not None
            and site != "same-origin"
            and origin.lower() != f"{scope.get('scheme', 'http')}://{sent_to}"
        ):
            return error(
                403, f"cross-origin request refused: a page of {origin[:80]} may not use this server"
            )
        if site in ("cross-site", "same-site"):
            return error(403, f"cross-origin request refused (Sec-Fetch-Site: {site})")
        return None
