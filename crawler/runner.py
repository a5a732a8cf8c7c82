"""Run one crawl of the selected sources in this process, with live progress on a terminal.

Scrapy's reactor cannot be restarted: one call to ``run_crawl`` per process. The scheduler runs
each crawl in a fresh subprocess for that reason.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from crawler.components.crawlrun import CrawlRunRecorder
from crawler.components.dbguard import lost_database
from crawler.config import NewsmonConfig, SourceConfig
from crawler.errors import DatabaseLost, WorkersUnavailable
from crawler.extraction.workers import POOL
from spiders.registry import site_spiders, spider_class
from storage.db import open_database
from storage.errors import StorageError
from storage.models import CrawlRun
from storage.writes import record_failed_run

logger = logging.getLogger("newsmon.crawl")


@dataclass(frozen=True)
class CrawlOptions:
    config_path: Path | None
    db_url: str
    trigger: str = "manual"
    log_level: str = "INFO"
    progress: bool = False


def project_settings(options: CrawlOptions, config: NewsmonConfig) -> Settings:
    """Scrapy settings for a crawl: project defaults, then what the CLI resolved."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(
        {
            "NEWSMON_CONFIG": str(options.config_path) if options.config_path else None,
            "NEWSMON_DB_URL": options.db_url,
            "NEWSMON_TRIGGER": options.trigger,
            "LOG_LEVEL": options.log_level,
            "STATS_DUMP": options.log_level == "DEBUG",
            "NEWSMON_EXTRACTION_WORKERS": config.crawl.extraction_workers or 0,
        },
        priority="cmdline",
    )
    return settings


def run_crawl(
    config: NewsmonConfig, sources: tuple[SourceConfig, ...], options: CrawlOptions
) -> list[CrawlRun]:
    """Crawl ``sources`` once, together; return their finished crawl_runs rows.

    Raises ``DatabaseLost`` when the database failed mid-crawl (full disk, server gone), and
    ``WorkersUnavailable`` (after recording a failed run per source) when the extraction
    workers cannot be started."""
    # Fail early, with a clean message, on a database that cannot be reached or upgraded.
    open_database(options.db_url, upgrade=True).dispose()
    with _startup_dump_once(enabled=options.log_level != "DEBUG"):
        return _run_process(config, sources, options)


def _run_process(
    config: NewsmonConfig, sources: tuple[SourceConfig, ...], options: CrawlOptions
) -> list[CrawlRun]:
    process = CrawlerProcess(project_settings(options, config))
    overrides = site_spiders()
    crawlers: list[Crawler] = []
    # Spider classes made from ``config``, not names: Scrapy's spider loader would read the
    # sources file again to resolve a name.
    for source in sources:
        crawler = process.create_crawler(spider_class(source, config, overrides))
        crawlers.append(crawler)
        process.crawl(crawler)
    # Started here, before the reactor: a pool that cannot start fails the crawl with one
    # reason, instead of a traceback from each spider's opening and a crawl that looks fine.
    POOL.acquire(config.crawl.extraction_workers)
    try:
        POOL.warm()
    except WorkersUnavailable as exc:
        POOL.release()
        _record_not_started(options, sources, str(exc))
        raise
    display = _start_progress(crawlers) if options.progress else None
    try:
        process.start()
    finally:
        if display is not None:
            display.stop()
        POOL.release()
    lost = [message for message in map(lost_database, crawlers) if message]
    try:
        runs = _finished_runs(options.db_url, crawlers)
    except (StorageError, SQLAlchemyError):
        if not lost:
            raise
        runs = []  # the database failed for good: say why the crawl stopped, not this
    if lost:
        raise DatabaseLost(f"the crawl stopped: {lost[0]}", runs)
    return runs


