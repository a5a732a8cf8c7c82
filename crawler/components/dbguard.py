"""One reaction to a database that failed mid-crawl, for every component that touches it.

The storage pipeline, the known-URL filter and the revalidation middlewares all query the
database; whichever meets the failure first stops the crawl with one readable error (no
traceback per request), and the others stay quiet. Stored articles are intact: each batch
of them was one transaction, and a failed batch is written again one article at a time
(``crawler.pipelines.StoragePipeline``). A full disk is named as such, with the database's
path.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

from scrapy.utils.defer import _schedule_coro
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

from crawler.crawlstate import database_url, record_crawl_error
from storage.db import mask_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
# The close reason of a crawl stopped because its database failed (see crawler.components.crawlrun).
DB_FAILURE = "database_unavailable"
DATABASE_ERRORS = (OperationalError, InterfaceError)
# PostgreSQL's SQLSTATE for disk_full (class 53: insufficient resources).
_PG_DISK_FULL = "53100"
_LOST = "_newsmon_db_lost"


def database_lost(crawler: Crawler, exc: Exception) -> str:
    """Stop the crawl (once) because the database failed; the one-line message."""
    message = describe_failure(database_url(crawler.settings), exc)
    if lost_database(crawler) is None:
        setattr(crawler, _LOST, message)
        record_crawl_error(crawler, message)
        logger.error("%s; stopping the crawl", message)
        if crawler.engine is not None:
            _schedule_coro(crawler.engine.close_spider_async(reason=DB_FAILURE))
    return message


def lost_database(crawler: Crawler) -> str | None:
    """Why the database stopped this crawl, or None when it did not."""
    return getattr(crawler, _LOST, None)


def describe_failure(url: str, exc: BaseException) -> str:
    """One line: a full disk as ``database or disk is full``, anything else as
    ``database unavailable``, each naming the database (SQLite: its file)."""
    original = getattr(exc, "orig", None) or exc
    detail = "; ".join(line.strip() for line in str(original).splitlines() if line.strip())
    where = _where(url)
    if _disk_full(original):
        if detail == "database or disk is full":
            return f"database or disk is full: cannot write to {where}"
        return f"database or disk is full: cannot write to {where}: {detail}"
    return f"database unavailable: {where}: {detail}"


def _disk_full(error: BaseException) -> bool:
    if isinstance(error, sqlite3.Error):
        return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return getattr(error, "sqlstate", None) == _PG_DISK_FULL


def _where(url: str) -> str:
    """An SQLite database as its file path (what people look for on a full disk); any other
    as its URL without the password."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return mask_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return mask_url(parsed)
