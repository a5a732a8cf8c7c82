"""Fixtures for CLI tests that read a populated database."""

from __future__ import annotations

import pytest

from tests.pg import PG_URL_ENV, PostgresServer
from tests.web.conftest import WebDb, populate


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def stored_db(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_server: PostgresServer | None,
) -> WebDb:
    """The web tests' articles (one near-duplicate, one story in three languages), on each
    backend: SQLite, and PostgreSQL when ``NEWSMON_TEST_PG_URL`` names a server."""
    if request.param == "postgresql":
        if postgres_server is None:
            pytest.skip(f"{PG_URL_ENV} not set")
        url = postgres_server.create_database()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'newsmon.db'}"
    return WebDb(url, populate(url))
