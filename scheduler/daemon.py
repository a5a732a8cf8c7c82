"""``newsmon schedule``: the daemon that crawls every source on its schedule, for months.

Design, and why:
- APScheduler 3 with its SQLAlchemy job store in newsmon's own database, so a restart keeps
  every next run time. Jobs coalesce, so a run missed while the daemon was down is made up
  once on start when it is within ``misfire_grace``, never several times.
- Each crawl is a subprocess (``scheduler.jobs``). A prototype that shared one Twisted
  reactor between the scheduler and every crawl kept memory flat, but a single segfault or
  blocking callback took the whole daemon down; with subprocesses a crash, leak or hang is
  contained, at the cost of a few seconds of start-up per crawl (3.5 s measured here). The
  daemon itself stays small (~70 MB, flat over 100 crawls) because it never imports Scrapy or
  trafilatura.
- Crawls read the configuration the daemon validated (``scheduler.snapshot``): an edit that
  breaks the sources file is refused on SIGHUP and changes nothing, crawls included, until a
  valid edit replaces it.
- A BackgroundScheduler runs the jobs in a thread pool (``max_concurrent_crawls``;
  ``max_instances=1`` keeps two crawls of one source from overlapping). The main thread only
  handles signals: SIGHUP re-reads the sources file and syncs the jobs, SIGTERM/SIGINT stop
  scheduling and give running crawls ``shutdown_timeout`` to finish, a second one stops them
  at once.
"""

from __future__ import annotations

import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import FrameType
from typing import ClassVar

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor as JobThreadPool
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING

from crawler.config import NewsmonConfig, parse_duration
from crawler.status.jobtable import JOB_PREFIX, JOB_TABLE
from crawler.status.triggers import build_trigger, is_due
from scheduler.jobs import CrawlOutcome, CrawlSupervisor
from scheduler.snapshot import ConfigSnapshots
from storage.db import Database, open_database
from storage.queries import last_started_by_source
from storage.writes import mark_interrupted_runs

logger = logging.getLogger("newsmon.scheduler")
LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


class _Scheduler(BackgroundScheduler):
    """APScheduler 3 runs one last pass over due jobs after ``shutdown()``: it fails to submit
    them ("cannot schedule new futures after shutdown") and moves their next run forward, so
    the run is lost rather than made up at the next start (agronholm/apscheduler#985)."""

    def _process_jobs(self) -> float | None:
        return super()._process_jobs() if self.state == STATE_RUNNING else None


def run_scheduled_crawl(source: str) -> None:
    """The job APScheduler runs. Persistent jobs are stored by function reference, so this
    module-level entry point hands over to the running daemon."""
    daemon = Daemon.current
    if daemon is None:
        raise RuntimeError("no newsmon daemon is running in this process")
    if daemon.stopping.is_set():
        # Queued for a free slot when the daemon was told to stop: make it up at restart.
        logger.info("crawl skip source=%s: the daemon is stopping", source)
        daemon.scheduler.modify_job(JOB_PREFIX + source, next_run_time=datetime.now(UTC))
        return
    daemon.supervisor.run(source, trigger="schedule")


@dataclass(frozen=True)
class JobSync:
    added: tuple[str, ...]
    rescheduled: tuple[str, ...]
    removed: tuple[str, ...]


