"""``rnnkit serve``: start the web app. Only click is imported until the command runs, so
``rnnkit --help`` and ``rnnkit serve --help`` never load Starlette, uvicorn or torch."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rnnkit.serve import limits
from rnnkit.utils.options import threads_option
from rnnkit.utils.user_paths import UserPath

if TYPE_CHECKING:
    import socket


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default serves this machine only, and answers requests sent "
                   "to 127.0.0.1, localhost or [::1] (not a page's own name: DNS rebinding). "
                   "0.0.0.0 serves every network.")  # fmt: skip
@click.option("--port", type=int, default=8000, show_default=True, help="TCP port (1-65535).")
@click.option(
    "--models",
    "models_dir",
    type=UserPath(),
    default=None,
    help="A folder of model folders and run folders (the --out of rnnkit translate|caption|forecast train, "
    "explain gates or gradient-flow), or one of them; the shipped translator is always there "
    "[default: none, the shipped translator alone].",
)
@click.option("--workers", type=int, default=limits.WORKERS, show_default=True,
              help="Inference requests computed at once.")  # fmt: skip
@click.option("--forwarded-allow-ips", "proxies_text", default="", envvar="FORWARDED_ALLOW_IPS", show_envvar=True,
              metavar="IPS",
              help="Reverse proxies whose X-Forwarded-For names the client (comma-separated addresses or "
                   "networks, e.g. 127.0.0.1 for nginx on this machine); from any other address the header "
                   "is ignored [default: none].")  # fmt: skip
@threads_option()
def serve(host: str, port: int, models_dir: Path | None, workers: int, proxies_text: str) -> None:
    """A local web app: translate, caption, forecast, and the cells' gates over time."""
    from rnnkit.serve.registry import MAX_DEPTH, discover, links_not_followed
    from rnnkit.utils.errors import RnnkitError
    from rnnkit.utils.threads import resolve_threads

    if models_dir is not None and str(models_dir) == "":
        raise RnnkitError("--models is empty")
    # "[::1]" as in a URL binds ::1; an empty host would bind every address, which is never a default
    host = host.strip()
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not host:
        raise RnnkitError("--host is empty (127.0.0.1 serves this machine, 0.0.0.0 every network)")
    try:
        import uvicorn  # the serve extra, checked before any work

        from rnnkit.serve.app import create_app
        from rnnkit.serve.guard import allowed_hosts, url_host
        from rnnkit.serve.proxies import ProxyOptionError, check_uvicorn, parse_proxies
    except ImportError as exc:
        raise RnnkitError(
            f"rnnkit serve needs the serve extra: pip install 'rnnkit[serve]' ({exc.name})"
        ) from None
    try:
        proxies = parse_proxies(proxies_text)
        if proxies:
            check_uvicorn(uvicorn.__version__)
    except ProxyOptionError as exc:
        raise RnnkitError(str(exc)) from None
    models = discover(models_dir)
    links = links_not_followed(models_dir)
    if links:  # never followed out of --models (a link may lead anywhere); said, not silently skipped
        shown = ", ".join(links[:5]) + (f" and {len(links) - 5} more" if len(links) > 5 else "")
        click.echo(
            f"rnnkit: warning: --models: links are not followed: {shown} (copy the folders in, or give "
            "one as --models)",
            err=True,
        )
    elif models_dir is not None and all(m.folder is None for m in models.values()):
        # --models of the wrong folder (a data folder, runs/ before any training) served the shipped
        # translator alone, and only the banner's "models: 1 translate" hinted that none was found; a run a
        # kill cut short before its model gets the --resume note every loader gives
        from rnnkit.serve.registry import missing_models_note

        click.echo(
            f"rnnkit: warning: --models {models_dir}: no model folder in it (a config.json beside a "
            f"model.safetensors, at most {MAX_DEPTH} folders down, as rnnkit translate|caption|forecast "
            f"train --out and explain gates --out write){missing_models_note(models_dir)}; serving the "
            "shipped translator alone",
            err=True,
        )
    import torch

    # The command owns its process: every worker's model call runs on --threads torch threads (1 by
    # default), so --workers calls use about --workers cores.
    torch.set_num_threads(resolve_threads())
    sock = listen_socket(host, port)  # before the banner: a taken port or a bad host is one line, exit 2
    bound = sock.getsockname()[0]  # what --host resolved to: localhost is 127.0.0.1, "0" is 0.0.0.0
    # Requests must name this server as the network reaches it: no foreign Host (DNS rebinding), no
    # other site's page (rnnkit.serve.guard).
    app = create_app(models, workers=workers, hosts=allowed_hosts(host, bound),
                     proxies=proxies)  # fmt: skip
    counts = {}
    for m in models.values():
        counts[m.application] = counts.get(m.application, 0) + 1
    click.echo(
        f"rnnkit serve: http://{url_host(host)}:{port}/  models: "
        + ", ".join(f"{n} {a}" for a, n in counts.items())
    )
    if not ipaddress.ip_address(bound.split("%")[0]).is_loopback:
        click.echo(
            f"rnnkit: warning: --host {host} serves the network: anyone who reaches this port can use it",
            err=True,
        )
    try:
        server(app).run(sockets=[sock])
    finally:
        sock.close()


