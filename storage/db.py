"""Opening the database: URL resolution, engines with the right per-backend settings,
sessions, and schema upgrades through Alembic.

SQLite runs in WAL mode with foreign keys on and a 30 s busy timeout. SQLAlchemy, not the
``sqlite3`` module, emits ``BEGIN`` so that every transaction (DDL included) is real, and
write sessions begin with ``BEGIN IMMEDIATE``: writers then queue on the busy timeout instead
of failing with "database is locked" when a read turns into a write.

An SQLite file that cannot be written (its directory or the file read-only, a copy on
read-only media) is opened read-only for commands that only read (``read_only=True``):
``mode=ro``, and ``immutable=1`` when no -wal file beside it holds changes, since WAL mode
would otherwise need to create its -wal and -shm files in that directory. Writers are refused
with one line naming the file.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote, unquote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import DatabaseUnavailable, SchemaError

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

DATABASE_URL_ENV = "NEWSMON_DB"
DEFAULT_DATABASE_URL = "sqlite:///newsmon.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Execution option naming how SQLite transactions begin (DEFERRED or IMMEDIATE).
SQLITE_BEGIN_OPTION = "newsmon_sqlite_begin"
SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_S = 10
# Any constant works: concurrent upgrades of one PostgreSQL database take this advisory lock.
_MIGRATION_LOCK_KEY = 0x6E6577736D6F6E  # "newsmon"
_POSTGRES_DRIVERS = ("postgres", "postgresql", "postgresql+psycopg")
_SQLITE_DRIVERS = ("sqlite", "sqlite+pysqlite")


def resolve_database_url(value: str | None) -> str:
    """The database URL: ``value`` (the CLI ``--db``), else ``$NEWSMON_DB``, else
    ``sqlite:///newsmon.db``. A value without ``://`` is an SQLite file path."""
    for candidate in (value, os.environ.get(DATABASE_URL_ENV)):
        if candidate is not None and candidate.strip():
            candidate = candidate.strip()
            if "://" in candidate:
                return candidate
            return "sqlite:///" + os.path.expanduser(candidate)
    return DEFAULT_DATABASE_URL


# Text, not make_url: this must also mask URLs too broken to parse. An optional scheme with
# its slashes (atomic: a URL with a user name and no password is not read as "scheme:password"),
# the user name and its ":", then the password up to the last "@", since a password written
# unescaped may hold "/" or "@" and every character of it stays hidden.
_CREDENTIALS = re.compile(r"^((?>(?:[A-Za-z][\w+.-]*:/+)?)[^:/@]*:).*@")


def mask_url(url: str | URL) -> str:
    """The URL as text with any password replaced by ``***``, for messages and logs; also
    for text too broken to parse as a URL, which is masked the same way."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    return _CREDENTIALS.sub(r"\1***@", url, count=1)


def _one_line(exc: BaseException) -> str:
    """The driver's message of ``exc`` on one line (psycopg adds hint lines)."""
    original = getattr(exc, "orig", None) or exc
    return "; ".join(line.strip() for line in str(original).splitlines() if line.strip())


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for an SQLite or PostgreSQL URL, checked by opening one connection.

    Raises ``DatabaseUnavailable`` for an unknown scheme or driver, an unreachable server,
    or an SQLite file that cannot be created or opened, or written unless ``read_only``
    (then such a file is opened read-only: see ``is_read_only``).
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise DatabaseUnavailable(
            f"cannot parse the database URL {mask_url(url)!r}: expected a URL such as "
            "sqlite:///path/to/file.db or postgresql://user@host/dbname"
        ) from None
    if parsed.drivername in _SQLITE_DRIVERS:
        engine = _sqlite_engine(parsed, read_only=read_only)
    elif parsed.drivername in _POSTGRES_DRIVERS:
        engine = _postgres_engine(parsed.set(drivername="postgresql+psycopg"))
    else:
        raise DatabaseUnavailable(
            f"unsupported database URL {mask_url(parsed)!r}: use sqlite:///path/to/file.db, "
            "postgresql://... or postgresql+psycopg://..."
        )
    try:
        with engine.connect() as connection:
            # SQLite opens the file lazily: reading the schema version makes it open (and
            # read its WAL, when there is one) now.
            probe = "PRAGMA schema_version" if engine.dialect.name == "sqlite" else "SELECT 1"
            connection.execute(text(probe))
    except (DBAPIError, OSError) as exc:
        engine.dispose()
        raise DatabaseUnavailable(
            f"cannot open database {display_url(engine)}: {_one_line(exc)}"
            f"{_full_disk_hint(parsed)}{_pending_wal_hint(engine)}"
        ) from exc
    return engine


