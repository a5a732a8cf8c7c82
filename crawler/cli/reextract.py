"""Re-run extraction on stored pages, without fetching: after the extractor improves."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from crawler.articles import stored_article
from crawler.config import ExtractionRules
from crawler.extraction.page import PageInput, Rejection, extract_page
from crawler.pagebody import inflate_body
from storage.db import Database
from storage.models import ArticlePage
from storage.queries import iter_pages_for_reextract
from storage.writes import store_article


def reextract_articles(
    db: Database,
    sources: Sequence[str] = (),
    rules: Mapping[str, ExtractionRules] | None = None,
    topics: Mapping[str, str | None] | None = None,
    default_topics: str | None = None,
) -> dict[str, int]:
    """Extract every stored page again and store what changed; return counts by outcome.

    ``rules`` and ``topics``: each source's extraction rules and topics file from the sources
    file, so re-extraction gives what a crawl would. ``default_topics`` judges the sources the
    file no longer names (None: newsmon's shipped topics)."""
    counts: Counter[str] = Counter()
    selected: list[str | None] = [*sources] or [None]  # None: every source
    for selection in selected:
        # Streamed: reading continues in this session while each write commits in its own
        # (SQLite WAL and PostgreSQL both allow it), so memory stays flat for any archive.
        with db.session() as session:
            for article, page in iter_pages_for_reextract(session, selection):
                name = article.source.name
                counts[
                    _reextract_one(
                        db,
                        name,
                        article.url,
                        article.published_at,
                        article.language,
                        page,
                        (rules or {}).get(name),
                        (topics or {}).get(name, default_topics),
                    )
                ] += 1
    return dict(counts)


def _reextract_one(
    db: Database,
    source: str,
    url: str,
    published_at: datetime | None,
    language: str | None,
    page: ArticlePage,
    rules: ExtractionRules | None,
    topics: str | None,
) -> str:
    body = inflate_body(page.body_z)
    result = extract_page(
        PageInput(
            url=page.response_url,
            body=body,
            content_type=page.content_type,
            language_hint=language,
            encoding=page.encoding,
            rules=rules,
            topics=topics,
            # The crawl's date (its feed or sitemap may have given
            # it), ranked as the crawl ranked that hint.
            published_hint=published_at,
            compress=False,
        )
    )
    if isinstance(result, Rejection):
        # Keep the stored article: a worse extractor must not delete data.
        return f"kept ({result.reason})"
    # The page as stored (extraction did not compress it again).
    return store_article(
        db,
        stored_article(
            result,
            source=source,
            url=url,
            aliases=(),
            fetched_at=page.fetched_at,
            response_url=page.response_url,
            content_type=page.content_type,
            published_at=published_at,
            body_z=page.body_z,
        ),
    )
