"""Scrapy settings: the project defaults (this module, named in scrapy.cfg) and the mapping from
the sources file's ``crawl:`` section and each source's resolved values to Scrapy setting names.
The one place pipeline, middleware and extension order lives."""

from __future__ import annotations

import typing
from typing import Any

# typing.TYPE_CHECKING, not the bare name: Scrapy reads every upper-case name of this module
# as a setting.
if typing.TYPE_CHECKING:
    from crawler.config import CrawlConfig, ResolvedSource

BOT_NAME = "newsmon"
SPIDER_LOADER_CLASS = "spiders.registry.SourceSpiderLoader"
SPIDER_MODULES = ["spiders.sites"]
NEWSPIDER_MODULE = "spiders.sites"

ITEM_PIPELINES = {
    "crawler.pipelines.ExtractionPipeline": 100,
    "crawler.pipelines.StoragePipeline": 800,
}
SPIDER_MIDDLEWARES = {
    "crawler.components.knownurls.KnownUrlFilter": 600,
    "crawler.components.revalidation.ValidatorRecorder": 650,
    # Scrapy's, replaced where it is: counts the links past max_depth (crawler/components/bounds.py)
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "crawler.components.bounds.DepthLimitMiddleware": 900,
}
DOWNLOADER_MIDDLEWARES = {
    # after Scrapy's RobotsTxtMiddleware (100): it knows each site's robots.txt
    "crawler.components.politeness.CrawlDelayMiddleware": 110,
    "crawler.components.bounds.PageBudgetMiddleware": 115,
    "crawler.components.revalidation.ConditionalRequestMiddleware": 120,
    # Scrapy's, replaced where they are: waits for Retry-After; reports redirect loops
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.components.retry.RetryAfterMiddleware": 550,
    # sees a robots.txt failure once the retries are spent: one warning, no traceback
    "crawler.components.robots.RobotsTxtFailureReporter": 540,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.components.redirects.RedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.components.redirects.MetaRefreshMiddleware": 580,
    # just before Scrapy's HttpCompressionMiddleware (590) inflates a response
    "crawler.components.keepgzip.ServerGzipKeeper": 595,
}
EXTENSIONS = {
    "crawler.components.crawlrun.CrawlRunRecorder": 100,
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.components.politeness.NewsmonAutoThrottle": 0,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Scrapy's own, with the per-site concurrency limit enforced (see crawler/components/downloader.py).
DOWNLOADER = "crawler.components.downloader.BoundedDownloader"
TELNETCONSOLE_ENABLED = False
# Scrapy's remote-control HTTP server: a port per crawl and a job file in
# ~/.local/state/scrapy/job_files that a killed crawl leaves behind; newsmon does not use it.
REMOTE_CONTROL_ENABLED = False
LOG_FORMATTER = "crawler.components.logformatter.NewsmonLogFormatter"
ROBOTSTXT_OBEY = True
COMPRESSION_ENABLED = True
DNS_TIMEOUT = 20
RETRY_ENABLED = True
# A request that failed for good is reported once, as a warning naming the reason: by the
# spider's errback, or for robots.txt by crawler.components.robots. Scrapy's own ERROR line
# would repeat it.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
REDIRECT_ENABLED = True
METAREFRESH_ENABLED = True
LOG_LEVEL = "INFO"
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
# Items processed at once per response. Scrapy 2.19 starts this many tasks for every
# response even when it yields one item; 100 (the default) cost ~1.2 ms of CPU per page.
CONCURRENT_ITEMS = 16
# Responses held in memory while extraction catches up (backpressure on the downloader).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 8_000_000

# newsmon's own settings (set by the CLI; ``scrapy crawl`` falls back to the environment).
NEWSMON_CONFIG = None  # path of the sources file; None: $NEWSMON_CONFIG or ./sources.yaml
NEWSMON_DB_URL = None  # None: $NEWSMON_DB or sqlite:///newsmon.db
NEWSMON_TRIGGER = "manual"
NEWSMON_EXTRACTION_WORKERS = 0  # 0: one per CPU
# Per-source values (see source_settings), each source's crawler has its own.
NEWSMON_MAX_AGE_DAYS = 0  # feed and sitemap items older than this are not fetched; 0: no limit
NEWSMON_RECHECK_DAYS = 0  # stored articles published this recently are fetched again
NEWSMON_TOPICS = None  # topics file judging relevance; None: the shipped climate cooperation
NEWSMON_IRRELEVANT = "keep"  # irrelevant articles: "keep" (stored, flagged) or "drop"
NEWSMON_LANGUAGE = None  # the source's language hint
NEWSMON_TIMEZONE = None  # zone of the source's pages that state local times only
NEWSMON_EXTRACTION_RULES = None  # the source's crawler.config.ExtractionRules


def source_settings(source: ResolvedSource) -> dict[str, Any]:
    """Scrapy settings of one source's crawler: how each per-source value reaches its spider
    and components (each source has a crawler, so its settings are the source's own)."""
    return {
        "CLOSESPIDER_PAGECOUNT": source.max_pages,
        "DEPTH_LIMIT": source.max_depth,
        "NEWSMON_MAX_AGE_DAYS": source.max_age_days or 0,
        "NEWSMON_RECHECK_DAYS": source.recheck_days,
        "NEWSMON_TOPICS": source.topics,
        "NEWSMON_IRRELEVANT": source.irrelevant,
        "NEWSMON_LANGUAGE": source.language,
        "NEWSMON_TIMEZONE": source.timezone,
        "NEWSMON_EXTRACTION_RULES": source.extraction,
    }


def crawl_settings(crawl: CrawlConfig) -> dict[str, Any]:
    """Scrapy settings for the ``crawl:`` section of the sources file."""
    return {
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "CONCURRENT_REQUESTS": crawl.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency_per_domain,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": crawl.autothrottle_start_delay,
        "AUTOTHROTTLE_MAX_DELAY": crawl.autothrottle_max_delay,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": crawl.autothrottle_target_concurrency,
        "DOWNLOAD_TIMEOUT": crawl.download_timeout,
        "RETRY_TIMES": crawl.retry_times,
        "DOWNLOAD_MAXSIZE": crawl.max_response_size,
        "DOWNLOAD_WARNSIZE": max(1, int(crawl.max_response_size) // 4),
        "REDIRECT_MAX_TIMES": crawl.redirect_max_times,
        "NEWSMON_EXTRACTION_WORKERS": crawl.extraction_workers or 0,
        "HTTPCACHE_ENABLED": crawl.http_cache,
    }
