"""One reaction to a database that went away mid-crawl, for every component that touches it.

The storage pipeline, the known-URL filter and the revalidation middlewares all query the
database; whichever meets the failure first stops the crawl with one readable error (no
traceback per request), and the others stay quiet. Stored articles are intact: each was
written in its own transaction.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.utils.defer import _schedule_coro
from sqlalchemy.exc import InterfaceError, OperationalError

from spiders.source import record_crawl_error

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
# The close reason of a crawl stopped because its database failed (see crawler.extensions).
DB_FAILURE = "database_unavailable"
DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_lost(crawler: Crawler, exc: Exception) -> str:
    """Stop the crawl (once) because the database failed; the one-line message."""
    message = f"database unavailable: {getattr(exc, 'orig', None) or exc}".splitlines()[0]
    if not getattr(crawler, "_newsmon_db_lost", False):
        crawler._newsmon_db_lost = True  # type: ignore[attr-defined]
        record_crawl_error(crawler, message)
        logger.error("%s; stopping the crawl", message)
        if crawler.engine is not None:
            _schedule_coro(crawler.engine.close_spider_async(reason=DB_FAILURE))
    return message
