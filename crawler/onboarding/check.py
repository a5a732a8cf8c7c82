"""``newsmon sources check``: one dry run of a source's real spider, then a judgement of the
articles it extracted. Nothing is stored; stored articles are fetched again and marked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from crawler.config import NewsmonConfig, SourceConfig
from crawler.errors import UsageError
from crawler.onboarding.dryrun import (
    RECORDER,
    RECORDER_ORDER,
    dry_run_class,
    quiet_fetch_errors,
    without_storage,
)
from crawler.onboarding.findings import CheckFindings
from crawler.onboarding.quality import assess
from crawler.runner import CrawlOptions, project_settings
from spiders.registry import site_spiders, spider_class
from spiders.source import source_domains
from storage.db import open_database
from storage.errors import StorageError
from storage.queries import known_urls


@dataclass(frozen=True)
class CheckOptions:
    """What to check and how much: at most ``limit`` articles and ``pages`` discovery pages
    beyond the configured ones."""

    url: str | None = None
    limit: int = 5
    pages: int = 5
    config_path: Path | None = None
    db_url: str | None = None  # to mark articles already stored; None: do not look
    log_level: str = "ERROR"


def run_check(config: NewsmonConfig, name: str, options: CheckOptions) -> CheckFindings:
    """Dry-run source ``name``; one per process (Scrapy's reactor cannot be restarted)."""
    (source,) = config.select([name])
    if options.url:
        _require_on_site(source, options.url)
    findings = CheckFindings(
        source=source.name, article_limit=options.limit, page_limit=options.pages
    )
    spidercls = dry_run_class(spider_class(source, config, site_spiders()), findings, options.url)
    settings = project_settings(
        CrawlOptions(
            config_path=options.config_path,
            db_url=options.db_url or "sqlite://",
            log_level=options.log_level,
        ),
        config,
    )
    # One extraction worker: a few pages do not pay for starting more.
    settings.set("NEWSMON_EXTRACTION_WORKERS", 1, priority="cmdline")
    without_storage(settings, {RECORDER: RECORDER_ORDER})
    process = CrawlerProcess(settings)
    quiet_fetch_errors(options.log_level)
    process.crawl(process.create_crawler(spidercls))
    process.start()
    assess([a.sample for a in findings.extracted if a.sample], source.language)
    if options.db_url:
        mark_stored(findings, options.db_url)
    return findings


def _require_on_site(source: SourceConfig, url: str) -> None:
    domains = source_domains(source)
    host = urlsplit(url).hostname or ""
    # Scrapy's offsite rule (a domain or any of its subdomains), on the host name alone:
    # scrapy.utils.url.url_is_from_any_domain compares the port too.
    if not any(host == d or host.endswith("." + d) for d in domains):
        raise UsageError(
            f"--url {url}: not on the domains of source {source.name!r} "
            f"({', '.join(domains)}); a crawl would not fetch it"
        )


def mark_stored(findings: CheckFindings, db_url: str) -> None:
    """Mark the article links already in the database (a real crawl skips them). A database
    that does not exist yet is not created for this."""
    try:
        url = make_url(db_url)
    except ArgumentError:
        return
    if url.drivername.startswith("sqlite") and (
        not url.database or not Path(url.database).exists()
    ):
        return
    try:
        with open_database(db_url, upgrade=False) as db, db.session() as session:
            stored = known_urls(session, list(findings.articles))
    except (StorageError, SQLAlchemyError) as exc:
        findings.notes.append(f"stored articles not looked up: {str(exc).splitlines()[0]}")
        return
    for url_key in stored:
        findings.articles[url_key].stored = True
