"""Spider middleware that keeps stored articles from being fetched again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request

from crawler.dbguard import DATABASE_ERRORS, database_lost
from crawler.settings import database_url
from spiders.source import ROLE
from storage.db import Database, open_database
from storage.queries import known_urls, recent_article_urls

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response


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

    def _is_known(self, request: Request) -> bool:
        """Stored already, and not due for a re-check (``recheck_days`` of the source)."""
        if request.meta.get(ROLE) != "article":
            return False
        stats = self.crawler.stats
        try:
            with self.db.session() as session:
                if not known_urls(session, [request.url]):
                    return False
                since = self._recheck_since()
                if since and recent_article_urls(session, [request.url], since):
                    if stats is not None:
                        stats.inc_value("newsmon/rechecked")
                    return False
        except DATABASE_ERRORS as exc:
            database_lost(self.crawler, exc)
            return True  # the crawl is stopping: fetch nothing more
        if stats is not None:
            stats.inc_value("newsmon/skipped_already_stored")
        return True

    def _recheck_since(self) -> datetime | None:
        source = getattr(self.crawler.spidercls, "source", None)
        days = source.recheck_days if source else 0
        return datetime.now(UTC) - timedelta(days=days) if days else None

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        for obj in result:
            if not (isinstance(obj, Request) and self._is_known(obj)):
                yield obj

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for obj in result:
            if not (isinstance(obj, Request) and self._is_known(obj)):
                yield obj
