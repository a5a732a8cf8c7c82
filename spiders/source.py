"""One spider per configured source, combining the feeds, sitemaps and listing pages it names.

One crawler per source (not per kind of discovery) so Scrapy's duplicate filter, budgets and
stats work per source, and a URL found in both a feed and a sitemap is fetched once. A site that
needs code subclasses ``SourceSpider`` in ``spiders/sites/`` and overrides one hook at a time:
``start``, ``feed_links``, ``sitemap_links``, ``listing_links``, ``next_pages`` or
``is_article_url``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any, ClassVar, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload
from scrapy.http import Headers, Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure

from crawler.config import SourceConfig
from crawler.crawlstate import IGNORED_PREFIX, LINK, ROLE, record_crawl_error
from crawler.failures import FetchLimits, describe_failure, fetch_limits, refusal
from crawler.items import PageItem
from crawler.pagebody import GZIP_BODY, HTML_TYPES, server_gzip
from crawler.urls import domain_parts, normalize_url, strip_session_ids
from spiders.feed import FeedError, read_feed
from spiders.links import ArticleLink, merge_links
from spiders.sitemap import SitemapError, parse_sitemap, sitemap_body

# Request.meta key of a sitemap request: the sitemaps that led to it, to catch index loops.
SITEMAP_CHAIN = "newsmon_sitemap_chain"
# HTTP answers that will not change on a retry: gone, not found, legally withheld.
PERMANENT_HTTP_ERRORS = (404, 410, 451)


class SourceSpider(Spider):
    """Crawls one source: discovery pages first, then the article pages they link."""

    # Set on the per-source subclass made by ``spiders.registry``.
    source: ClassVar[SourceConfig]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_headers, signal=signals.headers_received)
        return spider

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Readable errors of this crawl, for crawl_runs (see crawler.components.crawlrun).
        self.crawl_errors: list[str] = []
        # What discovery pages said about each article URL not yet fetched.
        self._links: dict[str, ArticleLink] = {}
        self._article_res = [re.compile(p) for p in self.source.article_urls]
        self.allowed_domains = source_domains(self.source)

    # --- discovery -----------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for url in self.source.feeds:
            yield self.discovery_request(url, "feed", self.parse_feed)
        for url in self.source.sitemaps:
            yield self.discovery_request(url, "sitemap", self.parse_sitemap)
        for url in self.source.start_urls:
            yield self.discovery_request(url, "listing", self.parse_listing)

    def discovery_request(self, url: str, role: str, callback: Any) -> Request:
        # Discovery pages go first so articles are found early; they are never cached as seen.
        # 304 reaches the callback: the page is unchanged since the last crawl (revalidation).
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            priority=100,
            meta={ROLE: role, "handle_httpstatus_list": [304]},
        )

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if response.status == 304:
            return
        content_type = _header(response, b"Content-Type")
        try:
            links = self.feed_links(response.body, response.url, content_type)
        except FeedError as exc:
            self.record_error(f"feed {response.url}: {exc}")
            return
        yield from self.article_requests(links)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if response.status == 304:
            return
        max_size = response.meta.get("download_maxsize") or self.settings.getint("DOWNLOAD_MAXSIZE")
        try:
            parsed = parse_sitemap(sitemap_body(response.body, max_size))
        except SitemapError as exc:
            self.record_error(f"sitemap {response.url}: {exc}")
            return
        if parsed.problem:
            self.record_error(f"sitemap {response.url}: {parsed.problem}")
        # A sitemap index listing itself, or a child listing the index, would otherwise be
        # dropped quietly by the duplicate filter: say so, it is a bug of the site.
        chain = (
            *response.meta.get(SITEMAP_CHAIN, ()),
            response.url,
            *response.meta.get("redirect_urls", ()),
        )
        for child in parsed.sitemaps:
            if child in chain:
                self.record_error(
                    f"sitemap {response.url}: lists {child}, which leads back to "
                    "itself (a sitemap loop); not read again"
                )
                continue
            request = self.discovery_request(child, "sitemap", self.parse_sitemap)
            request.meta[SITEMAP_CHAIN] = chain
            yield request
        yield from self.article_requests(self.sitemap_links(parsed.links))

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if response.status == 304:
            return
        if not isinstance(response, TextResponse):
            self.record_error(f"listing {response.url}: not an HTML page")
            return
        links = list(self.listing_links(response))
        article_urls = {link.url for link in links}
        yield from self.article_requests(links)
        for url in self.next_pages(response):
            if url not in article_urls:
                # A session id in every link (``;jsessionid=``, ``?sid=``) would make each
                # listing page new to the duplicate filter, forever.
                yield self.discovery_request(strip_session_ids(url), "listing", self.parse_listing)

    # --- hooks a site spider may override ------------------------------------------------

    def feed_links(self, body: bytes, url: str, content_type: str | None) -> list[ArticleLink]:
        feed = read_feed(body, url, content_type)
        if feed.problem:
            self.record_error(f"feed {url}: {feed.problem}")
        return feed.links

    def sitemap_links(self, links: list[ArticleLink]) -> Iterable[ArticleLink]:
        return links

    def listing_links(self, response: TextResponse) -> Iterable[ArticleLink]:
        for link in self._article_extractor.extract_links(response):
            yield ArticleLink(url=link.url, title=link.text.strip() or None)

    def next_pages(self, response: TextResponse) -> Iterable[str]:
        """More listing pages to walk: links matching ``follow`` that are not articles."""
        for link in self._follow_extractor.extract_links(response):
            if not self.is_article_url(link.url):
                yield link.url

    def is_article_url(self, url: str) -> bool:
        """Whether a discovered URL is an article; feeds and sitemaps list only articles
        unless the source narrows them with ``article_urls``."""
        return not self._article_res or any(r.search(url) for r in self._article_res)

    # --- articles --------------------------------------------------------------------------

    def article_requests(self, links: Iterable[ArticleLink]) -> Iterator[Request]:
        oldest = self._oldest_accepted()
        for link in links:
            if not self.is_article_url(link.url):
                continue
            if oldest and link.published_at and link.published_at < oldest:
                if self.crawler.stats is not None:
                    self.crawler.stats.inc_value(f"{IGNORED_PREFIX}TooOld")
                continue
            url = normalize_url(link.url)
            # Scrapy drops a repeated request; its hints are merged here instead of lost.
            seen = self._links.get(url)
            self._links[url] = merge_links(seen, link) if seen else link
            if seen is None and self.crawler.stats is not None:
                self.crawler.stats.inc_value("newsmon/article_links_found")
            yield Request(
                url,
                callback=self.parse_article,
                errback=self.on_error,
                meta={ROLE: "article", LINK: url},
            )

    def on_headers(
        self, headers: Headers, body_length: int, request: Request, spider: Spider
    ) -> None:
        """Stop downloading an article link that turns out to be a PDF, an image...: its
        headers say enough (``parse_article`` reports it), the body may be megabytes."""
        if (
            spider is self
            and request.meta.get(ROLE) == "article"
            and not _is_html(_decoded(headers.get(b"Content-Type")))
        ):
            raise StopDownload(fail=False)

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        content_type = _header(response, b"Content-Type")
        if not _is_html(content_type):
            self._links.pop(response.meta.get(LINK, ""), None)
            mime = (content_type or "").split(";")[0].strip()
            self.record_error(f"article {response.url}: not HTML ({mime})")
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value(f"{IGNORED_PREFIX}NotHtml")
            return
        link = self._links.pop(response.meta.get(LINK, ""), None)
        hops = response.meta.get("redirect_urls", [])
        urls = tuple(dict.fromkeys(normalize_url(u) for u in [*hops, response.url]))
        yield PageItem(
            source=self.source.name,
            urls=urls,
            response_url=response.url,
            status=response.status,
            body=response.body,
            body_gzip=server_gzip(response.meta.get(GZIP_BODY), response.body),
            content_type=content_type,
            fetched_at=datetime.now(UTC),
            published_hint=link.published_at if link else None,
            title_hint=link.title if link else None,
        )

    def _oldest_accepted(self) -> datetime | None:
        days = self.settings.getint("NEWSMON_MAX_AGE_DAYS")
        return datetime.now(UTC) - timedelta(days=days) if days else None

    # --- errors ----------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        role = request.meta.get(ROLE, "page") if request is not None else "page"
        # the URL as linked: after redirects, describe_failure names where it failed
        url = request.meta.get("redirect_urls", [request.url])[0] if request is not None else "?"
        refused = refusal(failure)
        if refused is not None:
            # Not an error: robots.txt forbids it, it is off-site or past the page budget.
            if refused == "RobotsDisallowed" and self.crawler.stats is not None:
                self.crawler.stats.inc_value(f"{IGNORED_PREFIX}RobotsDisallowed")
            return
        response = getattr(failure.value, "response", None)
        self.record_error(f"{role} {url}: {describe_failure(failure, self._fetch_limits)}")
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newsmon/fetch_errors/{role}")
            if response is None or response.status not in PERMANENT_HTTP_ERRORS:
                # may pass on a later try: the next crawl must see this article's link again
                self.crawler.stats.inc_value(f"newsmon/transient_errors/{role}")

    def record_error(self, message: str) -> None:
        self.logger.warning(message)
        record_crawl_error(self.crawler, message)

    @cached_property
    def _fetch_limits(self) -> FetchLimits:
        return fetch_limits(self.settings)

    @cached_property
    def _article_extractor(self) -> LinkExtractor:
        return LinkExtractor(allow=self.source.article_urls, unique=True)

    @cached_property
    def _follow_extractor(self) -> LinkExtractor:
        # No follow patterns: only the start pages are listings.
        return LinkExtractor(allow=self.source.follow or [r"(?!)"], unique=True)


def _header(response: Response, name: bytes) -> str | None:
    return _decoded(response.headers.get(name))


def _decoded(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None


def _is_html(content_type: str | None) -> bool:
    """Whether a Content-Type may hold an article page (as extraction decides)."""
    return (content_type or "").split(";")[0].strip().lower() in HTML_TYPES


def source_domains(source: SourceConfig) -> list[str]:
    """The domains a source's crawl may fetch from: its ``allowed_domains``, else those of
    its own discovery URLs."""
    return list(source.allowed_domains) or _registered_domains(source.discovery_urls)


def _registered_domains(urls: Iterable[str]) -> list[str]:
    """Allowed domains by default: the registered domains of the source's own URLs, so a
    feed on ``feeds.example.com`` may link articles on ``www.example.com``."""
    domains = []
    for url in urls:
        parts = domain_parts(url)
        domains.append(parts.top_domain_under_public_suffix or parts.domain)
    return sorted(set(filter(None, domains)))
