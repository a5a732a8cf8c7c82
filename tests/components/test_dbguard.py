"""How a database failure mid-crawl is worded: a full disk named as such, with the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from crawler.components.dbguard import describe_failure


def _real_full_error(path: Path) -> sqlite3.OperationalError:
    """What SQLite raises when the database cannot grow (here: capped at its current size)."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE TABLE t (x BLOB)")
        connection.execute("PRAGMA max_page_count = 2")
        with pytest.raises(sqlite3.OperationalError) as caught:
            connection.execute("INSERT INTO t VALUES (zeroblob(100000))")
        return caught.value
    finally:
        connection.close()


def test_sqlite_disk_full_names_the_file(tmp_path: Path) -> None:
    error = OperationalError("INSERT ...", {}, _real_full_error(tmp_path / "x.db"))
    assert describe_failure(f"sqlite:///{tmp_path}/news.db", error) == (
        f"database or disk is full: cannot write to {tmp_path}/news.db"
    )


class _PsycopgLike(Exception):
    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def test_postgresql_disk_full_and_other_failures() -> None:
    url = "postgresql+psycopg://newsmon:secret@db.example/news"
    full = OperationalError(
        "INSERT",
        {},
        _PsycopgLike(
            'could not extend file "base/1/2": No space left on device\n'
            "HINT: Check free disk space.",
            "53100",
        ),
    )
    assert describe_failure(url, full) == (
        "database or disk is full: cannot write to postgresql+psycopg://newsmon:***@db.example/"
        'news: could not extend file "base/1/2": No space left on device; HINT: Check free '
        "disk space."
    )
    gone = OperationalError(
        "SELECT", {}, _PsycopgLike("terminating connection due to administrator command", "57P01")
    )
    assert describe_failure(url, gone) == (
        "database unavailable: postgresql+psycopg://newsmon:***@db.example/news: terminating "
        "connection due to administrator command"
    )
