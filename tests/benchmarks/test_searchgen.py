"""The search benchmark's corpus (benchmarks/support/searchgen.py) has near-duplicates stored
as a crawl stores them, ``duplicate_of`` naming the first copy, so the benchmark measures search
hiding them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from benchmarks.support.searchgen import GeneratedArticle, generate_articles, load_articles
from storage.db import Database
from storage.filters import ArticleFilter
from storage.models import Article
from storage.queries import search_articles

COUNT = 3_000


@pytest.fixture(scope="module")
def corpus() -> list[GeneratedArticle]:
    return list(generate_articles(COUNT))


def test_near_duplicates_point_at_an_earlier_original_of_their_language(
    db: Database, corpus: list[GeneratedArticle]
) -> None:
    load_articles(db, corpus)
    with db.session() as session:
        rows = {
            row.id: row
            for row in session.execute(
                select(
                    Article.id,
                    Article.language,
                    Article.source_id,
                    Article.url,
                    Article.title,
                    Article.text,
                    Article.published_at,
                    Article.duplicate_of,
                )
            )
        }
    copies = [row for row in rows.values() if row.duplicate_of is not None]
    assert 0.07 < len(copies) / len(rows) < 0.09
    for copy in copies:
        original = rows[copy.duplicate_of]
        assert original.id < copy.id
        assert original.duplicate_of is None  # no chains: always the first copy
        assert copy.language == original.language
        assert copy.source_id != original.source_id and copy.url != original.url
        assert copy.title == original.title and copy.text != original.text
        assert timedelta(0) < copy.published_at - original.published_at <= timedelta(days=1)
    # The same seed, the same copies.
    assert [a.copy_of for a in generate_articles(COUNT)] == [a.copy_of for a in corpus]


def test_search_hides_the_corpus_near_duplicates(
    db: Database, corpus: list[GeneratedArticle]
) -> None:
    load_articles(db, corpus)
    with db.session() as session:
        copies = set(session.scalars(select(Article.id).where(Article.duplicate_of.is_not(None))))
        shown = {
            h.article.id
            for h in search_articles(session, '"climate cooperation"', ArticleFilter(), limit=100)
        }
        everything = {
            h.article.id
            for h in search_articles(
                session, '"climate cooperation"', ArticleFilter(include_duplicates=True), limit=100
            )
        }
    assert shown and not shown & copies
    assert everything & copies
