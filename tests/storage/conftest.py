"""Database fixtures for the storage tests.

Tests that take ``db`` (or ``database_url``, ``empty_database_url``) run once on SQLite in
``tmp_path`` and once on PostgreSQL when ``NEWSMON_TEST_PG_URL`` names a server. PostgreSQL
tests get databases created for this test session only, dropped at its end, so concurrent
runs (and xdist workers) never share one.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from storage.db import Database, open_database
from storage.models import Article
from storage.writes import ArticleData
from tests.pg import PG_URL_ENV, PostgresServer

_TABLES = "sources, articles, article_pages, article_urls, crawl_runs, article_search"


@pytest.fixture(scope="session")
def postgres_database_url(postgres_server: PostgresServer | None) -> str:
    """One migrated PostgreSQL database for the session; tests empty it before use."""
    if postgres_server is None:
        pytest.skip(f"{PG_URL_ENV} not set")
    url = postgres_server.create_database()
    open_database(url).dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, postgres_server: PostgresServer | None) -> str:
    if request.param == "postgresql" and postgres_server is None:
        pytest.skip(f"{PG_URL_ENV} not set")
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Any, request: pytest.FixtureRequest) -> str:
    """A URL of a migrated, empty database on the test's backend (SQLite: not created yet)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'newsmon.db'}"
    url: str = request.getfixturevalue("postgres_database_url")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Any, postgres_server: PostgresServer | None) -> str:
    """A URL of a brand-new database that was never migrated."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    assert postgres_server is not None
    return postgres_server.create_database()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    with open_database(database_url) as database:
        yield database


ArticleFactory = Callable[..., ArticleData]


@pytest.fixture
def make_article() -> ArticleFactory:
    """Build an ``ArticleData``; keyword arguments override the defaults."""

    def build(**overrides: Any) -> ArticleData:
        url = overrides.get("url", "https://news.example/a/1")
        text_ = overrides.get("text", "Default article text about climate cooperation.")
        values: dict[str, Any] = {
            "source": "example",
            "url": url,
            "aliases": (),
            "canonical_url": url,
            "title": "Default title",
            "text": text_,
            "content_hash": f"{zlib.crc32(text_.encode()):08x}",
            "published_at": datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
            "language": "en",
            "authors": ("A. Writer",),
            "site_name": "Example News",
            "description": None,
            "fetched_at": datetime(2025, 3, 2, 8, 0, tzinfo=UTC),
            "response_url": url,
            "body_z": zlib.compress(f"<html><body><p>{text_}</p></body></html>".encode()),
            "encoding": "utf-8",
            "content_type": "text/html; charset=utf-8",
            # not scored for relevance, no signature (no duplicate or story lookup) by default
            "relevance": None,
            "relevant": None,
            "topics": None,
            "signature": None,
            "search_terms": None,  # folded by storage
        }
        unknown = set(overrides) - set(values)
        if unknown:
            raise TypeError(f"unknown ArticleData fields: {sorted(unknown)}")
        values.update(overrides)
        return ArticleData(**values)

    return build


RowCounter = Callable[[Database], tuple[int, int]]


@pytest.fixture
def row_counts() -> RowCounter:
    """A function giving ``(articles, full-text index rows)`` of a database."""

    def count(db: Database) -> tuple[int, int]:
        index = "articles_fts" if db.engine.dialect.name == "sqlite" else "article_search"
        with db.session() as session:
            articles = session.scalar(select(func.count(Article.id))) or 0
            indexed = session.execute(text(f"SELECT count(*) FROM {index}")).scalar_one()
        return articles, indexed

    return count
