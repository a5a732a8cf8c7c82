"""What the pages, the API and the feed show, as plain data: one place that turns request
parameters into storage reads, so the three always agree."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from crawler.config import NewsmonConfig
from crawler.status.jobtable import iter_job_next_runs
from crawler.status.sources import SourceStatus, source_statuses
from crawler.web.params import FeedParams, SearchParams
from storage.db import Database
from storage.models import Article
from storage.paging import Facets, count_articles, count_facets, list_articles
from storage.queries import count_search_hits, search_articles, source_names
from storage.related import list_duplicates, list_language_versions
from storage.snippet import Snippet, make_snippet


@dataclass(frozen=True)
class ResultItem:
    """One article in a result list; ``score`` only for a search, higher is better. The
    snippet's parts say which words matched (see ``storage.snippet``)."""

    article: Article
    snippet: Snippet
    score: float | None = None


@dataclass(frozen=True)
class ResultPage:
    """One page of results with the counts of everything the request matches."""

    params: SearchParams
    items: list[ResultItem]
    facets: Facets

    # Articles matching: exact, or "more than" it when ``total_exact`` is false (a search
    # counts its hits only up to storage.search.COUNT_CAP).
    total: int
    total_exact: bool = True

    @property
    def pages(self) -> int:
        return -(-self.total // self.params.per_page)


@dataclass(frozen=True)
class Related:
    """Other stored articles about the same story: copies of this one (duplicates) and its
    versions in other languages."""

    duplicates: list[Article] = field(default_factory=list)
    versions: list[Article] = field(default_factory=list)


def find_articles(session: Session, params: SearchParams) -> ResultPage:
    """The page of results ``params`` asks for. Raises ``QuerySyntaxError``."""
    flt = params.article_filter()
    facets = count_facets(session, params.query, flt)
    if params.query is None:
        articles = list_articles(session, flt, limit=params.per_page, offset=params.offset)
        items = [ResultItem(a, make_snippet(a.text, ())) for a in articles]
        return ResultPage(
            params=params, items=items, facets=facets, total=count_articles(session, flt)
        )
    hits = search_articles(
        session, params.query, flt, sort=params.order, limit=params.per_page, offset=params.offset
    )
    items = [ResultItem(h.article, h.snippet, h.score) for h in hits]
    count = count_search_hits(session, params.query, flt)
    return ResultPage(
        params=params, items=items, facets=facets, total=count.count, total_exact=count.exact
    )


def newest_articles(session: Session, params: FeedParams) -> list[Article]:
    """The feed's entries: the newest articles matching ``params``."""
    flt = params.article_filter()
    if params.query is None:
        return list_articles(session, flt, limit=params.limit)
    hits = search_articles(session, params.query, flt, sort="date", limit=params.limit)
    return [hit.article for hit in hits]


def find_related(session: Session, article: Article) -> Related:
    """Duplicates and other-language versions of ``article``."""
    return Related(
        duplicates=list_duplicates(session, article),
        versions=list_language_versions(session, article),
    )


def source_health(db: Database, config: NewsmonConfig | None) -> list[SourceStatus]:
    """Every source's status as ``newsmon status`` reports it (the daemon's stored next run
    times included)."""
    return source_statuses(db, config, dict(iter_job_next_runs(db)))


def is_known_source(session: Session, config: NewsmonConfig | None, name: str) -> bool:
    """Whether ``name`` is in the sources file or was ever crawled."""
    if config is not None and any(s.name == name for s in config.sources):
        return True
    return name in source_names(session)
