"""search_articles on both backends: languages, CJK, the query language, ranking, filters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.errors import QuerySyntaxError
from storage.filters import ArticleFilter
from storage.models import Article
from storage.queries import search_articles
from storage.writes import store_article

ARTICLES = {
    "fr": (
        "La coopération climatique franco-allemande",
        "Paris et Berlin renforcent leur coopération énergétique. L'accord de Paris reste "
        "la référence, et les deux pays veulent sortir du charbon avant 2035.",
    ),
    "pl": (
        "Współpraca klimatyczna w regionie",
        "Łódź i Gdańsk rozwijają współpracę w zakresie energii wiatrowej. Morskie farmy "
        "wiatrowe na Bałtyku mają zastąpić węgiel.",
    ),
    "zh": (
        "中国环境科学研究院发布碳中和路线图",
        "中国环境科学研究院今天发布了关于碳中和的研究报告，提出到2060年实现碳中和的路径。",
    ),
    "zh-tw": (
        "臺灣推動淨零排放",
        "臺灣政府宣布二〇五〇淨零排放路徑，將擴大離岸風電與碳定價。",
    ),
    "ja": (
        "日本の脱炭素政策",
        "政府はカーボンニュートラルの実現に向けて、再生可能エネルギーの導入を加速する。",
    ),
    "en": (
        "Gas deal signed",
        "The two countries signed a natural gas deal, while coal use keeps falling.",
    ),
}


@pytest.fixture
def corpus(db: Database, make_article: Any) -> dict[str, int]:
    """The articles above, stored; their ids by key."""
    for day, (key, (title, text)) in enumerate(ARTICLES.items(), start=1):
        store_article(
            db,
            make_article(
                source="asia" if key in ("zh", "zh-tw", "ja") else "europe",
                url=f"https://news.example/{key}",
                title=title,
                text=text,
                language=key.split("-")[0],
                published_at=datetime(2025, 1, day, tzinfo=UTC),
            ),
        )
    with db.session() as session:
        ids = dict(session.execute(select(Article.url, Article.id)).all())
    return {key: ids[f"https://news.example/{key}"] for key in ARTICLES}


def _found(db: Database, query: str, **kwargs: Any) -> set[int]:
    with db.session() as session:
        return {hit.article.id for hit in search_articles(session, query, **kwargs)}


@pytest.mark.parametrize("query", ["coopération", "cooperation", "COOPERATION", "Coopération"])
def test_french_with_or_without_diacritics(
    db: Database, corpus: dict[str, int], query: str
) -> None:
    assert _found(db, query) == {corpus["fr"]}


def test_french_elision_and_accented_query_words(db: Database, corpus: dict[str, int]) -> None:
    assert _found(db, "l'accord energetique") == {corpus["fr"]}
    assert _found(db, "référence énergétique") == {corpus["fr"]}


@pytest.mark.parametrize("query", ["Łódź", "lodz", "LODZ", "współpracę", "wspolprace", "węgiel"])
def test_polish_letters_fold(db: Database, corpus: dict[str, int], query: str) -> None:
    assert _found(db, query) == {corpus["pl"]}


@pytest.mark.parametrize("query", ["碳中和", "环境", "环境科学研究院", "2060"])
def test_chinese_substrings_are_found(db: Database, corpus: dict[str, int], query: str) -> None:
    assert _found(db, query) == {corpus["zh"]}


def test_chinese_characters_out_of_order_do_not_match(db: Database, corpus: dict[str, int]) -> None:
    assert _found(db, "和中碳") == set()


@pytest.mark.parametrize("query", ["淨零排放", "臺灣", "離岸風電"])
def test_traditional_chinese(db: Database, corpus: dict[str, int], query: str) -> None:
    assert _found(db, query) == {corpus["zh-tw"]}


@pytest.mark.parametrize("query", ["净零排放", "台湾", "离岸风电", '"推动净零"'])
def test_traditional_chinese_is_found_in_simplified_script(
    db: Database, corpus: dict[str, int], query: str
) -> None:
    assert _found(db, query) == {corpus["zh-tw"]}


@pytest.mark.parametrize("query", ["環境", "碳中和路線圖", '"科學研究院"'])
def test_simplified_chinese_is_found_in_traditional_script(
    db: Database, corpus: dict[str, int], query: str
) -> None:
    assert _found(db, query) == {corpus["zh"]}


def test_japanese_kana_and_kanji(db: Database, corpus: dict[str, int]) -> None:
    assert _found(db, "カーボンニュートラル") == {corpus["ja"]}
    assert _found(db, "脱炭素") == {corpus["ja"]}
    assert _found(db, "再生可能エネルギー") == {corpus["ja"]}


def test_a_phrase_needs_its_words_in_order(db: Database, corpus: dict[str, int]) -> None:
    assert _found(db, '"natural gas deal"') == {corpus["en"]}
    assert _found(db, '"gas natural deal"') == set()
    assert _found(db, "deal gas natural") == {corpus["en"]}


def test_or_between_terms(db: Database, corpus: dict[str, int]) -> None:
    assert _found(db, "charbon OR coal OR 碳中和") == {corpus["fr"], corpus["en"], corpus["zh"]}
    assert _found(db, "charbon OR coal paris") == {corpus["fr"]}


def test_exclusions(db: Database, corpus: dict[str, int]) -> None:
    assert _found(db, "charbon OR coal -gas") == {corpus["fr"]}
    assert _found(db, 'coal -"gas deal"') == set()
    assert _found(db, 'coal -"deal gas"') == {corpus["en"]}
    assert _found(db, "碳中和 -研究院") == set()


def test_a_phrase_does_not_run_from_the_title_into_the_body(
    db: Database, corpus: dict[str, int]
) -> None:
    # The English title ends with "signed" and its body starts with "The".
    assert _found(db, '"signed the"') == set()
    assert _found(db, '"gas deal signed"') == {corpus["en"]}


@pytest.mark.parametrize("query", ["", '"unbalanced', "-coal", "coal OR", "OR coal"])
def test_malformed_queries_raise(db: Database, corpus: dict[str, int], query: str) -> None:
    with db.session() as session, pytest.raises(QuerySyntaxError):
        search_articles(session, query)


def test_hostile_query_text_is_only_ever_data(db: Database, corpus: dict[str, int]) -> None:
    for query in ["coal' OR 1=1 --", "NEAR(coal gas) *", "coal) | !(gas", "title:coal", "co*"]:
        with db.session() as session:
            search_articles(session, query)  # no database error whatever the punctuation
    assert _found(db, "coal' OR 1=1 --") == {corpus["en"]}


def test_title_matches_rank_above_body_matches(
    db: Database, make_article: Any, corpus: dict[str, int]
) -> None:
    store_article(
        db,
        make_article(
            url="https://news.example/turbines-body",
            title="Regional news",
            text="Several turbines were installed near the coast this week, officials said.",
        ),
    )
    store_article(
        db,
        make_article(
            url="https://news.example/turbines-title",
            title="Turbines",
            text="Several were installed near the coast this week, officials said again.",
        ),
    )
    with db.session() as session:
        hits = search_articles(session, "turbines")
    assert [hit.article.url for hit in hits] == [
        "https://news.example/turbines-title",
        "https://news.example/turbines-body",
    ]
    assert hits[0].score > hits[1].score > 0


def test_hits_carry_the_source_and_a_snippet_of_the_original_text(
    db: Database, corpus: dict[str, int]
) -> None:
    with db.session() as session:
        (hit,) = search_articles(session, "cooperation")
        assert hit.article.source.name == "europe"
        assert "coopération" in hit.snippet.matches
        (zh_hit,) = search_articles(session, "碳中和")
    assert "碳中和" in zh_hit.snippet.matches
    assert zh_hit.article.source.name == "asia"  # loaded eagerly: usable after the session


def test_filters_and_date_sort(db: Database, corpus: dict[str, int]) -> None:
    query = "charbon OR coal OR 碳中和 OR 淨零排放"
    everything = _found(db, query)
    assert everything == {corpus["fr"], corpus["en"], corpus["zh"], corpus["zh-tw"]}
    assert _found(db, query, flt=ArticleFilter(sources=("asia",))) == {
        corpus["zh"],
        corpus["zh-tw"],
    }
    assert _found(db, query, flt=ArticleFilter(languages=("en", "fr"))) == {
        corpus["fr"],
        corpus["en"],
    }
    # Published on 1 (fr), 3 (zh), 4 (zh-tw) and 6 (en) January: since is inclusive, until not.
    window = ArticleFilter(
        since=datetime(2025, 1, 3, 12, tzinfo=UTC), until=datetime(2025, 1, 6, 12, tzinfo=UTC)
    )
    assert _found(db, query, flt=window) == {corpus["zh-tw"], corpus["en"]}
    with db.session() as session:
        newest_first = search_articles(session, query, sort="date")
        assert [hit.article.id for hit in newest_first] == [
            corpus["en"],
            corpus["zh-tw"],
            corpus["zh"],
            corpus["fr"],
        ]
        assert len(search_articles(session, query, limit=2)) == 2
        with pytest.raises(ValueError, match="limit"):
            search_articles(session, query, limit=0)
