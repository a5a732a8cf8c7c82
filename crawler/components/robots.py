"""Downloader middleware reporting a robots.txt that could not be fetched in one warning line.

Scrapy's RobotsTxtMiddleware logs such a failure at ERROR with two chained tracebacks, then
crawls the site as if its robots.txt allowed everything. The site's own pages fail the same
way moments later and the spider reports them; the robots.txt failure is worth one line.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure

from crawler.failures import FetchLimits, describe_failure, fetch_limits

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class RobotsTxtFailureReporter:
    """Downloader middleware, placed just below the retry middleware: when the robots.txt
    request of Scrapy's RobotsTxtMiddleware fails for good, logs one warning naming the URL
    and the reason, and raises ``IgnoreRequest``, which RobotsTxtMiddleware takes, without
    logging, as "no robots.txt": the site is then crawled as before."""

    def __init__(self, crawler: Crawler, limits: FetchLimits) -> None:
        self.crawler = crawler
        self.limits = limits

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, fetch_limits(crawler.settings))

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not is_robots_request(request) or isinstance(exception, IgnoreRequest):
            return
        failure = Failure(exception)
        failure.request = request  # type: ignore[attr-defined]  # read by describe_failure
        if self.crawler.stats is not None:
            # the stat RobotsTxtMiddleware keeps for a failure it logs itself
            self.crawler.stats.inc_value(f"robotstxt/exception_count/{type(exception)}")
        spider = self.crawler.spider
        (spider.logger if spider is not None else logger).warning(
            "robots.txt %s: %s; crawling the site without its rules",
            request.meta.get("redirect_urls", [request.url])[0],
            describe_failure(failure, self.limits),
        )
        raise IgnoreRequest(f"robots.txt unavailable: {exception}") from exception


def is_robots_request(request: Request) -> bool:
    """Whether ``request`` is the robots.txt request RobotsTxtMiddleware makes itself, or a
    redirect of it."""
    if not request.meta.get("dont_obey_robotstxt"):
        return False
    first_url = request.meta.get("redirect_urls", [request.url])[0]
    return urlsplit(first_url).path == "/robots.txt"
