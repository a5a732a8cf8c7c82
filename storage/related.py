"""Reads for an article page: the other copies of an article (near-duplicates) and its
story's versions in other languages (``duplicate_of`` and ``cluster``)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from storage.models import Article

# An article page lists at most this many of each; a story rarely has more.
RELATED_LIMIT = 50


def list_duplicates(
    session: Session, article: Article, limit: int = RELATED_LIMIT
) -> list[Article]:
    """The other copies of ``article``: its original and every duplicate of that original,
    oldest first (the original is the first one stored)."""
    original = article.duplicate_of or article.id
    statement = (
        select(Article)
        .where(
            or_(Article.id == original, Article.duplicate_of == original), Article.id != article.id
        )
        .order_by(Article.id)
        .limit(limit)
        .options(joinedload(Article.source))
    )
    return list(session.scalars(statement))


def list_language_versions(
    session: Session, article: Article, limit: int = RELATED_LIMIT
) -> list[Article]:
    """The reports of ``article``'s story in other languages (duplicates left out), by
    language then newest first."""
    if article.cluster is None:
        return []
    statement = (
        select(Article)
        .where(
            Article.cluster == article.cluster,
            Article.duplicate_of.is_(None),
            Article.id != article.id,
            Article.language.is_distinct_from(article.language),
        )
        .order_by(Article.language, Article.published_at.desc().nulls_last(), Article.id)
        .limit(limit)
        .options(joinedload(Article.source))
    )
    return list(session.scalars(statement))
