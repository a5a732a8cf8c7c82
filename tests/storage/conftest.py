"""Fixtures only the storage tests take: a never-migrated database, and row counts of the
articles and their full-text index. The shared database fixtures are in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, text

from storage.db import Database
from storage.models import Article
from tests.pg import PostgresServer


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Any, postgres_server: PostgresServer | None) -> str:
    """A URL of a brand-new database that was never migrated."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    assert postgres_server is not None
    return postgres_server.create_database()


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
