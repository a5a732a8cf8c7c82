"""storage.search on both backends: bounded ranking, filters inside the index, exact date
order and paging, hit counts, fuzzed queries; the meta terms of migration 0005; and the
``newsmon search`` / ``newsmon show`` commands."""

from __future__ import annotations

import importlib.util
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

import storage.search
from crawler.cli import main
from storage.db import Database
from storage.errors import QuerySyntaxError
from storage.filters import ArticleFilter
from storage.fts import meta_terms
from storage.models import Article
from storage.queries import count_search_hits, search_articles
from storage.writes import store_article

MIGRATION = Path(storage.search.__file__).parent / "migrations/versions/0005_search_meta_terms.py"


@pytest.fixture
def months(db: Database, make_article: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """24 articles matching "wind", one per month of 2023-2024, English from 2024 and Polish
    before; with a candidate pool of 5, so most queries rank a window."""
    monkeypatch.setattr(storage.search, "CANDIDATES", 5)
    ids = {}
    for n in range(24):
        year, month = 2023 + n // 12, n % 12 + 1
        lang = "en" if year == 2024 else "pl"
        store_article(
            db,
            make_article(
                url=f"https://news.example/{year}-{month}",
                language=lang,
                source="west" if n % 2 else "east",
                title="Wind power" if month == 3 else f"Report {year}-{month}",
                text=f"Offshore wind farms, issue {year}-{month}.",
                published_at=datetime(year, month, 10, tzinfo=UTC),
            ),
        )
        ids[f"{year}-{month}"] = n
    with db.session() as session:
        by_url = {url: id_ for url, id_ in session.execute(select(Article.url, Article.id))}
    return {key: by_url[f"https://news.example/{key}"] for key in ids}


def _ids(db: Database, query: str, **kwargs: Any) -> list[int]:
    with db.session() as session:
        return [hit.article.id for hit in search_articles(session, query, **kwargs)]


def test_a_common_query_ranks_its_newest_months(db: Database, months: dict[str, int]) -> None:
    # A pool of 5 (the page is no bigger): only the newest five months are ranked, so the
    # title match of March 2024 is not among them.
    assert set(_ids(db, "wind", limit=5)) == {months[f"2024-{m}"] for m in range(8, 13)}
    # A page of 20 ranks a pool of 20; 24 matches are at most twice that, so all are ranked
    # and both title matches come first.
    assert set(_ids(db, "wind")[:2]) == {months["2023-3"], months["2024-3"]}


def test_up_to_twice_the_pool_is_ranked_exactly(db: Database, months: dict[str, int]) -> None:
    # Ten matches since March 2024, a pool of 5: all ten ranked, the title match first.
    since_march = ArticleFilter(since=datetime(2024, 3, 1, tzinfo=UTC))
    assert _ids(db, "wind", flt=since_march, limit=5)[0] == months["2024-3"]
    # Eleven: only the newest five months are ranked.
    since_february = ArticleFilter(since=datetime(2024, 2, 1, tzinfo=UTC))
    assert set(_ids(db, "wind", flt=since_february, limit=5)) == {
        months[f"2024-{m}"] for m in range(8, 13)
    }


def test_a_phrase_rare_among_its_words_is_still_found(
    db: Database, make_article: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window is sized by the words in any order: twelve recent articles have both words
    # apart, and the only phrase match is older than the window, so the phrase is ranked whole.
    monkeypatch.setattr(storage.search, "CANDIDATES", 5)
    for month in range(1, 13):
        store_article(
            db,
            make_article(
                url=f"https://news.example/apart-{month}",
                title=f"Report {month}",
                text="Wind, and then more power.",
                published_at=datetime(2024, month, 5, tzinfo=UTC),
            ),
        )
    store_article(
        db,
        make_article(
            url="https://news.example/phrase",
            title="Old news",
            text="Wind power grows.",
            published_at=datetime(2023, 6, 5, tzinfo=UTC),
        ),
    )
    with db.session() as session:
        [hit] = search_articles(session, '"wind power"', limit=5)
        assert hit.article.url == "https://news.example/phrase"
        assert len(search_articles(session, "wind power", limit=5)) == 5


def test_filters_reach_older_matches(db: Database, months: dict[str, int]) -> None:
    polish = _ids(db, "wind", flt=ArticleFilter(languages=("pl",)), limit=5)
    assert set(polish) == {months[f"2023-{m}"] for m in range(8, 13)}
    window = ArticleFilter(
        since=datetime(2023, 2, 15, tzinfo=UTC), until=datetime(2023, 4, 1, tzinfo=UTC)
    )
    assert _ids(db, "wind", flt=window) == [months["2023-3"]]
    east = _ids(db, "wind", flt=ArticleFilter(sources=("east",), languages=("pl",)))
    assert set(east) == {months[f"2023-{m}"] for m in range(1, 13, 2)}
    assert _ids(db, "wind", flt=ArticleFilter(sources=("nowhere",))) == []
    assert _ids(db, "wind", flt=ArticleFilter(since=datetime(2030, 1, 1, tzinfo=UTC))) == []


def test_title_matches_rank_first_within_the_pool(db: Database, months: dict[str, int]) -> None:
    march = ArticleFilter(
        since=datetime(2024, 1, 1, tzinfo=UTC), until=datetime(2024, 6, 1, tzinfo=UTC)
    )
    assert _ids(db, "wind", flt=march)[0] == months["2024-3"]


def test_date_order_is_exact_across_pages(db: Database, months: dict[str, int]) -> None:
    newest_first = [months[f"{y}-{m}"] for y in (2024, 2023) for m in range(12, 0, -1)]
    pages = [_ids(db, "wind", sort="date", limit=7, offset=o) for o in range(0, 28, 7)]
    assert [i for page in pages for i in page] == newest_first
    assert _ids(db, "wind OR farms", sort="date", limit=3, offset=20) == newest_first[20:23]


def test_near_duplicates_are_left_out_of_windows_and_counts(
    db: Database, months: dict[str, int]
) -> None:
    # The newest three months become copies of older articles: the window of the five
    # newest months holding a match reaches back to July 2024, and the date order skips them.
    copies = [months[f"2024-{m}"] for m in (10, 11, 12)]
    with db.session() as session:
        session.execute(
            text("UPDATE articles SET duplicate_of = :o WHERE id IN (:a, :b, :c)"),
            {"o": months["2023-1"], "a": copies[0], "b": copies[1], "c": copies[2]},
        )
        session.commit()
    assert set(_ids(db, "wind", limit=5)) == {months[f"2024-{m}"] for m in range(5, 10)}
    assert _ids(db, "wind", sort="date", limit=2) == [months["2024-9"], months["2024-8"]]
    everything = ArticleFilter(include_duplicates=True)
    assert set(_ids(db, "wind", flt=everything, limit=5)) == {
        months[f"2024-{m}"] for m in range(8, 13)
    }
    with db.session() as session:
        assert count_search_hits(session, "wind").count == 21
        assert count_search_hits(session, "wind", everything).count == 24


def test_search_leaves_the_session_settings_as_it_found_them(
    db: Database, months: dict[str, int]
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL has session settings to put back")
    settings = "SELECT current_setting('jit'), current_setting('work_mem')"
    with db.session() as session:
        before = session.execute(text(settings)).one()
        search_articles(session, "wind", limit=5)
        count_search_hits(session, "wind")
        assert session.execute(text(settings)).one() == before


def test_hit_counts(db: Database, months: dict[str, int]) -> None:
    with db.session() as session:
        assert count_search_hits(session, "wind") == storage.search.HitCount(24, True)
        assert count_search_hits(session, "wind", cap=10) == storage.search.HitCount(10, False)
        polish = ArticleFilter(languages=("pl",))
        assert count_search_hits(session, "wind", polish).count == 12
        assert count_search_hits(session, "nothing").count == 0


def test_paging_arguments_are_checked(db: Database, months: dict[str, int]) -> None:
    with db.session() as session, pytest.raises(ValueError, match="offset"):
        search_articles(session, "wind", offset=-1)


def test_fuzzed_queries_give_results_or_a_syntax_error(
    db: Database, months: dict[str, int]
) -> None:
    rng = random.Random(7)
    alphabet = [
        '"',
        "-",
        " ",
        "OR",
        "(",
        ")",
        "*",
        ":",
        "'",
        "\\",
        "wind",
        "碳",
        "ł",
        "NEAR",
        "^",
        "AND",
        "NOT",
        "\x00",
        "é",
        "{",
        "}",
        "+",
        "title",
    ]
    with db.session() as session:
        for _ in range(300):
            query = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
            try:
                search_articles(session, query, limit=3)
            except QuerySyntaxError as exc:
                assert str(exc) and "\n" not in str(exc)


def _migration_sql(name: str) -> str:
    spec = importlib.util.spec_from_file_location("migration_0005", MIGRATION)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(getattr(module, name))


def test_migration_writes_the_meta_terms_of_the_storage_layer(
    db: Database, make_article: Any
) -> None:
    for n, (lang, day) in enumerate(
        [
            ("zh", datetime(2024, 12, 31, 23, 30, tzinfo=UTC)),
            (None, None),
            ("pt-br", datetime(2019, 1, 1, tzinfo=UTC)),
        ]
    ):
        store_article(
            db, make_article(url=f"https://news.example/m{n}", language=lang, published_at=day)
        )
    with db.session() as session:
        articles = session.scalars(select(Article)).all()
        for article in articles:
            expected = meta_terms(article.published_at, article.language, article.source_id)
            if db.engine.dialect.name == "sqlite":
                sql = f"SELECT {_migration_sql('_SQLITE_META')} FROM articles a WHERE a.id = :i"
                got = session.scalar(text(sql), {"i": article.id})
                assert got == expected
            else:
                sql = (
                    f"SELECT tsvector_to_array({_migration_sql('_POSTGRES_META')}) "
                    "FROM articles a WHERE a.id = :i"
                )
                got = session.scalar(text(sql), {"i": article.id})
                assert sorted(got) == sorted(expected.split())


@pytest.fixture
def cli_db(tmp_path: Path, make_article: Any) -> str:
    from storage.db import open_database

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with open_database(url) as database:
        for n in range(3):
            store_article(
                database,
                make_article(
                    url=f"https://news.example/c{n}",
                    title=f"Coopération {n}",
                    text=f"La coopération climatique, numéro {n}.",
                    language="fr",
                    published_at=datetime(2025, 1, n + 1, tzinfo=UTC),
                ),
            )
    return url


def _run(url: str, *args: str) -> Any:
    return CliRunner().invoke(main, ["--db", url, *args])


def test_cli_search_pages_and_table(cli_db: str) -> None:
    first = _run(
        cli_db, "search", "cooperation", "--sort", "date", "--limit", "2", "--format", "json"
    )
    second = _run(
        cli_db,
        "search",
        "cooperation",
        "--sort",
        "date",
        "--limit",
        "2",
        "--page",
        "2",
        "--format",
        "json",
    )
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    titles = [r["title"] for r in json.loads(first.output) + json.loads(second.output)]
    assert titles == ["Coopération 2", "Coopération 1", "Coopération 0"]
    table = _run(cli_db, "search", "cooperation", "--format", "table", "--offset", "1")
    assert "2-3 of 3 result(s)" in table.output
    both = _run(cli_db, "search", "cooperation", "--offset", "1", "--page", "2")
    assert both.exit_code == 2 and "--offset or --page" in both.output


def test_cli_show(cli_db: str) -> None:
    shown = _run(cli_db, "show", "1")
    assert shown.exit_code == 0, shown.output
    assert "Coopération 0" in shown.output and "La coopération climatique" in shown.output
    assert "source: example" in shown.output
    as_json = json.loads(_run(cli_db, "show", "2", "--format", "json").output)
    assert as_json["id"] == 2 and as_json["language"] == "fr"
    missing = _run(cli_db, "show", "99")
    assert missing.exit_code == 2
    assert missing.output.strip().splitlines() == [
        f"newsmon: error: no article with id 99 in {cli_db}"
    ]