def _full_disk_hint(url: URL) -> str:
    """On a full disk SQLite says only "disk I/O error" (it cannot size its -shm file)."""
    if url.drivername not in _SQLITE_DRIVERS or not url.database or url.database == ":memory:":
        return ""
    try:
        free = shutil.disk_usage(Path(url.database).expanduser().resolve().parent).free
    except OSError:
        return ""
    return f" (its disk is full: {free // 1024} KiB free)" if free < 1024 * 1024 else ""


def _sqlite_engine(url: URL, *, read_only: bool = False) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).expanduser().resolve()
        directory = path.parent
        if directory.exists() and not directory.is_dir():
            raise DatabaseUnavailable(
                f"cannot create database {mask_url(url)}: {directory} is not a directory"
            )
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"cannot create the directory {directory} for database {mask_url(url)}: "
                f"{exc.strerror or exc}"
            ) from exc
        problem = _unwritable(path)
        if problem and read_only:
            url = _read_only_url(url, path)
        elif problem:
            raise DatabaseUnavailable(f"cannot write to database {path}: {problem}")
    read_only_url = url.query.get("mode") == "ro"
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (see _begin): sqlite3's legacy mode would
        # run DDL and SELECTs outside transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if not read_only_url:
                # Changing the journal mode writes the file's header.
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _unwritable(path: Path) -> str | None:
    """Why the SQLite file at ``path`` cannot be written, or None. ``os.access`` asks the
    kernel, which also refuses root on read-only mounts and immutable (chattr +i) files."""
    if not os.access(path.parent, os.W_OK):
        # WAL mode needs to create the -wal and -shm files next to the database.
        return f"its directory {path.parent} is read-only"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    return None


def _read_only_url(url: URL, path: Path) -> URL:
    """An SQLite URI opening ``path`` read-only. ``immutable=1`` when its directory is
    read-only and no -wal file holds changes: nothing can write the file then, and SQLite
    needs no -shm file (which it could not create) to read it."""
    query = {"mode": "ro", "uri": "true"}
    try:
        pending = path.with_name(path.name + "-wal").stat().st_size > 0
    except OSError:
        pending = False
    if not os.access(path.parent, os.W_OK) and not pending:
        query["immutable"] = "1"
    return url.set(database=f"file:{quote(str(path))}", query=query)


def is_read_only(engine: Engine) -> bool:
    """Whether ``engine`` opened an SQLite file read-only because it cannot be written."""
    return engine.dialect.name == "sqlite" and engine.url.query.get("mode") == "ro"


def display_url(engine: Engine) -> str:
    """The engine's URL for messages: password masked, a read-only SQLite file as the plain
    ``sqlite:///path`` it was given as."""
    if is_read_only(engine):
        return "sqlite:///" + unquote((engine.url.database or "").removeprefix("file:"))
    return mask_url(engine.url)


def _pending_wal_hint(engine: Engine) -> str:
    """Why a read-only file with changes in its -wal file may not open."""
    if not is_read_only(engine) or "immutable" in engine.url.query:
        return ""
    return (
        " (it is read-only, and its -wal file holds changes that need its -shm file "
        "too: open it once where it can be written, or copy all three files)"
    )