# Loggers of Scrapy's start-up dump (versions, add-ons, overridden settings, enabled
# components) and of the schema check each crawler's CrawlRunRecorder makes.
STARTUP_LOGGERS = (
    "scrapy.utils.log",
    "scrapy.addons",
    "scrapy.crawler",
    "scrapy.middleware",
    "alembic.runtime.migration",
)


class _FirstTimeOnly(logging.Filter):
    """Passes an INFO record only the first time its first line is seen: Scrapy logs its
    start-up dump for every crawler, and a crawl has one crawler per source."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[tuple[str, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        key = (record.name, record.getMessage().partition("\n")[0])
        if key in self._seen:
            return False
        self._seen.add(key)
        return True


@contextmanager
def _startup_dump_once(*, enabled: bool) -> Iterator[None]:
    """Scrapy's start-up dump once per crawl, not once per source (all of it at DEBUG)."""
    if not enabled:
        yield
        return
    once = _FirstTimeOnly()
    loggers = [logging.getLogger(name) for name in STARTUP_LOGGERS]
    for each in loggers:
        each.addFilter(once)
    try:
        yield
    finally:
        for each in loggers:
            each.removeFilter(once)


def _record_not_started(
    options: CrawlOptions, sources: tuple[SourceConfig, ...], reason: str
) -> None:
    """A failed crawl_runs row per source, so ``status`` and health show why nothing ran."""
    with open_database(options.db_url, upgrade=False) as db:
        for source in sources:
            record_failed_run(db, source.name, options.trigger, reason, pid=os.getpid())


def _finished_runs(db_url: str, crawlers: list[Crawler]) -> list[CrawlRun]:
    run_ids = []
    for crawler in crawlers:
        recorder = crawler.get_extension(CrawlRunRecorder) if crawler.extensions else None
        if recorder is not None and recorder.run_id is not None:
            run_ids.append(recorder.run_id)
    with open_database(db_url, upgrade=False) as db, db.session() as session:
        # with their source loaded: the summary reads run.source.name after the session
        return list(
            session.scalars(
                select(CrawlRun)
                .options(joinedload(CrawlRun.source))
                .where(CrawlRun.id.in_(run_ids))
                .order_by(CrawlRun.id)
            )
        )


class _Progress:
    """A live table of pages, articles and errors per source, redrawn twice a second."""

    def __init__(self, crawlers: list[Crawler]) -> None:
        from rich.console import Console
        from rich.live import Live

        self.crawlers = crawlers
        self.live = Live(
            self._table(), console=Console(stderr=True), refresh_per_second=2, transient=True
        )

    def _table(self) -> Any:
        from rich.table import Table

        table = Table(title="newsmon crawl", expand=False)
        for column in ("source", "pages", "new", "updated", "unchanged", "dropped", "errors"):
            table.add_column(column, justify="left" if column == "source" else "right")
        for crawler in self.crawlers:
            stats = crawler.stats.get_stats() if crawler.stats else {}
            dropped = sum(v for k, v in stats.items() if k.startswith("item_dropped_count"))
            spider = getattr(crawler, "spider", None)
            errors = len(getattr(spider, "crawl_errors", []) if spider else [])
            table.add_row(
                crawler.spidercls.name,
                str(stats.get("response_received_count", 0)),
                str(stats.get("newsmon/articles_new", 0)),
                str(stats.get("newsmon/articles_updated", 0)),
                str(stats.get("newsmon/articles_unchanged", 0)),
                str(dropped),
                str(errors),
            )
        return table

    def refresh(self) -> None:
        self.live.update(self._table())

    def stop(self) -> None:
        if self._loop.running:
            self._loop.stop()
        self.live.stop()

    def start(self) -> None:
        from twisted.internet import task

        self.live.start()
        self._loop = task.LoopingCall(self.refresh)
        self._loop.start(0.5, now=False)


def _start_progress(crawlers: list[Crawler]) -> _Progress | None:
    if not sys.stderr.isatty():
        return None
    display = _Progress(crawlers)
    display.start()
    return display
