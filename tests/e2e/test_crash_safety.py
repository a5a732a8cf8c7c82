"""Crash safety: kill -9 at any moment loses and duplicates nothing; reads during a crawl work."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from crawler.demo.expected import load_expected
from crawler.demo.server import BUNDLED_SITE_ROOT, SampleSite, render_sources
from tests.conftest import FAST_CRAWL, REPO, RunNewsmon

EXPECTED = load_expected()
pytestmark = pytest.mark.slow


@pytest.fixture
def slow_site(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The sample site with its article pages answering 0.4 s apart: crawls take a while.

    The delays are staggered, not equal, so the articles reach the store one by one. With one
    delay for all, every article arrived within the store's batching window and was written in
    one transaction: a kill "after the first article" then found all of them stored.
    """
    root = tmp_path / "site"
    shutil.copytree(BUNDLED_SITE_ROOT, root)
    table = yaml.safe_load((BUNDLED_SITE_ROOT.parent / "site.yaml").read_text(encoding="utf-8"))
    for number, article in enumerate(EXPECTED.articles, start=1):
        table["paths"].setdefault(article.path, {})["delay"] = 0.4 * number
    (tmp_path / "site.yaml").write_text(yaml.safe_dump(table), encoding="utf-8")
    with SampleSite(root=root, table=tmp_path / "site.yaml") as site:
        yield site


def start_crawl(config: Path, db: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "--config", str(config), "--db", db, "crawl"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stored(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path) as connection:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


@pytest.mark.parametrize("kill_after_articles", [0, 1, 5])
def test_kill_9_then_recrawl_loses_and_duplicates_nothing(
    slow_site: SampleSite, tmp_path: Path, run_newsmon: RunNewsmon, kill_after_articles: int
) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(render_sources(slow_site.base_url) + FAST_CRAWL, encoding="utf-8")
    db_path = tmp_path / "news.db"
    db = f"sqlite:///{db_path}"
    crawl = start_crawl(config, db)
    deadline = time.monotonic() + 90
    while stored(db_path) < kill_after_articles and time.monotonic() < deadline:
        time.sleep(0.05)
    if kill_after_articles == 0:
        time.sleep(2.5)  # mid start-up: schema and runs being created, nothing stored yet
    os.killpg(crawl.pid, signal.SIGKILL)  # the crawl and its extraction workers
    crawl.wait(timeout=30)
    assert stored(db_path) < len(EXPECTED.articles)  # it really was killed mid-crawl

    again = run_newsmon("--config", str(config), "--db", db, "crawl")
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        urls = [r[0] for r in connection.execute("SELECT url FROM articles")]
        orphans = connection.execute(
            "SELECT count(*) FROM articles a LEFT JOIN article_pages p ON p.article_id = a.id "
            "WHERE p.article_id IS NULL"
        ).fetchone()[0]
        statuses = [r[0] for r in connection.execute("SELECT status FROM crawl_runs ORDER BY id")]
        unindexed = connection.execute(
            "SELECT count(*) FROM articles WHERE id NOT IN (SELECT rowid FROM articles_fts)"
        ).fetchone()[0]
    assert len(urls) == len(set(urls)) == len(EXPECTED.articles)  # none lost, none twice
    assert orphans == 0 and unindexed == 0  # no half-written article
    assert "running" not in statuses
    if kill_after_articles:
        assert "interrupted" in statuses  # the killed runs, marked on the next start
    assert ("marked" in again.stderr and "interrupted" in again.stderr) or not kill_after_articles


def test_reads_during_a_crawl_never_hit_a_locked_database(
    slow_site: SampleSite, tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(render_sources(slow_site.base_url) + FAST_CRAWL, encoding="utf-8")
    db_path = tmp_path / "news.db"
    db = f"sqlite:///{db_path}"
    assert run_newsmon("--db", db, "db", "upgrade").returncode == 0
    crawl = start_crawl(config, db)
    reads = 0
    try:
        while crawl.poll() is None:
            for args in (
                ("search", "cooperation OR 合作", "--format", "json"),
                ("export", "--format", "jsonl"),
                ("status", "--format", "json"),
            ):
                result = run_newsmon("--config", str(config), "--db", db, *args)
                assert result.returncode in (0, 1), result.stderr  # status: 1 = a source broken
                assert "locked" not in result.stderr
                reads += 1
    finally:
        crawl.wait(timeout=120)
    assert crawl.returncode == 0
    assert reads >= 3
    assert stored(db_path) == len(EXPECTED.articles)


@pytest.mark.postgres
def test_database_lost_mid_crawl_stops_with_an_error_and_keeps_what_was_stored(
    slow_site: SampleSite, tmp_path: Path, run_newsmon: RunNewsmon, postgres_server: object
) -> None:
    if postgres_server is None:
        pytest.skip("NEWSMON_TEST_PG_URL not set")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = postgres_server.create_database()  # type: ignore[attr-defined]
    name = make_url(url).database
    config = tmp_path / "sources.yaml"
    config.write_text(render_sources(slow_site.base_url) + FAST_CRAWL, encoding="utf-8")
    admin = create_engine(postgres_server.url, isolation_level="AUTOCOMMIT")  # type: ignore[attr-defined]
    probe = create_engine(url)

    def count() -> int:
        try:
            with probe.connect() as connection:
                return int(connection.execute(text("SELECT count(*) FROM articles")).scalar())
        except Exception:
            return 0

    crawl = subprocess.Popen(
        [sys.executable, "-m", "crawler", "--config", str(config), "--db", url, "crawl"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while count() < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        probe.dispose()
        with admin.connect() as connection:  # the database goes away
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                {"d": name},
            )
        _, stderr = crawl.communicate(timeout=120)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()
    assert crawl.returncode not in (0, None)
    assert "newsmon: error:" in stderr and "Traceback" not in stderr
    with probe.connect() as connection:
        articles = connection.execute(text("SELECT count(*) FROM articles")).scalar()
        orphans = connection.execute(
            text(
                "SELECT count(*) FROM articles a LEFT JOIN article_pages p ON p.article_id = a.id "
                "WHERE p.article_id IS NULL"
            )
        ).scalar()
    probe.dispose()
    assert 2 <= articles < len(EXPECTED.articles) and orphans == 0
    again = run_newsmon("--config", str(config), "--db", url, "crawl")
    assert again.returncode == 0, again.stderr
    assert len(
        {
            r["url"]
            for r in (
                json.loads(line) for line in run_newsmon("--db", url, "export").stdout.splitlines()
            )
        }
    ) == len(EXPECTED.articles)
