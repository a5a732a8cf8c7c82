"""Faults a sample site can inject per path: the ways real news sites break a crawler.

A behaviour-table entry may carry ``fault: {kind: ..., ...}``::

    /a.html: {fault: {kind: flaky, status: 503, times: 2, retry_after: 1}}  # then the file
    /b.html: {fault: {kind: reset, after_bytes: 1500}}      # TCP reset mid-body
    /c.html: {fault: {kind: stall, seconds: 20}}            # headers, then silence
    /d.html: {fault: {kind: huge, size: 20MiB, content_length: false}}   # streamed, no file
    /e.html: {fault: {kind: gzip_bomb, inflated: 1GiB}}     # ~1 MB on the wire, no file
    /f.xml.gz: {fault: {kind: gzip_bomb, inflated: 1GiB, content_encoding: false}}  # a .gz file
    /archive: {fault: {kind: calendar, param: page}}        # file with {N} and {NEXT}
    /list.html: {fault: {kind: session_ids}}                # file with {SESSION}

Faults that need a socket (a reset, a stall, a body bigger than memory should hold) are
written against ``Wire``, which the server's request handler implements; everything here is
plain data and generators so the fault logic is testable without a server. Sizes accept
pydantic's byte sizes (``20MiB``, ``1GB``) or an int.
"""

from __future__ import annotations

import secrets
import struct
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from urllib.parse import parse_qs, urlsplit

from pydantic import ByteSize, TypeAdapter, ValidationError

if TYPE_CHECKING:
    from crawler.demo.reply import Reply

CHUNK_SIZE = 64 * 1024
MAX_STALL_SECONDS = 600.0
MAX_GENERATED_SIZE = 64 * 1024**3  # streamed, never held: only a sanity bound on typos
_BYTE_SIZE = TypeAdapter(ByteSize)
# One compressed block of the gzip bomb inflates to this many bytes.
_BOMB_BLOCK = 1 << 20


class Wire(Protocol):
    """The raw side of one HTTP exchange, as a fault needs it."""

    def send_head(self, status: int, headers: Sequence[tuple[str, str]]) -> None:
        """Log the request with ``status`` and write the status line and headers."""

    def write(self, data: bytes) -> None:
        """Write body bytes (dropped for HEAD requests)."""

    def reset(self) -> None:
        """Abort the connection with a TCP reset (RST), mid-response."""

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds``; returns early when the server stops."""


@dataclass(frozen=True)
class Exchange:
    """One request to a faulty path: its target, how many requests the path has had (this
    one included), and the reply the path would give without the fault (identity-encoded,
    so a fault can cut or rewrite its bytes)."""

    target: str
    hit: int
    normal: Callable[[], Reply]


class Fault(Protocol):
    kind: ClassVar[str]
    # Whether the path must have a file to serve (the fault rewrites or cuts the file).
    needs_file: ClassVar[bool]

    def serve(self, wire: Wire, exchange: Exchange) -> None: ...


def _send_reply(wire: Wire, reply: Reply, body: bytes | None = None) -> None:
    """``reply`` as is, or with ``body`` instead of its own (Content-Length set to match)."""
    if body is None:
        wire.send_head(reply.status, reply.headers)
        wire.write(reply.body)
        return
    headers = [(k, v) for k, v in reply.headers if k.lower() not in ("content-length", "etag")]
    headers.append(("Content-Length", str(len(body))))
    wire.send_head(reply.status, headers)
    wire.write(body)


def _error_page(status: int) -> bytes:
    phrase = HTTPStatus(status).phrase
    return f"<!DOCTYPE html>\n<html><body><h1>{status} {phrase}</h1></body></html>\n".encode()


@dataclass(frozen=True)
class Flaky:
    """The first ``times`` requests answer ``status`` (with Retry-After when set), later
    ones the path's file: an overloaded server that recovers."""

    kind: ClassVar[str] = "flaky"
    needs_file: ClassVar[bool] = True
    status: int
    times: int
    retry_after: int | None = None

    def serve(self, wire: Wire, exchange: Exchange) -> None:
        if exchange.hit > self.times:
            _send_reply(wire, exchange.normal())
            return
        body = _error_page(self.status)
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        if self.retry_after is not None:
            headers.append(("Retry-After", str(self.retry_after)))
        wire.send_head(self.status, headers)
        wire.write(body)


@dataclass(frozen=True)
class Reset:
    """Headers promising the whole file, ``after_bytes`` of its body, then a TCP reset."""

    kind: ClassVar[str] = "reset"
    needs_file: ClassVar[bool] = True
    after_bytes: int

    def serve(self, wire: Wire, exchange: Exchange) -> None:
        reply = exchange.normal()
        wire.send_head(reply.status, reply.headers)
        wire.write(reply.body[: self.after_bytes])
        wire.reset()


