"""``newsmon serve``: the web app under uvicorn, on 127.0.0.1 unless told otherwise.

The listening socket is bound here, before uvicorn starts, so that a port in use or a host
that is not this machine's becomes one ``UsageError`` line instead of uvicorn's log output.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from crawler.config import NewsmonConfig
from crawler.errors import UsageError
from crawler.listening import listen_error
from crawler.web.app import create_app
from storage.db import open_database


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host``:``port`` (0: any free port), ready for uvicorn.
    Raises ``UsageError`` naming the option at fault."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise UsageError(f"--host {host!r}: not a valid host name or address ({reason})") from None
    sock = socket.socket(family, kind, proto)
    try:
        # As uvicorn does: a restart must not wait for the old connections' TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        # Listening now, not when uvicorn starts: connections made in between then wait in
        # the backlog instead of being refused.
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise listen_error(exc, host, port) from None
    return sock


def url_of(sock: socket.socket) -> str:
    """The http:// address a bound socket serves."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def make_server(app: FastAPI, *, log_level: str = "info") -> uvicorn.Server:
    """A uvicorn server for ``app``; start it with ``server.run(sockets=[bind_socket(...)])``."""
    config = uvicorn.Config(
        app,
        log_level=log_level,
        lifespan="on",
        server_header=False,
        access_log=log_level in ("info", "debug"),
    )
    return uvicorn.Server(config)


def run_server(
    database_url: str,
    config: NewsmonConfig | None,
    host: str,
    port: int,
    *,
    log_level: str = "info",
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the web app until SIGINT/SIGTERM. The schema is upgraded first, as every
    command does; after that the app only reads. A missing SQLite file is an error, not a
    new empty database: a mistyped ``--db`` must not serve nothing."""
    open_database(database_url, upgrade=True, create=False, read_only=True).dispose()
    app = create_app(database_url, config)
    sock = bind_socket(host, port)
    with sock:
        announce(f"serving {url_of(sock)} (read-only; Ctrl-C stops)")
        # uvicorn shuts down cleanly on Ctrl-C, then re-raises it: a normal stop.
        with contextlib.suppress(KeyboardInterrupt):
            make_server(app, log_level=log_level).run(sockets=[sock])
