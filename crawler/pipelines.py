"""Item pipelines: thin adapters from Scrapy items to extraction and storage.

Order (set in ``crawler.settings``): ExtractionPipeline, then StoragePipeline. Where a row is
written: ``storage.writes.store_articles``; where text is extracted: ``crawler.extraction.page``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Self

from sqlalchemy.exc import SQLAlchemyError

from crawler.articles import ArticleItem, stored_article
from crawler.components.dbguard import DATABASE_ERRORS, database_lost, lost_database
from crawler.crawlstate import database_url, record_crawl_error
from crawler.drops import (
    REJECTIONS,
    ExtractionCrashed,
    ExtractionFailed,
    Irrelevant,
    StorageFailed,
)
from crawler.extraction.page import ExtractedArticle, PageInput, Rejection, extract_page
from crawler.extraction.workers import POOL, WorkerCrashed
from crawler.items import PageItem
from storage.db import Database, open_database
from storage.errors import StorageError
from storage.writes import ArticleData, StoreOutcome, store_article, store_articles

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.config import ExtractionRules

logger = logging.getLogger(__name__)


class ExtractionPipeline:
    """Runs ``extract_page`` in the worker pool; drops pages that hold no article, by reason,
    and irrelevant articles when the source says ``irrelevant: drop``."""

    # Whether an extraction bug's traceback was logged: once per crawl process, for every
    # source crawled in it (they share the worker pool, so they share its bugs).
    _bug_logged = False

    def __init__(
        self,
        crawler: Crawler,
        workers: int | None,
        *,
        language_hint: str | None = None,
        timezone: str | None = None,
        rules: ExtractionRules | None = None,
        topics: str | None = None,
        drop_irrelevant: bool = False,
    ) -> None:
        self.crawler = crawler
        self.workers = workers
        self.language_hint = language_hint
        self.timezone = timezone
        self.rules = rules
        self.topics = topics
        self.drop_irrelevant = drop_irrelevant

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """The source's values from its crawler's settings (``settings.source_settings``)."""
        settings = crawler.settings
        return cls(
            crawler,
            settings.getint("NEWSMON_EXTRACTION_WORKERS") or None,
            language_hint=settings.get("NEWSMON_LANGUAGE"),
            timezone=settings.get("NEWSMON_TIMEZONE"),
            rules=settings.get("NEWSMON_EXTRACTION_RULES"),
            topics=settings.get("NEWSMON_TOPICS") or None,
            drop_irrelevant=settings.get("NEWSMON_IRRELEVANT") == "drop",
        )

    def open_spider(self) -> None:
        POOL.acquire(self.workers)
        POOL.warm()

    def close_spider(self) -> None:
        POOL.release()

    async def process_item(self, item: PageItem) -> ArticleItem:
        page = PageInput(
            url=item.response_url,
            body=item.body,
            content_type=item.content_type,
            language_hint=self.language_hint,
            timezone=self.timezone,
            rules=self.rules,
            published_hint=item.published_hint,
            title_hint=item.title_hint,
            topics=self.topics,
            compress=item.body_gzip is None,
        )
        try:
            result = await POOL.run(extract_page, page)
        except WorkerCrashed as exc:
            record_crawl_error(self.crawler, f"extraction crashed on {item.response_url}: {exc}")
            raise ExtractionCrashed(f"worker died on {item.response_url}") from None
        except Exception as exc:
            # A bug in newsmon's extraction (or a broken installation): counted and recorded
            # like trafilatura failing on the page, with the traceback logged once per crawl,
            # rather than a bare Scrapy traceback per page and a run that looks fine.
            message = f"extraction failed on {item.response_url}: {type(exc).__name__}: {exc}"
            record_crawl_error(self.crawler, message.splitlines()[0])
            logger.error("%s", message.splitlines()[0], exc_info=not ExtractionPipeline._bug_logged)
            ExtractionPipeline._bug_logged = True
            raise ExtractionFailed(message) from None
        if isinstance(result, Rejection):
            if result.reason == "ExtractionFailed":
                record_crawl_error(
                    self.crawler, f"extraction failed on {item.response_url}: {result.detail}"
                )
            raise REJECTIONS[result.reason](f"{item.response_url}: {result.detail}")
        if self.drop_irrelevant and result.relevant is False:
            raise Irrelevant(
                f"{item.response_url}: relevance {result.relevance} "
                f"(topics: {', '.join(result.topics) or 'none'})"
            )
        return ArticleItem(page=item, article=result)


class StoragePipeline:
    """Writes extracted articles in batches, one transaction each; counts new/updated/unchanged.

    An item waits for its batch to be written: ``batch_size`` items, or ``batch_delay``
    seconds without a new one, or the end of the crawl. A transaction per article cost as
    much CPU as the rest of the crawl's main process. When no page is being extracted, no
    item can join the batch soon, so it is written at once: the last articles of a crawl, or
    those of a crawl slower than its extraction, do not wait for the delay. A batch that
    fails (a lost race, a bad value, a full disk) is written again one article at a time,
    each in its own transaction, so one bad article loses no other and fails as it would
    alone."""

    def __init__(
        self, crawler: Crawler, db_url: str, batch_size: int = 32, batch_delay: float = 0.25
    ) -> None:
        self.crawler = crawler
        self.db_url = db_url
        self.batch_size = max(1, batch_size)
        self.batch_delay = batch_delay
        self.db: Database | None = None
        self._pending: list[tuple[PageItem, ArticleData, asyncio.Future[StoreOutcome]]] = []
        self._timer: asyncio.TimerHandle | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(
            crawler,
            database_url(settings),
            batch_size=settings.getint("NEWSMON_STORE_BATCH", 32),
            batch_delay=settings.getfloat("NEWSMON_STORE_DELAY", 0.25),
        )

    def open_spider(self) -> None:
        self.db = open_database(self.db_url, upgrade=False)

    def close_spider(self) -> None:
        self._flush()
        if self.db is not None:
            self.db.dispose()

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        assert self.db is not None
        try:
            data = article_data(item.page, item.article)
        except ValueError as exc:
            # ArticleData refused a field (an absurdly long URL, say).
            raise StorageFailed(self._failed(item.page, exc)) from None
        loop = asyncio.get_running_loop()
        stored: asyncio.Future[StoreOutcome] = loop.create_future()
        self._pending.append((item.page, data, stored))
        if len(self._pending) >= self.batch_size or not POOL.running:
            self._flush()
        else:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = loop.call_later(self.batch_delay, self._flush)
        outcome = await stored
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsmon/articles_{outcome}")
        return item

    def _flush(self) -> None:
        """Write the waiting items and hand each its outcome or its failure."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        pending, self._pending = self._pending, []
        if not pending or self.db is None:
            return
        try:
            outcomes = store_articles(self.db, [data for _, data, _ in pending])
        except Exception as exc:
            logger.debug(
                "a batch of %d articles failed (%s); storing them one by one", len(pending), exc
            )
            for item, data, stored in pending:
                self._store_one(item, data, stored)
            return
        for (_, _, stored), outcome in zip(pending, outcomes, strict=True):
            _settle(stored, outcome)

    def _store_one(
        self, item: PageItem, data: ArticleData, stored: asyncio.Future[StoreOutcome]
    ) -> None:
        assert self.db is not None
        lost = lost_database(self.crawler)
        if lost is not None:  # an earlier article found it gone: do not wait on it again
            _settle(stored, StorageFailed(lost))
            return
        try:
            _settle(stored, store_article(self.db, data))
        except DATABASE_ERRORS as exc:
            # The database is gone or full: storing more is pointless, stop this crawl.
            _settle(stored, StorageFailed(database_lost(self.crawler, exc)))
        except (StorageError, SQLAlchemyError, ValueError) as exc:
            _settle(stored, StorageFailed(self._failed(item, exc)))
        except Exception as exc:
            _settle(stored, exc)

    def _failed(self, item: PageItem, exc: Exception) -> str:
        message = f"cannot store {item.response_url}: {exc}".splitlines()[0]
        record_crawl_error(self.crawler, message)
        logger.error(message)
        return message


def _settle(stored: asyncio.Future[StoreOutcome], result: StoreOutcome | Exception) -> None:
    """Hand an item its outcome, unless its processing was cancelled (the crawl stopped)."""
    if stored.done():
        return
    if isinstance(result, Exception):
        stored.set_exception(result)
    else:
        stored.set_result(result)


def article_data(item: PageItem, found: ExtractedArticle) -> ArticleData:
    """The row to store: keyed by the canonical URL when the page names one."""
    key = found.canonical_url or item.urls[-1]
    aliases = tuple(u for u in dict.fromkeys((*item.urls, key)) if u != key)
    return stored_article(
        found,
        source=item.source,
        url=key,
        aliases=aliases,
        fetched_at=item.fetched_at,
        response_url=item.response_url,
        content_type=item.content_type,
        body_z=item.body_gzip,
    )
