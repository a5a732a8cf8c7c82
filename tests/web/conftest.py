"""Fixtures for the web app: a database of articles in several languages (one of them
hostile), crawl runs for the sources page, and clients of the app.

``web_db`` runs on SQLite, and on PostgreSQL too when ``NEWSMON_TEST_PG_URL`` names a server.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from crawler.web.app import create_app
from storage.db import Database, open_database
from storage.models import Article
from storage.writes import ArticleData, finish_run, start_run, store_article
from tests.pg import PG_URL_ENV, PostgresServer

SCRIPT_TITLE = '<script>alert("title")</script> Climate pact with a hostile title'
SCRIPT_TEXT = (
    'The parties agreed on climate cooperation. <script>alert("text")</script>\n\n'
    "A second paragraph <img src=x onerror=alert(2)> about the carbon market."
)
JAVASCRIPT_URL = "javascript:alert(document.domain)"

# key: (source, language, title, text, published day)
ARTICLES: dict[str, tuple[str, str, str, str, datetime | None]] = {
    "en-mangrove": (
        "wire-en",
        "en",
        "Kenya and Norway sign pact on mangrove carbon credits",
        "Kenya and Norway signed a climate cooperation pact on mangrove carbon "
        "credits.\n\nThe deal supports coastal communities.",
        datetime(2024, 6, 18, 9, 0, tzinfo=UTC),
    ),
    "en-japan": (
        "wire-en",
        "en",
        "EU and Japan open a carbon market dialogue",
        "The European Union and Japan opened a dialogue on carbon market cooperation "
        "and climate finance.",
        datetime(2023, 12, 1, 9, 0, tzinfo=UTC),
    ),
    "fr-maroc": (
        "prwire-fr",
        "fr",
        "La France et le Maroc signent un partenariat climatique",
        "La coopération climatique entre la France et le Maroc porte sur "
        "l'hydrogène vert et le marché du carbone.",
        datetime(2024, 5, 2, 9, 0, tzinfo=UTC),
    ),
    "zh-market": (
        "cnportal",
        "zh",
        "中国与法国签署碳市场合作协议",
        "中国与法国今天签署碳市场合作协议，双方将在气候变化领域加强合作。",
        datetime(2024, 4, 1, 9, 0, tzinfo=UTC),
    ),
    "pl-wind": (
        "pap",
        "pl",
        "Polska i Niemcy: współpraca klimatyczna na Bałtyku",
        "Polska i Niemcy rozwijają współpracę w zakresie morskiej energetyki "
        "wiatrowej i rynku uprawnień do emisji.",
        datetime(2024, 3, 10, 9, 0, tzinfo=UTC),
    ),
    "de-heat": (
        "pap",
        "de",
        "Grenzstädte starten Partnerschaft für klimafreundliche Fernwärme",
        "Vier Städte an der Oder vereinbaren eine Partnerschaft für klimafreundliche "
        "Fernwärme und Zusammenarbeit beim Klimaschutz.",
        datetime(2024, 2, 1, 9, 0, tzinfo=UTC),
    ),
    "hostile": ("evil", "en", SCRIPT_TITLE, SCRIPT_TEXT, datetime(2024, 7, 1, 9, 0, tzinfo=UTC)),
}
# Plain English notes for paging: "bulk" source, one per day of January 2023.
BULK = 25


@dataclass(frozen=True)
class WebDb:
    url: str
    ids: dict[str, int]  # article ids by ARTICLES key, and "bulk-N"


def article_data(
    key: str,
    source: str,
    language: str,
    title: str,
    text: str,
    published_at: datetime | None,
    url: str | None = None,
    canonical_url: str | None = None,
    authors: tuple[str, ...] = ("A. Writer",),
    description: str | None = None,
    relevant: bool | None = True,
) -> ArticleData:
    url = url or f"https://news.example/{source}/{key}"
    return ArticleData(
        source=source,
        url=url,
        aliases=(),
        canonical_url=canonical_url or url,
        title=title,
        text=text,
        content_hash=f"{zlib.crc32(text.encode()):08x}",
        published_at=published_at,
        language=language,
        authors=authors,
        site_name=f"{source} news",
        description=description,
        fetched_at=datetime(2024, 8, 1, tzinfo=UTC),
        response_url=url,
        body_z=zlib.compress(text.encode()),
        encoding="utf-8",
        content_type="text/html; charset=utf-8",
        relevance=None if relevant is None else 0.9 if relevant else 0.1,
        relevant=relevant,
        topics=("agreement",) if relevant else (),
    )


def populate(url: str) -> dict[str, int]:
    """Store the test articles and crawl runs in the database at ``url``; article ids."""
    ids: dict[str, int] = {}
    with open_database(url) as db:
        for key, (source, language, title, text, published) in ARTICLES.items():
            hostile = key == "hostile"
            data = article_data(
                key,
                source,
                language,
                title,
                text,
                published,
                url="https://evil.example/pact" if hostile else None,
                canonical_url=JAVASCRIPT_URL if hostile else None,
                authors=("<b>Mallory</b>",) if hostile else ("A. Writer",),
                description='</p><script>alert("description")</script>' if hostile else None,
            )
            store_article(db, data)
        for n in range(BULK):
            store_article(
                db,
                article_data(
                    f"bulk-{n}",
                    "bulk",
                    "en",
                    f"Climate note number {n}",
                    f"Routine climate cooperation note number {n}.",
                    datetime(2023, 1, 1, tzinfo=UTC) + timedelta(days=n),
                    relevant=n % 5 != 0,
                ),
            )
        store_article(
            db,
            article_data(
                "en-mangrove-copy",
                "wire-copy",
                "en",
                "Kenya and Norway sign pact on mangrove carbon credits (copy)",
                "Kenya and Norway signed a climate cooperation pact on mangrove carbon credits, "
                "a copy.",
                datetime(2024, 6, 19, 9, 0, tzinfo=UTC),
            ),
        )
        _runs(db)
        with db.session() as session:
            by_url = dict(session.execute(select(Article.url, Article.id)).all())
        _stories(db, by_url)
        for key, (source, *_rest) in ARTICLES.items():
            ids[key] = by_url[
                "https://evil.example/pact"
                if key == "hostile"
                else f"https://news.example/{source}/{key}"
            ]
        for n in range(BULK):
            ids[f"bulk-{n}"] = by_url[f"https://news.example/bulk/bulk-{n}"]
        ids["en-mangrove-copy"] = by_url["https://news.example/wire-copy/en-mangrove-copy"]
    return ids


def _stories(db: Database, ids: dict[str, int]) -> None:
    """Duplicate and story links, set directly (the texts are too short for the detectors):
    the copy is a near-duplicate of en-mangrove; fr-maroc, zh-market and en-japan are one
    story."""

    def url(source: str, key: str) -> str:
        return f"https://news.example/{source}/{key}"

    original = ids[url("wire-en", "en-mangrove")]
    story = ids[url("prwire-fr", "fr-maroc")]
    with db.write_session() as session, session.begin():
        session.execute(
            update(Article)
            .where(Article.url == url("wire-copy", "en-mangrove-copy"))
            .values(duplicate_of=original, cluster=original)
        )
        session.execute(
            update(Article)
            .where(
                Article.url.in_(
                    [
                        url("prwire-fr", "fr-maroc"),
                        url("cnportal", "zh-market"),
                        url("wire-en", "en-japan"),
                    ]
                )
            )
            .values(cluster=story)
        )


def _runs(db: Database) -> None:
    """One good run of wire-en; three failed runs of 'broken-feed' (so it is broken)."""
    counts = {
        "pages_fetched": 3,
        "articles_new": 2,
        "articles_updated": 0,
        "articles_unchanged": 0,
        "articles_failed": 0,
    }
    run = start_run(db, "wire-en", pid=1)
    finish_run(
        db,
        run,
        status="ok",
        pages_dropped={"NoArticleBody": 1},
        errors=[],
        reason=None,
        articles_found=2,
        **counts,
    )
    for _ in range(3):
        run = start_run(db, "broken-feed", pid=1)
        finish_run(
            db,
            run,
            status="failed",
            pages_dropped={},
            errors=["<script>alert('run')</script> feed returned HTTP 500"],
            reason="the feed <b>failed</b>",
            articles_found=0,
            **{**counts, "articles_new": 0},
        )


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def web_db(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_server: PostgresServer | None,
) -> WebDb:
    """The test database, populated once per test module and backend."""
    if request.param == "postgresql":
        if postgres_server is None:
            pytest.skip(f"{PG_URL_ENV} not set")
        url = postgres_server.create_database()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'newsmon.db'}"
    return WebDb(url, populate(url))


@pytest.fixture(scope="module")
def sqlite_web_db(tmp_path_factory: pytest.TempPathFactory) -> WebDb:
    """The test database on SQLite only (for tests about the browser, not the backend)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'newsmon.db'}"
    return WebDb(url, populate(url))


@pytest.fixture(scope="module")
def client(web_db: WebDb) -> Iterator[TestClient]:
    with TestClient(create_app(web_db.url)) as test_client:
        yield test_client
