"""store_article: new / unchanged / updated, aliases, races and rollback, on both backends."""

from __future__ import annotations

import threading
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from crawler.similarity.signature import text_signature
from storage import fts, writes
from storage.db import Database
from storage.filters import ArticleFilter
from storage.models import (
    Article,
    ArticleEvidence,
    ArticlePage,
    ArticleUrl,
    ArticleVersion,
    Source,
)
from storage.queries import known_urls, search_articles
from storage.writes import ArticleData, store_article


def _urls(db: Database) -> dict[str, int]:
    with db.session() as session:
        return dict(session.execute(select(ArticleUrl.url, ArticleUrl.article_id)).all())


def test_a_new_article_stores_everything(db: Database, make_article: Any, row_counts: Any) -> None:
    data = make_article(aliases=("https://news.example/a/1?ref=rss",))
    assert store_article(db, data) == "new"
    assert row_counts(db) == (1, 1)
    with db.session() as session:
        article = session.scalars(select(Article)).one()
        assert article.source.name == "example"
        assert article.url == data.url
        assert article.authors == ["A. Writer"]
        assert article.published_at == data.published_at
        assert article.updated_at is None
        page = session.get(ArticlePage, article.id)
        assert page is not None
        assert zlib.decompress(page.body_z).startswith(b"<html>")
        assert page.encoding == "utf-8"
    assert _urls(db) == {data.url: article.id, "https://news.example/a/1?ref=rss": article.id}


def test_writing_the_same_article_twice_is_idempotent(
    db: Database, make_article: Any, row_counts: Any
) -> None:
    data = make_article()
    assert store_article(db, data) == "new"
    later = datetime(2025, 3, 5, tzinfo=UTC)
    again = make_article(fetched_at=later)
    assert store_article(db, again) == "unchanged"
    assert row_counts(db) == (1, 1)
    with db.session() as session:
        article = session.scalars(select(Article)).one()
        assert article.fetched_at == later
        assert article.updated_at is None
        assert session.scalar(select(Source.id).where(Source.name == "example")) is not None
        assert len(session.scalars(select(Source)).all()) == 1


def test_an_article_is_found_again_under_an_alias(db: Database, make_article: Any) -> None:
    first = make_article(
        url="https://news.example/story",
        aliases=("https://news.example/?p=42", "https://news.example/amp/story"),
    )
    store_article(db, first)
    # Fetched again from the old-style URL, which now redirects elsewhere.
    second = make_article(
        url="https://news.example/?p=42",
        aliases=("https://news.example/2025/story",),
        canonical_url="https://news.example/story",
    )
    assert store_article(db, second) == "unchanged"
    urls = _urls(db)
    assert len(set(urls.values())) == 1
    assert set(urls) == {
        "https://news.example/story",
        "https://news.example/?p=42",
        "https://news.example/amp/story",
        "https://news.example/2025/story",
    }
    with db.session() as session:
        assert session.scalars(select(Article.url)).all() == ["https://news.example/story"]
        assert known_urls(session, ["https://news.example/2025/story", "https://x.example/"]) == {
            "https://news.example/2025/story"
        }


def test_an_alias_of_another_article_is_not_taken_over(db: Database, make_article: Any) -> None:
    store_article(db, make_article(url="https://news.example/a", text="first"))
    store_article(db, make_article(url="https://news.example/b", text="second"))
    # b is refetched and now also claims a's URL (a misconfigured redirect, say).
    outcome = store_article(
        db,
        make_article(
            url="https://news.example/b", aliases=("https://news.example/a",), text="second"
        ),
    )
    assert outcome == "unchanged"
    with db.session() as session:
        ids = dict(session.execute(select(Article.url, Article.id)).all())
    assert _urls(db) == {
        "https://news.example/a": ids["https://news.example/a"],
        "https://news.example/b": ids["https://news.example/b"],
    }


