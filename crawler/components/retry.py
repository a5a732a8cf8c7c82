"""Scrapy's RetryMiddleware, honouring ``Retry-After``.

A server answering 503 or 429 with ``Retry-After: 5`` says when a retry can succeed; Scrapy
retries at once, which an overloaded site answers with the same error, so all retries are
spent within a second. Here the retry waits as asked. A wait longer than
``NEWSMON_MAX_RETRY_AFTER`` seconds (a day, say) is not worth holding a crawl open for: the
page is given up at once, and its crawl_runs error says what the server asked for.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

from crawler.failures import DEFAULT_MAX_RETRY_AFTER, RETRY_AFTER_REFUSED

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response


def retry_after_seconds(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or an HTTP date, RFC 9110
    section 10.2.3); None when it is neither."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Retries like Scrapy's RetryMiddleware; waits ``Retry-After`` first when present."""

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        header = response.headers.get(b"Retry-After")
        if (
            header is None
            or request.meta.get("dont_retry", False)
            or response.status not in self.retry_http_codes
        ):
            return super().process_response(request, response)
        wait = retry_after_seconds(header.decode("latin-1"))
        if wait is None:
            return super().process_response(request, response)
        limit = self.crawler.settings.getfloat("NEWSMON_MAX_RETRY_AFTER", DEFAULT_MAX_RETRY_AFTER)
        if wait > limit:
            request.meta[RETRY_AFTER_REFUSED] = wait
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        # Waiting here delays only this request; the site's other pages keep downloading.
        await sleep(wait)
        return retry
