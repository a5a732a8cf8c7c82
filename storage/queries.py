"""Reads: ``verb_noun(session, ...)`` functions returning models or plain dataclasses.

Nothing here formats text for people; the CLI does that at the edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, func, select, type_coerce
from sqlalchemy.orm import Session, joinedload

from storage.filters import ArticleFilter
from storage.fts import make_snippet, parse_query
from storage.models import (
    Article,
    ArticlePage,
    ArticleUrl,
    CrawlRun,
    PageValidator,
    Source,
    UTCDateTime,
    is_article_id,
)
from storage.search import COUNT_CAP, HitCount, count_matches, find_matches
from storage.snippet import Snippet

# Parameters per IN (...) query: well under SQLite's and PostgreSQL's limits.
URL_BATCH = 500


@dataclass(frozen=True)
class SearchHit:
    """A matching article, its score (higher is better) and an excerpt with its matches."""

    article: Article
    score: float
    snippet: Snippet


@dataclass(frozen=True)
class RunSummary:
    """How a crawl run went."""

    started_at: datetime
    finished_at: datetime | None
    status: str
    pages_fetched: int
    articles_new: int
    articles_updated: int
    articles_unchanged: int
    articles_failed: int
    pages_dropped: dict[str, int] = field(default_factory=dict)
    reason: str | None = None
    errors: list[str] = field(default_factory=list)
    trigger: str = "manual"


@dataclass(frozen=True)
class SourceSummary:
    """One source: how many articles it has, the newest, and its latest crawl run."""

    name: str
    articles: int
    newest_published_at: datetime | None
    last_run: RunSummary | None


def _newest_first(statement: Select[Any]) -> Select[Any]:
    return statement.order_by(Article.published_at.desc().nulls_last(), Article.id)


def iter_articles(
    session: Session, flt: ArticleFilter | None = None, *, batch: int = 500
) -> Iterator[Article]:
    """Stream the filtered articles, newest ``published_at`` first (undated last), then by id.

    Rows arrive ``batch`` at a time (a server-side cursor on PostgreSQL), so memory stays flat
    however many there are, as long as the caller does not keep them.
    """
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch}")
    statement = (flt or ArticleFilter()).apply(select(Article))
    statement = _newest_first(statement).options(joinedload(Article.source))
    yield from session.scalars(statement.execution_options(yield_per=batch))


def search_articles(
    session: Session,
    query: str,
    flt: ArticleFilter | None = None,
    *,
    limit: int = 20,
    sort: Literal["relevance", "date"] = "relevance",
    offset: int = 0,
) -> list[SearchHit]:
    """One page of the articles matching ``query`` (see ``storage.search_query`` for the
    syntax), best first or newest first; ``storage.search`` says which matches are ranked.
    Raises ``QuerySyntaxError`` for a malformed query."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if offset < 0:
        raise ValueError(f"offset must be at least 0, got {offset}")
    if sort not in ("relevance", "date"):
        raise ValueError(f"sort must be 'relevance' or 'date', got {sort!r}")
    parsed = parse_query(query)
    page = find_matches(
        session, parsed, flt or ArticleFilter(), limit=limit, offset=offset, sort=sort
    )
    articles = {
        article.id: article
        for article in session.scalars(
            select(Article)
            .where(Article.id.in_([i for i, _ in page]))
            .options(joinedload(Article.source))
        )
    }
    terms = parsed.positive_terms
    return [
        SearchHit(article=articles[i], score=score, snippet=make_snippet(articles[i].text, terms))
        for i, score in page
        if i in articles
    ]


def count_search_hits(
    session: Session, query: str, flt: ArticleFilter | None = None, *, cap: int = COUNT_CAP
) -> HitCount:
    """How many articles match ``query`` (for pagination): exact up to ``cap``, beyond it
    ``HitCount(cap, exact=False)``, read "more than cap". Raises ``QuerySyntaxError``."""
    if cap < 1:
        raise ValueError(f"cap must be at least 1, got {cap}")
    return count_matches(session, parse_query(query), flt or ArticleFilter(), cap=cap)


def known_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """Those of ``urls`` under which an article is already stored."""
    wanted = list(dict.fromkeys(urls))
    found: set[str] = set()
    for i in range(0, len(wanted), URL_BATCH):
        chunk = wanted[i : i + URL_BATCH]
        found.update(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(chunk))))
    return found