def test_a_changed_article_is_updated_in_place(
    db: Database, make_article: Any, row_counts: Any
) -> None:
    store_article(db, make_article(title="Old headline", text="Coal plants keep running."))
    changed = make_article(
        title="New headline",
        text="Wind farms replace the coal plants.",
        body_z=zlib.compress(b"<html>new</html>"),
        language="fr",
    )
    assert store_article(db, changed) == "updated"
    assert row_counts(db) == (1, 1)
    with db.session() as session:
        article = session.scalars(select(Article)).one()
        assert article.title == "New headline"
        assert article.content_hash == changed.content_hash
        assert article.language == "fr"
        assert article.updated_at is not None
        assert article.updated_at.tzinfo is not None
        page = session.get(ArticlePage, article.id)
        assert page is not None
        assert zlib.decompress(page.body_z) == b"<html>new</html>"
        # The index follows the text: the new words are found, the dropped ones are not.
        assert [hit.article.id for hit in search_articles(session, "wind farms")] == [article.id]
        assert search_articles(session, '"old headline"') == []
        assert [hit.article.id for hit in search_articles(session, "headline")] == [article.id]


def test_the_search_row_takes_the_terms_extraction_folded(db: Database, make_article: Any) -> None:
    # The worker folds title and text (ExtractedArticle.search_terms); storage writes them as
    # given. Terms that differ from the text's show that they, not a second folding, are used.
    store_article(
        db,
        make_article(
            title="Klimat",
            text="Współpraca klimatyczna.",
            search_terms=("klimat", "wspolpraca klimatyczna marker"),
        ),
    )
    with db.session() as session:
        assert len(search_articles(session, "marker")) == 1
    # A changed text is indexed from the terms given with it, too.
    store_article(
        db,
        make_article(
            title="Klimat", text="Nowa umowa.", search_terms=("klimat", "nowa umowa second")
        ),
    )
    with db.session() as session:
        assert search_articles(session, "marker") == []
        assert len(search_articles(session, "klimat second")) == 1


def test_corrected_metadata_of_an_unchanged_text_is_stored(
    db: Database, make_article: Any, row_counts: Any
) -> None:
    store_article(
        db,
        make_article(
            title="Draft headline",
            language="en",
            published_at=datetime(2024, 12, 31, 23, 0, tzinfo=UTC),
        ),
    )
    # Re-extracted (or re-crawled): the same text, with a better title, date and bylines.
    fixed = replace(
        make_article(
            title="Final headline",
            language="fr",
            authors=("B. Editor",),
            published_at=datetime(2025, 1, 2, 9, 0, tzinfo=UTC),
            site_name="Example",
            description="A summary.",
            canonical_url="https://news.example/a/1?amp",
        ),
        script="Latn",
    )
    assert store_article(db, fixed) == "updated"
    assert row_counts(db) == (1, 1)
    with db.session() as session:
        article = session.scalars(select(Article)).one()
        assert (
            article.title,
            article.language,
            article.authors,
            article.published_at,
            article.site_name,
            article.description,
            article.canonical_url,
            article.script,
        ) == (
            "Final headline",
            "fr",
            ["B. Editor"],
            fixed.published_at,
            "Example",
            "A summary.",
            "https://news.example/a/1?amp",
            "Latn",
        )
        assert article.updated_at is not None
        assert session.scalars(select(ArticleVersion)).all() == []  # the text is the same
        # The search row follows: the new title's words, and the new date and language.
        assert [hit.article.id for hit in search_articles(session, "final")] == [article.id]
        assert search_articles(session, "draft") == []
        january = ArticleFilter(
            languages=("fr",),
            since=datetime(2025, 1, 1, tzinfo=UTC),
            until=datetime(2025, 2, 1, tzinfo=UTC),
        )
        assert [hit.article.id for hit in search_articles(session, "headline", january)] == [
            article.id
        ]
        december = ArticleFilter(until=datetime(2025, 1, 1, tzinfo=UTC))
        assert search_articles(session, "headline", december) == []
    assert store_article(db, fixed) == "unchanged"


def test_a_corrected_date_moves_the_story_evidence(db: Database, make_article: Any) -> None:
    text_ = (
        "Kenya and the United Nations signed a climate cooperation agreement on "
        "March 3, worth 250 million dollars and covering 12,000 hectares."
    )
    signature = text_signature("Kenya signs", text_, "en")
    store_article(db, make_article(text=text_, signature=signature))
    later = datetime(2025, 3, 4, 6, 0, tzinfo=UTC)
    assert (
        store_article(db, make_article(text=text_, signature=signature, published_at=later))
        == "updated"
    )
    with db.session() as session:
        dates = set(session.scalars(select(ArticleEvidence.at)))
    assert dates == {later}


