"""A sample site's behaviour table: per-path statuses, headers, redirects and delays, as data.

The table is a YAML (or JSON) file next to the site's root directory (``site/`` ->
``site.yaml``) with two optional keys::

    content_types:            # Content-Type by file extension, over the built-in defaults
      .html: text/html
    paths:                    # by URL path; the query string is not part of the match
      /old.html: {status: 301, headers: {Location: "{BASE}/new.html"}}
      /feed.xml: {headers: {Content-Type: "application/rss+xml; charset=utf-8"}}
      /slow.html: {delay: 0.2}
      /flaky.html: {fault: {kind: flaky, status: 503, times: 2, retry_after: 1}}

so that what a page's response looks like (a missing charset, a redirect, a 410) is written
next to the page and not in the server's code. ``fault`` injects the ways real sites break a
crawler (resets, stalls, huge bodies, gzip bombs, endless archives...; see ``faults``). Every
problem is reported as a ``BehaviourTableError`` naming the file and the entry at fault.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from crawler.demo.faults import Fault, parse_fault
from crawler.yamlfile import parse_yaml

DEFAULT_CONTENT_TYPES: Mapping[str, str] = MappingProxyType(
    {
        ".html": "text/html",
        ".htm": "text/html",
        ".xml": "application/xml",
        ".txt": "text/plain",
        ".json": "application/json",
        ".gz": "application/gzip",
        ".css": "text/css",
        ".js": "text/javascript",
        ".jpg": "image/jpeg",
        ".png": "image/png",
    }
)
FALLBACK_CONTENT_TYPE = "application/octet-stream"
MAX_DELAY_SECONDS = 60.0

# Statuses a table may set: each answer carries a body (304 comes from conditional requests).
_STATUSES = frozenset(
    status.value
    for status in HTTPStatus
    if status.value >= 200 and status.value not in (204, 205, 304)
)
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # an HTTP header name (RFC 9110 token)
_ENTRY_KEYS = frozenset({"status", "headers", "delay", "fault"})
_TABLE_KEYS = frozenset({"content_types", "paths"})


class BehaviourTableError(ValueError):
    """The behaviour table is malformed; the message names the file and the entry at fault."""


@dataclass(frozen=True)
class PathBehaviour:
    """How one URL path answers: its status, extra or overriding headers, a delay, and a
    fault that replaces the plain answer."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    fault: Fault | None = None

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), or None when the entry has none."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class SiteBehaviour:
    """The whole table: content types by extension and the per-path entries."""

    content_types: Mapping[str, str] = field(default_factory=lambda: DEFAULT_CONTENT_TYPES)
    paths: Mapping[str, PathBehaviour] = field(default_factory=dict)

    def for_path(self, path: str) -> PathBehaviour | None:
        """The entry for URL path ``path`` (no query string), or None."""
        return self.paths.get(path)

    def content_type_for(self, path: str) -> str:
        """The Content-Type a file at ``path`` gets from its extension (the last suffix)."""
        suffix = PurePosixPath(path).suffix.lower()
        return self.content_types.get(suffix, FALLBACK_CONTENT_TYPE)


def load_behaviour(table: Path) -> SiteBehaviour:
    """Read and validate the table at ``table``; an empty file means no special behaviour."""
    try:
        text = table.read_text(encoding="utf-8")
    except OSError as exc:
        raise BehaviourTableError(f"{table}: cannot read: {exc.strerror}") from None
    try:
        data = parse_yaml(text, str(table))
    except ValueError as exc:
        raise BehaviourTableError(str(exc)) from None
    return parse_behaviour(data, origin=str(table))


