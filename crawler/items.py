"""The item a spider yields for every fetched article page. It holds only what the fetch
learned: what extraction finds is ``crawler.articles.ArticleItem``, so a spider never imports
the extraction passes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class PageItem:
    """A fetched candidate article page, before extraction decides whether it is one."""

    source: str
    # Normalised URLs the page was reached under (requested URL, redirect hops, final URL).
    urls: tuple[str, ...]
    response_url: str
    status: int
    body: bytes = field(repr=False)
    content_type: str | None
    fetched_at: datetime
    published_hint: datetime | None = None
    title_hint: str | None = None
    # ``body`` as the server gzipped it, to store as it is (crawler.pagebody); None: not
    # gzipped, or not in a form that can be stored.
    body_gzip: bytes | None = field(default=None, repr=False)