class Daemon:
    current: ClassVar[Daemon | None] = None

    def __init__(self, config_path: Path, db_url: str) -> None:
        self.config_path = config_path
        self.db_url = db_url
        self.snapshots = ConfigSnapshots()
        self.config = self.snapshots.take(config_path)
        self._wake = threading.Event()
        self._signals: list[int] = []
        # Signals first: a SIGTERM while the schema is being upgraded waits for it.
        self._previous_handlers = {
            sig: signal.signal(sig, self._on_signal)
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
        }
        self.db: Database = open_database(db_url, upgrade=True)
        scheduler_config = self.config.scheduler
        self.supervisor = CrawlSupervisor(
            config_path,
            db_url,
            self.db,
            timeout=parse_duration(scheduler_config.crawl_timeout),
            snapshots=self.snapshots,
        )
        self.stopping = threading.Event()
        self.scheduler = _Scheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.db.engine, tablename=JOB_TABLE)},
            executors={"default": JobThreadPool(scheduler_config.max_concurrent_crawls)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                # APScheduler's default of 1 s would silently drop a run missed by 2 s.
                "misfire_grace_time": int(parse_duration(scheduler_config.misfire_grace)),
            },
            timezone=UTC,
        )
        self.scheduler.add_listener(self._on_job_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)

    # --- life cycle -------------------------------------------------------------------------

    def run(self) -> int:
        """Schedule until stopped by a signal; the process exit status."""
        Daemon.current = self
        interrupted = mark_interrupted_runs(self.db)
        if interrupted:
            logger.warning(
                "marked %d crawl(s) left running by a previous process as interrupted", interrupted
            )
        try:
            self.scheduler.start(paused=True)
            self._log_sync(self.sync_jobs(self.config))
            self.scheduler.resume()
            logger.info(
                "scheduling %d source(s); max %d crawl(s) at once; next: %s",
                len(self._jobs()),
                self.config.scheduler.max_concurrent_crawls,
                self._next_runs(),
            )
            return self._serve()
        finally:
            for sig, handler in self._previous_handlers.items():
                signal.signal(sig, handler)
            Daemon.current = None
            self.db.dispose()
            self.snapshots.close()

    def _serve(self) -> int:
        while True:
            self._wake.wait()
            self._wake.clear()
            while self._signals:
                sig = self._signals.pop(0)
                if sig == signal.SIGHUP:
                    self.reload()
                else:
                    self.shutdown()
                    return 0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        # Only flag it: the main loop acts, outside the signal handler.
        self._signals.append(signum)
        self._wake.set()

    def reload(self) -> None:
        """Re-read the sources file and make the jobs match it (on SIGHUP); crawls started from
        now on read it. A broken file changes nothing: schedule and crawls keep the last
        valid configuration."""
        try:
            config = self.snapshots.take(self.config_path)
        except Exception as exc:  # a bad edit must not stop a running daemon
            logger.error(
                "reload failed, keeping the current schedule and configuration: %s",
                " | ".join(str(exc).splitlines()),
            )
            return
        self.config = config
        self._log_sync(self.sync_jobs(config))

    def shutdown(self) -> None:
        """Stop scheduling; wait for running crawls up to shutdown_timeout; stop the rest.

        A second SIGTERM/SIGINT while waiting stops them at once."""
        timeout = parse_duration(self.config.scheduler.shutdown_timeout)
        running = self.supervisor.running
        logger.info(
            "stopping: no new crawls; waiting up to %.0fs for %d running crawl(s)%s",
            timeout,
            len(running),
            f" ({', '.join(running)})" if running else "",
        )
        self.stopping.set()
        self.scheduler.pause()
        waited = 0.0
        while self.supervisor.running and waited < timeout and not self._signals:
            self._wake.wait(0.2)
            self._wake.clear()
            waited += 0.2
        if self.supervisor.running:
            why = "second signal" if self._signals else "shutdown timeout"
            logger.warning("%s: stopping %s", why, ", ".join(self.supervisor.running))
            self.supervisor.stop_all(grace=5.0 if self._signals else 15.0)
        self.scheduler.shutdown(wait=True)
        logger.info("stopped")

    # --- jobs ---------------------------------------------------------------------------------

    def sync_jobs(self, config: NewsmonConfig) -> JobSync:
        """Add, reschedule and remove jobs so there is one per enabled source, on its schedule.

        A source with no job yet runs at once if it is due by its crawl history (never
        crawled, or its last crawl is older than its schedule); otherwise at its next time."""
        now = datetime.now(UTC)
        wanted = {source.name: source for source in config.sources if source.enabled}
        last_runs = self._last_started()
        added, rescheduled = [], []
        due_now = 0
        for name, source in wanted.items():
            schedule = config.schedule_of(source)
            label = f"{name} ({schedule.describe()})"
            job = self.scheduler.get_job(JOB_PREFIX + name)
            if job is None:
                due = is_due(schedule, last_runs.get(name), now)
                extra = {}
                if due:
                    # Due sources on an interval start staggered (a few seconds apart, at most
                    # a tenth of the interval), or the same `every` keeps them in lockstep.
                    step = min(5.0, (schedule.interval_seconds or 0) / 10)
                    extra = {"next_run_time": now + timedelta(seconds=step * due_now)}
                    due_now += 1
                self.scheduler.add_job(
                    run_scheduled_crawl,
                    build_trigger(schedule),
                    args=[name],
                    id=JOB_PREFIX + name,
                    name=label,
                    replace_existing=True,
                    **extra,
                )
                added.append(name)
            elif job.name != label:
                self.scheduler.modify_job(job.id, name=label)
                self.scheduler.reschedule_job(job.id, trigger=build_trigger(schedule))
                rescheduled.append(name)
        removed = []
        for job in self._jobs():
            name = job.id.removeprefix(JOB_PREFIX)
            if name not in wanted:
                job.remove()
                removed.append(name)
        return JobSync(tuple(added), tuple(rescheduled), tuple(removed))

    def _jobs(self) -> list[Job]:
        return [j for j in self.scheduler.get_jobs() if j.id.startswith(JOB_PREFIX)]

    def _next_runs(self) -> str:
        upcoming = sorted(
            (j.next_run_time, j.id.removeprefix(JOB_PREFIX))
            for j in self._jobs()
            if j.next_run_time
        )
        return ", ".join(f"{name} {when:%Y-%m-%d %H:%M:%S%z}" for when, name in upcoming[:5])

    def _last_started(self) -> dict[str, datetime]:
        with self.db.session() as session:
            return last_started_by_source(session)

    def _log_sync(self, sync: JobSync) -> None:
        for kind in ("added", "rescheduled", "removed"):
            names = getattr(sync, kind)
            if names:
                logger.info("jobs %s: %s", kind, ", ".join(names))

    def _on_job_event(self, event: JobExecutionEvent) -> None:
        name = event.job_id.removeprefix(JOB_PREFIX)
        if event.code == EVENT_JOB_MISSED:
            logger.warning(
                "missed run of %s at %s (beyond misfire_grace); next as scheduled",
                name,
                event.scheduled_run_time,
            )
        elif event.exception is not None:
            logger.error("job for %s failed: %s", name, event.exception)


