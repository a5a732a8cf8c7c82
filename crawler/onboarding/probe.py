"""Looking at a site for ``newsmon sources add``: the Scrapy side.

``ProbeSpider`` fetches the page, then its ``robots.txt``, then every feed and sitemap they name
(common feed paths and ``/sitemap.xml`` only when nothing names one) and checks that each parses
as what it claims to be. ``FeedCheckSpider`` (``sources import --check``) checks a list of feed
URLs the same way, each fetched once. Both run with the crawl section's politeness (user agent,
robots.txt, delays, size limits), so a site sees them as it will see crawls.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.config import CrawlConfig
from crawler.onboarding.discover import (
    common_feed_urls,
    default_sitemap_url,
    feed_links,
    guess_language,
    page_anchors,
    parse_page,
    robots_sitemaps,
    robots_url,
    sniff,
)
from crawler.onboarding.dryrun import content_type, quiet_fetch_errors, without_storage
from crawler.onboarding.findings import Candidate, ProbeFindings
from crawler.settings import crawl_settings
from crawler.urls import normalize_url
from spiders.feed import FeedError, parse_feed
from spiders.sitemap import SitemapError, parse_sitemap, sitemap_body

logger = logging.getLogger(__name__)
CANDIDATE = "newsmon_candidate"


def run_probe(url: str, crawl: CrawlConfig, log_level: str = "ERROR") -> ProbeFindings:
    """Fetch ``url`` and the feeds and sitemaps it leads to; one Scrapy run (one per process:
    the reactor cannot be restarted)."""
    findings = ProbeFindings(url=url)
    process = CrawlerProcess(_probe_settings(crawl, log_level))
    quiet_fetch_errors(log_level)
    process.crawl(ProbeSpider, url=url, findings=findings)
    process.start()
    return findings


def run_feed_check(
    urls: Sequence[str], crawl: CrawlConfig, log_level: str = "ERROR"
) -> dict[str, Candidate]:
    """Fetch each of ``urls`` once and say whether it is a feed with entries, by URL; one
    Scrapy run (one per process, as ``run_probe``). Its time is bounded by the crawl
    section's ``download_timeout`` and at most one retry per URL."""
    candidates = {url: Candidate(url=url, kind="feed", found_by="OPML") for url in urls}
    process = CrawlerProcess(_probe_settings(crawl, log_level))
    quiet_fetch_errors(log_level)
    process.crawl(FeedCheckSpider, candidates=list(candidates.values()))
    process.start()
    return candidates


