"""How a sample site answers one request: static files plus the behaviour table, no sockets.

Files are served as raw bytes (each page keeps its own encoding) with the ASCII placeholder
``{BASE}`` replaced by the server's base URL; inside ``.gz`` files the placeholder is replaced
in the decompressed content and the file recompressed. GET and HEAD only; static files get an
ETag and Last-Modified and honour If-None-Match / If-Modified-Since (304), and textual types
are gzip-encoded when the client accepts it.
"""

from __future__ import annotations

import gzip
import hashlib
import html
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from crawler.demo.behaviour import BehaviourTableError, PathBehaviour, SiteBehaviour
from crawler.demo.faults import Fault
from crawler.demo.reply import Reply

PLACEHOLDER = b"{BASE}"
ALLOWED_METHODS = ("GET", "HEAD")
INDEX_FILE = "index.html"
_TEXTUAL_APPLICATION_TYPES = frozenset(
    {
        "application/xml",
        "application/json",
        "application/javascript",
        "application/xhtml+xml",
    }
)


class SiteResponder:
    """Answers requests for the site under ``root`` as its behaviour table says.

    Raises ``BehaviourTableError`` at construction when a 2xx entry has no file to serve, so a
    typo in the table fails loudly instead of turning into a 404 during a crawl.
    """

    def __init__(self, root: Path, behaviour: SiteBehaviour) -> None:
        if not root.is_dir():
            raise NotADirectoryError(f"sample site root is not a directory: {root}")
        self.root = root.resolve()
        self.behaviour = behaviour
        for path, entry in behaviour.paths.items():
            needs_file = entry.fault.needs_file if entry.fault else 200 <= entry.status < 300
            if needs_file and self._file_for(path) is None:
                what = f"fault {entry.fault.kind}" if entry.fault else f"status {entry.status}"
                raise BehaviourTableError(
                    f"paths[{path!r}]: {what} but no file {path} under {self.root}"
                )

    def fault_for(self, target: str) -> tuple[str, Fault] | None:
        """The URL path of ``target`` and its fault, when its entry has one."""
        path = unquote(urlsplit(target).path)
        entry = self.behaviour.for_path(path)
        return (path, entry.fault) if entry is not None and entry.fault is not None else None

    def respond(
        self,
        method: str,
        target: str,
        *,
        base_url: str,
        accept_encoding: str | None = None,
        if_none_match: str | None = None,
        if_modified_since: str | None = None,
    ) -> Reply:
        """The reply to ``method target`` (target as in the request line: path and query)."""
        head_only = method == "HEAD"
        if method not in ALLOWED_METHODS:
            return _message(
                HTTPStatus.METHOD_NOT_ALLOWED,
                [("Allow", ", ".join(ALLOWED_METHODS))],
                head_only=False,
            )
        path = unquote(urlsplit(target).path)
        if not path.startswith("/") or "\x00" in path:
            return _message(HTTPStatus.BAD_REQUEST, [], head_only=head_only)
        base = base_url.encode("ascii")
        entry = self.behaviour.for_path(path) or PathBehaviour()
        extra = [(name, _fill(value, base_url)) for name, value in entry.headers]
        if not 200 <= entry.status < 300:
            return _message(HTTPStatus(entry.status), extra, head_only=head_only, delay=entry.delay)
        file = self._file_for(path)
        if file is None:
            return _message(HTTPStatus.NOT_FOUND, [], head_only=head_only, delay=entry.delay)

        stat = file.stat()
        body, etag = _filled(file, stat.st_mtime_ns, stat.st_size, base)
        mtime = datetime.fromtimestamp(int(stat.st_mtime), UTC)
        content_type = entry.header("Content-Type") or self.behaviour.content_type_for(path)
        compressible = _is_textual(content_type)
        gzipped = compressible and _accepts_gzip(accept_encoding)
        validators = [
            ("ETag", _gzip_etag(etag) if gzipped else etag),
            ("Last-Modified", format_datetime(mtime, usegmt=True)),
        ]
        if compressible:
            validators.append(("Vary", "Accept-Encoding"))
        if _not_modified(etag, mtime, if_none_match, if_modified_since):
            return Reply(HTTPStatus.NOT_MODIFIED.value, tuple(validators), delay=entry.delay)

        headers = [("Content-Type", content_type), *validators]
        if gzipped:
            body = _gzipped(file, stat.st_mtime_ns, stat.st_size, base)
            headers.append(("Content-Encoding", "gzip"))
        headers = _merge(headers, extra)
        headers.append(("Content-Length", str(len(body))))
        return Reply(entry.status, tuple(headers), b"" if head_only else body, entry.delay)

    def _file_for(self, path: str) -> Path | None:
        """The file serving URL ``path``, or None; never a file outside the root."""
        parts = PurePosixPath(path).parts[1:]
        if any(part in ("..", ".") or "\\" in part for part in parts):
            return None
        candidate = self.root.joinpath(*parts)
        if path.endswith("/") or candidate.is_dir():
            candidate = candidate / INDEX_FILE
        resolved = candidate.resolve()
        if not resolved.is_relative_to(self.root) or not resolved.is_file():
            return None
        return resolved


