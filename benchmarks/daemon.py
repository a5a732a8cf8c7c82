"""Benchmark: the scheduling daemon stays small and starts crawls on time over many cycles.

Claims measured: over 100 short crawl cycles against a loopback site, the resident memory of
the ``newsmon schedule`` process (the daemon alone, not its crawl processes) stays flat within
10% (largest / smallest RSS after cycles 1, 10, 50 and 100 at most 1.10), and the scheduling
delay of its crawls has a 95th percentile under 2 s.

One run: serve the bundled sample site (``crawler.demo.server``) from its own process; write a
sources file with four of its sources, each ``every: 16s``, two crawls at once, loopback crawl
settings; start ``newsmon schedule`` on a fresh SQLite database with only the first source
enabled, and enable the other three one at a time with SIGHUP a quarter interval apart. An
interval schedule counts from the job's first run, so this spreads the four sources' phases
evenly and the ``max_concurrent_crawls`` limit is not what delays them. Sources enabled at
the same moment, as when a daemon starts, all fire together at every interval and queue for
the slots: ``--together`` measures that case. A cycle is one finished crawl run (a row of
``crawl_runs`` with ``finished_at`` set). After each cycle the daemon's RSS is read; the
process tree is sampled every 0.1 s. After the last cycle the daemon gets SIGTERM and must
exit 0.

Scheduling delay, from what the daemon itself records: its log line ``crawl start`` (written
just before the crawl process is started) minus the time the run was due. With ``every: N``
APScheduler fires a job at its first run time plus whole multiples of N (read back from the
job store's ``next_run_time``). A fire time that passes while the source's previous crawl is
still running is skipped (``max_instances=1``), so it is not delay: a run is due at the first
fire time after the source's previous crawl ended, or at the last fire time before it started
when the scheduler acted on an earlier one late. A source's first run is due when its job was
added. Delay spent waiting for one of the ``max_concurrent_crawls`` slots counts too, and is
also reported apart. Log times have a resolution of 1 ms.

Exit status: 0 when the benchmark ran, whether or not the targets were met (it reports, it does
not gate); 1 when it could not measure (the daemon died or did not stop cleanly, a crawl did
not end "ok", the cycles took far too long).

    .venv/bin/python -m benchmarks.daemon [--cycles 100] [--every 16] [--together] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import closing, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import yaml

from benchmarks.support.harness import MachineClock, at_least
from benchmarks.support.harness import workdir as bench_workdir
from crawler.demo.server import render_sources

SOURCES = ("prwire", "cnportal", "carbontrade", "pap")  # distinct feeds, distinct articles
MAX_CONCURRENT_CRAWLS = 2
SHUTDOWN_TIMEOUT_SECONDS = 60
CHECKPOINTS = (1, 10, 50, 100)
RSS_TARGET_RATIO = 1.10
DELAY_TARGET_SECONDS = 2.0
POLL_SECONDS = 0.1
START_TIMEOUT_SECONDS = 60.0
LOG_RESOLUTION_SECONDS = 0.001
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "daemon.json"
MB = 1024 * 1024


class BenchmarkFailed(Exception):
    """The benchmark could not measure: the message says why."""


# --- the site and the sources file -------------------------------------------------------------


class SiteServer:
    """The bundled sample site served by ``python -m crawler.demo.server`` in its own process,
    so its threads neither share this script's GIL nor the daemon's."""

    def __init__(self, log: Path) -> None:
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crawler.demo.server"],
            stdout=subprocess.PIPE,
            stderr=self._log,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url.startswith("http://"):
            self.stop()
            raise BenchmarkFailed(f"the sample site did not start; see {log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def sources_yaml(base_url: str, every: int, enabled: int) -> str:
    """The sample site's sources file cut to SOURCES, each ``every`` seconds, the first
    ``enabled`` of them enabled; crawl settings for a loopback site."""
    bundled = yaml.safe_load(render_sources(base_url))["sources"]
    by_name = {source["name"]: source for source in bundled}
    sources = [
        {**by_name[name], "schedule": {"every": f"{every}s"}, "enabled": number < enabled}
        for number, name in enumerate(SOURCES)
    ]
    document = {
        "sources": sources,
        "crawl": {"download_delay": 0, "autothrottle": False, "extraction_workers": 1},
        "scheduler": {
            "max_concurrent_crawls": MAX_CONCURRENT_CRAWLS,
            "shutdown_timeout": f"{SHUTDOWN_TIMEOUT_SECONDS}s",
        },
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` in one step: crawl processes read the file while it is rewritten."""
    partial = path.with_suffix(".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


# --- the daemon's processes --------------------------------------------------------------------


@dataclass
class ChildPeak:
    pid: int
    kind: str  # crawl process, extraction fork server or worker, resource tracker, other
    peak_rss: int = 0


@dataclass(frozen=True)
class Checkpoint:
    """The daemon process right after ``cycle`` crawl runs had finished."""

    cycle: int
    finished_runs: int
    seconds: float  # since the daemon was launched
    rss_mb: float
    uss_mb: float
    threads: int
    open_fds: int
    cpu_seconds: float  # the daemon's own, user + system


class DaemonSampler:
    """Samples the daemon (RSS, CPU) and the peak RSS of every process under it."""

    def __init__(self, pid: int) -> None:
        self.daemon = psutil.Process(pid)
        self.children: dict[int, ChildPeak] = {}
        self.peak_tree_rss = 0
        self.daemon_cpu = 0.0  # user + system seconds of the daemon itself
        self.children_cpu = 0.0  # of its crawl processes it has reaped, and theirs

    def sample(self) -> int:
        """One sample of the whole tree; the daemon's RSS (0 once it is gone)."""
        try:
            with self.daemon.oneshot():
                rss = self.daemon.memory_info().rss
                times = self.daemon.cpu_times()
            children = self.daemon.children(recursive=True)
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            return 0
        self.daemon_cpu = times.user + times.system
        self.children_cpu = times.children_user + times.children_system
        total = rss
        for child in children:
            peak = self.children.setdefault(child.pid, ChildPeak(child.pid, "other"))
            try:
                child_rss = child.memory_info().rss
                if peak.kind == "other":
                    peak.kind = self._kind(child)
            except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                continue
            if peak.kind != "other":  # a fork not yet running its program shows its parent's
                peak.peak_rss = max(peak.peak_rss, child_rss)
            total += child_rss
        self.peak_tree_rss = max(self.peak_tree_rss, total)
        return rss

    def _kind(self, child: psutil.Process) -> str:
        if child.ppid() == self.daemon.pid:
            return "crawl process"
        command = " ".join(child.cmdline())
        if "resource_tracker" in command:
            return "resource tracker"
        if "forkserver" in command:
            # Workers forked by the fork server keep its command line.
            parent = self.children.get(child.ppid())
            if parent is not None and parent.kind == "crawl process":
                return "extraction fork server"
            return "extraction worker"
        if "spawn_main" in command:
            return "extraction worker"
        return "other"  # a fork before it executes its program: decided next sample

    def checkpoint(self, cycle: int, finished: int, seconds: float) -> Checkpoint:
        with self.daemon.oneshot():
            memory = self.daemon.memory_full_info()
            threads = self.daemon.num_threads()
            fds = self.daemon.num_fds()
            times = self.daemon.cpu_times()
        return Checkpoint(
            cycle,
            finished,
            round(seconds, 2),
            round(memory.rss / MB, 2),
            round(memory.uss / MB, 2),
            threads,
            fds,
            round(times.user + times.system, 3),
        )


# --- what the daemon logged --------------------------------------------------------------------

_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) [A-Z]+ (.*)$")
_START = re.compile(r"^crawl start source=(\S+) ")
_END = re.compile(r"^crawl end source=(\S+) status=(\S+) seconds=([\d.]+)")
_SKIP = re.compile(r'^Execution of job "(\S+) \(.*skipped: maximum number of running instances')
_READY = re.compile(r"^scheduling \d+ source")


