"""Scrapy's RedirectMiddleware, failing loudly on redirect loops and non-HTTP targets.

Scrapy follows ``a -> b -> a`` until ``redirect_max_times``, or, since the second request for
``a`` is a duplicate, its scheduler silently drops it: either way the page vanished without an
error. A redirect back into its own chain fails here with ``RedirectLoop`` naming the chain.
A redirect to ``mailto:`` made Scrapy raise ValueError while building the request; any target
that is not http(s) now comes back as the 3xx response itself (what Scrapy already does for
``ftp:``), which the spider reports as a redirect to a URL it cannot fetch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware as ScrapyRedirectMiddleware
from w3lib.url import safe_url_string

from spiders.failures import RedirectLoop

if TYPE_CHECKING:
    from scrapy.http import Response

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


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
                hops = " -> ".join([*chain[chain.index(result.url):], result.url])
                raise RedirectLoop(f"redirect loop: {hops}")
        return result
