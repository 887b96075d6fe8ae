"""The Starlette application: the JSON API, the OpenAPI document and the static pages.

Pages are plain HTML/CSS/JS files inside the package: each page's ``<main>`` in ``pages/``, wrapped in
the one shared layout (``pages/_layout.html``), and its script and styles in ``static/``, served by
``StaticFiles`` (:class:`WholeFiles`), which resolves every path and refuses any outside that folder;
the Content-Security-Policy allows scripts, styles, fonts and connections from this server only, so a
page can reach no network.
"""

from __future__ import annotations

import contextlib
import difflib
import ipaddress
import sys
from html import escape
from pathlib import Path
from string import Template

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import StaticFiles

from rnnkit.serve import limits
from rnnkit.serve.api import ROUTES, SERVER_METHODS, Services, error, guarded, one_line
from rnnkit.serve.guard import LOOPBACK_NAMES, LocalGuard
from rnnkit.serve.openapi import schema
from rnnkit.serve.pool import InferencePool
from rnnkit.serve.proxies import Network, is_proxy
from rnnkit.serve.registry import ModelEntry

STATIC = Path(__file__).with_name("static")
# Each page is its <main> fragment in pages/ (with a script of the same name in static/); the head
# and navigation they share live once, in pages/_layout.html.
PAGES_DIR = Path(__file__).with_name("pages")
PAGES = {"/": ("index", "Home"), "/translate": ("translate", "Translate"), "/caption": ("caption", "Caption"),
         "/forecast": ("forecast", "Forecast"), "/cells": ("cells", "Inside the cells"),
         "/api": ("api", "The JSON API")}  # fmt: skip


def render_page(name: str, title: str, script: bool = True, root: str = "./", **fills: str) -> str:
    """The full HTML of one page: the shared layout with its title, script (static/NAME.js, where
    ``script``) and main fragment, whose ``$name`` placeholders take ``fills`` (HTML, escaped by the caller).

    Every URL in it is relative, ``root`` (``$root`` in the files) leading from the page's folder to the
    app's root: ``./`` for the pages, which all sit at the root (``/``, ``/translate``), ``../`` for a
    page answered one folder down (a 404 at ``/a/b``). So a reverse proxy may serve the app under a
    sub-path (``/rnnkit/``, the prefix stripped before it reaches the app) with no option to name it."""
    layout = Template((PAGES_DIR / "_layout.html").read_text(encoding="utf-8"))
    main = (PAGES_DIR / f"{name}.html").read_text(encoding="utf-8")
    main = Template(main).substitute(fills, root=root)
    tag = f'<script src="{root}static/{name}.js" defer></script>\n' if script else ""
    return layout.substitute(title=title, page_script=tag, main=main, root=root)


