"""What extraction found on a page: the item the extraction pipeline hands to storage, and
the one mapping to the row storage writes, shared by the crawl's storage pipeline and by
``newsmon reextract``, so both store the same fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawler.extraction.page import ExtractedArticle
from crawler.items import PageItem
from storage.writes import ArticleData


@dataclass
class ArticleItem:
    """A fetched page that holds an article (``ExtractionPipeline``'s output), and the
    article found on it."""

    page: PageItem
    article: ExtractedArticle


def stored_article(
    found: ExtractedArticle,
    *,
    source: str,
    url: str,
    aliases: tuple[str, ...],
    fetched_at: datetime,
    response_url: str,
    content_type: str | None,
    published_at: datetime | None = None,
    body_z: bytes | None = None,
) -> ArticleData:
    """``found`` as the article row keyed by ``url``; ``published_at``: the date to keep
    when extraction found none; ``body_z``: the page as stored, when the caller has it
    (extraction then did not compress it)."""
    page = body_z if body_z is not None else found.body_z
    if page is None:
        raise ValueError(
            f"no stored form of the page of {url}: extraction did not compress "
            "it and none was given"
        )
    return ArticleData(
        source=source,
        url=url,
        aliases=aliases,
        canonical_url=found.canonical_url,
        title=found.title,
        text=found.text,
        content_hash=found.content_hash,
        published_at=found.published_at or published_at,
        language=found.language,
        authors=found.authors,
        site_name=found.site_name,
        description=found.description,
        fetched_at=fetched_at,
        response_url=response_url,
        body_z=page,
        encoding=found.encoding,
        content_type=content_type,
        script=found.script,
        signature=found.signature,
        relevance=found.relevance,
        relevant=found.relevant,
        # no verdict (topics file unreadable): leave stored relevance as it is
        topics=found.topics if found.relevance is not None else None,
        search_terms=found.search_terms,
    )
