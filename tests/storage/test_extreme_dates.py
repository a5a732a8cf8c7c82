"""Placeholder dates: a CMS's "0001-01-01T00:00:00Z" is no publication date, and an article
stored with a date at the end of the calendar still gets its story looked up (found by the
crawl benchmark on the corpus: one such USA Today page failed its whole batch)."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest

from crawler.extraction.metadata import structured_published
from crawler.extraction.page import ExtractedArticle, PageInput, content_hash, extract_page
from crawler.similarity.signature import text_signature
from storage.db import Database
from storage.models import Article
from storage.writes import store_articles
from tests.conftest import ArticleFactory

TEXT = (
    "Kenya and the United Nations signed a climate cooperation agreement on March 3, worth "
    "USD 40 million, in Nairobi. The UNEP programme funds solar pilots in 12 counties."
)
LD = (
    '<script type="application/ld+json">{"@context": "http://schema.org", "@type": '
    '"NewsArticle", "dateModified": "0001-01-01T00:00:00Z", "datePublished": '
    '"0001-01-01T00:00:00Z"}</script>'
)


def _page(head: str) -> str:
    body = "".join(f"<p>{TEXT} Paragraph {n} adds its own sentence here.</p>" for n in range(6))
    return (
        f"<html><head><title>Kenya and UN sign pact</title>{head}</head><body><article>"
        f"<h1>Kenya and UN sign pact</h1>{body}</article></body></html>"
    )


def test_a_placeholder_date_gives_way_to_the_next_candidate() -> None:
    meta = '<meta property="article:published_time" content="2019-11-19T17:40:00Z">'
    tree = lxml.html.fromstring(_page(LD + meta))
    assert structured_published(tree) == datetime(2019, 11, 19, 17, 40, tzinfo=UTC)


@pytest.mark.parametrize(
    "head", [LD, '<meta property="article:published_time" content="9999-12-31T23:59:59Z">']
)
def test_an_article_with_only_a_placeholder_date_has_none(head: str) -> None:
    result = extract_page(
        PageInput(
            url="https://news.example/kenya",
            body=_page(head).encode(),
            content_type="text/html",
            encoding="utf-8",
        )
    )
    assert isinstance(result, ExtractedArticle)
    assert result.published_at is None


@pytest.mark.parametrize(
    "when", [datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)]
)
def test_an_article_dated_at_the_end_of_the_calendar_is_stored_with_its_story(
    db: Database, make_article: ArticleFactory, when: datetime
) -> None:
    items = [
        make_article(
            url=f"https://{site}.example/kenya",
            source=site,
            text=TEXT,
            content_hash=content_hash(TEXT),
            published_at=when,
            signature=text_signature("Kenya and UN sign pact", TEXT, "en"),
        )
        for site in ("a", "b")
    ]
    assert store_articles(db, items) == ["new", "new"]
    with db.session() as session:
        rows = session.query(Article).order_by(Article.id).all()
        assert [row.published_at.year for row in rows] == [when.year] * 2
