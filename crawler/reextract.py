"""Re-run extraction on stored pages, without fetching: after the extractor improves."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from crawler.config import ExtractionRules
from crawler.extraction import PageInput, Rejection, extract_page
from storage.db import Database
from storage.models import ArticlePage
from storage.queries import iter_pages_for_reextract
from storage.writes import ArticleData, store_article


def reextract_articles(db: Database, sources: Sequence[str] = (),
                       rules: Mapping[str, ExtractionRules] | None = None) -> dict[str, int]:
    """Extract every stored page again and store what changed; return counts by outcome.

    ``rules``: each source's extraction rules from the sources file, so re-extraction gives
    what a crawl would."""
    counts: Counter[str] = Counter()
    names = list(sources) or [None]
    for name in names:
        # Streamed: reading continues in this session while each write commits in its own
        # (SQLite WAL and PostgreSQL both allow it), so memory stays flat for any archive.
        with db.session() as session:
            for article, page in iter_pages_for_reextract(session, name):
                name = article.source.name
                counts[_reextract_one(db, name, article.url, article.published_at,
                                      article.language, page, (rules or {}).get(name))] += 1
    return dict(counts)


def _reextract_one(db: Database, source: str, url: str, published_at: datetime | None,
                   language: str | None, page: ArticlePage,
                   rules: ExtractionRules | None) -> str:
    body = zlib.decompress(page.body_z)
    result = extract_page(PageInput(url=page.response_url, body=body,
                                    content_type=page.content_type, language_hint=language,
                                    encoding=page.encoding, rules=rules))
    if isinstance(result, Rejection):
        # Keep the stored article: a worse extractor must not delete data.
        return f"kept ({result.reason})"
    return store_article(db, ArticleData(
        source=source, url=url, aliases=(), canonical_url=result.canonical_url,
        title=result.title, text=result.text, content_hash=result.content_hash,
        published_at=result.published_at or published_at, language=result.language,
        authors=result.authors, site_name=result.site_name, description=result.description,
        fetched_at=page.fetched_at, response_url=page.response_url, body_z=page.body_z,
        encoding=page.encoding, content_type=page.content_type, script=result.script,
        signature=result.signature, relevance=result.relevance, relevant=result.relevant,
        topics=result.topics if result.relevance is not None else None,
    ))