PAGE_ROOM = 32  # requests in progress beyond the pool's (pages, scripts, files) before a 503

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every answer (pure ASGI, no buffering)."""

    def __init__(self, app) -> None:  # noqa: ANN001 - an ASGI app
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers that predate it
                    # other sites may neither load these answers (a sample image, a JSON) nor keep a
                    # handle on a page of this server they opened
                    (b"cross-origin-resource-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class InFlightLimit:
    """Answers 503 to a request that arrives while ``most`` are in progress (pages and files included),
    or half of them are one other machine's, before its body is read, so that the bodies held at once
    stay bounded and no one client holds every place.

    Requests are counted, not connections (uvicorn's ``limit_concurrency`` counts connections): a
    connection still sending its headers, or idle between requests, holds no place, so a client that
    opens many connections and sends nothing (slowloris) cannot shut the server (and
    :mod:`rnnkit.serve.protocol` closes those connections). A client that sends its bodies a byte at a
    time does hold places (a slow upload is not cut off, :func:`rnnkit.serve.api.read_json`); one
    address other than this machine's own may hold half of them, so that on a network (``--host
    0.0.0.0``) the others keep the rest. Pure ASGI, like :class:`SecurityHeaders`.

    Behind a reverse proxy named in ``proxies`` (:mod:`rnnkit.serve.proxies`), the address is the
    client's from ``X-Forwarded-For`` (read before this, by uvicorn's ``ProxyHeadersMiddleware``), and a
    request from the proxy without it counts as the proxy, even on this machine. With no proxy named, a
    request from this machine that carries the header is a proxy's whose clients all look like this
    machine: the first such request prints a warning saying how to name it.
    """

    def __init__(self, app, most: int, proxies: tuple[Network, ...] = ()) -> None:  # noqa: ANN001 - an ASGI app
        self.app, self.most, self.now = app, most, 0
        self.proxies, self.hinted = proxies, False
        self.by_client: dict[str, int] = {}

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = _remote_address(scope, self.proxies)
        if client is None and not self.proxies and not self.hinted:
            self.hint_proxy(scope)
        if self.now >= self.most or (client and self.by_client.get(client, 0) >= self.most // 2):
            busy = error(503, "the server is busy: it takes no more requests at once; try again in a moment")
            await busy(scope, receive, send)
            return
        self.now += 1
        if client:
            self.by_client[client] = self.by_client.get(client, 0) + 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.now -= 1
            if client:
                self.by_client[client] -= 1
                if not self.by_client[client]:
                    del self.by_client[client]

    def hint_proxy(self, scope) -> None:  # noqa: ANN001 - an ASGI scope
        """Warns once that a proxy on this machine sends X-Forwarded-For that no option lets count."""
        if any(name == b"x-forwarded-for" for name, _ in scope.get("headers", ())):
            self.hinted = True
            host = (scope.get("client") or ("127.0.0.1",))[0]
            print(
                f"rnnkit: warning: requests from {host} carry X-Forwarded-For: a proxy on this machine makes "
                f"every client look like this machine, which has no limit of its own; start rnnkit serve with "
                f"--forwarded-allow-ips {host} to count each client apart",
                file=sys.stderr,
                flush=True,
            )


def _remote_address(scope, proxies: tuple[Network, ...] = ()) -> str | None:  # noqa: ANN001 - an ASGI scope
    """The client's address when it is another machine's; None for this machine (its pages, scripts
    and benchmarks share one address) or when the server does not know it. An address of ``proxies``
    is counted even on this machine: a proxy there speaks for other machines.

    An IPv6 client counts by its /64, the block one machine or home network is given: it may take any
    address in it, each a new client. On a dual-stack socket (``--host ::``) an IPv4 client comes as
    ``::ffff:a.b.c.d``, and is the IPv4 address it carries (this machine's 127.0.0.1 included).
    """
    host = (scope.get("client") or (None, None))[0]
    if not host:
        return None
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:  # not an address (a Unix socket's peer): as it is
        return host
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback and not is_proxy(str(address), proxies):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class WholeFiles(StaticFiles):
    """The static folder, each file always sent whole: a ``Range`` header is ignored, as RFC 9110 14.2
    lets a server do (and requires for a unit it does not know), and answers say ``Accept-Ranges: none``.

    Starlette's own ranges answered a malformed one (``bytes=abc``, ``bytes=5-2``, ``items=0-1``) with a
    plain-text 400, and one past the end with an empty plain-text 416, where every other failure of this
    server is one JSON line; these files are the pages' scripts and styles, some kilobytes each, which
    no browser asks for in parts."""

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001 - ASGI's own
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        headers = [(name, value) for name, value in scope["headers"] if name not in (b"range", b"if-range")]

        async def no_ranges(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"accept-ranges"]
                message = {**message, "headers": [*kept, (b"accept-ranges", b"none")]}
            await send(message)

        await super().__call__({**scope, "headers": headers}, receive, no_ranges)


def _page(name: str, title: str):
    html = render_page(name, title)  # once, when the app is built

    async def endpoint(request: Request) -> Response:
        return HTMLResponse(html)

    return endpoint


async def _openapi(request: Request) -> Response:
    pool = request.app.state.services.pool  # the bounds this server was started with (--workers)
    return JSONResponse(schema(pool.workers, pool.queue, pool.seconds))


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "") or "error"
    if status == 404 and request.method == "OPTIONS" and request.scope.get("raw_path") == b"*":
        # OPTIONS * (RFC 9110 9.3.7) asks what the server as a whole takes: it was "not found: /*"
        return Response(status_code=204, headers={"Allow": SERVER_METHODS})
    if status == 404:
        slashless = _slashless(request)
        if slashless is not None:
            return slashless
        if _wants_a_page(request):
            # the depth as the browser counts it: %2F is no folder to it
            raw = request.scope.get("raw_path") or request.url.path.encode()
            return _page_not_found(request.url.path[:200], _root_of(raw.decode("latin-1").split("?")[0]))
        detail = f"not found: {request.url.path[:200]}"
    if status == 405:
        return _wrong_method(request, getattr(exc, "headers", None) or {})
    return error(status, one_line(str(detail)))


def _wants_a_page(request: Request) -> bool:
    """A browser asking for a page (a mistyped address, an old bookmark): not the API, a script's
    file or a program that reads JSON, which keep the one-line JSON error."""
    path = request.url.path
    return (
        request.method in ("GET", "HEAD")
        and "text/html" in request.headers.get("accept", "")
        and not path.startswith(("/api/", "/static/"))
        and path != "/openapi.json"
    )


def _slashless(request: Request) -> Response | None:
    """A 307 from ``/translate/`` (or ``/api/health//``) to the route without the trailing slashes, or
    None where there is none. Its Location is relative (``../translate``): Starlette's own redirect
    (``redirect_slashes``, turned off in :func:`create_app`) named ``http://HOST/translate``, which behind
    a reverse proxy is the app's own address, without the proxy's sub-path or its https."""
    path = request.url.path
    bare = path.rstrip("/")
    if not bare or bare == path:
        return None
    scope = {**request.scope, "path": bare}
    if not any(route.matches(scope)[0] != Match.NONE for route in request.app.router.routes):
        return None
    query = request.url.query
    target = "../" * (len(path) - len(bare)) + bare.rsplit("/", 1)[1] + (f"?{query}" if query else "")
    return Response(status_code=307, headers={"Location": target})


def _root_of(path: str) -> str:
    """The relative way from the folder of ``path`` (as the browser sees it) to the app's root:
    ``./`` for ``/x``, ``../`` for ``/a/x`` and for ``/a/`` (see :func:`render_page`)."""
    return "../" * (path.count("/") - 1) or "./"


def _page_not_found(path: str, root: str) -> Response:
    """A page in the app's own layout (its navigation leads on), not the raw ``{"error": ...}`` line
    a browser showed for a mistyped address; a page whose address is close to it is offered by name.
    ``root`` leads from the address's folder to the app's root (:func:`_root_of`)."""
    html = render_page(
        "notfound",
        "Page not found",
        script=False,
        root=root,
        path=escape(path),
        close=_close_page(path, root),
    )
    return HTMLResponse(html, status_code=404)


def _close_page(path: str, root: str = "./") -> str:
    """' Did you mean <a>/translate</a>?' for a mistyped page address ('/translat', '/Caption/',
    '/forcast'), or nothing: the user had to find the page they meant in the navigation. The link
    is relative, through ``root`` (:func:`render_page`)."""
    typed = path.lower().rstrip("/")
    close = difflib.get_close_matches(typed, [p for p in PAGES if p != "/"], n=1, cutoff=0.7)
    return f' Did you mean <a href="{root}{close[0][1:]}">{close[0]}</a>?' if close else ""


def _wrong_method(request: Request, headers: dict) -> Response:
    """A method the path does not take: 405 naming the ones it does, in words and in ``Allow`` (as HTTP
    requires); OPTIONS, which asks just that, gets them with a 204."""
    methods = {m.strip() for m in headers.get("Allow", "").split(",") if m.strip()} | {"OPTIONS"}
    allow = ", ".join(sorted(methods))
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    path = request.url.path[:200]
    answer = error(405, f"{request.method[:20]} is not allowed on {path}; it takes {allow}")
    answer.headers["Allow"] = allow
    return answer


async def _internal(request: Request, exc: Exception) -> Response:
    """A failure outside the guarded endpoints (a page file gone missing): one JSON line, not a trace."""
    return error(500, f"internal error ({type(exc).__name__})")


def create_app(
    models: dict[str, ModelEntry],
    workers: int = limits.WORKERS,
    queue: int = limits.QUEUE,
    seconds: float = limits.REQUEST_SECONDS,
    hosts: frozenset[str] | None = LOOPBACK_NAMES,
    proxies: tuple[Network, ...] = (),
) -> Starlette:
    """The application over ``models`` (see :func:`rnnkit.serve.registry.discover`), answering requests
    sent to the Host names ``hosts`` (None: any; :func:`rnnkit.serve.guard.allowed_hosts`), believing
    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` from the reverse proxies ``proxies`` only
    (:func:`rnnkit.serve.proxies.parse_proxies`; none by default)."""
    pool = InferencePool(workers, queue, seconds)
    services = Services(models, pool)
    routes = [Route(path, guarded(handler, services), methods=[method]) for method, path, handler in ROUTES]
    routes.append(Route("/openapi.json", _openapi, methods=["GET"]))
    routes += [Route(path, _page(name, title), methods=["GET"]) for path, (name, title) in PAGES.items()]
    routes.append(Mount("/static", app=WholeFiles(directory=STATIC), name="static"))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):  # noqa: ANN202
        yield
        pool.close()

    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, Exception: _internal},
        lifespan=lifespan,
    )
    app.state.services = services
    app.router.redirect_slashes = False  # _slashless redirects, with a relative Location
    app.add_middleware(LocalGuard, hosts=hosts)
    # the requests the pool admits, plus room for pages and static files
    app.add_middleware(InFlightLimit, most=workers + queue + PAGE_ROOM, proxies=proxies)
    if proxies:  # outside the limit, which counts the client it names
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=[str(n) for n in proxies])
    app.add_middleware(SecurityHeaders)  # added last, so outermost: refusals carry the headers too
    return app