def _probe_settings(crawl: CrawlConfig, log_level: str) -> Settings:
    """The crawl section's settings, without storage and item pipelines."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(
        {
            **crawl_settings(crawl),
            # no sources file is needed (the one being written to may not exist yet)
            "SPIDER_LOADER_CLASS": "scrapy.spiderloader.DummySpiderLoader",
            "LOG_LEVEL": log_level,
            "RETRY_TIMES": min(crawl.retry_times, 1),
        },
        priority="cmdline",
    )
    without_storage(settings)
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    return settings


class ProbeSpider(Spider):
    """The page, its robots.txt, then each candidate feed and sitemap."""

    name = "newsmon-sources-add"

    def __init__(self, url: str, findings: ProbeFindings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.findings = findings
        self._declared_feeds: list[Candidate] = []

    async def start(self) -> AsyncIterator[Request]:
        yield Request(
            self.url, callback=self.parse_page, errback=self.page_failed, dont_filter=True
        )

    def parse_page(self, response: Response) -> Iterator[Request]:
        found = self.findings
        found.status, found.final_url = response.status, response.url
        kind = found.kind = sniff(response.body, content_type(response))
        if kind in ("feed", "sitemap"):
            # The URL given is itself a feed or a sitemap: that is the candidate.
            candidate = Candidate(url=response.url, kind=kind, found_by="the URL given")
            found.candidates.append(candidate)
            self._verify(candidate, response)
        elif kind == "html" and isinstance(response, TextResponse):
            tree = parse_page(response.body, response.encoding, response.url)
            if tree is not None:
                found.language = guess_language(tree)
                found.anchors = page_anchors(tree)
                self._declared_feeds = [
                    Candidate(url=url, kind="feed", found_by="<link rel=alternate>", title=title)
                    for url, title in feed_links(tree)
                ]
        else:
            found.error = (
                f"{response.url}: not an HTML page, a feed or a sitemap "
                f"({content_type(response) or 'no content type'})"
            )
            return
        yield Request(
            robots_url(response.url),
            callback=self.parse_robots,
            errback=self.robots_failed,
            dont_filter=True,
            meta={"dont_obey_robotstxt": True, "handle_httpstatus_all": True},
        )

    def page_failed(self, failure: Failure) -> None:
        self.findings.error = f"{self.url}: {_reason(failure)}"

    def parse_robots(self, response: Response) -> Iterator[Request]:
        self.findings.robots_status = response.status
        sitemaps: list[str] = []
        if response.status == 200 and isinstance(response, TextResponse):
            sitemaps = robots_sitemaps(response.text)
        yield from self._candidates(sitemaps)

    def robots_failed(self, failure: Failure) -> Iterator[Request]:
        self.findings.robots_error = _reason(failure)
        yield from self._candidates([])

    def _candidates(self, robots_sitemap_urls: list[str]) -> Iterator[Request]:
        """Every candidate to verify; the guesses only when nothing declares anything."""
        page = self.findings.final_url or self.url
        given = {c.url for c in self.findings.candidates}
        candidates = list(self._declared_feeds)
        candidates += [
            Candidate(url=u, kind="sitemap", found_by="robots.txt") for u in robots_sitemap_urls
        ]
        if not self._declared_feeds and not robots_sitemap_urls and not given:
            candidates += [
                Candidate(url=u, kind="feed", found_by="common feed path")
                for u in common_feed_urls(page)
            ]
        if not robots_sitemap_urls and not given:
            candidates.append(
                Candidate(url=default_sitemap_url(page), kind="sitemap", found_by="/sitemap.xml")
            )
        for candidate in candidates:
            if candidate.url in given:
                continue
            given.add(candidate.url)
            self.findings.candidates.append(candidate)
            yield Request(
                candidate.url,
                callback=self.parse_candidate,
                errback=self.candidate_failed,
                meta={CANDIDATE: candidate},
            )

    def parse_candidate(self, response: Response) -> None:
        self._verify(response.meta[CANDIDATE], response)

    def candidate_failed(self, failure: Failure) -> None:
        _record_failure(failure)

    def _verify(self, candidate: Candidate, response: Response) -> None:
        verify(candidate, response, self.settings.getint("DOWNLOAD_MAXSIZE"))


class FeedCheckSpider(Spider):
    """Each candidate feed fetched once and verified, as ``ProbeSpider`` verifies its own."""

    name = "newsmon-sources-import"

    def __init__(self, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.candidates = candidates

    async def start(self) -> AsyncIterator[Request]:
        for candidate in self.candidates:
            yield Request(
                candidate.url,
                callback=self.parse_candidate,
                errback=_record_failure,
                meta={CANDIDATE: candidate},
                dont_filter=True,
            )

    def parse_candidate(self, response: Response) -> None:
        verify(response.meta[CANDIDATE], response, self.settings.getint("DOWNLOAD_MAXSIZE"))


def _record_failure(failure: Failure) -> None:
    request = getattr(failure, "request", None)
    candidate: Candidate | None = request.meta.get(CANDIDATE) if request else None
    if candidate is not None:
        candidate.detail = _reason(failure)
        response = getattr(failure.value, "response", None)
        candidate.status = response.status if response is not None else None


def verify(candidate: Candidate, response: Response, max_size: int) -> None:
    """Whether the response is a feed or sitemap with links (the kind the content shows,
    which may not be the kind the candidate was found as)."""
    candidate.status = response.status
    kind = sniff(response.body, content_type(response))
    if kind == "feed":
        candidate.kind = "feed"
        try:
            links = parse_feed(response.body, response.url, content_type(response))
        except FeedError as exc:
            candidate.detail = str(exc)
            return
        candidate.links = frozenset(normalize_url(link.url) for link in links)
        dates = [link.published_at for link in links if link.published_at]
        newest = f", newest {max(dates):%Y-%m-%d}" if dates else ""
        candidate.detail = f"feed: {len(links)} entries{newest}"
        candidate.ok = bool(links)
    elif kind == "sitemap":
        candidate.kind = "sitemap"
        try:
            parsed = parse_sitemap(sitemap_body(response.body, max_size))
        except SitemapError as exc:
            candidate.detail = str(exc)
            return
        candidate.news = any(link.published_at for link in parsed.links)
        if parsed.kind == "sitemapindex":
            candidate.detail = f"sitemap index of {len(parsed.sitemaps)} sitemaps"
        else:
            news = " (Google News)" if candidate.news else ""
            candidate.detail = f"sitemap{news}: {len(parsed.links)} links"
        candidate.ok = bool(parsed.links or parsed.sitemaps)
    else:
        what = "an HTML page" if kind == "html" else content_type(response) or "no type"
        candidate.detail = f"not a {candidate.kind} ({what})"


def _reason(failure: Failure) -> str:
    response = getattr(failure.value, "response", None)
    if failure.check(HttpError) and response is not None:
        return f"HTTP {response.status}"
    if failure.check(IgnoreRequest):
        message = failure.getErrorMessage()
        return "robots.txt forbids it" if "robots" in message else f"refused: {message}"
    return f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
