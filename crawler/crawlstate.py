"""What a crawl's spider, its Scrapy components and its pipelines share: the request meta keys
they read each other's intent from, the stats keys they count under, the crawl's list of
readable errors and the database the crawl writes to.

It lives below all of them so that components never import a spider module to learn a key;
it imports neither Scrapy nor a spider.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# Request.meta key saying what a request is for: "feed", "sitemap", "listing" or "article".
ROLE = "newsmon_role"
DISCOVERY_ROLES = ("feed", "sitemap", "listing")
# Request.meta key of an article request: its normalised URL, as the spider keeps its hints.
LINK = "newsmon_link"
# Stats prefix of requests Scrapy refused to send, by reason (see crawler.components.crawlrun).
IGNORED_PREFIX = "newsmon/ignored/"
MAX_ERRORS_KEPT = 200


def record_crawl_error(crawler: Crawler, message: str) -> None:
    """Keep a readable error of this crawl for crawl_runs (the recorder extension reads the
    spider's ``crawl_errors`` list), at most MAX_ERRORS_KEPT of them."""
    errors: list[str] | None = getattr(crawler.spider, "crawl_errors", None)
    if errors is not None and len(errors) < MAX_ERRORS_KEPT:
        errors.append(message)


def database_url(settings: Any) -> str:
    """The database a crawl writes to: ``NEWSMON_DB_URL``, else ``$NEWSMON_DB``, else SQLite."""
    from storage.db import resolve_database_url

    return resolve_database_url(settings.get("NEWSMON_DB_URL"))
