"""What discovery yields: a link to a probable article, with what the linking page said of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ArticleLink:
    url: str
    published_at: datetime | None = None
    title: str | None = None
