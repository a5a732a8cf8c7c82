"""Downloader middleware keeping an article page as the server gzipped it, for storage
(``crawler.pagebody``): storing those bytes saves compressing the page again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from crawler.crawlstate import ROLE
from crawler.pagebody import GZIP_BODY

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class ServerGzipKeeper:
    """Downloader middleware, placed just before Scrapy's HttpCompressionMiddleware inflates a
    response: keeps an article page's body as the server gzipped it, in ``request.meta``
    (``GZIP_BODY``), for storage.

    Set (or cleared) on every response, so the final response of a redirect chain never
    carries a body kept from an earlier hop."""

    def __init__(self, role_key: str) -> None:
        self.role_key = role_key

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(ROLE)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get(self.role_key) != "article":
            return response
        encodings = [e.strip().lower() for e in response.headers.getlist(b"Content-Encoding")]
        if encodings in ([b"gzip"], [b"x-gzip"]) and request.method != "HEAD":
            request.meta[GZIP_BODY] = response.body
        else:
            request.meta.pop(GZIP_BODY, None)
        return response
