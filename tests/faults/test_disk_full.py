"""A full disk mid-crawl: the crawl stops with one clear error and a non-zero exit, what was
stored before stays intact and searchable, and the next crawl with space completes the rest.

Two ways to fill the disk: a real, tiny tmpfs (needs the right to mount: root in a sandbox or
CI container; skipped with the reason otherwise), and SQLite's ``max_page_count`` set on every
connection of the crawl process by a test-only ``sitecustomize`` (runs everywhere; SQLite
reports both as "database or disk is full").
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.demo.expected import load_expected
from crawler.demo.server import SampleSite
from storage.db import open_database
from storage.filters import ArticleFilter
from storage.queries import search_articles
from tests.conftest import RunNewsmon, write_sources

EXPECTED = load_expected()
pytestmark = pytest.mark.slow
# Room left for the crawl: enough for a few of the sample site's articles, not for all. On
# tmpfs the WAL and its index need room too.
ROOM = {"tmpfs": 600 * 1024, "page_limit": 80 * 1024}
PAGE_LIMIT_ENV = "NEWSMON_TEST_MAX_PAGES"
SITECUSTOMIZE = f'''
"""Test-only: cap every SQLite database this process opens at ${PAGE_LIMIT_ENV} pages."""
import os
import sqlite3

if os.environ.get("{PAGE_LIMIT_ENV}"):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _cap(dbapi_connection, _record):
        if isinstance(dbapi_connection, sqlite3.Connection):
            limit = int(os.environ["{PAGE_LIMIT_ENV}"])
            dbapi_connection.execute(f"PRAGMA max_page_count = {{limit}}")
'''


@dataclass
class SmallDisk:
    """Where the database lives, and how to fill up and free its disk."""

    directory: Path
    room: int
    env: dict[str, str]
    filler: Path | None = None

    @property
    def db_path(self) -> Path:
        return self.directory / "news.db"

    def fill(self, *, completely: bool = False) -> None:
        leave = 0 if completely else self.room
        if self.filler is None:  # page limit: the database may grow by ``leave`` bytes
            with sqlite3.connect(self.db_path) as connection:
                pages = connection.execute("PRAGMA page_count").fetchone()[0]
                size = connection.execute("PRAGMA page_size").fetchone()[0]
            self.env[PAGE_LIMIT_ENV] = str(pages + leave // size)
            return
        stat = os.statvfs(self.directory)
        with self.filler.open("wb") as out:
            out.truncate(0)
            out.write(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))

    def free(self) -> None:
        self.env.pop(PAGE_LIMIT_ENV, None)
        if self.filler is not None:
            self.filler.unlink()


@pytest.fixture(params=["tmpfs", "page_limit"])
def small_disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SmallDisk]:
    directory = tmp_path / "disk"
    directory.mkdir()
    if request.param == "page_limit":
        hook = tmp_path / "hook"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        yield SmallDisk(directory, ROOM["page_limit"], {"PYTHONPATH": str(hook)})
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs (needs root): {mounted.stderr.strip()}")
    try:
        yield SmallDisk(directory, ROOM["tmpfs"], {}, filler=directory / "filler")
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False)


def stored_articles(db_path: Path) -> dict[str, tuple[str, str, str]]:
    with sqlite3.connect(db_path) as connection:
        return {
            url: (title, text, content_hash)
            for url, title, text, content_hash in connection.execute(
                "SELECT url, title, text, content_hash FROM articles"
            )
        }


def check_database(db_path: Path) -> None:
    """Not damaged: SQLite's own check, and no article half-written (page or index missing)."""
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = connection.execute(
            "SELECT count(*) FROM articles a LEFT JOIN article_pages p ON p.article_id = a.id "
            "WHERE p.article_id IS NULL"
        ).fetchone()[0]
        unindexed = connection.execute(
            "SELECT count(*) FROM articles WHERE id NOT IN (SELECT rowid FROM articles_fts)"
        ).fetchone()[0]
    assert orphans == 0 and unindexed == 0


def run_statuses(db_path: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db_path) as connection:
        return list(connection.execute("SELECT status, reason FROM crawl_runs ORDER BY id"))


def test_disk_full_mid_crawl(
    small_disk: SmallDisk, sample_site: SampleSite, tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    config = write_sources(tmp_path, sample_site)
    db = str(small_disk.db_path)
    assert run_newsmon("--db", db, "db", "upgrade").returncode == 0
    small_disk.fill()

    full = run_newsmon("--config", str(config), "--db", db, "crawl", env=small_disk.env)
    assert full.returncode == 1, full.stderr
    assert "Traceback" not in full.stderr
    errors = [line for line in full.stderr.splitlines() if line.startswith("newsmon: error:")]
    assert errors == [
        f"newsmon: error: the crawl stopped: database or disk is full: cannot write to {db}"
    ], full.stderr

    check_database(small_disk.db_path)
    before = stored_articles(small_disk.db_path)
    assert 1 <= len(before) < len(EXPECTED.articles)  # it really filled up mid-crawl
    statuses = run_statuses(small_disk.db_path)
    # A source whose crawl ended before the disk filled up is "ok"; "running": its end could
    # not be written either (the next start marks it interrupted).
    assert {status for status, _ in statuses} & {"failed", "running"}
    assert all(
        "database or disk is full" in (reason or "")
        for status, reason in statuses
        if status == "failed"
    )
    with open_database(f"sqlite:///{db}", upgrade=False) as database, database.session() as session:
        for url, (title, _, _) in before.items():  # searchable: each by its own title
            words = " ".join(title.replace('"', " ").split()[:6])
            hits = search_articles(session, f'"{words}"', ArticleFilter(), limit=20)
            assert url in {hit.article.url for hit in hits}, title

    small_disk.free()
    again = run_newsmon("--config", str(config), "--db", db, "crawl", env=small_disk.env)
    assert again.returncode == 0, again.stderr
    check_database(small_disk.db_path)
    after = stored_articles(small_disk.db_path)
    assert len(after) == len(EXPECTED.articles)
    assert {url: after[url] for url in before} == before  # untouched by the fault and since
    statuses = run_statuses(small_disk.db_path)
    assert "running" not in {status for status, _ in statuses}  # the next start marked them
    assert [status for status, _ in statuses][-5:] == ["ok"] * 5, statuses


def test_disk_already_full(
    small_disk: SmallDisk, sample_site: SampleSite, tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    config = write_sources(tmp_path, sample_site)
    db = str(small_disk.db_path)
    assert run_newsmon("--db", db, "db", "upgrade").returncode == 0
    small_disk.fill(completely=True)
    full = run_newsmon("--config", str(config), "--db", db, "crawl", env=small_disk.env)
    assert full.returncode in (1, 2), full.stderr
    errors = [line for line in full.stderr.splitlines() if line.startswith("newsmon: error:")]
    assert len(errors) == 1 and db in errors[0], full.stderr
    assert "full" in errors[0] and "Traceback" not in full.stderr
    small_disk.free()
    check_database(small_disk.db_path)
