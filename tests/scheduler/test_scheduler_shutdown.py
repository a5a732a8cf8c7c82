"""APScheduler 3's last pass after shutdown() must not move a due run forward (it would be lost
instead of made up at the next start)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from scheduler.daemon import _Scheduler


def noop() -> None:
    """A job target importable by reference."""


def _due_after_shutdown(scheduler_class: type[BackgroundScheduler], db: Path) -> bool:
    url = f"sqlite:///{db}"
    scheduler = scheduler_class(jobstores={"default": SQLAlchemyJobStore(url=url)}, timezone=UTC)
    scheduler.start(paused=True)
    due = datetime.now(UTC) - timedelta(minutes=5)
    scheduler.add_job(noop, "interval", hours=1, id="job", next_run_time=due)
    scheduler.shutdown(wait=True)
    store = SQLAlchemyJobStore(url=url)
    store.start(BackgroundScheduler(timezone=UTC), "default")
    job = store.lookup_job("job")
    store.shutdown()
    return job is not None and job.next_run_time <= datetime.now(UTC)


def test_a_due_run_survives_shutdown(tmp_path: Path) -> None:
    assert _due_after_shutdown(_Scheduler, tmp_path / "ours.db")


def test_the_quirk_is_real_in_plain_apscheduler(tmp_path: Path) -> None:
    # If APScheduler fixes it, this fails and _Scheduler can go.
    assert not _due_after_shutdown(BackgroundScheduler, tmp_path / "plain.db")
