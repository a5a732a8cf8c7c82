"""Alembic environment for newsmon: no alembic.ini, configured by ``storage.db.alembic_config``.

Runs on the connection handed in ``config.attributes["connection"]`` (inside its transaction),
else on ``sqlalchemy.url`` or ``$NEWSMON_DB``. SQLite uses batch mode, as it cannot ALTER most
things in place. Full-text search tables are not ORM models and autogenerate leaves them alone.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from storage.db import make_engine, resolve_database_url
from storage.fts import is_search_table
from storage.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


# APScheduler's job store table: created and owned by APScheduler (`newsmon schedule`).
SCHEDULER_TABLE = "apscheduler_jobs"


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Leave full-text search tables (and their FTS5 shadow tables) and APScheduler's job
    table out of comparisons."""
    if type_ == "table" and name is not None:
        return not (is_search_table(name) or name == SCHEDULER_TABLE)
    return True


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write ``UTCDateTime`` columns as plain ``sa.DateTime(timezone=True)`` in generated
    migrations, so migrations never import application code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or resolve_database_url(None)


def run_migrations_offline() -> None:
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        include_name=include_name,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=include_name,
        render_item=render_item,
        # SQLite DDL is transactional too (storage.db makes SQLAlchemy emit BEGIN), so a
        # failed upgrade leaves nothing half-done on either backend.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = make_engine(_database_url())
    try:
        with engine.connect() as own_connection:
            _run_on(own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
