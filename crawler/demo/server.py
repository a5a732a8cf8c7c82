"""The sample site's HTTP server: a stdlib ThreadingHTTPServer on a background thread.

``SampleSite`` serves a site root (the bundled one by default, or any directory with its own
behaviour table, for benchmarks and tests) on 127.0.0.1, keeps an access log of every request
with its start and finish times, and stops cleanly, closing idle keep-alive connections. Run
``python -m crawler.demo.server [--port N] [--root DIR]`` to serve a site by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from crawler.demo.behaviour import BehaviourTableError, SiteBehaviour, load_behaviour
from crawler.demo.bundle import SITE_DIR, SOURCES_FILE, bundled_path
from crawler.demo.faults import Exchange, Fault
from crawler.demo.responder import PLACEHOLDER, SiteResponder
from crawler.listening import listen_error

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

BUNDLED_SITE_ROOT = bundled_path(SITE_DIR)
KEEP_ALIVE_TIMEOUT_SECONDS = 30  # an idle connection is closed after this long
_POLL_INTERVAL_SECONDS = 0.05  # how quickly stop() is noticed by the serving thread
_SOURCES_START = re.compile(r"^sources:", re.MULTILINE)  # after the template's header


@dataclass(frozen=True)
class RequestRecord:
    """One answered request, in aware UTC times.

    ``path`` is the request target as sent (path and query). ``finished_at`` is when the
    response was ready to send, after any configured delay; the record is logged before the
    bytes go out, so a client that has read its response always finds it in the log.
    """

    method: str
    path: str
    status: int
    started_at: datetime
    finished_at: datetime


def table_path_for(root: Path) -> Path:
    """Where the behaviour table of the site at ``root`` lives: ``<root>.yaml`` beside it."""
    root = root.resolve()
    return root.with_name(root.name + ".yaml")


class SampleSite:
    """A sample news site served on a loopback port from a background thread.

    ``table`` defaults to ``<root>.yaml`` next to the root directory, used when it exists (a
    site without one serves its files plainly). Use as a context manager, or call ``start()``
    and ``stop()``.
    """

    def __init__(
        self,
        root: Path = BUNDLED_SITE_ROOT,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        table: Path | None = None,
    ) -> None:
        root = Path(root)
        if table is not None:
            behaviour = load_behaviour(Path(table))
        elif table_path_for(root).is_file():
            behaviour = load_behaviour(table_path_for(root))
        else:
            behaviour = SiteBehaviour()
        self.root = root
        self.host = host
        self.port = port
        self._responder = SiteResponder(root, behaviour)
        self._records: list[RequestRecord] = []
        self._records_lock = threading.Lock()
        self._server: _SiteHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server, without a trailing slash."""
        if self._server is None:
            raise RuntimeError("the sample site is not running; call start() first")
        return self._server.base_url

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the access log, in the order the responses were ready."""
        with self._records_lock:
            return list(self._records)

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (which starts with '/') on the running server."""
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        return self.base_url + path

    def prepare(self, paths: Iterable[str]) -> None:
        """Build the replies of ``paths`` now, both plain and gzipped, without logging them: the
        responder caches a page's bytes, hash and gzip, which a benchmark's crawler would
        otherwise pay for in CPU on the same machine while it is being measured (a real site
        compresses its pages on its own machine)."""
        for path in paths:
            if self._responder.fault_for(path) is not None:
                continue  # made as it is sent (a gzip bomb, a stall): nothing to cache
            for accept in (None, "gzip"):
                self._responder.respond("GET", path, base_url=self.base_url, accept_encoding=accept)

    def start(self) -> None:
        """Bind the port and start serving; raises RuntimeError if already running."""
        if self._server is not None:
            raise RuntimeError("the sample site is already running")
        server = _SiteHTTPServer((self.host, self.port), self._responder, self._record)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL_SECONDS},
            name=f"sample-site-{server.server_address[1]}",
            daemon=True,
        )
        self._server, self._thread = server, thread
        thread.start()
        logger.debug("serving %s at %s", self.root, server.base_url)

    def stop(self) -> None:
        """Stop serving and close every connection; does nothing when not running."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.stopping.set()  # ends stalled fault responses
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _record(self, record: RequestRecord) -> None:
        with self._records_lock:
            self._records.append(record)


class _SiteHTTPServer(ThreadingHTTPServer):
    """Holds what the handler threads share, and the open connections to close on stop."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        responder: SiteResponder,
        record: Callable[[RequestRecord], None],
    ) -> None:
        super().__init__(address, _Handler)
        self.responder = responder
        self.record = record
        host, port = self.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.stopping = threading.Event()
        self._hits: Counter[str] = Counter()
        self._hits_lock = threading.Lock()

    def hit(self, path: str) -> int:
        """Count a request to ``path``; return how many it has had, this one included."""
        with self._hits_lock:
            self._hits[path] += 1
            return self._hits[path]

    def process_request(self, request: Any, client_address: Any) -> None:
        # Tracked here, on the serving thread, so no connection accepted before shutdown()
        # returns can escape close_connections().
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-response (a crawl killed, a page budget reached) is
        # normal here; anything else is printed as the stdlib server would.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        # Keep-alive handlers block reading their socket; shutting it down wakes them.
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: _SiteHTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, as Scrapy expects from real sites
    server_version = "newsmon-sample-site/1"
    timeout = KEEP_ALIVE_TIMEOUT_SECONDS

    def _answer(self) -> None:
        started_at = datetime.now(UTC)
        fault = self.server.responder.fault_for(self.path)
        if fault is not None:
            self._serve_fault(*fault, started_at)
            return
        reply = self.server.responder.respond(
            self.command,
            self.path,
            base_url=self.server.base_url,
            accept_encoding=self.headers.get("Accept-Encoding"),
            if_none_match=self.headers.get("If-None-Match"),
            if_modified_since=self.headers.get("If-Modified-Since"),
        )
        if reply.delay:
            time.sleep(reply.delay)
        # Logged before writing (loopback writes of these small bodies take microseconds), so
        # that reading the log right after a response never races the handler thread.
        self.server.record(
            RequestRecord(self.command, self.path, reply.status, started_at, datetime.now(UTC))
        )
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if reply.body:
            self.wfile.write(reply.body)
        self.wfile.flush()

    def _serve_fault(self, path: str, fault: Fault, started_at: datetime) -> None:
        def normal() -> Any:
            # identity-encoded, so the fault can cut or rewrite the body's bytes
            return self.server.responder.respond(
                self.command, self.path, base_url=self.server.base_url
            )

        exchange = Exchange(target=self.path, hit=self.server.hit(path), normal=normal)
        fault.serve(_FaultWire(self, started_at), exchange)
        if not self.close_connection:
            self.wfile.flush()

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _answer

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - " + format, self.address_string(), *args)