def _postgres_engine(url: URL) -> Engine:
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def write_engine(engine: Engine) -> Engine:
    """``engine`` with SQLite transactions beginning IMMEDIATE (the write lock up front)."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic configuration built in code (no alembic.ini), for ``storage/migrations``.

    With ``connection`` the migrations run on it, inside its transaction; otherwise on
    ``url``, or on ``resolve_database_url(None)``.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        # ConfigParser interpolation would read "%" in passwords as a placeholder.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The newest schema revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise SchemaError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def schema_revisions(connection: Connection) -> tuple[str, ...]:
    """The schema revisions the database is at: empty for a database never migrated."""
    return MigrationContext.configure(connection).get_current_heads()


def _known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def check_schema(engine: Engine) -> None:
    """Raise ``SchemaError`` unless the database is at the newest schema revision."""
    with engine.connect() as connection:
        revisions = schema_revisions(connection)
    if revisions != (head_revision(),):
        shown = ", ".join(revisions) or "none (empty database)"
        state, where = "", ""
        if is_read_only(engine):
            state, where = "read-only and ", " where it can be written"
        raise SchemaError(
            f"database {display_url(engine)} is {state}at schema revision {shown}, not "
            f"{head_revision()}: run `newsmon db upgrade`{where}"
        )


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest revision (Alembic ``upgrade head``).

    Cheap when already there: one query. Concurrent callers are serialised (SQLite's write
    lock, a PostgreSQL advisory lock) and the whole upgrade is one transaction.
    """
    where = display_url(engine)
    try:
        with engine.connect() as connection:
            revisions = schema_revisions(connection)
        if revisions == (head_revision(),):
            return
        unknown = [revision for revision in revisions if not _known_revision(revision)]
        if unknown:
            raise SchemaError(
                f"database {where} is at schema revision {', '.join(unknown)}, which this "
                "version of newsmon does not know (was it created by a newer version?)"
            )
        with write_engine(engine).begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                )
            command.upgrade(alembic_config(connection), "head")
        logger.info("database %s upgraded to schema revision %s", where, head_revision())
    except CommandError as exc:
        raise SchemaError(f"cannot upgrade the schema of {where}: {exc}") from exc
    except SQLAlchemyError as exc:
        raise SchemaError(f"cannot upgrade the schema of {where}: {_one_line(exc)}") from exc


class Database:
    """An open database: its engine and session factories.

    ``session()`` is for reads and ordinary work; ``write_session()`` is what the write
    functions use (on SQLite it takes the write lock when its transaction begins).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessionmaker = sessionmaker(engine, expire_on_commit=False)
        self.write_sessionmaker = sessionmaker(write_engine(engine), expire_on_commit=False)

    @property
    def url(self) -> str:
        """The database URL with any password masked."""
        return display_url(self.engine)

    def session(self) -> Session:
        """A new session; use it as a context manager (``with db.session() as s:``)."""
        return self.sessionmaker()

    def write_session(self) -> Session:
        """A new session for a write transaction."""
        return self.write_sessionmaker()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url!r})"


def open_database(
    url: str, *, upgrade: bool = True, create: bool = True, read_only: bool = False
) -> Database:
    """Open the database at ``url``, upgrading its schema to the newest revision unless
    ``upgrade`` is false. Raises ``DatabaseUnavailable`` or ``SchemaError``.

    ``create=False`` is for readers: an SQLite file that does not exist is then an error
    rather than a new empty database (a mistyped ``--db`` would otherwise find nothing).
    ``read_only=True`` is for callers that never write: an SQLite file that cannot be
    written is then opened read-only, its schema checked instead of upgraded."""
    if not create or read_only:
        _require_sqlite_file(url)
    engine = make_engine(url, read_only=read_only)
    try:
        if is_read_only(engine):
            check_schema(engine)
        elif upgrade:
            upgrade_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine)


def _require_sqlite_file(url: str) -> None:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return  # make_engine reports it
    database = parsed.database or ""
    if (
        parsed.drivername in _SQLITE_DRIVERS
        and database
        and database != ":memory:"
        and not database.startswith("file:")
        and not Path(database).expanduser().exists()
    ):
        raise DatabaseUnavailable(
            f"database {database} does not exist (`newsmon crawl` or `newsmon db upgrade` "
            "creates it)"
        )
