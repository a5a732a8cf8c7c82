"""Relevance and similarity storage on both backends: near-duplicates, stories, versions,
filters, re-extraction."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crawler.extraction.page import content_hash
from crawler.similarity.signature import text_signature
from storage.db import Database
from storage.filters import ArticleFilter
from storage.models import Article, ArticleVersion
from storage.queries import iter_articles, search_articles
from storage.stories import list_stories
from storage.writes import store_article

STORIES = Path(__file__).resolve().parents[1] / "data" / "similarity" / "stories.json"
TEXT = (
    "Grid operators from the Baltic Sea region and Kenya signed a memorandum on Tuesday to "
    "share balancing data for wind and geothermal power. The agreement covers hourly "
    "forecasts, reserve margins and outage reports, and sets up a joint working group that "
    "meets twice a year. Engineers from Kenya will spend three months at control rooms in "
    "Lithuania and Estonia, and Baltic staff will visit the Olkaria geothermal field."
)


def _signed(make_article: Any, **values: Any) -> Any:
    text = values.setdefault("text", TEXT)
    values.setdefault("content_hash", content_hash(text))
    return make_article(
        signature=text_signature(values.get("title"), text, values.get("language", "en")), **values
    )


def _rows(db: Database) -> dict[str, Article]:
    with db.session() as session:
        return {a.url: a for a in session.scalars(select(Article))}


def test_copies_point_at_the_first_copy_and_are_hidden_by_default(
    db: Database, make_article: Any
) -> None:
    store_article(db, _signed(make_article, url="https://a.example/1", source="a"))
    store_article(
        db,
        _signed(
            make_article, url="https://b.example/1", source="b", text="Syndicated from A.\n" + TEXT
        ),
    )
    store_article(
        db,
        _signed(
            make_article,
            url="https://c.example/1",
            source="c",
            text=TEXT.replace("Tuesday", "Wednesday") + " More soon.",
        ),
    )
    store_article(
        db,
        _signed(
            make_article,
            url="https://d.example/1",
            source="d",
            text="An unrelated report on solar schools in Lisbon and Maputo, "
            "where forty schools get panels and batteries this year.",
        ),
    )
    rows = _rows(db)
    first = rows["https://a.example/1"]
    assert first.duplicate_of is None
    assert rows["https://b.example/1"].duplicate_of == first.id
    assert rows["https://c.example/1"].duplicate_of == first.id  # never a chain
    assert rows["https://d.example/1"].duplicate_of is None
    assert rows["https://c.example/1"].cluster == first.cluster
    with db.session() as session:
        assert len(list(iter_articles(session))) == 2
        assert len(list(iter_articles(session, ArticleFilter(include_duplicates=True)))) == 4
        assert (
            len(search_articles(session, "geothermal", ArticleFilter(include_duplicates=True))) == 3
        )


def test_default_search_hides_copies(db: Database, make_article: Any) -> None:
    store_article(db, _signed(make_article, url="https://a.example/1", source="a"))
    store_article(
        db,
        _signed(
            make_article, url="https://b.example/1", source="b", text="Syndicated from A.\n" + TEXT
        ),
    )
    with db.session() as session:
        assert len(search_articles(session, "geothermal")) == 1


def test_a_changed_text_is_updated_in_place_keeping_the_earlier_version(
    db: Database, make_article: Any
) -> None:
    first = _signed(make_article)
    store_article(db, first)
    later = datetime(2025, 3, 9, tzinfo=UTC)
    changed = _signed(
        make_article, text=TEXT + " Correction: the group meets four times.", fetched_at=later
    )
    assert store_article(db, changed) == "updated"
    with db.session() as session:
        article = session.scalars(select(Article)).one()
        versions = session.scalars(select(ArticleVersion)).all()
        assert article.content_hash == changed.content_hash and article.updated_at is not None
        assert [(v.content_hash, v.fetched_at) for v in versions] == [
            (first.content_hash, first.fetched_at)
        ]


def test_reports_in_several_languages_share_a_story(db: Database, make_article: Any) -> None:
    docs = json.loads(STORIES.read_text(encoding="utf-8"))["documents"]
    for doc in sorted(docs, key=lambda d: d["published_at"]):
        when = datetime.fromisoformat(doc["published_at"])
        store_article(
            db,
            _signed(
                make_article,
                url=f"https://{doc['source']}.example/{doc['id']}",
                source=doc["source"],
                title=doc["title"],
                text=doc["text"],
                language=doc["language"],
                published_at=when,
                fetched_at=when,
            ),
        )
    rows = _rows(db)
    cluster = {url.split(".example/")[1]: a.cluster for url, a in rows.items()}
    assert cluster["unep-mangrove/en"] == cluster["unep-mangrove/zh"] == cluster["unep-mangrove/fr"]
    assert cluster["x/unep-report"] != cluster["unep-mangrove/en"]
    with db.session() as session:
        stories = list_stories(session)
        unep = next(s for s in stories if s.cluster == cluster["unep-mangrove/en"])
        assert set(unep.languages) == {"en", "fr", "es", "zh"} and "unep" in unep.parties
        assert len(list_stories(session, since=datetime(2024, 6, 1, tzinfo=UTC))) == 3
        by_story = list(iter_articles(session, ArticleFilter(cluster=unep.cluster)))
        assert len(by_story) == 4
        assert {a.id for a in iter_articles(session, ArticleFilter(party="unep"))} >= {
            m.id for m in unep.members
        }


def test_relevance_is_stored_and_filtered(db: Database, make_article: Any) -> None:
    store_article(
        db,
        make_article(
            url="https://a.example/1", relevance=0.9, relevant=True, topics=("cooperation",)
        ),
    )
    store_article(
        db,
        make_article(
            url="https://a.example/2",
            text="Football results.",
            relevance=0.05,
            relevant=False,
            topics=(),
        ),
    )
    with db.session() as session:
        relevant = list(iter_articles(session, ArticleFilter(relevant=True)))
        assert [(a.url, a.topics) for a in relevant] == [("https://a.example/1", ["cooperation"])]
        assert len(list(iter_articles(session, ArticleFilter(relevant=False)))) == 1


def test_re_extraction_fills_in_articles_stored_before_the_signature(
    db: Database, make_article: Any
) -> None:
    store_article(
        db, make_article(url="https://a.example/1", text=TEXT, content_hash=content_hash(TEXT))
    )
    store_article(
        db,
        make_article(
            url="https://b.example/1",
            source="b",
            text=TEXT + " Bye.",
            content_hash=content_hash(TEXT + " Bye."),
        ),
    )
    assert all(a.cluster is None for a in _rows(db).values())
    assert store_article(db, _signed(make_article, url="https://a.example/1")) == "unchanged"
    assert (
        store_article(
            db, _signed(make_article, url="https://b.example/1", source="b", text=TEXT + " Bye.")
        )
        == "unchanged"
    )
    rows = _rows(db)
    assert rows["https://b.example/1"].duplicate_of == rows["https://a.example/1"].id
    assert rows["https://a.example/1"].parties and rows["https://a.example/1"].cluster