class _FaultWire:
    """``crawler.demo.faults.Wire`` over one request handler's socket."""

    def __init__(self, handler: _Handler, started_at: datetime) -> None:
        self.handler = handler
        self.started_at = started_at

    def send_head(self, status: int, headers: Sequence[tuple[str, str]]) -> None:
        handler = self.handler
        handler.server.record(
            RequestRecord(handler.command, handler.path, status, self.started_at, datetime.now(UTC))
        )
        handler.send_response(status)
        for name, value in headers:
            handler.send_header(name, value)  # "Connection: close" also ends keep-alive
        handler.end_headers()
        handler.wfile.flush()

    def write(self, data: bytes) -> None:
        if data and self.handler.command != "HEAD":
            self.handler.wfile.write(data)

    def reset(self) -> None:
        handler = self.handler
        handler.close_connection = True
        with contextlib.suppress(OSError):
            handler.wfile.flush()
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            handler.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            handler.connection.close()

    def pause(self, seconds: float) -> None:
        self.handler.server.stopping.wait(seconds)


def render_sources(base_url: str) -> str:
    """The bundled ``sources.yaml`` for the sample site, with ``{BASE}`` set to ``base_url``."""
    parts = urlsplit(base_url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path.strip("/")
        or parts.query
        or parts.fragment
    ):
        raise ValueError(
            f"base_url must look like 'http://127.0.0.1:8080' (scheme, host, optional port), "
            f"got {base_url!r}"
        )
    template = bundled_path(SOURCES_FILE).read_text(encoding="utf-8")
    # The template's own header explains the placeholder, which the result no longer has.
    start = _SOURCES_START.search(template)
    body = template[start.start() :] if start else template
    return body.replace(PLACEHOLDER.decode("ascii"), base_url.rstrip("/"))


def main(argv: list[str] | None = None) -> int:
    """Serve a sample site until interrupted; prints the base URL on the first line."""
    parser = argparse.ArgumentParser(
        prog="python -m crawler.demo.server", description="Serve newsmon's sample news site."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument(
        "--root",
        type=Path,
        default=BUNDLED_SITE_ROOT,
        help="site directory to serve (default: the bundled sample site)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, got {args.port}")
    try:
        site = SampleSite(args.root, host=args.host, port=args.port)
    except (OSError, BehaviourTableError) as exc:
        parser.error(str(exc))
    try:
        site.start()
    except OSError as exc:
        parser.error(str(listen_error(exc, args.host, args.port)))
    try:
        print(site.base_url, flush=True)
        print(f"serving {site.root}; press Ctrl-C to stop", file=sys.stderr, flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
