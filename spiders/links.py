"""What discovery yields: a link to a probable article, with what the linking page said of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time


@dataclass(frozen=True)
class ArticleLink:
    url: str
    published_at: datetime | None = None
    title: str | None = None


def merge_links(first: ArticleLink, other: ArticleLink) -> ArticleLink:
    """One link found twice (a feed and a sitemap, say): keep the most informative hints, so
    what is stored does not depend on which discovery page answered first."""
    published = first.published_at or other.published_at
    # Two dates: prefer one with a time of day over a bare midnight.
    if first.published_at and other.published_at and first.published_at.time() == time.min:
        published = other.published_at
    return ArticleLink(url=first.url, published_at=published, title=first.title or other.title)
