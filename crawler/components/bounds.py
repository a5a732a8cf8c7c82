"""The bounds of one crawl: an exact page budget (``max_pages``) and a counted depth limit
(``max_depth``).

Scrapy's CLOSESPIDER_PAGECOUNT stops the crawl once the count is reached, but requests already
queued in the downloader (up to CONCURRENT_REQUESTS) still go out: a budget of 10 fetched 26
pages. This middleware refuses every request past the budget, so a site never gets more.
CLOSESPIDER_PAGECOUNT stays on to end the crawl early.

Scrapy's DepthMiddleware drops links deeper than DEPTH_LIMIT with one debug line; an endless
archive (``/archive?page=N`` linking N+1) or endless pagination ends there. The links it drops
are counted by name here, so crawl_runs shows that the crawl was cut short (``DepthLimit``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.depth import DepthMiddleware

from crawler.crawlstate import IGNORED_PREFIX

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class PageBudgetMiddleware:
    def __init__(self, crawler: Crawler, budget: int) -> None:
        self.crawler = crawler
        self.budget = budget
        self.sent = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        budget = crawler.settings.getint("CLOSESPIDER_PAGECOUNT")
        if budget <= 0:
            raise NotConfigured("no page budget")
        return cls(crawler, budget)

    def process_request(self, request: Request) -> None:
        if request.url.endswith("/robots.txt"):
            return  # robots.txt is how we stay polite; it never counts against the budget
        if self.sent >= self.budget:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value(f"{IGNORED_PREFIX}PageBudget")
            raise IgnoreRequest(f"page budget of {self.budget} reached")
        self.sent += 1


class DepthLimitMiddleware(DepthMiddleware):
    """Scrapy's DepthMiddleware, counting the links it drops in the crawl's pages_dropped."""

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        processed = super().get_processed_request(request, response)
        if processed is None:
            self.stats.inc_value(f"{IGNORED_PREFIX}DepthLimit")
        return processed
