"""What a dry run of a source (``sources check``) and a look at a site (``sources add``) found:
plain data filled in by the Scrapy components, read by the reports and the proposal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# A sitemap can list tens of thousands of links: the report keeps this many of each kind and
# counts the rest.
MAX_LINKS_KEPT = 500


@dataclass
class DiscoveryPage:
    """A feed, sitemap or listing page the dry run fetched (or tried to)."""

    url: str
    role: str  # "feed", "sitemap", "listing"
    status: int | None = None
    error: str | None = None
    article_links: int = 0
    follow_links: int = 0


@dataclass
class FollowLink:
    """A further discovery page (next listing page, child sitemap) a crawl would fetch."""

    url: str
    role: str
    found_on: str
    fetched: bool


@dataclass
class SampledArticle:
    """An article page that extraction accepted, with what is needed to judge it."""

    title: str | None
    text: str
    published_at: datetime | None
    language: str | None
    encoding: str
    body: bytes = field(repr=False)
    content_type: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class ArticleCheck:
    """One article link and what became of it in the dry run."""

    url: str
    found_on: str
    fetched: bool = False
    # "article", "no article" (extraction dropped it), "error" (fetch failed),
    # "refused" (robots.txt, page budget), None (not fetched)
    outcome: str | None = None
    detail: str | None = None
    status: int | None = None
    stored: bool = False  # already in the database: a real crawl would skip it
    sample: SampledArticle | None = None


@dataclass
class CheckFindings:
    """Everything one dry run of a source saw; ``article_limit`` / ``page_limit`` bound it."""

    source: str
    article_limit: int
    page_limit: int
    pages: dict[str, DiscoveryPage] = field(default_factory=dict)
    follows: dict[str, FollowLink] = field(default_factory=dict)
    articles: dict[str, ArticleCheck] = field(default_factory=dict)
    article_links_total: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def page(self, url: str, role: str) -> DiscoveryPage:
        if url not in self.pages:
            self.pages[url] = DiscoveryPage(url=url, role=role)
        return self.pages[url]

    @property
    def extracted(self) -> list[ArticleCheck]:
        return [a for a in self.articles.values() if a.sample is not None]

    @property
    def fetched_articles(self) -> int:
        return sum(1 for a in self.articles.values() if a.fetched)

    @property
    def discovery_fetched(self) -> int:
        """Discovery pages found by the crawl itself (not configured) and fetched."""
        return sum(1 for f in self.follows.values() if f.fetched)


@dataclass
class Candidate:
    """A feed or sitemap URL found on a site, and whether it really is one."""

    url: str
    kind: str  # "feed" or "sitemap"
    found_by: str  # "<link rel=alternate>", "robots.txt", "common path", ...
    title: str | None = None
    status: int | None = None
    ok: bool = False
    detail: str = "not fetched"
    # normalised article URLs it lists (feeds: to tell an RSS and an Atom copy apart)
    links: frozenset[str] = frozenset()
    news: bool = False  # a Google News sitemap (publication dates per link)


@dataclass
class Anchor:
    """A link on the inspected page: absolute URL and its text."""

    url: str
    text: str


@dataclass
class ProbeFindings:
    """What ``sources add`` saw at a URL: the page, robots.txt, feed and sitemap candidates."""

    url: str
    final_url: str | None = None
    status: int | None = None
    kind: str | None = None  # what the page is: "html", "feed", "sitemap", "other"
    error: str | None = None
    language: str | None = None
    anchors: list[Anchor] = field(default_factory=list)
    robots_status: int | None = None
    robots_error: str | None = None
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def feeds(self) -> list[Candidate]:
        return [c for c in self.candidates if c.kind == "feed" and c.ok]

    @property
    def sitemaps(self) -> list[Candidate]:
        return [c for c in self.candidates if c.kind == "sitemap" and c.ok]
