"""Scrapy extensions: the crawl_runs row of each crawl, whatever started it."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any, Self

from scrapy import Spider, signals
from sqlalchemy.exc import SQLAlchemyError

from crawler.components.dbguard import DATABASE_ERRORS, DB_FAILURE, database_lost, lost_database
from crawler.components.knownurls import ALREADY_STORED
from crawler.crawlstate import IGNORED_PREFIX, database_url
from crawler.drops import FAILURES
from storage.db import Database, open_database
from storage.errors import StorageError
from storage.writes import finish_run, mark_interrupted_runs, start_run

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger("newsmon.crawl")
DROP_PREFIX = "item_dropped_reasons_count/"


class CrawlRunRecorder:
    """Opens a crawl_runs row when a source's crawl starts and completes it when it ends."""

    def __init__(self, crawler: Crawler, db: Database, trigger: str) -> None:
        self.crawler = crawler
        self.db = db
        self.trigger = trigger
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        # The schema is brought up to date here, before any component writes.
        db = open_database(database_url(crawler.settings), upgrade=True)
        ext = cls(crawler, db, crawler.settings.get("NEWSMON_TRIGGER", "manual"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        try:
            interrupted = mark_interrupted_runs(self.db)
            self.run_id = start_run(self.db, spider.name, trigger=self.trigger, pid=os.getpid())
        except DATABASE_ERRORS as exc:
            # Full or gone before the crawl began: stop it, no run row to record it in.
            database_lost(self.crawler, exc)
            return
        if interrupted:
            logger.warning("marked %d earlier crawl(s) as interrupted", interrupted)
        logger.info("crawl start source=%s run=%s", spider.name, self.run_id)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        counts = run_counts(stats)
        errors: list[str] = list(getattr(spider, "crawl_errors", []))
        status, why = run_status(reason, counts, errors, known=int(stats.get(ALREADY_STORED, 0)))
        lost = lost_database(self.crawler)
        if lost is not None:  # named even when the error list was already full
            status, why = "failed", f"the crawl stopped: {lost}"
        try:
            finish_run(self.db, self.run_id, status=status, errors=errors, reason=why, **counts)
        except (StorageError, SQLAlchemyError) as exc:
            # The run stays "running"; the next crawl marks it interrupted.
            logger.error(
                "cannot record the end of crawl run %s of %s: %s",
                self.run_id,
                spider.name,
                str(exc).splitlines()[0],
            )
        logger.info(
            "crawl end source=%s run=%s status=%s pages=%d found=%d new=%d updated=%d "
            "unchanged=%d failed=%d dropped=%d errors=%d",
            spider.name,
            self.run_id,
            status,
            counts["pages_fetched"],
            counts["articles_found"],
            counts["articles_new"],
            counts["articles_updated"],
            counts["articles_unchanged"],
            counts["articles_failed"],
            sum(counts["pages_dropped"].values()),
            len(errors),
        )
        self.db.dispose()


def run_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """crawl_runs counters from a crawl's Scrapy stats."""
    dropped = {
        key.removeprefix(DROP_PREFIX): int(value)
        for key, value in stats.items()
        if key.startswith(DROP_PREFIX) and key.removeprefix(DROP_PREFIX) not in FAILURES
    }
    dropped.update(
        (key.removeprefix(IGNORED_PREFIX), int(value))
        for key, value in stats.items()
        if key.startswith(IGNORED_PREFIX)
    )
    return {
        "pages_fetched": int(stats.get("response_received_count", 0)),
        "articles_new": int(stats.get("newsmon/articles_new", 0)),
        "articles_updated": int(stats.get("newsmon/articles_updated", 0)),
        "articles_unchanged": int(stats.get("newsmon/articles_unchanged", 0)),
        # Article pages that could not be fetched, extracted or stored.
        "articles_failed": sum(int(stats.get(DROP_PREFIX + name, 0)) for name in FAILURES)
        + int(stats.get("newsmon/fetch_errors/article", 0)),
        "pages_dropped": dropped,
        "articles_found": int(stats.get("newsmon/article_links_found", 0)),
    }


def run_status(
    reason: str, counts: dict[str, Any], errors: list[str], *, known: int = 0
) -> tuple[str, str | None]:
    """``ok``, ``failed`` or ``interrupted``, and a one-line reason when not ok.

    ``known`` counts the article links skipped as already stored: a source that still lists
    its stored articles is alive even when each of its new links fails (a dead link in a
    sitemap on a day with nothing new)."""
    if reason == "shutdown":
        return "interrupted", "the crawl was stopped before it finished (signal)"
    if reason == DB_FAILURE:
        return "failed", f"the crawl stopped: {errors[-1] if errors else 'database unavailable'}"
    if reason not in ("finished",) and not reason.startswith("closespider_"):
        return "failed", f"the crawl ended with reason {reason!r}"
    if counts["pages_fetched"] == 0 and errors:
        return "failed", f"nothing could be fetched: {errors[0]}"
    if counts["articles_found"] == 0 and errors:
        return "failed", f"no article links found: {errors[0]}"
    stored = counts["articles_new"] + counts["articles_updated"] + counts["articles_unchanged"]
    if stored == 0 and known == 0 and counts["articles_failed"] and errors:
        return "failed", f"every article failed: {errors[0]}"
    return "ok", None