def server(app):  # noqa: ANN001, ANN201 - an ASGI app; a uvicorn.Server
    """uvicorn's server for ``app``, which also shuts down on SIGHUP (its terminal closed) as on SIGTERM.

    rnnkit's command line turns SIGHUP into an exception (:func:`rnnkit.cli._sigterm_as_interrupt`),
    raised wherever the main thread is: inside uvicorn's event loop that printed a traceback, and when
    it came during a request the server went on serving. uvicorn handles SIGINT and SIGTERM itself (it
    closes, then raises the signal again for the command to end with); SIGHUP is handled the same way
    here, unless ignored (``nohup``).
    """
    import contextlib
    import signal
    import threading

    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):  # noqa: ANN202 - uvicorn's own
            with super().capture_signals():
                hangup = getattr(signal, "SIGHUP", None)  # not on Windows
                if (
                    hangup is None
                    or threading.current_thread() is not threading.main_thread()
                    or signal.getsignal(hangup) == signal.SIG_IGN
                ):
                    yield
                    return
                previous = signal.signal(hangup, self.handle_exit)
                try:
                    yield
                finally:  # before uvicorn raises the signals it caught again
                    signal.signal(hangup, previous)

    return Server(server_config(app))


def server_config(app):  # noqa: ANN001, ANN201 - an ASGI app; a uvicorn.Config
    """How uvicorn serves ``app``: a connection whose request head is late is closed
    (:mod:`rnnkit.serve.protocol`). No ``limit_concurrency``: it counts connections, so connections
    that never finish a request (slowloris) would shut the server; the app counts requests instead
    (:class:`rnnkit.serve.app.InFlightLimit`). No ``proxy_headers``: uvicorn's default believes
    X-Forwarded-For from 127.0.0.1 and ::1, or from the addresses of the environment's
    ``FORWARDED_ALLOW_IPS`` (``*`` included), unsaid; the app believes the proxies that
    ``--forwarded-allow-ips`` names, and no others (:mod:`rnnkit.serve.proxies`). No WebSockets: the
    app has no WebSocket route, and a websockets library installed for another program would hand it
    connections that the guard, which checks HTTP requests, never sees; an ``Upgrade`` is ignored."""
    import uvicorn

    from rnnkit.serve.protocol import HeadDeadline

    return uvicorn.Config(app, log_level="warning", http=HeadDeadline, ws="none",  # no WebSocket routes
                          proxy_headers=False)  # fmt: skip


def listen_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port``, as uvicorn would bind it (IPv6 for a host with a colon,
    ``SO_REUSEADDR``), handed to uvicorn to listen on.

    Why bind here: uvicorn binds only after the banner has promised the address, and reports a taken
    port or an unknown host as its own ``ERROR:`` line and exit status 3. Bound first, the failure is
    rnnkit's one line (``cannot listen on HOST:PORT: REASON``, exit 2) and the banner is printed only
    for an address that is really held.
    """
    import socket

    from rnnkit.utils.errors import RnnkitError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    # an unknown host is a socket.gaierror (an OSError), an overlong one a UnicodeError, a NUL a ValueError
    except (OSError, UnicodeError, ValueError) as exc:
        sock.close()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        where = f"[{host}]" if family == socket.AF_INET6 else host
        raise RnnkitError(f"cannot listen on {where}:{port}: {reason}") from None
    sock.set_inheritable(True)
    return sock
