"""The daemon against the loopback site, with schedules of seconds: cycles, restarts and
catch-up, overlap, a hanging crawl, a source that breaks and recovers, SIGTERM mid-crawl."""

from __future__ import annotations

import itertools
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from crawler.demo.server import BUNDLED_SITE_ROOT, SampleSite
from tests.conftest import REPO

pytestmark = pytest.mark.slow
SLOW_FEED = "/pap/slow-rdf.xml"


@dataclass
class Env:
    tmp: Path
    site: SampleSite
    root: Path
    db_path: Path

    @property
    def db(self) -> str:
        return f"sqlite:///{self.db_path}"

    def write_config(self, sources: str, scheduler: str = "") -> Path:
        path = self.tmp / "sources.yaml"
        base = self.site.base_url
        path.write_text(
            "scheduler:\n  max_concurrent_crawls: 2\n"
            + scheduler
            + "crawl:\n  download_delay: 0\n  autothrottle: false\n  extraction_workers: 1\n"
            + "sources:\n"
            + sources.replace("{BASE}", base),
            encoding="utf-8",
        )
        return path

    def runs(self, source: str | None = None) -> list[dict[str, object]]:
        if not self.db_path.exists():
            return []
        try:
            with sqlite3.connect(self.db_path) as connection:
                connection.row_factory = sqlite3.Row
                rows = connection.execute(
                    "SELECT s.name AS source, r.* FROM crawl_runs r JOIN sources s "
                    "ON s.id = r.source_id ORDER BY r.id"
                ).fetchall()
        except sqlite3.OperationalError:  # the daemon is still creating the schema
            return []
        return [dict(r) for r in rows if source is None or r["source"] == source]


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    root = tmp_path / "site"
    shutil.copytree(BUNDLED_SITE_ROOT, root)
    shutil.copy(root / "pap" / "rdf.xml", root / SLOW_FEED.lstrip("/"))
    table = yaml.safe_load((BUNDLED_SITE_ROOT.parent / "site.yaml").read_text(encoding="utf-8"))
    table["paths"][SLOW_FEED] = {"delay": 60}
    (tmp_path / "site.yaml").write_text(yaml.safe_dump(table), encoding="utf-8")
    with SampleSite(root=root, table=tmp_path / "site.yaml") as site:
        yield Env(tmp_path, site, root, tmp_path / "news.db")


def newsmon(env: Env, config: Path, *args: str, **popen: object) -> subprocess.Popen[str]:
    # The child gets its own copy of the file descriptor; ours is closed at once.
    with open(env.tmp / "daemon.log", "a", encoding="utf-8") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "crawler", "--config", str(config), "--db", env.db, *args],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            **popen,  # type: ignore[call-overload]
        )


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def stop(process: subprocess.Popen[str], timeout: float = 60) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=timeout)


def log(env: Env) -> str:
    return (env.tmp / "daemon.log").read_text(encoding="utf-8")


def finished(runs: list[dict[str, object]]) -> list[dict[str, object]]:
    return [r for r in runs if r["status"] != "running"]


def test_daemon_runs_cycles_without_overlap(env: Env) -> None:
    config = env.write_config(
        "  - name: pap\n    feeds: ['{BASE}/pap/rdf.xml']\n    schedule: {every: 1s}\n"
    )
    daemon = newsmon(env, config, "schedule")
    try:
        wait_for(lambda: len(finished(env.runs("pap"))) >= 3, 90, "three crawl cycles")
    finally:
        assert stop(daemon) == 0
    runs = finished(env.runs("pap"))
    assert all(r["status"] == "ok" and r["trigger"] == "schedule" for r in runs)
    assert runs[0]["articles_new"] == 3 and runs[1]["articles_new"] == 0
    for earlier, later in itertools.pairwise(runs):
        assert str(later["started_at"]) >= str(earlier["finished_at"])  # never overlapping
    text = log(env)
    assert text.count("crawl start source=pap") >= 3
    assert "crawl end source=pap status=ok" in text and "stopped" in text


