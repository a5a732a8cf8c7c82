"""A fetched page's bytes as stored with its article (``article_pages.body_z``), so that
``newsmon reextract`` can extract it again without fetching.

A page is stored compressed: as the server gzipped it when it did (kept by
``crawler.components.keepgzip.ServerGzipKeeper`` before Scrapy inflates it, which saves
compressing the page again: about 3% of a crawl's CPU), otherwise compressed here with zlib. The
two formats tell themselves apart by their first byte (gzip's 0x1f, zlib's 0x78), so
``inflate_body`` reads both, and rows stored before servers' gzip was kept read as they always
did.
"""

from __future__ import annotations

import gzip
import zlib

# zlib level for pages the server did not gzip: level 3 costs half of level 6 for 2% more
# bytes.
COMPRESSION_LEVEL = 3
GZIP_MAGIC = b"\x1f\x8b"
# request.meta key holding an article response's body as the server gzipped it.
GZIP_BODY = "newsmon_gzip_body"
# Content-Types a page may hold an article in: the spider stops downloading any other, and
# extraction rejects any other as NotHtml.
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
# A gzip member ends with its CRC-32 and ISIZE, the inflated length modulo 2**32 (4 bytes).
_ISIZE = 4
_GZIP_MIN = 18  # a 10-byte header, an empty deflate stream's 2 bytes, the 8-byte trailer


def compress_body(body: bytes) -> bytes:
    """``body`` compressed for storage (zlib)."""
    return zlib.compress(body, COMPRESSION_LEVEL)


def inflate_body(body_z: bytes) -> bytes:
    """The page bytes of a stored ``body_z``: a server's gzip (one member or several) or
    newsmon's zlib."""
    if body_z[:2] == GZIP_MAGIC:
        return gzip.decompress(body_z)
    return zlib.decompress(body_z)


def server_gzip(raw: bytes | None, body: bytes) -> bytes | None:
    """``raw``, the response body as the server sent it with ``Content-Encoding: gzip``, when
    it can be stored for ``body`` (what Scrapy inflated from it); else None.

    Scrapy inflates a truncated gzip, or one with bytes after it, as far as it goes; such a
    body is compressed anew. A complete gzip ends with the inflated length, so comparing it
    with ``body``'s tells them apart without inflating the page a second time."""
    if raw is None or len(raw) < _GZIP_MIN or raw[:2] != GZIP_MAGIC or raw == body:
        return None  # (equal: Scrapy could not inflate it and passed it on as it came)
    inflated_size = int.from_bytes(raw[-_ISIZE:], "little")
    return raw if inflated_size == len(body) & 0xFFFFFFFF else None
