"""The daemon's jobs as APScheduler's SQLAlchemy job store keeps them in newsmon's database:
the table, the job id of a source, and the next run times read back without a scheduler."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.db import Database

# A source's job id is JOB_PREFIX + its name.
JOB_PREFIX = "crawl:"
JOB_TABLE = "apscheduler_jobs"


def iter_job_next_runs(db: Database) -> Iterator[tuple[str, datetime]]:
    """Next run times the daemon stored (source, time), for ``newsmon status``."""
    from sqlalchemy import inspect, text

    if not inspect(db.engine).has_table(JOB_TABLE):
        return
    with db.engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, next_run_time FROM {JOB_TABLE}")).all()
    for job_id, next_run in rows:
        if job_id.startswith(JOB_PREFIX) and next_run is not None:
            yield job_id.removeprefix(JOB_PREFIX), datetime.fromtimestamp(next_run, tz=UTC)