def parse_behaviour(data: Any, origin: str = "<behaviour table>") -> SiteBehaviour:
    """Validate already-parsed table data (``None`` is an empty table)."""
    if data is None:
        return SiteBehaviour()
    if not isinstance(data, dict):
        raise BehaviourTableError(f"{origin}: the table must be a mapping, got {_kind(data)}")
    unknown = sorted(set(data) - _TABLE_KEYS)
    if unknown:
        raise BehaviourTableError(
            f"{origin}: unknown key(s) {', '.join(map(str, unknown))}; "
            f"expected {', '.join(sorted(_TABLE_KEYS))}"
        )
    content_types = dict(DEFAULT_CONTENT_TYPES)
    content_types.update(_parse_content_types(data.get("content_types"), origin))
    raw_paths = data.get("paths")
    if raw_paths is None:
        raw_paths = {}
    if not isinstance(raw_paths, dict):
        raise BehaviourTableError(f"{origin}: 'paths' must be a mapping, got {_kind(raw_paths)}")
    paths = {
        _check_path(path, origin): _parse_entry(entry, f"{origin}: paths[{path!r}]")
        for path, entry in raw_paths.items()
    }
    return SiteBehaviour(
        content_types=MappingProxyType(content_types), paths=MappingProxyType(paths)
    )


def _parse_content_types(raw: Any, origin: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise BehaviourTableError(f"{origin}: 'content_types' must be a mapping, got {_kind(raw)}")
    parsed: dict[str, str] = {}
    for suffix, ctype in raw.items():
        if not isinstance(suffix, str) or not re.fullmatch(r"\.[A-Za-z0-9]+", suffix):
            raise BehaviourTableError(
                f"{origin}: content_types key {suffix!r} must be a file extension like '.html'"
            )
        parsed[suffix.lower()] = _check_value(ctype, f"{origin}: content_types[{suffix!r}]")
    return parsed


def _check_path(path: Any, origin: str) -> str:
    if not isinstance(path, str) or not path.startswith("/") or "?" in path or "#" in path:
        raise BehaviourTableError(
            f"{origin}: paths key {path!r} must be a URL path starting with '/' "
            "(without query or fragment)"
        )
    return path


def _parse_entry(entry: Any, where: str) -> PathBehaviour:
    if not isinstance(entry, dict):
        raise BehaviourTableError(f"{where}: an entry must be a mapping, got {_kind(entry)}")
    unknown = sorted(set(entry) - _ENTRY_KEYS)
    if unknown:
        raise BehaviourTableError(
            f"{where}: unknown key(s) {', '.join(map(str, unknown))}; "
            f"expected {', '.join(sorted(_ENTRY_KEYS))}"
        )
    status = entry.get("status", 200)
    if isinstance(status, bool) or status not in _STATUSES:
        raise BehaviourTableError(
            f"{where}: status must be an HTTP status code from 200 to 599 that carries a body "
            f"(not 204, 205 or 304), got {status!r}"
        )
    headers = _parse_headers(entry.get("headers"), where)
    fault = None
    if "fault" in entry:
        try:
            fault = parse_fault(entry["fault"])
        except ValueError as exc:
            raise BehaviourTableError(f"{where}: fault: {exc}") from None
    behaviour = PathBehaviour(
        status=status, headers=headers, delay=_parse_delay(entry, where), fault=fault
    )
    if 300 <= status < 400 and status != 304 and behaviour.header("Location") is None:
        raise BehaviourTableError(f"{where}: status {status} needs a Location header")
    return behaviour


def _parse_headers(raw: Any, where: str) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise BehaviourTableError(f"{where}: headers must be a mapping, got {_kind(raw)}")
    headers = []
    for name, value in raw.items():
        if not isinstance(name, str) or not _TOKEN.match(name):
            raise BehaviourTableError(f"{where}: {name!r} is not a valid header name")
        headers.append((name, _check_value(value, f"{where}: headers[{name!r}]")))
    return tuple(headers)


def _parse_delay(entry: dict[str, Any], where: str) -> float:
    delay = entry.get("delay", 0.0)
    if isinstance(delay, bool) or not isinstance(delay, int | float):
        raise BehaviourTableError(f"{where}: delay must be a number of seconds, got {delay!r}")
    if not 0 <= delay <= MAX_DELAY_SECONDS:
        raise BehaviourTableError(
            f"{where}: delay must be between 0 and {MAX_DELAY_SECONDS:g} seconds, got {delay}"
        )
    return float(delay)


def _check_value(value: Any, where: str) -> str:
    # Header values end up on the wire verbatim: a newline would split the response.
    if not isinstance(value, str) or not value or "\r" in value or "\n" in value:
        raise BehaviourTableError(f"{where}: must be a non-empty one-line string, got {value!r}")
    return value


def _kind(value: Any) -> str:
    return type(value).__name__