@dataclass
class CrawlSpan:
    """One crawl as the daemon logged it (POSIX times)."""

    source: str
    started_at: float
    ended_at: float | None = None
    status: str | None = None
    seconds: float | None = None


@dataclass
class DaemonLog:
    ready_at: float | None = None
    crawls: list[CrawlSpan] = field(default_factory=list)
    skips: list[tuple[str, float]] = field(default_factory=list)


def _log_time(stamp: str) -> float:
    # The daemon runs with TZ=UTC, so its asctime is UTC.
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=UTC).timestamp()


def read_daemon_log(path: Path) -> DaemonLog:
    """Crawl starts and ends (paired per source: one source never runs twice at once), fire
    times skipped by APScheduler, and when the daemon was scheduling."""
    log = DaemonLog()
    open_spans: dict[str, CrawlSpan] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        at, message = _log_time(match[1]), match[2]
        if start := _START.match(message):
            span = CrawlSpan(start[1], at)
            open_spans[span.source] = span
            log.crawls.append(span)
        elif end := _END.match(message):
            span_or_none = open_spans.pop(end[1], None)
            if span_or_none is not None:
                span_or_none.ended_at = at
                span_or_none.status = end[2]
                span_or_none.seconds = float(end[3])
        elif skip := _SKIP.match(message):
            log.skips.append((skip[1], at))
        elif log.ready_at is None and _READY.match(message):
            log.ready_at = at
    return log


