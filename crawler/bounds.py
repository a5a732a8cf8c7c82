"""An exact page budget per crawl (``max_pages``).

Scrapy's CLOSESPIDER_PAGECOUNT stops the crawl once the count is reached, but requests already
queued in the downloader (up to CONCURRENT_REQUESTS) still go out: a budget of 10 fetched 26
pages. This middleware refuses every request past the budget, so a site never gets more.
CLOSESPIDER_PAGECOUNT stays on to end the crawl early.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured

from spiders.source import IGNORED_PREFIX

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