def test_a_new_fetch_time_alone_leaves_an_article_unchanged(
    db: Database, make_article: Any
) -> None:
    store_article(db, make_article())
    again = make_article(
        fetched_at=datetime(2025, 4, 1, tzinfo=UTC),
        relevance=0.5,
        relevant=True,
        topics=("cooperation",),
    )
    assert store_article(db, again) == "unchanged"
    with db.session() as session:
        article = session.scalars(select(Article)).one()
        assert article.updated_at is None
        assert (article.fetched_at, article.relevance, article.topics) == (
            again.fetched_at,
            0.5,
            ["cooperation"],
        )


def test_losing_a_race_on_the_url_retries_as_an_update(
    db: Database, make_article: Any, monkeypatch: pytest.MonkeyPatch, row_counts: Any
) -> None:
    store_article(db, make_article(text="Version one."))
    # Simulate a concurrent writer: the first lookup misses the row that is already there,
    # so the insert hits the unique URL, and the retry must find the row and update it.
    real_find = writes._find_article
    misses = iter([True])

    def find_after_a_miss(session: Any, data: ArticleData) -> Article | None:
        if next(misses, False):
            return None
        return real_find(session, data)

    monkeypatch.setattr(writes, "_find_article", find_after_a_miss)
    assert store_article(db, make_article(text="Version two.")) == "updated"
    assert row_counts(db) == (1, 1)


def test_concurrent_writers_of_one_url_create_one_row(
    db: Database, make_article: Any, row_counts: Any
) -> None:
    writers = 6
    barrier = threading.Barrier(writers)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def write(index: int) -> None:
        data = make_article(aliases=(f"https://news.example/a/1?utm={index}",))
        try:
            barrier.wait(timeout=10)
            outcomes.append(store_article(db, data))
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(outcomes) == ["new"] + ["unchanged"] * (writers - 1)
    assert row_counts(db) == (1, 1)
    assert len(_urls(db)) == writers + 1


def test_a_failure_mid_write_leaves_nothing_behind(
    db: Database, make_article: Any, monkeypatch: pytest.MonkeyPatch, row_counts: Any
) -> None:
    real_write = fts.write_search_rows

    def write_then_crash(*args: Any, **kwargs: Any) -> None:
        real_write(*args, **kwargs)  # the article, its page, URLs and index row are written...
        raise RuntimeError("simulated crash")  # ...then the process dies mid-transaction

    monkeypatch.setattr(writes, "write_search_rows", write_then_crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        store_article(db, make_article())
    assert row_counts(db) == (0, 0)
    assert _urls(db) == {}
    with db.session() as session:
        assert session.scalars(select(Source)).all() == []
        assert session.scalars(select(ArticlePage)).all() == []


def test_deleting_an_article_removes_its_index_row(
    db: Database, make_article: Any, row_counts: Any
) -> None:
    store_article(db, make_article(url="https://news.example/keep", text="kept text"))
    store_article(db, make_article(url="https://news.example/drop", text="dropped text"))
    with db.write_session() as session, session.begin():
        article = session.scalars(
            select(Article).where(Article.url == "https://news.example/drop")
        ).one()
        session.delete(article)
    assert row_counts(db) == (1, 1)
    with db.session() as session:
        assert search_articles(session, "dropped") == []
        assert len(search_articles(session, "kept")) == 1


def test_store_article_accepts_a_plain_sessionmaker(db: Database, make_article: Any) -> None:
    assert store_article(db.sessionmaker, make_article()) == "new"
    assert store_article(db.sessionmaker, make_article()) == "unchanged"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "", "ArticleData.url must not be empty"),
        ("url", "https://x.example/" + "a" * 2048, "ArticleData.url is 2066 characters"),
        ("fetched_at", datetime(2025, 1, 1), "ArticleData.fetched_at must be timezone-aware"),
        ("published_at", datetime(2025, 1, 1), "ArticleData.published_at must be timezone"),
        ("language", "zh-Hant-TW", "ArticleData.language is 10 characters"),
        ("aliases", ("",), "ArticleData.aliases has an empty"),
        ("body_z", "text", "ArticleData.body_z must be bytes"),
    ],
)
def test_invalid_article_data_names_the_field(
    make_article: Any, field: str, value: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        make_article(**{field: value})