# --- scheduling delay --------------------------------------------------------------------------


@dataclass(frozen=True)
class Delay:
    source: str
    due_at: float
    started_at: float
    seconds: float  # started_at - due_at
    slot_wait: float  # of which spent with max_concurrent_crawls other crawls running


def scheduling_delays(
    crawls: Sequence[CrawlSpan],
    fire_time: dict[str, float],
    added_at: dict[str, float],
    every: float,
    max_concurrent: int,
) -> list[Delay]:
    """The delay of every crawl start (see the module docstring for the definition).

    ``fire_time``: any one fire time of each source's job (its stored next run time);
    ``added_at``: a time before the source's job was added, and after its previous one."""
    delays = []
    previous_end = dict(added_at)
    for crawl in crawls:
        base = fire_time[crawl.source]
        after_previous = base + math.ceil((previous_end[crawl.source] - base) / every) * every
        # Log times are truncated to the millisecond: a start logged just before its fire
        # time belongs to it.
        before_start = (
            base + math.floor((crawl.started_at + LOG_RESOLUTION_SECONDS - base) / every) * every
        )
        due = min(after_previous, before_start)
        started = max(crawl.started_at, due)
        # A run queued for a slot starts as the crawl whose slot it gets ends: the last crawl
        # that ended between due and start with the pool full. (Earlier slots freed in that
        # time went to runs queued before it: the pool is first in, first out.)
        others = [other for other in crawls if other.source != crawl.source]
        slot_free_at = max(
            (
                other.ended_at
                for other in others
                if other.ended_at is not None
                and due <= other.ended_at <= started
                and _running_at(others, other.ended_at) >= max_concurrent
            ),
            default=due,
        )
        delays.append(Delay(crawl.source, due, crawl.started_at, started - due, slot_free_at - due))
        previous_end[crawl.source] = crawl.ended_at if crawl.ended_at is not None else math.inf
    return delays