def run_once(config_path: Path, db_url: str) -> list[CrawlOutcome]:
    """Crawl every source that is due now, ``max_concurrent_crawls`` at a time, and return
    (``newsmon schedule --once``, for cron users and tests)."""
    # The crawls read this validated copy: an edit while they run does not reach them.
    snapshots = ConfigSnapshots()
    config = snapshots.take(config_path)
    try:
        with open_database(db_url, upgrade=True) as db:
            mark_interrupted_runs(db)
            supervisor = CrawlSupervisor(
                config_path,
                db_url,
                db,
                timeout=parse_duration(config.scheduler.crawl_timeout),
                snapshots=snapshots,
            )
            now = datetime.now(UTC)
            with db.session() as session:
                last = last_started_by_source(session)
            due = [
                s.name
                for s in config.sources
                if s.enabled and is_due(config.schedule_of(s), last.get(s.name), now)
            ]
            logger.info("due now: %s", ", ".join(due) or "nothing")
            stop = _stop_on_signal(supervisor)
            with ThreadPoolExecutor(config.scheduler.max_concurrent_crawls) as pool:
                outcomes = list(pool.map(supervisor.run, due))
            stop.restore()
            return outcomes
    finally:
        snapshots.close()


class _stop_on_signal:
    """SIGTERM/SIGINT during ``--once``: stop the running crawls, let them record it."""

    def __init__(self, supervisor: CrawlSupervisor) -> None:
        self.supervisor = supervisor
        self.previous = {
            sig: signal.signal(sig, self._handle) for sig in (signal.SIGTERM, signal.SIGINT)
        }

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=self.supervisor.stop_all, daemon=True).start()

    def restore(self) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def configure_logging(config: NewsmonConfig, verbose: bool) -> None:
    """Daemon logs: stderr always, plus the rotating file the sources file names."""
    root = logging.getLogger("newsmon")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    settings = config.scheduler
    if settings.log_file:
        Path(settings.log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            RotatingFileHandler(
                settings.log_file,
                maxBytes=settings.log_max_bytes,
                backupCount=settings.log_backups,
                encoding="utf-8",
            )
        )
    # APScheduler's own warnings (a run skipped because the source is still being crawled,
    # a missed run) go to the same places.
    apscheduler = logging.getLogger("apscheduler")
    apscheduler.setLevel(logging.WARNING)
    for logger_ in (root, apscheduler):
        for handler in handlers:
            handler.setFormatter(logging.Formatter(LOG_FORMAT))
            logger_.addHandler(handler)
        logger_.propagate = False
