"""Engines, URL resolution, schema upgrades and the migration-vs-models comparison."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from storage import db as storage_db
from storage.db import (
    DEFAULT_DATABASE_URL,
    alembic_config,
    check_schema,
    head_revision,
    make_engine,
    mask_url,
    open_database,
    resolve_database_url,
    upgrade_schema,
)
from storage.errors import DatabaseUnavailable, SchemaError, StorageError
from storage.fts import is_search_table
from storage.models import Base, Source


def test_resolve_prefers_the_cli_value_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSMON_DB", "postgresql://env@db/news")
    assert resolve_database_url("sqlite:///cli.db") == "sqlite:///cli.db"
    assert resolve_database_url(None) == "postgresql://env@db/news"
    assert resolve_database_url("  ") == "postgresql://env@db/news"
    monkeypatch.delenv("NEWSMON_DB")
    assert resolve_database_url(None) == DEFAULT_DATABASE_URL == "sqlite:///newsmon.db"


def test_resolve_turns_a_path_into_an_sqlite_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSMON_DB", raising=False)
    assert resolve_database_url("data/x.db") == "sqlite:///data/x.db"
    assert resolve_database_url("/var/lib/newsmon.db") == "sqlite:////var/lib/newsmon.db"
    monkeypatch.setenv("NEWSMON_DB", "env.db")
    assert resolve_database_url(None) == "sqlite:///env.db"


def test_sqlite_engine_sets_pragmas_and_creates_the_directory(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "news.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:

            def pragma(name: str) -> Any:
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == 30_000
            assert pragma("synchronous") == 1  # NORMAL
        assert path.exists()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "url",
    ["mysql://user:s3cret@db.example/news", "postgresql+psycopg2://user:s3cret@h/n", "nonsense"],
)
def test_unsupported_urls_are_refused_with_the_password_masked(url: str) -> None:
    with pytest.raises(DatabaseUnavailable) as raised:
        make_engine(url)
    message = str(raised.value)
    assert "s3cret" not in message
    assert "\n" not in message
    assert url.split("://")[0] in message


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://user:s3cret@host/news", "postgresql://user:***@host/news"),
        # Unparsable (a port that is not a number; one slash; no scheme): masked all the same.
        ("postgresql://user:s3cret@host:port/news", "postgresql://user:***@host:port/news"),
        ("postgresql:/user:s3cret@host/news", "postgresql:/user:***@host/news"),
        ("user:s3cret@host/news", "user:***@host/news"),
        # "/" and "@" written unescaped in the password are hidden with the rest of it.
        ("postgresql://user:s3/cr@et@host/news", "postgresql://user:***@host/news"),
        ("postgresql://:s3cret@host/news", "postgresql://:***@host/news"),
        # Nothing to hide.
        ("postgresql://user@host:5432/news", "postgresql://user@host:5432/news"),
        ("sqlite:///C:/data/news.db", "sqlite:///C:/data/news.db"),
        ("nonsense", "nonsense"),
    ],
)
def test_mask_url_hides_the_password_even_of_an_unparsable_url(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_an_unreachable_server_is_reported_on_one_line_with_the_password_masked() -> None:
    with pytest.raises(DatabaseUnavailable) as raised:
        make_engine("postgresql://newsmon:s3cret@127.0.0.1:1/news")
    message = str(raised.value)
    assert "postgresql+psycopg://newsmon:***@127.0.0.1:1/news" in message
    assert "s3cret" not in message
    assert "\n" not in message


def test_an_sqlite_path_under_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(DatabaseUnavailable, match="not-a-dir"):
        make_engine(f"sqlite:///{blocker}/news.db")
    with pytest.raises(DatabaseUnavailable, match=r"(?i)not a directory"):
        make_engine(f"sqlite:///{blocker}/deeper/news.db")


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is certainly not an SQLite database file" * 10)
    with pytest.raises(DatabaseUnavailable, match="not a database"):
        open_database(f"sqlite:///{path}")


def test_storage_errors_share_one_base() -> None:
    assert issubclass(DatabaseUnavailable, StorageError)
    assert issubclass(SchemaError, StorageError)


@pytest.mark.postgres
def test_postgres_urls_use_psycopg_3(postgres_database_url: str) -> None:
    plain = postgres_database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    for url in (plain, plain.replace("postgresql://", "postgres://", 1)):
        engine = make_engine(url)
        try:
            assert engine.url.drivername == "postgresql+psycopg"
            assert engine.pool._pre_ping  # type: ignore[attr-defined]
        finally:
            engine.dispose()


def _include(name: str | None, type_: str, parent_names: Any) -> bool:
    return not (type_ == "table" and name is not None and is_search_table(name))


def test_migrating_a_new_database_matches_the_models(empty_database_url: str) -> None:
    with open_database(empty_database_url) as database:
        with database.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": _include, "compare_type": True}
            )
            assert compare_metadata(context, Base.metadata) == []
            tables = set(inspect(connection).get_table_names())
        assert {table.name for table in Base.metadata.sorted_tables} <= tables
        search_table = "articles_fts" if connection.dialect.name == "sqlite" else "article_search"
        assert search_table in tables
        check_schema(database.engine)  # at head: no error


def test_upgrade_is_idempotent_and_skips_alembic_when_at_head(
    db: storage_db.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("alembic ran although the schema is at head")

    monkeypatch.setattr(command, "upgrade", must_not_run)
    upgrade_schema(db.engine)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
            (head_revision(),)
        ]


def test_an_empty_database_fails_the_schema_check(empty_database_url: str) -> None:
    with (
        open_database(empty_database_url, upgrade=False) as database,
        pytest.raises(SchemaError, match="newsmon db upgrade"),
    ):
        check_schema(database.engine)


# The two tests below damage the schema, so they work on a database of their own.


def test_an_unknown_schema_revision_is_a_schema_error(empty_database_url: str) -> None:
    with open_database(empty_database_url) as database:
        with database.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'f00dcafe'"))
        with pytest.raises(SchemaError, match="f00dcafe"):
            upgrade_schema(database.engine)


def test_downgrade_to_base_and_upgrade_again(empty_database_url: str) -> None:
    with open_database(empty_database_url) as database:
        with database.engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        with database.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        upgrade_schema(database.engine)
        check_schema(database.engine)


def test_concurrent_upgrades_of_a_new_database_both_succeed(empty_database_url: str) -> None:
    engines = [make_engine(empty_database_url) for _ in range(3)]
    barrier = threading.Barrier(len(engines))
    failures: list[BaseException] = []

    def upgrade(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            upgrade_schema(engines[index])
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=upgrade, args=(i,)) for i in range(len(engines))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert failures == []
        check_schema(engines[0])
    finally:
        for engine in engines:
            engine.dispose()


def test_database_sessions_keep_objects_usable_after_commit(db: storage_db.Database) -> None:
    with db.session() as session, session.begin():
        source = Source(name="kept")
        session.add(source)
    assert source.name == "kept"  # no expiry: readable after the session closed