def _running_at(crawls: Sequence[CrawlSpan], moment: float) -> int:
    """Crawls running just before ``moment`` (one ending at it counts)."""
    return sum(
        1
        for crawl in crawls
        if crawl.started_at < moment and (crawl.ended_at is None or crawl.ended_at >= moment)
    )


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` percentile by linear interpolation (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _spread(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "max": None}
    return {
        "p50": round(percentile(values, 0.5), 3),
        "p95": round(percentile(values, 0.95), 3),
        "max": round(max(values), 3),
    }


# --- the database ------------------------------------------------------------------------------


class RunCounter:
    """Counts finished crawl runs in the daemon's SQLite database, read-only, and stops the
    benchmark at the first one that did not end "ok": its numbers would mean nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None

    def finished(self) -> int:
        if self._connection is None:
            if not self.path.exists():
                return 0
            self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            count, bad = self._connection.execute(
                "SELECT count(*), sum(status != 'ok') FROM crawl_runs WHERE finished_at IS NOT NULL"
            ).fetchone()
            if bad:
                name, status, reason = self._connection.execute(
                    "SELECT s.name, r.status, r.reason FROM crawl_runs r JOIN sources s "
                    "ON s.id = r.source_id WHERE r.finished_at IS NOT NULL "
                    "AND r.status != 'ok' ORDER BY r.id LIMIT 1"
                ).fetchone()
                raise BenchmarkFailed(f"a crawl of {name} ended {status}: {reason}")
        except sqlite3.OperationalError:  # the schema is not there yet
            return 0
        return int(count)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


@dataclass(frozen=True)
class StoredRuns:
    """What the daemon's database holds once it stopped."""

    by_status: dict[str, int]
    fire_times: dict[str, float]  # each job's stored next run time (POSIX), by source
    # (source, started_at, finished_at) of every crawl run, oldest first; the crawl process
    # writes started_at once it has started up, finished_at as it ends.
    runs: list[tuple[str, float, float | None]]


def _utc_timestamp(value: str) -> float:
    """A datetime column value (SQLite stores UTC without an offset) as a POSIX timestamp."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp()


def read_stored_runs(path: Path) -> StoredRuns:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        statuses = dict(
            connection.execute("SELECT status, count(*) FROM crawl_runs GROUP BY status").fetchall()
        )
        jobs = connection.execute("SELECT id, next_run_time FROM apscheduler_jobs").fetchall()
        rows = connection.execute(
            "SELECT s.name, r.started_at, r.finished_at FROM crawl_runs r "
            "JOIN sources s ON s.id = r.source_id ORDER BY r.id"
        ).fetchall()
    fire_times = {
        job_id.removeprefix("crawl:"): float(next_run)
        for job_id, next_run in jobs
        if next_run is not None
    }
    runs = [
        (name, _utc_timestamp(started), _utc_timestamp(finished) if finished else None)
        for name, started, finished in rows
    ]
    return StoredRuns(statuses, fire_times, runs)


def crawl_phases(
    crawls: Sequence[CrawlSpan], runs: Sequence[tuple[str, float, float | None]]
) -> tuple[list[float], list[float]]:
    """Seconds from the daemon's ``crawl start`` to the run's ``started_at`` (the crawl
    process starting up), and from ``started_at`` to ``finished_at`` (crawling), pairing
    each source's logged crawls with its runs in order."""
    stored: dict[str, list[tuple[float, float | None]]] = {}
    for name, started, finished in runs:
        stored.setdefault(name, []).append((started, finished))
    logged: dict[str, list[CrawlSpan]] = {}
    for crawl in crawls:
        logged.setdefault(crawl.source, []).append(crawl)
    startup, crawling = [], []
    for name, spans in logged.items():
        for span, (started, finished) in zip(spans, stored.get(name, []), strict=False):
            startup.append(started - span.started_at)
            if finished is not None:
                crawling.append(finished - started)
    return startup, crawling


# --- one run -----------------------------------------------------------------------------------


@dataclass
class Run:
    """Everything one run observed, before it is turned into numbers."""

    every: int
    cycles: int
    together: bool
    launched: MachineClock
    stopped: MachineClock | None = None
    exited_at: float | None = None
    returncode: int | None = None
    added_at: dict[str, float] = field(default_factory=dict)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    rss_by_cycle: list[tuple[int, float]] = field(default_factory=list)
    sampler: DaemonSampler | None = None
    server_cpu: float = 0.0
    log: DaemonLog = field(default_factory=DaemonLog)
    stored: StoredRuns = StoredRuns({}, {}, [])


def run_daemon(workdir: Path, cycles: int, every: int, *, together: bool = False) -> Run:
    """Serve the site, run the daemon until ``cycles`` crawl runs finished, stop it.
    ``together``: every source enabled from the start, as a daemon starts in production."""
    server = SiteServer(workdir / "site.log")
    try:
        server_process = psutil.Process(server.process.pid)
        run = _run_daemon(workdir, server.base_url, cycles, every, together)
        times = server_process.cpu_times()
        run.server_cpu = times.user + times.system
    finally:
        server.stop()
    return run


def _run_daemon(workdir: Path, base_url: str, cycles: int, every: int, together: bool) -> Run:
    config = workdir / "sources.yaml"
    database = workdir / "newsmon.db"
    log_path = workdir / "daemon.log"
    enabled = len(SOURCES) if together else 1
    write_atomically(config, sources_yaml(base_url, every, enabled))
    command = [
        sys.executable,
        "-m",
        "crawler",
        "--config",
        str(config),
        "--db",
        f"sqlite:///{database}",
        "schedule",
    ]
    stagger = every / len(SOURCES)
    # Generous: the expected time twice over, and the start-up.
    deadline = time.monotonic() + 2 * (cycles / len(SOURCES) * every + every) + 120
    checkpoints = sorted({c for c in CHECKPOINTS if c < cycles} | {cycles})
    counter = RunCounter(database)
    with log_path.open("wb") as log_file:
        run = Run(every, cycles, together, MachineClock.now())
        run.added_at = dict.fromkeys(SOURCES[:enabled], run.launched.at)
        daemon = subprocess.Popen(
            command,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "TZ": "UTC"},
        )
        try:
            sampler = run.sampler = DaemonSampler(daemon.pid)
            ready_at = _wait_until_ready(daemon, log_path)
            finished = 0
            while finished < cycles:
                if daemon.poll() is not None:
                    raise BenchmarkFailed(
                        f"the daemon exited with status {daemon.returncode} "
                        f"after {finished} cycles; see {log_path}"
                    )
                if time.monotonic() > deadline:
                    raise BenchmarkFailed(
                        f"only {finished} of {cycles} cycles finished in the "
                        f"time allowed; see {log_path}"
                    )
                if enabled < len(SOURCES) and time.time() >= ready_at + enabled * stagger:
                    # Enable the next source: its job is added, and first runs, right now.
                    enabled += 1
                    write_atomically(config, sources_yaml(base_url, every, enabled))
                    run.added_at[SOURCES[enabled - 1]] = time.time()
                    os.kill(daemon.pid, signal.SIGHUP)
                rss = sampler.sample()
                now_finished = counter.finished()
                if now_finished > finished:
                    finished = now_finished
                    run.rss_by_cycle.append((finished, round(rss / MB, 2)))
                    seconds = time.time() - run.launched.at
                    while checkpoints and finished >= checkpoints[0]:
                        run.checkpoints.append(
                            sampler.checkpoint(checkpoints.pop(0), finished, seconds)
                        )
                time.sleep(POLL_SECONDS)
            run.stopped = MachineClock.now()
            daemon.send_signal(signal.SIGTERM)
            run.returncode = _wait_sampling(daemon, sampler, SHUTDOWN_TIMEOUT_SECONDS + 30)
            run.exited_at = time.time()
        finally:
            counter.close()
            if daemon.poll() is None:
                _stop_tree(daemon)
    run.log = read_daemon_log(log_path)
    run.stored = read_stored_runs(database)
    return run


def _stop_tree(daemon: subprocess.Popen[bytes]) -> None:
    """Stop a daemon the benchmark gave up on, and its crawls: they run in their own
    sessions, so killing the daemon alone would leave them behind."""
    children: list[psutil.Process] = []
    with suppress(psutil.NoSuchProcess):
        children = psutil.Process(daemon.pid).children(recursive=True)
    # A second SIGTERM makes the daemon stop its crawls at once.
    for _ in range(2):
        with suppress(ProcessLookupError):
            daemon.send_signal(signal.SIGTERM)
        time.sleep(0.5)
    try:
        daemon.wait(20)
    except subprocess.TimeoutExpired:
        daemon.kill()
        daemon.wait()
    for child in children:
        with suppress(psutil.NoSuchProcess):
            child.kill()


def _wait_until_ready(daemon: subprocess.Popen[bytes], log_path: Path) -> float:
    """Wait for the daemon's "scheduling" line (its signal handlers are set by then); when."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            raise BenchmarkFailed(
                f"the daemon exited with status {daemon.returncode} on start; see {log_path}"
            )
        ready_at = read_daemon_log(log_path).ready_at
        if ready_at is not None:
            return ready_at
        time.sleep(POLL_SECONDS)
    raise BenchmarkFailed(
        f"the daemon did not start scheduling within {START_TIMEOUT_SECONDS:.0f} s; see {log_path}"
    )


def _wait_sampling(daemon: subprocess.Popen[bytes], sampler: DaemonSampler, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while daemon.poll() is None:
        if time.monotonic() > deadline:
            raise BenchmarkFailed(f"the daemon did not stop within {timeout:.0f} s of SIGTERM")
        sampler.sample()
        time.sleep(POLL_SECONDS)
    return daemon.returncode


# --- report ------------------------------------------------------------------------------------


def check(run: Run) -> list[str]:
    """Why the run cannot be trusted, if it cannot."""
    problems = []
    if run.returncode != 0:
        problems.append(f"the daemon exited with status {run.returncode} on SIGTERM (expected 0)")
    bad = {status: n for status, n in run.stored.by_status.items() if status != "ok"}
    if bad:
        problems.append(f"crawl runs that did not end ok: {bad}")
    missing = [name for name in run.added_at if name not in run.stored.fire_times]
    if missing:
        problems.append(f"no job stored for {', '.join(missing)}")
    if not run.log.crawls:
        problems.append("the daemon logged no crawl start")
    return problems


def measurements(run: Run) -> dict[str, Any]:
    """Every number of the run, as plain JSON-able data."""
    assert run.sampler is not None and run.stopped is not None and run.exited_at is not None
    sampler = run.sampler
    delays = scheduling_delays(
        run.log.crawls, run.stored.fire_times, run.added_at, run.every, MAX_CONCURRENT_CRAWLS
    )
    seconds = [d.seconds for d in delays]
    own = [d.seconds - d.slot_wait for d in delays]
    waited = [d for d in delays if d.slot_wait > 0]
    rss = [c.rss_mb for c in run.checkpoints]
    ratio = max(rss) / min(rss) if rss else None
    steady = [(c, r) for c, r in run.rss_by_cycle if c >= 10]
    slope = (
        statistics.linear_regression([c for c, _ in steady], [r for _, r in steady]).slope
        if len({c for c, _ in steady}) >= 2
        else None
    )
    durations = [c.seconds for c in run.log.crawls if c.seconds is not None]
    startup, crawling = crawl_phases(run.log.crawls, run.stored.runs)
    finished = run.checkpoints[-1].finished_runs
    first, last = run.checkpoints[0], run.checkpoints[-1]
    # Start-up (imports, schema) excluded: CPU per cycle once the daemon runs.
    cpu_per_cycle = (
        (last.cpu_seconds - first.cpu_seconds) / (last.finished_runs - first.finished_runs)
        if last.finished_runs > first.finished_runs
        else None
    )
    wall = run.stopped.at - run.launched.at
    cpus = os.cpu_count() or 1
    ours = sampler.daemon_cpu + sampler.children_cpu + run.server_cpu
    machine = run.stopped.machine_busy - run.launched.machine_busy
    kinds: dict[str, list[int]] = {}
    for child in sampler.children.values():
        if child.kind != "other":
            kinds.setdefault(child.kind, []).append(child.peak_rss)
    delay_p95 = percentile(seconds, 0.95) if seconds else None
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": cpus,
            "python": sys.version.split()[0],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "setup": {
            "sources": list(SOURCES),
            "every_seconds": run.every,
            "sources_enabled": "together" if run.together else "staggered",
            "max_concurrent_crawls": MAX_CONCURRENT_CRAWLS,
            "sources_added_seconds_after_launch": {
                name: round(at - run.launched.at, 2) for name, at in run.added_at.items()
            },
        },
        "cycles": run.cycles,
        "finished_runs": finished,
        "crawl_runs_by_status": run.stored.by_status,
        "seconds_to_last_cycle": round(wall, 1),
        "seconds_to_stop": round(run.exited_at - run.stopped.at, 2),
        "daemon_exit_status": run.returncode,
        "daemon_rss": {
            "checkpoints": [asdict(c) for c in run.checkpoints],
            "max_over_min": round(ratio, 3) if ratio is not None else None,
            "growth_kb_per_cycle_from_cycle_10": round(slope * 1024, 1)
            if slope is not None
            else None,
            "by_cycle_mb": run.rss_by_cycle,
        },
        "daemon_cpu_seconds": round(sampler.daemon_cpu, 2),
        "daemon_cpu_ms_per_cycle_after_cycle_1": round(1000 * cpu_per_cycle, 1)
        if cpu_per_cycle is not None
        else None,
        "crawl_children": {
            "processes_seen": {kind: len(peaks) for kind, peaks in kinds.items()},
            "peak_rss_mb": {kind: round(max(peaks) / MB, 1) for kind, peaks in kinds.items()},
            "peak_rss_mb_daemon_tree_sum": round(sampler.peak_tree_rss / MB, 1),
            "crawl_seconds": _spread(durations),
            "startup_seconds": _spread(startup),
            "crawling_seconds": _spread(crawling),
            "cpu_seconds": round(sampler.children_cpu, 1),
        },
        "scheduling_delay_seconds": {
            **_spread(seconds),
            "crawls": len(delays),
            "waited_for_a_slot": len(waited),
            "excluding_slot_waits": _spread(own),
            "fire_times_skipped_source_busy": len(run.log.skips),
            "by_crawl": [
                asdict(d) | {"seconds": round(d.seconds, 3), "slot_wait": round(d.slot_wait, 3)}
                for d in delays
            ],
        },
        "background_load": {
            "cpu_seconds_others": round(max(0.0, machine - ours), 1),
            "share_of_machine_others": round(max(0.0, machine - ours) / (wall * cpus), 3),
            "share_of_machine_benchmark": round(ours / (wall * cpus), 3),
        },
        "targets": {
            "rss_max_over_min": RSS_TARGET_RATIO,
            "rss_pass": ratio is not None and ratio <= RSS_TARGET_RATIO,
            "delay_p95_seconds": DELAY_TARGET_SECONDS,
            "delay_pass": delay_p95 is not None and delay_p95 < DELAY_TARGET_SECONDS,
        },
    }


def _f(value: float | None, spec: str = ".3f") -> str:
    return "-" if value is None else format(value, spec)


def print_report(m: dict[str, Any]) -> None:
    setup, rss, delay = m["setup"], m["daemon_rss"], m["scheduling_delay_seconds"]
    children, targets = m["crawl_children"], m["targets"]
    verdict = {True: "PASS", False: "FAIL"}
    print()
    print(
        f"newsmon daemon benchmark: {m['finished_runs']} crawl cycles of "
        f"{len(setup['sources'])} sources ({setup['sources_enabled']}) every "
        f"{setup['every_seconds']} s, at most "
        f"{setup['max_concurrent_crawls']} at once, in {m['seconds_to_last_cycle']:.0f} s; "
        f"runs by status {m['crawl_runs_by_status']}; stopped by SIGTERM in "
        f"{m['seconds_to_stop']:.1f} s, exit status {m['daemon_exit_status']}"
    )
    print()
    print(
        f"{'daemon after cycle':>18} {'seconds':>8} {'RSS MB':>8} {'USS MB':>8} "
        f"{'threads':>8} {'fds':>5}"
    )
    for c in rss["checkpoints"]:
        print(
            f"{c['cycle']:>18} {c['seconds']:>8.1f} {c['rss_mb']:>8.1f} {c['uss_mb']:>8.1f} "
            f"{c['threads']:>8} {c['open_fds']:>5}"
        )
    print(
        f"RSS max / min: {_f(rss['max_over_min'])}   target <= {RSS_TARGET_RATIO:.2f}   "
        f"{verdict[targets['rss_pass']]}"
    )
    print(
        f"  RSS trend from cycle 10 on: {_f(rss['growth_kb_per_cycle_from_cycle_10'], '+.1f')} "
        f"KB per cycle; daemon CPU {m['daemon_cpu_seconds']:.1f} s "
        f"in all, {_f(m['daemon_cpu_ms_per_cycle_after_cycle_1'], '.0f')} ms per cycle "
        "after the first"
    )
    peaks = ", ".join(f"{kind} {mb:.0f} MB" for kind, mb in children["peak_rss_mb"].items())
    print(
        f"  crawl children, peak RSS (for information): {peaks}; daemon and children "
        f"together {children['peak_rss_mb_daemon_tree_sum']:.0f} MB"
    )
    crawl = children["crawl_seconds"]
    print(
        f"  a crawl took {_f(crawl['p50'], '.1f')} s (median), {_f(crawl['p95'], '.1f')} s "
        f"(p95): {_f(children['startup_seconds']['p50'], '.1f')} s (median) from its start to "
        f"its run being recorded, {_f(children['crawling_seconds']['p50'], '.1f')} s "
        f"crawling, the rest closing; {children['cpu_seconds']:.0f} CPU s in all"
    )
    print()
    print(
        f"scheduling delay ({delay['crawls']} crawl starts): p50 {_f(delay['p50'])} s, "
        f"p95 {_f(delay['p95'])} s, max {_f(delay['max'])} s   target p95 < "
        f"{DELAY_TARGET_SECONDS:.0f} s   {verdict[targets['delay_pass']]}"
    )
    own = delay["excluding_slot_waits"]
    print(
        f"  {delay['waited_for_a_slot']} start(s) waited for one of the "
        f"{setup['max_concurrent_crawls']} crawl slots; without those waits p50 "
        f"{_f(own['p50'])} s, p95 {_f(own['p95'])} s, max {_f(own['max'])} s"
    )
    print(
        f"  {delay['fire_times_skipped_source_busy']} fire time(s) skipped because the "
        "source's previous run was still running or queued (not counted as delay)"
    )
    print(
        "  delay = the daemon's 'crawl start' log time - the fire time the run was due at: "
        "the first one after the source's previous crawl ended (fire times = first run + "
        "k x every, from the job store)"
    )
    sources, slots = len(setup["sources"]), setup["max_concurrent_crawls"]
    if delay["waited_for_a_slot"] > 0.05 * delay["crawls"]:
        if setup["sources_enabled"] == "together":
            print(
                f"  the slots were full: sources enabled together fire together, {sources} "
                f"crawls at once for {slots} slots, at every interval"
            )
        else:
            budget = setup["every_seconds"] * slots / sources
            print(
                f"  the slots were full: {sources} sources every {setup['every_seconds']} s "
                f"on {slots} slots leave a crawl {budget:.0f} s, and crawls took up to "
                f"{_f(crawl['p95'], '.1f')} s (p95); on this machine as loaded, use --every "
                f"{math.ceil(crawl['p95'] * sources / slots)} or more"
            )
    load = m["background_load"]
    if load["share_of_machine_others"] > 0.05:
        print(
            f"  warning: other processes took {100 * load['share_of_machine_others']:.0f}% of "
            f"the machine during the run ({load['cpu_seconds_others']:.0f} CPU s); the "
            "delays and crawl times are disturbed"
        )


# --- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run newsmon's scheduling daemon for many short crawl cycles against a "
        "loopback site; report its memory and how late it starts crawls."
    )
    parser.add_argument(
        "--cycles",
        type=at_least(1),
        default=100,
        help="finished crawl runs to wait for (default %(default)s)",
    )
    parser.add_argument(
        "--every",
        type=at_least(len(SOURCES)),
        default=16,
        help="each source's interval in seconds (default %(default)s; below "
        "about twice the crawl time, crawls queue for the slots)",
    )
    parser.add_argument(
        "--together",
        action="store_true",
        help="enable every source from the start instead of a quarter interval "
        "apart: they then all fire at once, each time, and queue for the slots",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the sources file, database and logs in DIR (new or empty)",
    )
    args = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the daemon and its crawls are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if (
        args.keep is not None
        and args.keep.exists()
        and (not args.keep.is_dir() or any(args.keep.iterdir()))
    ):
        parser.error(f"--keep {args.keep}: not a new or empty directory")

    with bench_workdir(args.keep, "newsmon-bench-daemon-") as workdir:
        expected = args.cycles / len(SOURCES) * args.every
        print(
            f"running the daemon for {args.cycles} cycles (about {expected / 60:.0f} min) "
            f"in {workdir} ...",
            flush=True,
        )
        try:
            run = run_daemon(workdir, args.cycles, args.every, together=args.together)
        except BenchmarkFailed as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            with suppress(OSError):
                print((workdir / "daemon.log").read_text(errors="replace")[-3000:], file=sys.stderr)
            return 1
        problems = check(run)
        if problems:
            for problem in problems:
                print(f"benchmark failed: {problem}", file=sys.stderr)
            print(f"see {workdir / 'daemon.log'}", file=sys.stderr)
            return 1
        m = measurements(run)
        print_report(m)
        RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
        RESULTS_FILE.write_text(json.dumps(m, indent=2) + "\n", encoding="utf-8")
        print(f"\nwritten to {RESULTS_FILE}")
        if args.keep is not None:
            print(f"sources file, database and logs kept in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
