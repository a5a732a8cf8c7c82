"""Reads: streaming with filters, known URLs, source summaries, pages for re-extraction."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from storage.db import Database
from storage.filters import ArticleFilter
from storage.models import Article, ArticleUrl
from storage.queries import (
    get_article,
    iter_articles,
    iter_pages_for_reextract,
    known_urls,
    summarize_sources,
)
from storage.writes import finish_run, start_run, store_article

DAY = datetime(2025, 2, 1, tzinfo=UTC)


def _store(db: Database, make_article: Any, name: str, **fields: Any) -> None:
    store_article(db, make_article(url=f"https://news.example/{name}", text=name, **fields))


def _names(articles: Any) -> list[str]:
    return [article.url.rsplit("/", 1)[1] for article in articles]


def test_iter_articles_orders_newest_first_undated_last_then_by_id(
    db: Database, make_article: Any
) -> None:
    _store(db, make_article, "undated-1", published_at=None)
    _store(db, make_article, "old", published_at=DAY)
    _store(db, make_article, "new", published_at=DAY + timedelta(days=2))
    _store(db, make_article, "undated-2", published_at=None)
    _store(db, make_article, "same-day", published_at=DAY)
    with db.session() as session:
        articles = list(iter_articles(session, batch=2))
        assert _names(articles) == ["new", "old", "same-day", "undated-1", "undated-2"]
        assert {article.source.name for article in articles} == {"example"}


def test_iter_articles_filters(db: Database, make_article: Any) -> None:
    _store(db, make_article, "a", source="alpha", language="en", published_at=DAY)
    _store(
        db, make_article, "b", source="beta", language="fr", published_at=DAY + timedelta(days=1)
    )
    _store(
        db, make_article, "c", source="alpha", language="fr", published_at=DAY + timedelta(days=2)
    )
    _store(db, make_article, "d", source="alpha", language=None, published_at=None)

    def names(flt: ArticleFilter) -> list[str]:
        with db.session() as session:
            return _names(iter_articles(session, flt))

    assert names(ArticleFilter()) == ["c", "b", "a", "d"]
    assert names(ArticleFilter(sources=("alpha",))) == ["c", "a", "d"]
    assert names(ArticleFilter(sources=("alpha", "beta"), languages=("fr",))) == ["c", "b"]
    assert names(ArticleFilter(sources=("nobody",))) == []
    # since is inclusive, until exclusive; undated articles fall outside any date range.
    assert names(ArticleFilter(since=DAY + timedelta(days=1))) == ["c", "b"]
    assert names(ArticleFilter(until=DAY + timedelta(days=1))) == ["a"]
    assert names(ArticleFilter(since=DAY, until=DAY + timedelta(days=2))) == ["b", "a"]


def test_article_filter_rejects_naive_or_inverted_dates() -> None:
    with pytest.raises(ValueError, match=r"ArticleFilter\.since must be timezone-aware"):
        ArticleFilter(since=datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="must be before"):
        ArticleFilter(since=DAY, until=DAY)


def test_iter_articles_streams_without_keeping_rows(db: Database, make_article: Any) -> None:
    store_article(db, make_article(url="https://news.example/seed"))
    with db.write_session() as session, session.begin():
        source_id = session.scalars(select(Article.source_id)).one()
        session.execute(
            insert(Article),
            [
                {
                    "source_id": source_id,
                    "url": f"https://news.example/bulk/{i}",
                    "content_hash": f"{i:064d}",
                    "text": f"bulk article {i}",
                    "authors": [],
                    "published_at": DAY + timedelta(minutes=i),
                }
                for i in range(3000)
            ],
        )
    with db.session() as session:
        seen = 0
        largest_identity_map = 0
        for article in iter_articles(session, batch=100):
            seen += 1
            largest_identity_map = max(largest_identity_map, len(session.identity_map))
            del article
    assert seen == 3001
    # Only about one batch (plus the source) is alive at any time, not all 3001 rows.
    assert largest_identity_map <= 250


def test_known_urls_in_batches(db: Database, make_article: Any) -> None:
    store_article(
        db, make_article(url="https://news.example/x", aliases=("https://news.example/x?amp",))
    )
    with db.write_session() as session, session.begin():
        article_id = session.scalars(select(Article.id)).one()
        session.add_all(
            ArticleUrl(url=f"https://news.example/old/{i}", article_id=article_id)
            for i in range(1200)
        )
    wanted = [f"https://news.example/old/{i}" for i in range(0, 1500, 3)]
    wanted += ["https://news.example/x?amp", "https://elsewhere.example/", wanted[0]]
    with db.session() as session:
        found = known_urls(session, iter(wanted))
        assert found == {f"https://news.example/old/{i}" for i in range(0, 1200, 3)} | {
            "https://news.example/x?amp"
        }
        assert known_urls(session, []) == set()


def test_summarize_sources(db: Database, make_article: Any) -> None:
    _store(db, make_article, "a1", source="alpha", published_at=DAY)
    _store(db, make_article, "a2", source="alpha", published_at=DAY + timedelta(days=3))
    _store(db, make_article, "a3", source="alpha", published_at=None)
    first = start_run(db, "alpha", trigger="schedule", pid=1)
    finish_run(
        db,
        first,
        status="failed",
        pages_fetched=1,
        articles_new=0,
        articles_updated=0,
        articles_unchanged=0,
        articles_failed=1,
        pages_dropped={},
        errors=["boom"],
        reason="site down",
    )
    latest = start_run(db, "alpha", trigger="schedule", pid=1)
    finish_run(
        db,
        latest,
        status="ok",
        pages_fetched=9,
        articles_new=3,
        articles_updated=1,
        articles_unchanged=2,
        articles_failed=0,
        pages_dropped={"NotRelevant": 3},
        errors=[],
        reason=None,
    )
    start_run(db, "gamma", pid=None)  # crawled once, still running, no articles yet

    with db.session() as session:
        alpha, gamma = summarize_sources(session)
    assert alpha.name == "alpha"
    assert alpha.articles == 3
    assert alpha.newest_published_at == DAY + timedelta(days=3)
    assert alpha.last_run is not None
    assert alpha.last_run.status == "ok"
    assert alpha.last_run.articles_new == 3
    assert alpha.last_run.pages_dropped == {"NotRelevant": 3}
    assert alpha.last_run.finished_at is not None
    assert alpha.last_run.finished_at >= alpha.last_run.started_at
    assert gamma.name == "gamma"
    assert gamma.articles == 0
    assert gamma.newest_published_at is None
    assert gamma.last_run is not None
    assert gamma.last_run.status == "running"
    assert gamma.last_run.finished_at is None


def test_pages_for_reextract(db: Database, make_article: Any) -> None:
    for name, source in (("p1", "alpha"), ("p2", "beta"), ("p3", "alpha")):
        store_article(
            db,
            make_article(
                url=f"https://news.example/{name}",
                source=source,
                text=name,
                body_z=zlib.compress(f"<p>{name}</p>".encode()),
            ),
        )
    with db.session() as session:
        every = [(a.url, zlib.decompress(p.body_z)) for a, p in iter_pages_for_reextract(session)]
        alpha = [a.url for a, _ in iter_pages_for_reextract(session, "alpha")]
        nobody = list(iter_pages_for_reextract(session, "nobody"))
    assert every == [
        ("https://news.example/p1", b"<p>p1</p>"),
        ("https://news.example/p2", b"<p>p2</p>"),
        ("https://news.example/p3", b"<p>p3</p>"),
    ]
    assert alpha == ["https://news.example/p1", "https://news.example/p3"]
    assert nobody == []


def test_get_article(db: Database, make_article: Any) -> None:
    store_article(db, make_article())
    with db.session() as session:
        article_id = session.scalars(select(Article.id)).one()
        article = get_article(session, article_id)
        assert get_article(session, article_id + 1000) is None
    assert article is not None
    assert article.source.name == "example"
    assert article.published_at is not None
    assert article.published_at.tzinfo is not None
