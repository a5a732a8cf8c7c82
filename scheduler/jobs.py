"""A scheduled crawl: ``newsmon crawl --source NAME`` in its own process, watched.

Each crawl runs in a fresh process because Scrapy's reactor cannot be restarted, and so a crawl
that segfaults, leaks or hangs cannot take the daemon down. The process gets its own process
group (its extraction workers die with it), a time limit after which it is stopped (SIGTERM,
then SIGKILL), and its outcome always ends up in crawl_runs: the crawl records itself, and
what it could not record (killed, crashed before starting) is recorded here.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import select

from scheduler.reachability import ReachabilityWatch
from scheduler.snapshot import ConfigSnapshots
from storage.db import Database
from storage.models import CrawlRun, Source
from storage.writes import (
    fail_process_runs,
    mark_interrupted_runs,
    pid_alive,
    record_failed_run,
)

logger = logging.getLogger("newsmon.scheduler")

# After SIGTERM, a crawl gets this long to close its spider and record its run.
TERM_GRACE_SECONDS = 10.0
TAIL_LINES = 3


@dataclass(frozen=True)
class CrawlOutcome:
    source: str
    status: str  # crawl_runs status, or "skipped" when the source was already being crawled
    seconds: float
    reason: str | None = None


class CrawlSupervisor:
    """Starts crawl processes, at most one per source, and stops them when asked.

    With ``snapshots``, each crawl reads the configuration the daemon last validated (see
    ``scheduler.snapshot``), not ``config_path``, which may have been edited since."""

    def __init__(
        self,
        config_path: Path,
        db_url: str,
        db: Database,
        *,
        timeout: float,
        python: str = sys.executable,
        snapshots: ConfigSnapshots | None = None,
    ) -> None:
        self.config_path = config_path
        self.snapshots = snapshots
        self.db_url = db_url  # unmasked: handed to the crawl process
        self.db = db
        self.timeout = timeout
        self.python = python
        self._lock = threading.Lock()
        self._running: dict[str, subprocess.Popen[bytes]] = {}
        self._stopping: set[int] = set()
        self.reachability = ReachabilityWatch()

    @property
    def running(self) -> list[str]:
        with self._lock:
            return list(self._running)

    def command(self, source: str, trigger: str, config_path: Path | None = None) -> list[str]:
        return [
            self.python,
            "-m",
            "crawler",
            "--config",
            str(config_path or self.config_path),
            "--db",
            self.db_url,
            "crawl",
            "--source",
            source,
            "--trigger",
            trigger,
        ]

    def _config_file(self) -> AbstractContextManager[Path]:
        """The sources file the next crawl reads, kept on disk while it runs."""
        return self.snapshots.use() if self.snapshots else nullcontext(self.config_path)

    def run(self, source: str, trigger: str = "schedule") -> CrawlOutcome:
        """Crawl ``source`` in a subprocess and wait for it (at most ``timeout`` seconds)."""
        started = time.monotonic()
        with self._lock:
            busy = source in self._running
        if busy or self._crawling_elsewhere(source):
            logger.warning("crawl skip source=%s: a crawl of it is still running", source)
            return CrawlOutcome(source, "skipped", 0.0, "a crawl of this source is running")
        logger.info("crawl start source=%s trigger=%s", source, trigger)
        with self._config_file() as config_path, tempfile.TemporaryFile() as output:
            process = subprocess.Popen(
                self.command(source, trigger, config_path),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            with self._lock:
                self._running[source] = process
            timed_out = False
            try:
                process.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                logger.error(
                    "crawl timeout source=%s: still running after %.0fs, stopping it",
                    source,
                    self.timeout,
                )
                stop_process(process, TERM_GRACE_SECONDS)
            finally:
                with self._lock:
                    self._running.pop(source, None)
                    stopped_on_request = process.pid in self._stopping
                    self._stopping.discard(process.pid)
            tail = _tail(output)
        self._record_failure(source, trigger, process, timed_out, stopped_on_request, tail)
        return self._finish(source, process.pid, time.monotonic() - started)

    def stop_all(self, grace: float = TERM_GRACE_SECONDS) -> None:
        """Stop every running crawl: SIGTERM (the crawl closes and records itself as
        interrupted), then SIGKILL after ``grace`` seconds."""
        with self._lock:
            processes = list(self._running.values())
            self._stopping.update(p.pid for p in processes)
        threads = [threading.Thread(target=stop_process, args=(p, grace)) for p in processes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _crawling_elsewhere(self, source: str) -> bool:
        """A crawl of the source started outside this daemon (``newsmon crawl``) still runs."""
        with self.db.session() as session:
            pids = session.scalars(
                select(CrawlRun.pid)
                .join(Source)
                .where(Source.name == source, CrawlRun.status == "running")
            ).all()
        return any(pid is not None and pid_alive(pid) for pid in pids)

    def _record_failure(
        self,
        source: str,
        trigger: str,
        process: subprocess.Popen[bytes],
        timed_out: bool,
        stopped_on_request: bool,
        tail: str,
    ) -> None:
        code = process.returncode
        if timed_out:
            reason = f"killed after exceeding the crawl time limit of {self.timeout:.0f}s"
        elif stopped_on_request:
            # Stopped by the daemon's shutdown: the crawl records itself as interrupted; if it
            # had to be killed first, its row is still "running" and is marked here; if it
            # never got to write one, one is written.
            if not mark_interrupted_runs(self.db) and self._last_run(process.pid) is None:
                record_failed_run(
                    self.db,
                    source,
                    trigger,
                    "stopped by the daemon's shutdown before it started",
                    pid=process.pid,
                    status="interrupted",
                )
            return
        elif code == 0:
            return
        elif code < 0:
            reason = f"the crawl process died of signal {signal.Signals(-code).name}"
        else:
            reason = f"the crawl process exited with status {code}" + (f": {tail}" if tail else "")
        # A crawl that failed on its own (exit 1) has recorded why, in its own rows.
        if not fail_process_runs(self.db, process.pid, reason) and (
            self._last_run(process.pid) is None
        ):
            record_failed_run(self.db, source, trigger, reason, pid=process.pid)

    def _last_run(self, pid: int) -> CrawlRun | None:
        """The crawl_runs row the crawl process ``pid`` wrote, if it got that far."""
        with self.db.session() as session:
            return session.scalars(
                select(CrawlRun).where(CrawlRun.pid == pid).order_by(CrawlRun.id.desc())
            ).first()

    def _finish(self, source: str, pid: int, seconds: float) -> CrawlOutcome:
        """The crawl's outcome, from its row, logged as one ``crawl end`` line."""
        run = self._last_run(pid)
        if run is None:
            outcome = CrawlOutcome(source, "failed", seconds, "no crawl run was recorded")
            counts = "no run recorded"
        else:
            outcome = CrawlOutcome(source, run.status, seconds, run.reason)
            counts = (
                f"pages={run.pages_fetched} found={run.articles_found} "
                f"new={run.articles_new} updated={run.articles_updated} "
                f"unchanged={run.articles_unchanged} failed={run.articles_failed}"
            )
        level = logging.INFO if outcome.status == "ok" else logging.WARNING
        logger.log(
            level,
            "crawl end source=%s status=%s seconds=%.1f %s%s",
            source,
            outcome.status,
            seconds,
            counts,
            f" reason={outcome.reason!r}" if outcome.reason else "",
        )
        self.reachability.observe(source, run)
        return outcome


def stop_process(process: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM the process group, SIGKILL it if it is still there after ``grace`` seconds."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _tail(output: IO[bytes]) -> str:
    """The last lines the crawl process printed, for the failure reason."""
    output.seek(0, os.SEEK_END)
    output.seek(max(0, output.tell() - 4000))
    text = output.read().decode("utf-8", errors="replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(lines[-TAIL_LINES:])
