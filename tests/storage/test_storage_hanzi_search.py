"""Traditional and simplified Chinese find each other in search, on both backends: words,
phrases, highlighted snippets, ``newsmon search``, and databases indexed before migration
0009 once ``newsmon db upgrade`` has run. Japanese kanji stay searchable as written."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from crawler.cli import main
from crawler.text.folding import tokenize
from storage.db import Database
from storage.fts import SearchRow, meta_terms, write_search_rows
from storage.models import Article
from storage.queries import search_articles
from storage.writes import store_article

# Mainland (simplified), Taiwan (traditional) and Japanese articles on the same subject.
ARTICLES = {
    "hans": ("中国与欧盟加强气候合作", "双方宣布在气候合作与绿色氢能领域开展新项目。"),
    "hant": ("臺灣與歐盟深化氣候合作", "雙方宣布在氣候合作與綠色氫能領域推動新計畫。"),
    "ja": ("東京電力が脱炭素へ", "東京電力は発電所の脱炭素化に向け、再生可能エネルギーを増やす。"),
}


@pytest.fixture
def articles(db: Database, make_article: Any) -> dict[str, int]:
    """The articles above, stored; their ids by key."""
    for day, (key, (title, body)) in enumerate(ARTICLES.items(), start=1):
        store_article(
            db,
            make_article(
                url=f"https://news.example/{key}",
                title=title,
                text=body,
                language="ja" if key == "ja" else "zh",
                published_at=datetime(2025, 5, day, tzinfo=UTC),
            ),
        )
    with db.session() as session:
        ids = dict(session.execute(select(Article.url, Article.id)).all())
    return {key: ids[f"https://news.example/{key}"] for key in ARTICLES}


def _found(db: Database, query: str) -> set[int]:
    with db.session() as session:
        return {hit.article.id for hit in search_articles(session, query)}


@pytest.mark.parametrize(
    "query", ["气候", "氣候", "气候 新", '"氣候合作"', '"气候合作"', "绿色氢能", "綠色氫能", "歐盟"]
)
def test_either_script_finds_both(db: Database, articles: dict[str, int], query: str) -> None:
    assert _found(db, query) == {articles["hans"], articles["hant"]}


def test_script_specific_words_and_phrase_order_still_count(
    db: Database, articles: dict[str, int]
) -> None:
    assert _found(db, "计画") == {articles["hant"]}  # 計畫: Taiwan's word for a project
    assert _found(db, "项目") == {articles["hans"]}
    assert _found(db, '"合作氣候"') == set()


def test_snippets_highlight_the_characters_as_written(
    db: Database, articles: dict[str, int]
) -> None:
    with db.session() as session:
        snippets = {hit.article.id: hit.snippet for hit in search_articles(session, '"气候合作"')}
    assert "氣候合作" in snippets[articles["hant"]].matches
    assert "气候合作" in snippets[articles["hans"]].matches


def test_japanese_is_found_by_its_own_words(db: Database, articles: dict[str, int]) -> None:
    assert _found(db, "東京電力") == {articles["ja"]}
    assert _found(db, '"発電所"') == {articles["ja"]}
    assert _found(db, "再生可能エネルギー") == {articles["ja"]}
    with db.session() as session:
        (hit,) = search_articles(session, "東京電力")
    assert "東京電力" in hit.snippet.matches


def _folded_before_0009(value: str) -> str:
    """What the index held before migration 0009: each Chinese character as written."""
    return " ".join(value[token.start : token.end] for token in tokenize(value))


def _search_cli(database_url: str, query: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(
        main,
        ["--db", database_url, "search", query, "--format", "json"],
        env={"NEWSMON_CONFIG": None, "NEWSMON_DB": None},
    )
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def test_an_index_written_before_0009_is_found_after_db_upgrade(
    db: Database, database_url: str, articles: dict[str, int]
) -> None:
    # Rewrite the index rows as the folding before 0009 wrote them, and put the schema back
    # at the revision before.
    with db.write_session() as session, session.begin():
        stored = session.scalars(select(Article)).all()
        write_search_rows(
            session,
            [
                SearchRow(
                    a.id,
                    _folded_before_0009(a.title or ""),
                    _folded_before_0009(a.text),
                    meta_terms(a.published_at, a.language, a.source_id),
                )
                for a in stored
            ],
        )
        session.execute(text("UPDATE alembic_version SET version_num = '0008'"))
    # Queries are folded to simplified characters now; the stale traditional row misses.
    assert _found(db, "气候") == _found(db, "氣候") == {articles["hans"]}
    db.dispose()

    env = {"NEWSMON_CONFIG": None, "NEWSMON_DB": None}
    upgraded = CliRunner().invoke(main, ["--db", database_url, "db", "upgrade"], env=env)
    assert upgraded.exit_code == 0, upgraded.output

    for query in ("气候", "氣候", '"氣候合作"'):
        hits = _search_cli(database_url, query)
        assert {hit["title"] for hit in hits} == {ARTICLES["hans"][0], ARTICLES["hant"][0]}
    [hant] = [hit for hit in _search_cli(database_url, "气候合作") if hit["id"] == articles["hant"]]
    assert {"text": "氣候合作", "match": True} in hant["snippet_parts"]
    assert [hit["id"] for hit in _search_cli(database_url, "東京電力")] == [articles["ja"]]
