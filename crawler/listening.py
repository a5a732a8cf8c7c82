"""How a local server that cannot listen is reported: ``newsmon serve``, ``newsmon demo`` and
``python -m crawler.demo.server`` all name the option at fault in the same words."""

from __future__ import annotations

import errno

from crawler.errors import UsageError


def listen_error(exc: OSError, host: str, port: int) -> UsageError:
    """The ``UsageError`` for ``exc``, raised while binding ``host``:``port``: one line
    naming ``--port`` or ``--host`` and what to do about it."""
    if exc.errno == errno.EADDRINUSE:
        return UsageError(
            f"--port {port}: already in use on {host} (is another server "
            "running? choose another port with --port)"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return UsageError(f"--host {host!r}: not an address of this machine")
    if exc.errno == errno.EACCES:
        return UsageError(
            f"--port {port}: permission denied on {host} (ports below 1024 need privileges)"
        )
    return UsageError(f"cannot listen on {host} port {port}: {exc.strerror or exc}")
