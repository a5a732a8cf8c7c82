"""Scrapy's RedirectMiddleware, failing loudly on redirect loops and non-HTTP targets.

Scrapy follows ``a -> b -> a`` until ``redirect_max_times``, or, since the second request for
``a`` is a duplicate, its scheduler silently drops it: either way the page vanished without an
error. A redirect back into its own chain fails here with ``RedirectLoop`` naming the chain.
A redirect to ``mailto:`` made Scrapy raise ValueError while building the request; any target
that is not http(s) now comes back as the 3xx response itself (what Scrapy already does for
``ftp:``), which the spider reports as a redirect to a URL it cannot fetch.

Scrapy's MetaRefreshMiddleware decodes every HTML page whole (``response.text``) to look for
a refresh in its first 4,096 characters; nothing else in the crawl process decodes an article
page (the extraction worker does). ``MetaRefreshMiddleware`` here rules the refresh out in
the bytes first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import (
    MetaRefreshMiddleware as ScrapyMetaRefreshMiddleware,
)
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware as ScrapyRedirectMiddleware
from w3lib.url import safe_url_string

from crawler.failures import RedirectLoop

if TYPE_CHECKING:
    from scrapy.http import Response

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Scrapy looks for a refresh in a page's first 4,096 characters: at most four bytes each in
# UTF-8, GB18030 and every other encoding that writes ASCII as ASCII.
REFRESH_SCAN_CHARS = 4096
MAX_BYTES_PER_CHAR = 4


class RedirectMiddleware(ScrapyRedirectMiddleware):
    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        location = response.headers.get(b"Location")
        if location and response.status in REDIRECT_STATUSES:
            target = urljoin(request.url, safe_url_string(location))
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                return response
        result = super().process_response(request, response)
        if isinstance(result, Request):
            chain = [*request.meta.get("redirect_urls", []), request.url]
            if result.url in chain:
                hops = " -> ".join([*chain[chain.index(result.url) :], result.url])
                raise RedirectLoop(f"redirect loop: {hops}")
        return result


class MetaRefreshMiddleware(ScrapyMetaRefreshMiddleware):
    """Scrapy's, without decoding a page that cannot hold a refresh: w3lib only takes a
    ``<meta>`` whose attributes spell ``refresh`` (any case), so where the bytes Scrapy scans
    do not hold that word, the answer is known without decoding them."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        head = response.body[: REFRESH_SCAN_CHARS * MAX_BYTES_PER_CHAR]
        # A NUL byte: UTF-16 or UTF-32, where "refresh" is not those bytes; Scrapy decides.
        if b"\x00" not in head and b"refresh" not in head.lower():
            return response
        return super().process_response(request, response)
