"""A crawl whose extraction workers cannot start fails as a crawl: one line, exit 1, and a
failed run per source, so cron and ``newsmon status`` see it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crawler.demo.server import SampleSite
from tests.conftest import RunNewsmon, write_sources


def test_workers_that_cannot_start_fail_the_crawl_with_one_line_and_a_recorded_run(
    tmp_path: Path, sample_site: SampleSite, run_newsmon: RunNewsmon
) -> None:
    config = write_sources(tmp_path, sample_site)
    # The fork server listens on a Unix socket in TMPDIR: past 108 bytes of path, the
    # kernel refuses it (a deep TMPDIR, as on macOS or in CI sandboxes), and no worker starts.
    deep = tmp_path / ("t" * 60) / ("u" * 60)
    deep.mkdir(parents=True)
    db = tmp_path / "news.db"
    result = run_newsmon(
        "-q",
        "--config",
        str(config),
        "--db",
        str(db),
        "crawl",
        "--source",
        "pap",
        "--source",
        "cnportal",
        env={"TMPDIR": str(deep)},
    )
    assert result.returncode == 1, result.stderr
    lines = (result.stdout + result.stderr).splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        "newsmon: error: the extraction worker processes could not "
        "be started: OSError: AF_UNIX path too long"
    )
    assert "set TMPDIR to a shorter one" in lines[0]
    with sqlite3.connect(db) as connection:
        runs = connection.execute(
            "SELECT s.name, r.status, r.reason FROM crawl_runs r JOIN sources s "
            "ON s.id = r.source_id ORDER BY s.name"
        ).fetchall()
    assert [(name, status) for name, status, _ in runs] == [
        ("cnportal", "failed"),
        ("pap", "failed"),
    ]
    assert all("AF_UNIX path too long" in reason for _, _, reason in runs)
    # newsmon status reports it (degraded: one bad run)
    status = run_newsmon("--config", str(config), "--db", str(db), "status", "--format", "json")
    assert '"degraded"' in status.stdout


def test_a_scheduled_crawl_whose_workers_cannot_start_is_recorded_once(
    tmp_path: Path, sample_site: SampleSite, run_newsmon: RunNewsmon
) -> None:
    config = write_sources(tmp_path, sample_site)
    deep = tmp_path / ("t" * 60) / ("u" * 60)
    deep.mkdir(parents=True)
    db = tmp_path / "news.db"
    result = run_newsmon(
        "--config", str(config), "--db", str(db), "schedule", "--once", env={"TMPDIR": str(deep)}
    )
    assert "failed: " in result.stderr, result.stderr
    with sqlite3.connect(db) as connection:
        runs = connection.execute("SELECT source_id, reason FROM crawl_runs").fetchall()
    # one row per source, the crawl's own reason (not a second "exited with status 1")
    assert len(runs) == len({source for source, _ in runs}) == 5
    assert all("AF_UNIX path too long" in reason for _, reason in runs)
