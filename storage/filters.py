"""Which articles a read or a search covers: ``ArticleFilter``, shared by ``storage.queries``
and ``storage.search`` (so neither imports the other for it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from storage.models import Article, ArticleParty, Source, is_article_id


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles to read: by source name, language, and ``published_at`` in
    ``[since, until)``. Empty tuples and None mean "no restriction"."""

    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    # Relevant True/False (None: either); one story (its cluster id); articles naming a
    # party (its id).
    relevant: bool | None = None
    cluster: int | None = None
    party: str | None = None
    # Near-duplicates (``duplicate_of`` set) are hidden unless this is true.
    include_duplicates: bool = False

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"ArticleFilter.{name} must be timezone-aware, got {value!r}")
        if self.cluster is not None and not is_article_id(self.cluster):
            raise ValueError(f"ArticleFilter.cluster must be an article id, got {self.cluster}")
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise ValueError(
                f"ArticleFilter.since ({self.since.isoformat()}) must be before "
                f"until ({self.until.isoformat()})"
            )

    def apply(self, statement: Select[Any]) -> Select[Any]:
        """``statement`` (which selects from ``articles``) restricted to this filter."""
        if self.sources:
            statement = statement.where(
                Article.source_id.in_(select(Source.id).where(Source.name.in_(self.sources)))
            )
        if self.languages:
            statement = statement.where(Article.language.in_(self.languages))
        if self.since is not None:
            statement = statement.where(Article.published_at >= self.since)
        if self.until is not None:
            statement = statement.where(Article.published_at < self.until)
        if self.relevant is not None:
            statement = statement.where(Article.relevant.is_(self.relevant))
        if self.cluster is not None:
            statement = statement.where(Article.cluster == self.cluster)
        if self.party is not None:
            statement = statement.where(
                Article.id.in_(
                    select(ArticleParty.article_id).where(ArticleParty.party == self.party)
                )
            )
        if not self.include_duplicates:
            statement = statement.where(Article.duplicate_of.is_(None))
        return statement
