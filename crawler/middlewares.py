"""Spider middleware that keeps stored articles from being fetched again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request

from crawler.settings import database_url
from spiders.source import ROLE
from storage.db import Database, open_database
from storage.queries import known_urls

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class KnownUrlFilter:
    """Drops article requests whose URL is already stored (under any of its spellings)."""

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
        if request.meta.get(ROLE) != "article":
            return False
        with self.db.session() as session:
            known = bool(known_urls(session, [request.url]))
        if known and self.crawler.stats is not None:
            self.crawler.stats.inc_value("newsmon/skipped_already_stored")
        return known

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
