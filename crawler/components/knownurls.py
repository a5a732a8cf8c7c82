"""Spider middleware that keeps stored articles from being fetched again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request

from crawler.components.dbguard import DATABASE_ERRORS, database_lost
from crawler.crawlstate import ROLE, database_url
from storage.db import Database, open_database
from storage.queries import known_urls, recent_article_urls

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

# How many article requests are checked against the database in one query.
CHECK_BATCH = 200
# Stats key: article links not fetched because their article is stored (and not due a re-check).
ALREADY_STORED = "newsmon/skipped_already_stored"


class KnownUrlFilter:
    """Drops article requests whose URL is already stored (under any of its spellings),
    unless the source re-checks recent articles for updates (``recheck_days``)."""

    def __init__(self, crawler: Crawler, db_url: str) -> None:
        self.crawler = crawler
        self.db: Database = open_database(db_url, upgrade=False)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from scrapy import signals

        mw = cls(crawler, database_url(crawler.settings))
        crawler.signals.connect(mw.db.dispose, signal=signals.spider_closed)
        return mw

    def _unknown(self, requests: list[Request]) -> list[Request]:
        """Those of ``requests`` to fetch: not stored yet, or due for a re-check
        (``recheck_days`` of the source); none once the database is lost."""
        if not requests:
            return []
        try:
            with self.db.session() as session:
                known = known_urls(session, [request.url for request in requests])
                since = self._recheck_since() if known else None
                recheck = recent_article_urls(session, known, since) if since else set()
        except DATABASE_ERRORS as exc:
            database_lost(self.crawler, exc)
            return []  # the crawl is stopping: fetch nothing more
        wanted = [r for r in requests if r.url not in known or r.url in recheck]
        stats = self.crawler.stats
        if stats is not None:
            if rechecked := sum(1 for r in wanted if r.url in recheck):
                stats.inc_value("newsmon/rechecked", rechecked)
            if skipped := len(requests) - len(wanted):
                stats.inc_value(ALREADY_STORED, skipped)
        return wanted

    def _recheck_since(self) -> datetime | None:
        days = self.crawler.settings.getint("NEWSMON_RECHECK_DAYS")
        return datetime.now(UTC) - timedelta(days=days) if days else None

    # Article requests are held back and checked ``CHECK_BATCH`` at a time, in one query:
    # a query per request was 5% of the crawl process's CPU. Other output passes at once.
    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        held: list[Request] = []
        for obj in result:
            yield from self._release(obj, held)
        yield from self._unknown(held)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        held: list[Request] = []
        async for obj in result:
            for out in self._release(obj, held):
                yield out
        for request in self._unknown(held):
            yield request

    def _release(self, obj: Any, held: list[Request]) -> list[Any]:
        """What to pass on after ``obj`` arrives: ``obj`` itself unless it is an article
        request, which joins ``held``; the requests of ``held`` to fetch once it is full."""
        if not _is_article(obj):
            return [obj]
        held.append(obj)
        if len(held) < CHECK_BATCH:
            return []
        batch = held.copy()
        held.clear()
        return self._unknown(batch)


def _is_article(obj: Any) -> bool:
    return isinstance(obj, Request) and obj.meta.get(ROLE) == "article"
