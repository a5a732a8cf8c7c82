"""Cheap re-crawls: feeds, sitemaps and listing pages are fetched conditionally.

The downloader middleware sends the ETag / Last-Modified the previous crawl saw; a 304 answer
reaches the spider, which does not parse it. The spider middleware records the validators of
every discovery page it parsed, with how many article links the page had, so a later 304 still
counts those links as found (a quiet source is not a broken one).

Sitemap indexes are never revalidated: an index often stays the same while the sitemaps it
lists change, and a 304 on it would hide their new articles.

Validators are saved only when the crawl finished and no article failed for a reason that may
pass (timeout, 5xx, extraction or storage failure): a 304 next time must not hide articles this
crawl found but could not store. A crawl killed half-way saves none.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request, signals
from scrapy.http import Response

from crawler.components.dbguard import DATABASE_ERRORS, database_lost
from crawler.crawlstate import DISCOVERY_ROLES, ROLE, database_url
from storage.db import Database, open_database
from storage.queries import get_validators
from storage.writes import save_validators

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

LINKS_FOUND = "newsmon/article_links_found"
NOT_MODIFIED = "newsmon/discovery_not_modified"
# Stats of article failures that may pass on a later try (see spiders/source.py, crawler/drops.py)
TRANSIENT_FAILURES = (
    "newsmon/transient_errors/article",
    "item_dropped_reasons_count/ExtractionFailed",
    "item_dropped_reasons_count/ExtractionCrashed",
    "item_dropped_reasons_count/StorageFailed",
)
logger = logging.getLogger(__name__)


def _open(crawler: Crawler) -> Database:
    return open_database(database_url(crawler.settings), upgrade=False)


class ConditionalRequestMiddleware:
    """Adds If-None-Match / If-Modified-Since to discovery requests seen before."""

    def __init__(self, crawler: Crawler, db: Database) -> None:
        self.crawler = crawler
        self.db = db

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler, _open(crawler))
        crawler.signals.connect(middleware.db.dispose, signal=signals.spider_closed)
        return middleware

    def process_request(self, request: Request) -> None:
        if request.meta.get(ROLE) not in DISCOVERY_ROLES:
            return
        try:
            with self.db.session() as session:
                known = get_validators(session, request.url)
                etag, modified = (known.etag, known.last_modified) if known else (None, None)
        except DATABASE_ERRORS as exc:
            database_lost(self.crawler, exc)
            return
        if etag:
            request.headers.setdefault(b"If-None-Match", etag)
        if modified:
            request.headers.setdefault(b"If-Modified-Since", modified)


class ValidatorRecorder:
    """Collects the validators of parsed discovery pages, saves them when the crawl ended
    cleanly; counts unchanged pages."""

    def __init__(self, crawler: Crawler, db: Database) -> None:
        self.crawler = crawler
        self.db = db
        self.pending: dict[str, tuple[str | None, str | None, int]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        recorder = cls(crawler, _open(crawler))
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_closed(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        failed = sum(int(v) for k, v in stats.items() if k in TRANSIENT_FAILURES)
        try:
            if reason == "finished" and not failed:
                for url, (etag, modified, links) in self.pending.items():
                    save_validators(
                        self.db, url, etag=etag, last_modified=modified, article_links=links
                    )
            elif self.pending:
                logger.info(
                    "not saving page validators (%s, %d article failure(s)): the "
                    "next crawl reads every discovery page again",
                    reason,
                    failed,
                )
        except DATABASE_ERRORS as exc:
            logger.error("cannot save page validators: %s", str(exc).splitlines()[0])
        finally:
            self.db.dispose()

    def _after(self, response: Response, article_links: int, child_sitemaps: int) -> None:
        if response.meta.get(ROLE) not in DISCOVERY_ROLES:
            return
        stats = self.crawler.stats
        if response.status == 304:
            try:
                with self.db.session() as session:
                    known = get_validators(session, response.url)
                    links = known.article_links if known else 0
            except DATABASE_ERRORS as exc:
                database_lost(self.crawler, exc)
                return
            if stats is not None:
                stats.inc_value(NOT_MODIFIED)
                stats.inc_value(LINKS_FOUND, links)
            return
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        if response.status == 200 and (etag or modified) and not child_sitemaps:
            self.pending[response.url] = (
                etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None,
                article_links,
            )

    @staticmethod
    def _role(obj: Any) -> str | None:
        return obj.meta.get(ROLE) if isinstance(obj, Request) else None

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        roles: list[str | None] = []
        for obj in result:
            roles.append(self._role(obj))
            yield obj
        self._after(response, roles.count("article"), roles.count("sitemap"))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        roles: list[str | None] = []
        async for obj in result:
            roles.append(self._role(obj))
            yield obj
        self._after(response, roles.count("article"), roles.count("sitemap"))
