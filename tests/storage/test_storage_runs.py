"""Crawl runs: start, finish (with capped errors), and marking interrupted runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.errors import StorageError
from storage.models import CrawlRun, Source
from storage.writes import (
    MAX_ERROR_CHARS,
    MAX_RUN_ERRORS,
    finish_run,
    mark_interrupted_runs,
    start_run,
)


def _run(db: Database, run_id: int) -> CrawlRun:
    with db.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        return run


def _finish(db: Database, run_id: int, **overrides: object) -> None:
    values: dict[str, object] = {
        "status": "ok",
        "pages_fetched": 10,
        "articles_new": 4,
        "articles_updated": 1,
        "articles_unchanged": 2,
        "articles_failed": 1,
        "pages_dropped": {"NoArticleBody": 2},
        "errors": [],
        "reason": None,
    }
    values.update(overrides)
    finish_run(db, run_id, **values)  # type: ignore[arg-type]


def test_start_run_creates_the_source_once(db: Database) -> None:
    first = start_run(db, "example", trigger="schedule", pid=os.getpid())
    second = start_run(db, "example")
    assert first != second
    with db.session() as session:
        assert session.scalars(select(Source.name)).all() == ["example"]
    run = _run(db, first)
    assert (run.status, run.trigger, run.pid) == ("running", "schedule", os.getpid())
    assert run.started_at.tzinfo is not None
    assert run.finished_at is None
    assert _run(db, second).trigger == "manual"


def test_finish_run_records_the_outcome(db: Database) -> None:
    run_id = start_run(db, "example", pid=os.getpid())
    _finish(db, run_id, errors=["one failure"])
    run = _run(db, run_id)
    assert run.status == "ok"
    assert run.finished_at is not None
    assert (run.pages_fetched, run.articles_new, run.articles_updated) == (10, 4, 1)
    assert (run.articles_unchanged, run.articles_failed) == (2, 1)
    assert run.pages_dropped == {"NoArticleBody": 2}
    assert run.errors == ["one failure"]
    assert run.reason is None


def test_finish_run_caps_the_errors(db: Database) -> None:
    run_id = start_run(db, "example")
    errors = [f"error {i}: " + "x" * 1000 for i in range(120)]
    _finish(db, run_id, status="failed", errors=errors, reason="too many failures")
    run = _run(db, run_id)
    assert len(run.errors) == MAX_RUN_ERRORS
    assert all(len(message) <= MAX_ERROR_CHARS for message in run.errors)
    assert run.errors[0].startswith("error 0: xxx")
    assert run.errors[-1] == "… and 71 more errors"
    assert run.reason == "too many failures"


def test_finish_run_rejects_bad_input(db: Database) -> None:
    run_id = start_run(db, "example")
    with pytest.raises(ValueError, match="run status must be one of ok, failed, interrupted"):
        _finish(db, run_id, status="done")
    with pytest.raises(ValueError, match="articles_new must be a count"):
        _finish(db, run_id, articles_new=-1)
    with pytest.raises(ValueError, match="pages_dropped\\['Timeout'\\] must be a count"):
        _finish(db, run_id, pages_dropped={"Timeout": "3"})
    with pytest.raises(StorageError, match="crawl run 999999 does not exist"):
        _finish(db, 999_999)
    assert _run(db, run_id).status == "running"


def test_start_run_rejects_bad_names(db: Database) -> None:
    with pytest.raises(ValueError, match="source name"):
        start_run(db, "")
    with pytest.raises(ValueError, match="trigger"):
        start_run(db, "example", trigger="a-very-long-trigger-name")


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_mark_interrupted_runs(db: Database) -> None:
    alive = start_run(db, "example", pid=os.getpid())
    dead = start_run(db, "example", pid=_dead_pid())
    unknown = start_run(db, "example", pid=None)
    finished = start_run(db, "example", pid=None)
    _finish(db, finished)

    assert mark_interrupted_runs(db) == 2
    assert _run(db, alive).status == "running"
    for run_id in (dead, unknown):
        run = _run(db, run_id)
        assert run.status == "interrupted"
        assert run.finished_at is not None
        assert run.reason
    assert "pid" in (_run(db, dead).reason or "")
    assert _run(db, finished).status == "ok"
    assert mark_interrupted_runs(db) == 0