# Cached per file version (path, mtime, size) and base URL: benchmarks serve thousands of
# pages from the same machine as the crawler, and re-hashing and re-gzipping every 100 KB page
# on every request cost ~2.7 ms of CPU a page taken from the crawl being measured.
@lru_cache(maxsize=8192)
def _filled(file: Path, mtime_ns: int, size: int, base: bytes) -> tuple[bytes, str]:
    body = _read_filled(file, base)
    return body, '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


@lru_cache(maxsize=8192)
def _gzipped(file: Path, mtime_ns: int, size: int, base: bytes) -> bytes:
    return gzip.compress(_filled(file, mtime_ns, size, base)[0], compresslevel=6, mtime=0)


def _read_filled(file: Path, base: bytes) -> bytes:
    raw = file.read_bytes()
    if file.suffix == ".gz":
        # A compressed sitemap served as a file: the placeholder sits in the decompressed text.
        return gzip.compress(gzip.decompress(raw).replace(PLACEHOLDER, base), mtime=0)
    return raw.replace(PLACEHOLDER, base)


def _fill(value: str, base_url: str) -> str:
    return value.replace(PLACEHOLDER.decode("ascii"), base_url)


def _message(
    status: HTTPStatus,
    extra: Iterable[tuple[str, str]],
    *,
    head_only: bool,
    delay: float = 0.0,
) -> Reply:
    """A small HTML page for statuses that have no file (errors, redirects)."""
    extra = list(extra)
    location = next((value for name, value in extra if name.lower() == "location"), None)
    text = f"<h1>{status.value} {html.escape(status.phrase)}</h1>"
    if location:
        text += f'\n<p><a href="{html.escape(location)}">{html.escape(location)}</a></p>'
    body = f"<!DOCTYPE html>\n<html><body>\n{text}\n</body></html>\n".encode()
    headers = _merge([("Content-Type", "text/html; charset=utf-8")], extra)
    headers.append(("Content-Length", str(len(body))))
    return Reply(status.value, tuple(headers), b"" if head_only else body, delay)


def _merge(
    headers: list[tuple[str, str]], extra: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """``headers`` with each of ``extra`` replacing a header of the same name or appended."""
    merged = list(headers)
    for name, value in extra:
        merged = [(k, v) for k, v in merged if k.lower() != name.lower()]
        merged.append((name, value))
    return merged


def _is_textual(content_type: str) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    return (
        mime.startswith("text/")
        or mime in _TEXTUAL_APPLICATION_TYPES
        or mime.endswith(("+xml", "+json"))
    )


def _accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding value allows gzip (RFC 9110 section 12.5.3, q-values)."""
    if not accept_encoding:
        return False
    qualities: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        qualities[coding.strip().lower()] = quality
    for name in ("gzip", "x-gzip"):
        if name in qualities:
            return qualities[name] > 0
    return qualities.get("*", 0.0) > 0


def _gzip_etag(etag: str) -> str:
    # The gzip body is a different representation, so it gets its own (related) tag.
    return etag[:-1] + '-gzip"'


def _not_modified(
    etag: str, mtime: datetime, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags or _gzip_etag(etag) in tags
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unparsable date is ignored, as the RFC says
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return mtime <= since
