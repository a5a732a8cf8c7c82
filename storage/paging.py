"""Reads for paged views (the web UI and its JSON API): one page of the newest articles, how
many articles a filter keeps, and how many a query matches per source and per language.

Counts per source and per language are "disjunctive": each ignores its own dimension's
filter, so a page filtered to one source still shows how many hits every other source has.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from storage.filters import ArticleFilter
from storage.fts import match_articles, parse_query
from storage.models import Article, Source


@dataclass(frozen=True)
class FacetCount:
    """One value of a dimension (a source name, a language code or None) and its hits."""

    value: str | None
    count: int


@dataclass(frozen=True)
class Facets:
    """How many articles match a query and filter, per source and per language. Values are
    ordered by count, highest first, then by value."""

    sources: tuple[FacetCount, ...]
    languages: tuple[FacetCount, ...]


def list_articles(
    session: Session, flt: ArticleFilter | None = None, *, limit: int = 20, offset: int = 0
) -> list[Article]:
    """One page of the filtered articles in ``iter_articles``' order: newest
    ``published_at`` first, undated last, then by id."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if offset < 0:
        raise ValueError(f"offset must be at least 0, got {offset}")
    statement = (flt or ArticleFilter()).apply(select(Article))
    statement = statement.order_by(Article.published_at.desc().nulls_last(), Article.id)
    statement = statement.options(joinedload(Article.source)).limit(limit).offset(offset)
    return list(session.scalars(statement))


def count_facets(session: Session, query: str | None, flt: ArticleFilter | None = None) -> Facets:
    """Counts per source and language of the articles matching ``query`` (all articles when
    it is None or blank) and ``flt``. Raises ``QuerySyntaxError`` for a malformed query.

    Exact, unlike ``count_search_hits``: it reads every match (without ranking any), so for
    a word found in most of a very large collection it is the slowest read of a page."""
    flt = flt or ArticleFilter()
    parsed = parse_query(query) if query and query.strip() else None

    def matching(columns: list[Any], restriction: ArticleFilter) -> Select[Any]:
        statement = select(*columns).select_from(Article)
        if parsed is not None:
            matches = match_articles(session, parsed).subquery()
            statement = statement.join(matches, matches.c.article_id == Article.id)
        return restriction.apply(statement)

    def grouped(
        column: ColumnElement[Any] | InstrumentedAttribute[Any],
        restriction: ArticleFilter,
        join_source: bool,
    ) -> tuple[FacetCount, ...]:
        count = func.count(Article.id)
        statement = matching([column, count], restriction)
        if join_source:
            statement = statement.join(Source, Source.id == Article.source_id)
        statement = statement.group_by(column).order_by(count.desc(), column)
        return tuple(FacetCount(value, n) for value, n in session.execute(statement))

    return Facets(
        sources=grouped(Source.name, dataclasses.replace(flt, sources=()), join_source=True),
        languages=grouped(
            Article.language, dataclasses.replace(flt, languages=()), join_source=False
        ),
    )


def count_articles(session: Session, flt: ArticleFilter | None = None) -> int:
    """How many articles ``flt`` keeps."""
    statement = (flt or ArticleFilter()).apply(select(func.count(Article.id)).select_from(Article))
    return session.scalar(statement) or 0
