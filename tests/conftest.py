"""Fixtures shared by every test: the loopback sample site, a PostgreSQL server, the CLI,
and databases on each backend.

Tests never touch the internet: every page they crawl is served from 127.0.0.1 by
``crawler.demo.server.SampleSite``.

Tests that take ``db`` (or ``database_url``) run once on SQLite in ``tmp_path`` and once on
PostgreSQL when ``NEWSMON_TEST_PG_URL`` names a server. PostgreSQL tests get databases created
for this test session only, dropped at its end, so concurrent runs (and xdist workers) never
share one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from crawler.demo.server import SampleSite, render_sources
from storage.db import Database, open_database
from storage.writes import ArticleData
from tests.pg import PG_URL_ENV, PostgresServer

REPO = Path(__file__).resolve().parents[1]
# Crawl settings for a loopback site: no politeness delays, so tests stay fast.
FAST_CRAWL = """
crawl:
  download_delay: 0
  autothrottle: false
  concurrency_per_domain: 8
  extraction_workers: 2
"""

RunNewsmon = Callable[..., subprocess.CompletedProcess[str]]
_TABLES = "sources, articles, article_pages, article_urls, crawl_runs, article_search"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    url = os.environ.get(PG_URL_ENV)
    if not url:
        yield None
        return
    server = PostgresServer(url)
    try:
        yield server
    finally:
        server.drop_all()


@pytest.fixture(scope="session")
def sample_site() -> Iterator[SampleSite]:
    with SampleSite() as site:
        yield site


def write_sources(directory: Path, site: SampleSite, extra: str = FAST_CRAWL) -> Path:
    path = directory / "sources.yaml"
    path.write_text(render_sources(site.base_url) + extra, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def run_newsmon() -> RunNewsmon:
    """Run ``newsmon ARGS`` in a subprocess, as a user would, from the repository root."""

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        timeout: float = 180,
        cwd: Path = REPO,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "crawler", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=full_env,
            cwd=cwd,
            input=input,
            check=False,
        )

    return run


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
            # not scored, no signature (no duplicate or story lookup) by default
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