@dataclass(frozen=True)
class Stall:
    """Headers and ``after_bytes`` of the body, then nothing for ``seconds`` (past any sane
    client timeout), then the connection is closed."""

    kind: ClassVar[str] = "stall"
    needs_file: ClassVar[bool] = True
    seconds: float
    after_bytes: int = 0

    def serve(self, wire: Wire, exchange: Exchange) -> None:
        reply = exchange.normal()
        wire.send_head(reply.status, reply.headers)
        wire.write(reply.body[: self.after_bytes])
        wire.pause(self.seconds)
        wire.reset()


@dataclass(frozen=True)
class Huge:
    """An HTML page of ``size`` bytes, generated in chunks as it is sent. Without
    ``content_length`` the body is delimited by closing the connection, so a client only
    learns the size by reading."""

    kind: ClassVar[str] = "huge"
    needs_file: ClassVar[bool] = False
    size: int
    content_length: bool = True

    def serve(self, wire: Wire, exchange: Exchange) -> None:
        headers = [("Content-Type", "text/html; charset=utf-8")]
        headers.append(
            ("Content-Length", str(self.size)) if self.content_length else ("Connection", "close")
        )
        wire.send_head(200, headers)
        for chunk in huge_body(self.size):
            wire.write(chunk)


def huge_body(size: int) -> Iterator[bytes]:
    """``size`` bytes of HTML, one CHUNK_SIZE chunk at a time."""
    head = b"<!DOCTYPE html><html><head><title>Huge</title></head><body>\n"
    filler = b"<p>" + b"filler text " * 5 + b"</p>\n"
    line_chunk = (filler * (CHUNK_SIZE // len(filler) + 1))[:CHUNK_SIZE]
    remaining = size
    first = head[:remaining]
    yield first
    remaining -= len(first)
    while remaining > 0:
        piece = line_chunk[:remaining]
        yield piece
        remaining -= len(piece)


@dataclass(frozen=True)
class GzipBomb:
    """Gzip data that inflates to ``inflated`` bytes, about 1/1000 of that on the wire,
    generated as it is sent: an HTML page with ``Content-Encoding: gzip``, or without
    ``content_encoding`` a gzip file (a compressed sitemap)."""

    kind: ClassVar[str] = "gzip_bomb"
    needs_file: ClassVar[bool] = False
    inflated: int
    content_encoding: bool = True

    def serve(self, wire: Wire, exchange: Exchange) -> None:
        headers = [("Content-Type", "application/gzip")]
        if self.content_encoding:
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")]
        headers.append(("Content-Length", str(gzip_bomb_size(self.inflated))))
        wire.send_head(200, headers)
        for chunk in gzip_bomb(self.inflated):
            wire.write(chunk)


def gzip_bomb(inflated: int) -> Iterator[bytes]:
    """A gzip member of ``inflated`` spaces, valid down to its CRC.

    Compressing 1 GB takes seconds, so one 1 MiB block is compressed once and repeated: after
    a full flush the deflate state is reset and byte-aligned, so every repetition of the
    same input compresses to the same bytes (RFC 1951 blocks simply follow one another).
    """
    block, tail, crc = _bomb_parts(inflated)
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip header: deflate, no name, mtime 0
    for _ in range(inflated // _BOMB_BLOCK):
        yield block
    yield tail
    yield struct.pack("<II", crc, inflated & 0xFFFFFFFF)


def gzip_bomb_size(inflated: int) -> int:
    """How many bytes ``gzip_bomb(inflated)`` sends."""
    block, tail, _ = _bomb_parts(inflated)
    return 10 + len(block) * (inflated // _BOMB_BLOCK) + len(tail) + 8


@lru_cache(maxsize=4)
def _bomb_parts(inflated: int) -> tuple[bytes, bytes, int]:
    spaces = b" " * _BOMB_BLOCK
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: gzip framing is ours
    block = compressor.compress(spaces) + compressor.flush(zlib.Z_FULL_FLUSH)
    rest = inflated % _BOMB_BLOCK
    tail = compressor.compress(spaces[:rest]) + compressor.flush(zlib.Z_FINISH)
    crc = _repeated_crc32(zlib.crc32(spaces), _BOMB_BLOCK, inflated // _BOMB_BLOCK)
    return block, tail, _crc32_combine(crc, zlib.crc32(spaces[:rest]), rest)


def _repeated_crc32(crc: int, length: int, times: int) -> int:
    """CRC-32 of ``times`` copies of a ``length``-byte block whose CRC is ``crc``, by doubling:
    hashing 1 GiB took seconds on a loaded machine, longer than the client's timeout."""
    total, total_length = 0, 0
    while times:
        if times & 1:
            total = _crc32_combine(total, crc, length) if total_length else crc
            total_length += length
        crc = _crc32_combine(crc, crc, length)
        length *= 2
        times >>= 1
    return total


def _crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B): zlib's crc32_combine, which Python's zlib
    module does not expose (GF(2) matrices, Mark Adler's method)."""
    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four zero bits
    while True:  # apply len2 zero bytes to crc1, squaring the operator per bit of len2
        even = _gf2_square(odd)
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _gf2_square(even)
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


@dataclass(frozen=True)
class Calendar:
    """An endless archive: the file is a template where ``{N}`` becomes the ``param`` query
    value (default 1) and ``{NEXT}`` that value plus one, so page N links page N+1 forever."""

    kind: ClassVar[str] = "calendar"
    needs_file: ClassVar[bool] = True
    param: str = "page"

    def serve(self, wire: Wire, exchange: Exchange) -> None:
        values = parse_qs(urlsplit(exchange.target).query).get(self.param, ["1"])
        page = int(values[0]) if values[0].isdigit() else 1
        reply = exchange.normal()
        body = reply.body.replace(b"{NEXT}", str(page + 1).encode())
        _send_reply(wire, reply, body.replace(b"{N}", str(page).encode()))


@dataclass(frozen=True)
class SessionIds:
    """The file with every ``{SESSION}`` replaced by a new session id on each request, as
    sites that put session ids in links do: each visit sees different URLs."""

    kind: ClassVar[str] = "session_ids"
    needs_file: ClassVar[bool] = True

    def serve(self, wire: Wire, exchange: Exchange) -> None:
        reply = exchange.normal()
        _send_reply(wire, reply, reply.body.replace(b"{SESSION}", secrets.token_hex(8).encode()))


def parse_fault(raw: Any) -> Fault:
    """A fault from its table entry; ValueError naming the field at fault."""
    if not isinstance(raw, dict):
        raise ValueError(f"must be a mapping with a 'kind', got {type(raw).__name__}")
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in _PARSERS:
        raise ValueError(f"kind must be one of {', '.join(sorted(_PARSERS))}, got {kind!r}")
    return _PARSERS[kind]({k: v for k, v in raw.items() if k != "kind"})


def _take(params: dict[str, Any], allowed: Sequence[str]) -> dict[str, Any]:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        expected = ", ".join(allowed) or "none"
        raise ValueError(f"unknown key(s) {', '.join(map(str, unknown))}; expected {expected}")
    return params


def _int(
    params: dict[str, Any], key: str, *, low: int, high: int, default: int | None = None
) -> int:
    value = params.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{key} must be an integer from {low} to {high}, got {value!r}")
    return value


def _bool(params: dict[str, Any], key: str) -> bool:
    value = params.get(key, True)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, got {value!r}")
    return value


def _size(params: dict[str, Any], key: str) -> int:
    value = params.get(key)
    try:
        size = int(_BYTE_SIZE.validate_python(value))
    except ValidationError:
        raise ValueError(f"{key} must be a size like 20MiB or 1GB, got {value!r}") from None
    if not 1 <= size <= MAX_GENERATED_SIZE:
        raise ValueError(f"{key} must be between 1 byte and 64 GiB, got {value!r}")
    return size


def _parse_flaky(params: dict[str, Any]) -> Flaky:
    _take(params, ("status", "times", "retry_after"))
    status = _int(params, "status", low=400, high=599)
    try:
        HTTPStatus(status)
    except ValueError:
        raise ValueError(f"status {status} is not a registered HTTP status") from None
    retry_after = params.get("retry_after")
    if retry_after is not None:
        retry_after = _int(params, "retry_after", low=0, high=86_400)
    return Flaky(
        status=status, times=_int(params, "times", low=1, high=1000), retry_after=retry_after
    )


def _parse_reset(params: dict[str, Any]) -> Reset:
    _take(params, ("after_bytes",))
    return Reset(after_bytes=_int(params, "after_bytes", low=0, high=1 << 30))


def _parse_stall(params: dict[str, Any]) -> Stall:
    _take(params, ("seconds", "after_bytes"))
    seconds = params.get("seconds")
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not (0 < seconds <= MAX_STALL_SECONDS)
    ):
        raise ValueError(
            f"seconds must be a number from 0 to {MAX_STALL_SECONDS:g}, got {seconds!r}"
        )
    return Stall(
        seconds=float(seconds),
        after_bytes=_int(params, "after_bytes", low=0, high=1 << 30, default=0),
    )


def _parse_huge(params: dict[str, Any]) -> Huge:
    _take(params, ("size", "content_length"))
    return Huge(size=_size(params, "size"), content_length=_bool(params, "content_length"))


def _parse_gzip_bomb(params: dict[str, Any]) -> GzipBomb:
    _take(params, ("inflated", "content_encoding"))
    return GzipBomb(
        inflated=_size(params, "inflated"), content_encoding=_bool(params, "content_encoding")
    )


def _parse_calendar(params: dict[str, Any]) -> Calendar:
    _take(params, ("param",))
    param = params.get("param", "page")
    if not isinstance(param, str) or not param.isidentifier():
        raise ValueError(f"param must be a query parameter name, got {param!r}")
    return Calendar(param=param)


def _parse_session_ids(params: dict[str, Any]) -> SessionIds:
    _take(params, ())
    return SessionIds()


_PARSERS: Mapping[str, Callable[[dict[str, Any]], Fault]] = {
    "flaky": _parse_flaky,
    "reset": _parse_reset,
    "stall": _parse_stall,
    "huge": _parse_huge,
    "gzip_bomb": _parse_gzip_bomb,
    "calendar": _parse_calendar,
    "session_ids": _parse_session_ids,
}
