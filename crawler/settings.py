"""Scrapy settings: the project defaults (this module, named in scrapy.cfg) and the mapping from
the sources file's ``crawl:`` section to Scrapy setting names. The one place pipeline, middleware
and extension order lives."""

from __future__ import annotations

from typing import Any

from crawler.config import CrawlConfig, NewsmonConfig, SourceConfig

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
NEWSMON_TOPICS = None  # topics file judging relevance; None: the shipped climate cooperation
NEWSMON_IRRELEVANT = "keep"  # irrelevant articles: "keep" (stored, flagged) or "drop"


def source_settings(source: SourceConfig, crawl: CrawlConfig) -> dict[str, Any]:
    """Scrapy settings of one source's crawler: its bounds over the crawl section's."""
    return {
        "CLOSESPIDER_PAGECOUNT": source.max_pages or crawl.max_pages,
        "DEPTH_LIMIT": source.max_depth or crawl.max_depth,
        "NEWSMON_MAX_AGE_DAYS": source.max_age_days or crawl.max_age_days or 0,
    }


def relevance_settings(source: SourceConfig, config: NewsmonConfig) -> dict[str, Any]:
    """Scrapy settings of one source's crawler for judging relevance (see crawler/relevance)."""
    return {
        "NEWSMON_TOPICS": config.topics_of(source),
        "NEWSMON_IRRELEVANT": config.irrelevant_of(source),
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
