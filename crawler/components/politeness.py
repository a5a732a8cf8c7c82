"""robots.txt ``Crawl-delay``, honoured: Scrapy obeys robots.txt rules but not its delay.

The middleware reads the delay from Scrapy's own robots.txt parser for the site and raises the
download slot's delay to it; the AutoThrottle subclass keeps that as a floor (AutoThrottle
otherwise lowers a slot's delay towards DOWNLOAD_DELAY whenever the site answers fast).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy import Request
from scrapy.core.downloader import Slot
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# Beyond this a Crawl-delay is not a delay but a refusal; we still honour at most this much.
MAX_CRAWL_DELAY = 300.0


class CrawlDelayMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get(
            "USER_AGENT"
        )
        # Minimum delay per download slot, from the slot's robots.txt.
        self.floors: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        robots = self.crawler.get_downloader_middleware(RobotsTxtMiddleware)
        if robots is None or request.url.endswith("/robots.txt"):
            return
        parser = await robots.robot_parser(request)
        delay = parser.crawl_delay(self.user_agent) if parser is not None else None
        if not delay:
            return
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        floor = min(float(delay), MAX_CRAWL_DELAY)
        self.floors[key] = floor
        slot = downloader.slots.get(key)
        if slot is not None and slot.delay < floor:
            slot.delay = floor


class NewsmonAutoThrottle(AutoThrottle):
    """AutoThrottle that never goes below a site's robots.txt Crawl-delay."""

    def _adjust_delay(self, slot: Slot, latency: float, response: Response) -> None:
        super()._adjust_delay(slot, latency, response)
        middleware = self.crawler.get_downloader_middleware(CrawlDelayMiddleware)
        if middleware is None:
            return
        key = next((k for k, s in self.crawler.engine.downloader.slots.items() if s is slot), None)
        floor = middleware.floors.get(key) if key else None
        if floor and slot.delay < floor:
            slot.delay = floor
