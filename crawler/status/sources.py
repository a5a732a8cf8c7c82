"""Per-source status for ``newsmon status``: schedule, next run, last outcome, health.

Plain data from the database and the sources file; formatting is the CLI's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from crawler.config import NewsmonConfig
from crawler.status.health import assess
from crawler.status.triggers import next_run_after
from storage.db import Database
from storage.queries import (
    RunSummary,
    count_new_articles,
    recent_runs,
    sources_that_yielded,
    summarize_sources,
)


@dataclass(frozen=True)
class SourceStatus:
    name: str
    configured: bool
    schedule: str | None
    next_run_at: datetime | None
    articles: int
    newest_published_at: datetime | None
    last_run: RunSummary | None
    new_last_run: int
    new_7_days: int
    consecutive_bad_runs: int
    health: str
    health_reason: str | None
    last_errors: list[str] = field(default_factory=list)


def source_statuses(
    db: Database,
    config: NewsmonConfig | None,
    stored_next_runs: dict[str, datetime],
    *,
    now: datetime | None = None,
) -> list[SourceStatus]:
    """One status per source in the sources file or the database, in the file's order."""
    now = now or datetime.now(UTC)
    broken_after = config.scheduler.broken_after if config else 3
    with db.session() as session:
        summaries = {s.name: s for s in summarize_sources(session)}
        week = count_new_articles(session, now - timedelta(days=7))
        yielded = sources_that_yielded(session)
        configured = {s.name: s for s in config.sources} if config else {}
        names = list(configured) + sorted(set(summaries) - set(configured))
        statuses = []
        for name in names:
            summary = summaries.get(name)
            runs = recent_runs(session, name, limit=max(20, broken_after))
            health = assess(runs, broken_after, ever_yielded=name in yielded)
            source = configured.get(name)
            schedule = config.schedule_of(source) if config and source else None
            last = summary.last_run if summary else None
            next_run = stored_next_runs.get(name)
            if next_run is None and schedule is not None and source and source.enabled:
                next_run = next_run_after(schedule, last.started_at if last else None, now)
            statuses.append(
                SourceStatus(
                    name=name,
                    configured=source is not None,
                    schedule=(schedule.describe() if source and source.enabled else "disabled")
                    if schedule
                    else None,
                    next_run_at=next_run,
                    articles=summary.articles if summary else 0,
                    newest_published_at=summary.newest_published_at if summary else None,
                    last_run=last,
                    new_last_run=last.articles_new if last else 0,
                    new_7_days=week.get(name, 0),
                    consecutive_bad_runs=health.consecutive_bad,
                    health=health.verdict,
                    health_reason=health.reason,
                    last_errors=list(last.errors) if last else [],
                )
            )
    return statuses