def summarize_sources(session: Session) -> list[SourceSummary]:
    """Every source that was ever crawled, by name, with its article count, newest
    ``published_at`` and latest run (None when it has none)."""
    counts = (
        select(
            Article.source_id,
            func.count(Article.id).label("articles"),
            func.max(Article.published_at).label("newest"),
        )
        .group_by(Article.source_id)
        .subquery()
    )
    ranked = select(
        CrawlRun.id,
        CrawlRun.source_id,
        func.row_number()
        .over(
            partition_by=CrawlRun.source_id,
            order_by=(CrawlRun.started_at.desc(), CrawlRun.id.desc()),
        )
        .label("recency"),
    ).subquery()
    latest = select(ranked.c.id, ranked.c.source_id).where(ranked.c.recency == 1).subquery()
    rows = session.execute(
        select(Source.name, counts.c.articles, counts.c.newest, CrawlRun)
        .outerjoin(counts, counts.c.source_id == Source.id)
        .outerjoin(latest, latest.c.source_id == Source.id)
        .outerjoin(CrawlRun, CrawlRun.id == latest.c.id)
        .order_by(Source.name)
    )
    return [
        SourceSummary(
            name=name,
            articles=articles or 0,
            newest_published_at=newest,
            last_run=None if run is None else _run_summary(run),
        )
        for name, articles, newest, run in rows
    ]


def _run_summary(run: CrawlRun) -> RunSummary:
    return RunSummary(
        started_at=run.started_at,
        finished_at=run.finished_at,
        status=run.status,
        pages_fetched=run.pages_fetched,
        articles_new=run.articles_new,
        articles_updated=run.articles_updated,
        articles_unchanged=run.articles_unchanged,
        articles_failed=run.articles_failed,
        pages_dropped=dict(run.pages_dropped),
        reason=run.reason,
        errors=list(run.errors or []),
        trigger=run.trigger,
    )


def iter_pages_for_reextract(
    session: Session, source: str | None = None, *, batch: int = 200
) -> Iterator[tuple[Article, ArticlePage]]:
    """Stream every stored article with its fetched page, by id, optionally of one source."""
    statement = select(Article, ArticlePage).join(ArticlePage, ArticlePage.article_id == Article.id)
    if source is not None:
        statement = statement.join(Source, Source.id == Article.source_id).where(
            Source.name == source
        )
    statement = statement.options(joinedload(Article.source)).order_by(Article.id)
    yield from session.execute(statement.execution_options(yield_per=batch))


def get_article(session: Session, article_id: int) -> Article | None:
    """The article with this id, its source loaded, or None (also for an id outside the
    column's range, which the database driver would refuse)."""
    if not is_article_id(article_id):
        return None
    return session.get(Article, article_id, options=[joinedload(Article.source)])


def last_started_by_source(session: Session) -> dict[str, datetime]:
    """When each source's latest crawl run started (sources never crawled are absent)."""
    # type_coerce: SQLite's max() returns text without the column's type; this keeps the
    # aware-UTC decoding of UTCDateTime.
    latest = type_coerce(func.max(CrawlRun.started_at), UTCDateTime())
    rows = session.execute(
        select(Source.name, latest)
        .join(CrawlRun, CrawlRun.source_id == Source.id)
        .group_by(Source.name)
    ).all()
    return {name: started for name, started in rows if started is not None}


def recent_runs(session: Session, source: str, limit: int = 20) -> list[CrawlRun]:
    """The source's latest crawl runs, newest first."""
    return list(
        session.scalars(
            select(CrawlRun)
            .join(Source)
            .where(Source.name == source)
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
            .limit(limit)
        )
    )


def count_new_articles(session: Session, since: datetime) -> dict[str, int]:
    """Articles first stored since ``since``, per source name."""
    rows = session.execute(
        select(Source.name, func.count(Article.id))
        .join(Article, Article.source_id == Source.id)
        .where(Article.created_at >= since)
        .group_by(Source.name)
    ).all()
    return {name: count for name, count in rows}


def sources_that_yielded(session: Session) -> set[str]:
    """Sources with at least one stored article or one run that found article links."""
    with_articles = select(Source.name).join(Article, Article.source_id == Source.id)
    with_links = (
        select(Source.name)
        .join(CrawlRun, CrawlRun.source_id == Source.id)
        .where(CrawlRun.articles_found > 0)
    )
    return set(session.scalars(with_articles.union(with_links)))


def get_validators(session: Session, url: str) -> PageValidator | None:
    """What the last crawl learnt about a discovery page (for a conditional request)."""
    return session.get(PageValidator, url)


def recent_article_urls(session: Session, urls: Iterable[str], since: datetime) -> set[str]:
    """Which of these stored URLs belong to articles published (or, undated, first stored)
    since ``since``: the ones a source with ``recheck_days`` fetches again."""
    wanted = list(dict.fromkeys(urls))
    if not wanted:
        return set()
    recent = func.coalesce(Article.published_at, Article.created_at) >= since
    rows = session.scalars(
        select(ArticleUrl.url)
        .join(Article, Article.id == ArticleUrl.article_id)
        .where(ArticleUrl.url.in_(wanted), recent)
    )
    return set(rows)


def source_names(session: Session) -> set[str]:
    """The name of every source ever crawled (it has a row once its first crawl started)."""
    return set(session.scalars(select(Source.name)))
