"""A dry run of one source's real spider: the Scrapy side of ``newsmon sources check``.

The source's own spider class (``spiders.registry.spider_class``, site classes included) gets a
mixin, ``DryRunSpider``, that can also start from one given URL and notes every failure per URL.
``CheckRecorder``, a spider middleware in the known-URL filter's place, sees every link the
spider's callbacks yield, records it, and lets only the first few articles and discovery pages
through. Signals tell it what extraction made of each article. Everything else (robots.txt,
politeness, budgets, redirects, extraction in the worker pool) is the real crawl's.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Self

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.articles import ArticleItem
from crawler.crawlstate import DISCOVERY_ROLES, LINK, ROLE
from crawler.failures import describe_failure
from crawler.items import PageItem
from crawler.onboarding.discover import sniff
from crawler.onboarding.findings import (
    MAX_LINKS_KEPT,
    ArticleCheck,
    CheckFindings,
    FollowLink,
    SampledArticle,
)
from crawler.urls import normalize_url
from spiders.source import SourceSpider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# The role of the request for ``--url``: what it is becomes known from its answer.
CHECK_ROLE = "check"
# Components that read or write the database, off in a dry run: nothing is stored, stored
# URLs are fetched again, and no conditional request hides a page behind a 304.
STORAGE_COMPONENTS = {
    "ITEM_PIPELINES": ("crawler.pipelines.StoragePipeline",),
    "SPIDER_MIDDLEWARES": (
        "crawler.components.knownurls.KnownUrlFilter",
        "crawler.components.revalidation.ValidatorRecorder",
    ),
    "DOWNLOADER_MIDDLEWARES": ("crawler.components.revalidation.ConditionalRequestMiddleware",),
    "EXTENSIONS": ("crawler.components.crawlrun.CrawlRunRecorder",),
}
RECORDER = "crawler.onboarding.dryrun.CheckRecorder"
RECORDER_ORDER = 600  # where KnownUrlFilter sits: after depth and offsite filtering


# Loggers that report fetch failures with tracebacks; both reports say what failed per URL.
FETCH_ERROR_LOGGERS = (
    "scrapy.downloadermiddlewares.retry",
    "scrapy.downloadermiddlewares.robotstxt",
    "crawler.components.retry",
)


def quiet_fetch_errors(log_level: str) -> None:
    """At the default level, leave fetch failures to the report (``-v`` shows them)."""
    if log_level == "ERROR":
        for name in FETCH_ERROR_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)


def without_storage(
    settings: Settings, extra_spider_middlewares: dict[str, int] | None = None
) -> None:
    """Switch off every component that touches the database (project defaults kept)."""
    for name, components in STORAGE_COMPONENTS.items():
        merged: dict[str, Any] = dict(settings.getdict(name))
        merged.update(dict.fromkeys(components))
        if name == "SPIDER_MIDDLEWARES":
            merged.update(extra_spider_middlewares or {})
        settings.set(name, merged, priority="cmdline")


def dry_run_class(
    base: type[SourceSpider], findings: CheckFindings, url: str | None
) -> type[SourceSpider]:
    """``base`` (a source's spider class) made into a dry run recording into ``findings``,
    starting from ``url`` instead of the configured discovery URLs when given."""
    return type(
        base.__name__,
        (DryRunSpider, base),
        {"findings": findings, "check_url": url, "__module__": base.__module__},
    )


class DryRunSpider(SourceSpider):
    """Mixin for a source's spider class (see ``dry_run_class``)."""

    findings: ClassVar[CheckFindings]
    check_url: ClassVar[str | None] = None

    async def start(self) -> AsyncIterator[Request]:
        if self.check_url is None:
            async for request in super().start():
                yield request
            return
        key = normalize_url(self.check_url)
        yield Request(
            self.check_url,
            callback=self.parse_any,
            errback=self.on_error,
            dont_filter=True,
            meta={ROLE: CHECK_ROLE, LINK: key},
        )

    def parse_any(self, response: Response) -> Iterator[Any]:
        """The ``--url`` page, handled as what it turns out to be."""
        kind = sniff(response.body, content_type(response))
        if kind == "html" and self._article_res and self.is_article_url(response.url):
            kind = "article"
        elif kind in ("html", "other"):
            # A source walking listing pages reads them (a JSON API, say); for one with only
            # feeds and sitemaps, a page is an article.
            kind = "listing" if self.source.start_urls else "article"
        if kind == "article":
            key = response.meta[LINK]
            if key not in self.findings.articles:
                self.findings.article_links_total += 1
            self.findings.articles.setdefault(key, ArticleCheck(url=key, found_on="--url"))
            self.findings.articles[key].fetched = True
            yield from self.parse_article(response)
            return
        self.findings.page(first_url(response), kind).status = response.status
        parse = {
            "feed": self.parse_feed,
            "sitemap": self.parse_sitemap,
            "listing": self.parse_listing,
        }[kind]
        yield from parse(response)

    def on_error(self, failure: Failure) -> None:
        before = len(self.crawl_errors)
        super().on_error(failure)
        request = getattr(failure, "request", None)
        if request is not None:
            self._note_failure(request, failure, self.crawl_errors[before:])

    def _note_failure(self, request: Request, failure: Failure, said: list[str]) -> None:
        """Record a failed request against its article or page, in the spider's own words
        when it said any (it keeps refusals by robots.txt, budget or offsite rules quiet)."""
        role = request.meta.get(ROLE, "page")
        response = getattr(failure.value, "response", None)
        refused = (
            not said
            and failure.check(IgnoreRequest) is not None
            and failure.check(HttpError) is None
        )
        if said:
            reason = said[-1].removeprefix(f"{role} {request.url}: ")
        elif refused:
            reason = f"refused: {failure.getErrorMessage()}"
        else:  # past the spider's cap of kept errors: the same words it would have used
            reason = describe_failure(failure, self._fetch_limits)
        status = response.status if response is not None else None
        if role == "article":
            key = request.meta.get(LINK) or normalize_url(request.url)
            article = self.findings.articles.setdefault(
                key, ArticleCheck(url=key, found_on="?", fetched=True)
            )
            article.outcome = "refused" if refused else "error"
            article.detail = reason.removeprefix("refused: ")
            article.status = status
            return
        first = first_url(request)
        page = self.findings.page(first, role if role in DISCOVERY_ROLES else "page")
        page.error, page.status = reason, status
        if refused:
            self.findings.errors.append(f"{page.role} {first}: {reason}")

    def closed(self, reason: str) -> None:
        parent = getattr(super(), "closed", None)
        if parent is not None:
            parent(reason)
        self.findings.errors.extend(self.crawl_errors)
        if reason != "finished" and not reason.startswith("closespider_"):
            self.findings.notes.append(f"the crawl ended early: {reason}")
        for article in self.findings.articles.values():
            if article.fetched and article.outcome is None:
                # answered without an item (a PDF behind the link, say): the spider said why
                said = next(
                    (e for e in self.findings.errors if e.startswith(f"article {article.url}")),
                    None,
                )
                if said is not None:
                    article.outcome = "error"
                    article.detail = said.removeprefix(f"article {article.url}").lstrip(": ")


class CheckRecorder:
    """Records what the spider's callbacks yield and lets the first few through."""

    def __init__(self, crawler: Crawler, findings: CheckFindings) -> None:
        self.crawler = crawler
        self.findings = findings

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        findings = getattr(crawler.spidercls, "findings", None)
        if findings is None:
            raise NotConfigured("not a dry run")
        recorder = cls(crawler, findings)
        crawler.signals.connect(recorder.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(recorder.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(recorder.item_error, signal=signals.item_error)
        return recorder

    # --- links ----------------------------------------------------------------------------

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        page = self._page(response)
        for obj in result:
            if not isinstance(obj, Request) or self._admit(obj, response, page):
                yield obj

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        page = self._page(response)
        async for obj in result:
            if not isinstance(obj, Request) or self._admit(obj, response, page):
                yield obj

    def _page(self, response: Response) -> str:
        """The discovery page that answered (as first requested), recorded with its status."""
        first = first_url(response)
        role = response.meta.get(ROLE)
        if role in DISCOVERY_ROLES:
            self.findings.page(first, role).status = response.status
        return first

    def _admit(self, request: Request, response: Response, page_url: str) -> bool:
        role = request.meta.get(ROLE)
        page = self.findings.pages.get(page_url)
        findings = self.findings
        if role == "article":
            if page is not None:
                page.article_links += 1
            if request.url in findings.articles:
                return False  # found twice: fetched (or not) already
            findings.article_links_total += 1
            fetch = findings.fetched_articles < findings.article_limit
            if fetch or len(findings.articles) < MAX_LINKS_KEPT:
                findings.articles[request.url] = ArticleCheck(
                    url=request.url, found_on=page_url, fetched=fetch
                )
            return fetch
        if role in DISCOVERY_ROLES:
            if page is not None:
                page.follow_links += 1
            if request.url in findings.follows or request.url in findings.pages:
                return False
            fetch = findings.discovery_fetched < findings.page_limit
            findings.follows[request.url] = FollowLink(
                url=request.url, role=role, found_on=page_url, fetched=fetch
            )
            return fetch
        return True

    # --- what extraction made of the articles ----------------------------------------------

    def _article(self, item: PageItem, response: Response | None) -> ArticleCheck:
        key = (response.meta.get(LINK) if response is not None else None) or item.urls[0]
        if key not in self.findings.articles:
            self.findings.articles[key] = ArticleCheck(url=key, found_on="?", fetched=True)
        article = self.findings.articles[key]
        article.status = item.status
        return article

    def item_scraped(self, item: Any, response: Response | None) -> None:
        if not isinstance(item, ArticleItem):
            return
        found = item.article
        article = self._article(item.page, response)
        article.outcome = "article"
        article.sample = SampledArticle(
            title=found.title,
            text=found.text,
            published_at=found.published_at,
            language=found.language,
            encoding=found.encoding,
            body=item.page.body,
            content_type=item.page.content_type,
        )

    def item_dropped(self, item: Any, response: Response | None, exception: Exception) -> None:
        if not isinstance(item, PageItem):
            return
        article = self._article(item, response)
        article.outcome = "no article"
        detail = str(exception).removeprefix(f"{item.response_url}: ")
        article.detail = f"{type(exception).__name__}: {detail}"

    def item_error(self, item: Any, response: Response | None, failure: Failure) -> None:
        if not isinstance(item, PageItem):
            return
        article = self._article(item, response)
        article.outcome = "error"
        article.detail = f"{type(failure.value).__name__}: {failure.getErrorMessage()}"


def first_url(message: Request | Response) -> str:
    """The URL first requested, before any redirect: how the report names a page."""
    return str(message.meta.get("redirect_urls", [message.url])[0])


def content_type(response: Response) -> str | None:
    """The response's Content-Type header, as text."""
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None
