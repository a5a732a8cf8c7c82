"""Item pipelines: thin adapters from Scrapy items to extraction and storage.

Order (set in ``crawler.settings``): ExtractionPipeline, then StoragePipeline. Where a row is
written: ``storage.writes.store_article``; where text is extracted: ``crawler.extraction``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from sqlalchemy.exc import SQLAlchemyError

from crawler.config import SourceConfig
from crawler.dbguard import DATABASE_ERRORS, database_lost
from crawler.drops import REJECTIONS, ExtractionCrashed, Irrelevant, StorageFailed
from crawler.extraction import ExtractedArticle, PageInput, Rejection, extract_page
from crawler.items import PageItem
from crawler.settings import database_url
from crawler.workers import POOL, WorkerCrashed
from spiders.source import record_crawl_error
from storage.db import Database, open_database
from storage.errors import StorageError
from storage.writes import ArticleData, store_article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ExtractionPipeline:
    """Runs ``extract_page`` in the worker pool; drops pages that hold no article, by reason,
    and irrelevant articles when the source says ``irrelevant: drop``."""

    def __init__(self, crawler: Crawler, workers: int | None, source: SourceConfig | None,
                 topics: str | None = None, drop_irrelevant: bool = False) -> None:
        self.crawler = crawler
        self.workers = workers
        self.source = source
        self.topics = topics
        self.drop_irrelevant = drop_irrelevant

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        workers = settings.getint("NEWSMON_EXTRACTION_WORKERS") or None
        return cls(crawler, workers, getattr(crawler.spidercls, "source", None),
                   topics=settings.get("NEWSMON_TOPICS") or None,
                   drop_irrelevant=settings.get("NEWSMON_IRRELEVANT") == "drop")

    def open_spider(self) -> None:
        POOL.acquire(self.workers)
        POOL.warm()

    def close_spider(self) -> None:
        POOL.release()

    async def process_item(self, item: PageItem) -> PageItem:
        page = PageInput(
            url=item.response_url,
            body=item.body,
            content_type=item.content_type,
            language_hint=self.source.language if self.source else None,
            timezone=self.source.timezone if self.source else None,
            rules=self.source.extraction if self.source else None,
            published_hint=item.published_hint,
            title_hint=item.title_hint,
            topics=self.topics,
        )
        try:
            result = await POOL.run(extract_page, page)
        except WorkerCrashed as exc:
            record_crawl_error(self.crawler, f"extraction crashed on {item.response_url}: {exc}")
            raise ExtractionCrashed(f"worker died on {item.response_url}") from None
        if isinstance(result, Rejection):
            if result.reason == "ExtractionFailed":
                record_crawl_error(self.crawler, f"extraction failed on {item.response_url}: "
                             f"{result.detail}")
            raise REJECTIONS[result.reason](f"{item.response_url}: {result.detail}")
        if self.drop_irrelevant and result.relevant is False:
            raise Irrelevant(f"{item.response_url}: relevance {result.relevance} "
                             f"(topics: {', '.join(result.topics) or 'none'})")
        item.extracted = result
        return item


class StoragePipeline:
    """Writes each extracted article in its own transaction; counts new/updated/unchanged."""

    def __init__(self, crawler: Crawler, db_url: str) -> None:
        self.crawler = crawler
        self.db_url = db_url
        self.db: Database | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, database_url(crawler.settings))

    def open_spider(self) -> None:
        self.db = open_database(self.db_url, upgrade=False)

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.dispose()

    def process_item(self, item: PageItem) -> PageItem:
        assert self.db is not None and item.extracted is not None
        try:
            data = article_data(item, item.extracted)
            outcome = store_article(self.db, data)
        except DATABASE_ERRORS as exc:
            # The database is gone or full: storing more is pointless, stop this crawl.
            raise StorageFailed(database_lost(self.crawler, exc)) from None
        except (StorageError, SQLAlchemyError, ValueError) as exc:
            # ValueError: ArticleData refused a field (an absurdly long URL, say).
            message = f"cannot store {item.response_url}: {exc}".splitlines()[0]
            record_crawl_error(self.crawler, message)
            logger.error(message)
            raise StorageFailed(message) from None
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsmon/articles_{outcome}")
        return item


def article_data(item: PageItem, found: ExtractedArticle) -> ArticleData:
    """The row to store: keyed by the canonical URL when the page names one."""
    key = found.canonical_url or item.urls[-1]
    aliases = tuple(u for u in dict.fromkeys((*item.urls, key)) if u != key)
    return ArticleData(
        source=item.source,
        url=key,
        aliases=aliases,
        canonical_url=found.canonical_url,
        title=found.title,
        text=found.text,
        content_hash=found.content_hash,
        published_at=found.published_at,
        language=found.language,
        authors=found.authors,
        site_name=found.site_name,
        description=found.description,
        fetched_at=item.fetched_at,
        response_url=item.response_url,
        body_z=found.body_z,
        encoding=found.encoding,
        content_type=item.content_type,
        script=found.script,
        signature=found.signature,
        relevance=found.relevance,
        relevant=found.relevant,
        # no verdict (topics file unreadable): leave stored relevance as it is
        topics=found.topics if found.relevance is not None else None,
    )