def _set_next_run(env: Env, job_id: str, when: datetime) -> None:
    """Move a stored job's next run, as if the daemon had been down since ``when``.

    Through the job store, not a scheduler: a scheduler shut down after ``modify_job`` runs
    one more pass over due jobs and would move the time forward again."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    store = SQLAlchemyJobStore(url=env.db)
    store.start(BackgroundScheduler(timezone=UTC), "default")
    job = store.lookup_job(job_id)
    assert job is not None
    job._modify(next_run_time=when)  # the public Job.modify() needs a running scheduler
    store.update_job(job)
    store.shutdown()


def first_run_then_down_since(env: Env, config: Path, since: datetime) -> None:
    """Start the daemon, let it crawl the never-crawled source once, stop it, and move the
    stored next run back to ``since``: as if the daemon had been down ever since."""
    first = newsmon(env, config, "schedule")
    try:
        wait_for(lambda: len(finished(env.runs("pap"))) == 1, 60, "the first run")
    finally:
        assert stop(first) == 0
    _set_next_run(env, "crawl:pap", since)


def test_restart_keeps_the_schedule_and_catches_up_a_missed_run_once(env: Env) -> None:
    config = env.write_config(
        "  - name: pap\n    feeds: ['{BASE}/pap/rdf.xml']\n    schedule: {every: 1h}\n",
        "  misfire_grace: 6h\n",
    )
    # down for three scheduled runs, all within the grace period: made up exactly once
    first_run_then_down_since(env, config, datetime.now(UTC) - timedelta(hours=3))
    second = newsmon(env, config, "schedule")
    try:
        wait_for(lambda: len(finished(env.runs("pap"))) == 2, 60, "the catch-up run")
        time.sleep(4)
        assert len(env.runs("pap")) == 2  # coalesced: not three runs
    finally:
        assert stop(second) == 0
    _, pap = status_of(env, config)
    next_run = datetime.fromisoformat(str(pap["next_run_at"]))
    assert timedelta(minutes=55) < next_run - datetime.now(UTC) <= timedelta(hours=1)


def test_a_run_missed_beyond_the_grace_period_is_skipped(env: Env) -> None:
    config = env.write_config(
        "  - name: pap\n    feeds: ['{BASE}/pap/rdf.xml']\n    schedule: {every: 1h}\n",
        "  misfire_grace: 20m\n",
    )
    first_run_then_down_since(env, config, datetime.now(UTC) - timedelta(minutes=150))
    second = newsmon(env, config, "schedule")
    try:
        wait_for(lambda: "missed run of pap" in log(env), 30, "the missed-run warning")
        time.sleep(2)
        assert len(env.runs("pap")) == 1
    finally:
        assert stop(second) == 0


def test_a_hanging_crawl_is_killed_and_recorded_while_others_run(env: Env) -> None:
    config = env.write_config(
        f"  - name: stuck\n    feeds: ['{{BASE}}{SLOW_FEED}']\n    schedule: {{every: 1h}}\n"
        "  - name: pap\n    feeds: ['{BASE}/pap/rdf.xml']\n    schedule: {every: 1h}\n",
        "  crawl_timeout: 20s\n",
    )
    daemon = newsmon(env, config, "schedule")
    try:
        wait_for(
            lambda: finished(env.runs("stuck")) and finished(env.runs("pap")),
            90,
            "both crawls to end",
        )
    finally:
        assert stop(daemon) == 0
    (stuck,) = env.runs("stuck")
    assert stuck["status"] == "failed"
    assert stuck["reason"] == "killed after exceeding the crawl time limit of 20s"
    (pap,) = env.runs("pap")
    assert pap["status"] == "ok" and pap["articles_new"] == 3
    assert "crawl timeout source=stuck" in log(env)


def status_of(env: Env, config: Path) -> tuple[int, dict[str, object]]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "crawler",
            "--config",
            str(config),
            "--db",
            env.db,
            "status",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    return result.returncode, json.loads(result.stdout)[0]


def test_source_turns_broken_when_its_pages_disappear_and_ok_when_they_return(
    env: Env,
) -> None:
    config = env.write_config(
        "  - name: pap\n    feeds: ['{BASE}/pap/rdf.xml']\n    schedule: {every: 1s}\n",
        "  broken_after: 2\n",
    )

    def once() -> None:
        time.sleep(1.1)  # let the 1 s schedule come due again
        assert newsmon(env, config, "schedule", "--once").wait(timeout=90) == 0

    once()
    assert status_of(env, config)[1]["health"] == "ok"
    feed = env.root / "pap" / "rdf.xml"
    saved = feed.read_bytes()
    feed.unlink()
    once()
    code, pap = status_of(env, config)
    assert (code, pap["health"]) == (0, "degraded")
    once()
    code, pap = status_of(env, config)
    assert (code, pap["health"], pap["consecutive_bad_runs"]) == (1, "broken", 2)
    assert "HTTP 404" in pap["last_run"]["reason"]
    feed.write_bytes(saved)
    once()
    code, pap = status_of(env, config)
    assert (code, pap["health"]) == (0, "ok")


def test_sigterm_mid_crawl_exits_cleanly_with_the_database_intact(env: Env) -> None:
    config = env.write_config(
        "  - name: pap\n    feeds: ['{BASE}/pap/rdf.xml']\n    schedule: {every: 1h}\n"
        f"  - name: stuck\n    feeds: ['{{BASE}}{SLOW_FEED}']\n    schedule: {{every: 1h}}\n",
        "  shutdown_timeout: 2s\n",
    )
    daemon = newsmon(env, config, "schedule")
    try:
        wait_for(lambda: len(env.runs("stuck")) == 1, 60, "the stuck crawl to start")
        wait_for(lambda: finished(env.runs("pap")), 60, "the other crawl to finish")
    finally:
        assert stop(daemon) == 0
    assert "stopping: no new crawls" in log(env) and "stopped" in log(env)
    (stuck,) = env.runs("stuck")
    assert stuck["status"] == "interrupted" and stuck["finished_at"] is not None
    with sqlite3.connect(env.db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
        running = connection.execute(
            "SELECT count(*) FROM crawl_runs WHERE status = 'running'"
        ).fetchone()[0]
    assert running == 0
