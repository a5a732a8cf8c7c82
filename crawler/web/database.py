"""The web app's database connection: read-only, so a bug or a crafted request can never
change what the crawler stored, while crawls keep writing beside it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.orm import Session

from storage.db import Database, check_schema, open_database


def open_read_only(url: str) -> Database:
    """Open the database at ``url`` with every connection refusing writes.

    The schema is not upgraded (that is a write): it must already be at the newest revision,
    else ``SchemaError`` (``newsmon serve`` upgrades it before starting the app). A writable
    SQLite file is opened as usual, so that reads share the crawler's WAL index, with
    ``query_only`` refusing writes; one that cannot be written (read-only directory or
    medium) is opened with ``mode=ro`` (see ``storage.db``).
    """
    db = open_database(url, upgrade=False, read_only=True)
    try:
        check_schema(db.engine)
        dialect = db.engine.dialect.name

        @event.listens_for(db.engine, "connect")
        def _read_only(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            try:
                if dialect == "sqlite":
                    cursor.execute("PRAGMA query_only = ON")
                else:
                    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                    # psycopg opened a transaction for the SET: end it, so the setting
                    # applies from the connection's first real transaction.
                    dbapi_connection.commit()
            finally:
                cursor.close()

        # Connections opened before the listener existed would still accept writes.
        db.engine.dispose()
    except BaseException:
        db.dispose()
        raise
    return db


def db_session(request: Request) -> Iterator[Session]:
    """A session per request (a FastAPI dependency); it only reads and is never committed."""
    database: Database = request.app.state.db
    with database.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(db_session)]
