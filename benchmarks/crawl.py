"""Benchmark: newsmon's crawl throughput against bare trafilatura extraction on the same pages.

Claim measured: a newsmon crawl with two extraction workers stores articles at no less than
0.85 times the rate of bare ``trafilatura.bare_extraction`` (with metadata) in a warm pool of two
processes, and no process of the crawl exceeds 500 MB of resident memory.

One run: generate a deterministic site (``support/sitegen.py``: 2,000 article pages of 50-150 KB and
their sitemaps) in a temporary directory; serve it from a separate process with
``crawler.demo.server.SampleSite``; crawl it with ``python -m crawler ... crawl`` into a fresh
SQLite database while sampling every process's RSS and CPU time every 0.1 s; then time bare
extraction of the same files. Prints a table and writes ``benchmarks/results/crawl.json``.
With ``--corpus DIR`` the site is the real pages of the extraction corpora instead
(``support/corpussite.py``): the generated pages model real markup, these are real.

Wall-clock ratios suffer from anything else running on the machine, so the CPU other processes
took is measured and reported, and so is the ratio of CPU costs per page (bare / newsmon,
server excluded): the throughput ratio to expect on an idle machine, whatever the load was.

Exit status: 0 when the benchmark ran, whether or not the targets were met (it reports, it does
not gate); 1 when it could not measure (the crawl failed, or stored fewer articles than pages
generated minus 1%).

    .venv/bin/python -m benchmarks.crawl [--pages 2000] [--keep DIR] [--seed 2024]
    .venv/bin/python -m benchmarks.crawl --corpus ../shared/corpus
"""

from __future__ import annotations

import argparse
import bisect
import json
import multiprocessing
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, wait
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil

from benchmarks.support.corpussite import corpus_site
from benchmarks.support.harness import MachineClock, at_least
from benchmarks.support.harness import workdir as bench_workdir
from benchmarks.support.sitegen import (
    PLACEHOLDER,
    SITEMAP_INDEX_PATH,
    GeneratedSite,
    generate_site,
)

TARGET_RATIO = 0.85
RSS_LIMIT_MB = 500.0
WORKERS = 2
POLL_SECONDS = 0.1
SERVER_START_TIMEOUT = 60.0
NEWSMON_COMMAND = (sys.executable, "-m", "crawler")
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "crawl.json"
MB = 1024 * 1024


# --- sampling processes -------------------------------------------------------------------


@dataclass
class ProcessUsage:
    """Peak resident memory of one process and its CPU time as sampled over time."""

    label: str
    pid: int
    created_at: float
    peak_rss: int = 0
    peak_pss: int = 0
    # (POSIX time, CPU seconds used since the process started), one per sample.
    samples: list[tuple[float, float]] = field(default_factory=list)

    def sample(self, process: psutil.Process, *, with_pss: bool) -> tuple[int, int]:
        """Record one sample; the current RSS and PSS (0 when the process is gone, PSS 0
        unless ``with_pss``: reading it costs about 0.5 ms)."""
        pss = 0
        try:
            with process.oneshot():
                rss = process.memory_info().rss
                times = process.cpu_times()
                if with_pss:
                    pss = process.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            return 0, 0
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.samples.append((time.time(), times.user + times.system))
        return rss, pss

    @property
    def cpu_seconds(self) -> float:
        """CPU time used from the process's start to the last sample."""
        return self.samples[-1][1] if self.samples else 0.0

    def cpu_at(self, when: float) -> float:
        """CPU seconds used by ``when``, interpolated between samples."""
        if when <= self.created_at or not self.samples:
            return 0.0
        times = [t for t, _ in self.samples]
        index = bisect.bisect_left(times, when)
        if index >= len(times):
            return self.samples[-1][1]
        t1, c1 = self.samples[index]
        t0, c0 = self.samples[index - 1] if index else (self.created_at, 0.0)
        return c0 + (c1 - c0) * (when - t0) / (t1 - t0) if t1 > t0 else c1

    def cpu_between(self, start: float, end: float) -> float:
        return self.cpu_at(end) - self.cpu_at(start)


class ProcessWatcher:
    """Samples process trees (a root and every descendant, labelled as they appear); keeps
    per-process peaks and CPU time series, and each tree's peak summed RSS and PSS (PSS
    shares the pages of forked workers out among them, so its sum is the tree's footprint)."""

    STARTING = "child process (starting)"
    FORK_SERVER = "extraction fork server"
    PSS_EVERY = 5  # samples

    def __init__(self) -> None:
        self.usage: dict[int, ProcessUsage] = {}
        self.peak_tree_rss: dict[str, int] = {}
        self.peak_tree_pss: dict[str, int] = {}
        self._roots: list[tuple[psutil.Process, str, bool]] = []
        self._processes: dict[int, psutil.Process] = {}
        self._root_commands: dict[int, list[str]] = {}
        self._named: dict[str, int] = {}
        self._samples = 0

    def watch(self, pid: int, label: str, *, with_children: bool = False) -> None:
        process = psutil.Process(pid)
        self._roots.append((process, label, with_children))
        self._root_commands[pid] = _command(process)
        self._track(process, label)

    def _track(self, process: psutil.Process, label: str) -> None:
        try:
            created_at = process.create_time()
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            created_at = time.time()
        self._processes[process.pid] = process
        self.usage[process.pid] = ProcessUsage(label, process.pid, created_at)

    def _number(self, kind: str) -> str:
        self._named[kind] = self._named.get(kind, 0) + 1
        return f"{kind} {self._named[kind]}"

    def _name_child(self, root: psutil.Process, usage: ProcessUsage) -> None:
        """Label a child by its parent and command line. A forkserver worker keeps the fork
        server's command line; a spawned one shows its parent's until it executes Python, so
        an unclear child is left for the next sample."""
        process = self._processes[usage.pid]
        try:
            parent = self.usage.get(process.ppid())
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            return
        if parent is not None and parent.label == self.FORK_SERVER:
            usage.label = self._number("extraction worker")
            return
        command = _command(process)
        if not command or command == self._root_commands[root.pid]:
            return
        joined = " ".join(command)
        if "resource_tracker" in joined:
            usage.label = "crawl: multiprocessing resource tracker"
        elif "forkserver" in joined:
            usage.label = self.FORK_SERVER
        elif "spawn_main" in joined:
            usage.label = self._number("extraction worker")
        else:
            usage.label = self._number("crawl child")

    def sample(self) -> None:
        self._samples += 1
        with_pss = self._samples % self.PSS_EVERY == 1
        for root, label, with_children in self._roots:
            members = [root]
            if with_children:
                with suppress(psutil.NoSuchProcess, psutil.ZombieProcess):
                    members += root.children(recursive=True)
            rss_total = pss_total = 0
            for process in members:
                if process.pid not in self.usage:
                    self._track(process, self.STARTING)
                usage = self.usage[process.pid]
                if usage.label == self.STARTING:
                    self._name_child(root, usage)
                rss, pss = usage.sample(self._processes[process.pid], with_pss=with_pss)
                rss_total += rss
                pss_total += pss
            self.peak_tree_rss[label] = max(self.peak_tree_rss.get(label, 0), rss_total)
            self.peak_tree_pss[label] = max(self.peak_tree_pss.get(label, 0), pss_total)

    def cpu_between(self, start: float, end: float) -> float:
        """CPU seconds all watched processes used between two POSIX times."""
        return sum(u.cpu_between(start, end) for u in self.usage.values())

    @contextmanager
    def in_background(self) -> Iterator[None]:
        """Sample every POLL_SECONDS on a thread while the block runs."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.is_set():
                self.sample()
                stop.wait(POLL_SECONDS)

        thread = threading.Thread(target=loop, name="rss-sampler", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            self.sample()


def _command(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return []


def background_load(start: MachineClock, end: MachineClock, ours: float) -> dict[str, float]:
    """CPU taken by processes outside the benchmark between two clocks, and its share of the
    machine: other work on a shared machine slows both measurements unevenly."""
    seconds = end.at - start.at
    others = max(0.0, end.machine_busy - start.machine_busy - ours - (end.own - start.own))
    capacity = seconds * (os.cpu_count() or 1)
    return {
        "cpu_seconds": round(others, 2),
        "share_of_machine": round(others / capacity, 3) if capacity > 0 else 0.0,
    }


# --- the site server, in its own process ----------------------------------------------------


@dataclass(frozen=True)
class Request:
    path: str
    status: int
    started_at: float  # POSIX timestamps, comparable with the database's created_at
    finished_at: float


def _serve_site(root: str, paths: list[str], conn: Connection) -> None:
    """Child process: serve ``root``, send the base URL once ``paths`` are ready to be served
    from memory, wait for "stop", send the log."""
    from crawler.demo.server import SampleSite

    with SampleSite(Path(root), port=0) as site:
        site.prepare(paths)
        conn.send(site.base_url)
        conn.recv()
    conn.send(
        [
            (r.path, r.status, r.started_at.timestamp(), r.finished_at.timestamp())
            for r in site.requests
        ]
    )


class ServerProcess:
    """``SampleSite`` in a spawned process, so its CPU is its own and visible. ``paths`` (the
    article pages) are read and gzipped before the site is reported ready: that work is the
    site's, which a real crawl's machine does not do."""

    def __init__(self, root: Path, paths: Sequence[str] = ()) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(
            target=_serve_site,
            args=(str(root), list(paths), child_conn),
            name="sample-site",
            daemon=True,
        )
        self._process.start()
        child_conn.close()
        if not self._conn.poll(SERVER_START_TIMEOUT):
            self._process.kill()
            raise RuntimeError(f"the site server did not start within {SERVER_START_TIMEOUT} s")
        self.base_url: str = self._conn.recv()

    @property
    def pid(self) -> int:
        assert self._process.pid is not None
        return self._process.pid

    def stop(self) -> list[Request]:
        """Stop serving; the access log."""
        self._conn.send("stop")
        records = [Request(*record) for record in self._conn.recv()]
        self._process.join(10)
        return records


# --- newsmon ---------------------------------------------------------------------------------


@dataclass
class CrawlResult:
    """What one newsmon crawl of the site did, from outside: times, log, database, processes."""

    base_url: str
    returncode: int
    launched: MachineClock
    exited: MachineClock
    stored: int
    first_stored_at: float | None
    last_stored_at: float | None
    run: dict[str, Any]
    requests: list[Request]
    article_paths: frozenset[str]
    watcher: ProcessWatcher
    log_file: Path

    @property
    def article_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path in self.article_paths]

    @property
    def first_article_request_at(self) -> float | None:
        return min((r.started_at for r in self.article_requests), default=None)

    @property
    def first_request_at(self) -> float | None:
        return min((r.started_at for r in self.requests), default=None)


def sources_yaml(base_url: str) -> str:
    return (
        "sources:\n"
        "  - name: bench\n"
        f'    sitemaps: ["{base_url}{SITEMAP_INDEX_PATH}"]\n'
        "crawl:\n"
        "  download_delay: 0\n"
        "  autothrottle: false\n"
        "  concurrency_per_domain: 16\n"
        "  concurrency: 32\n"
        f"  extraction_workers: {WORKERS}\n"
    )


def run_crawl(
    site: GeneratedSite, workdir: Path, timeout: float, newsmon: Sequence[str] = NEWSMON_COMMAND
) -> CrawlResult:
    """Serve the site, crawl it with newsmon into a fresh database, and read what was stored.
    ``newsmon`` is the command starting the CLI (a profiler can wrap it)."""
    watcher = ProcessWatcher()
    server = ServerProcess(site.root, site.article_paths)
    watcher.watch(server.pid, "server (sample site)")
    config = workdir / "sources.yaml"
    config.write_text(sources_yaml(server.base_url), encoding="utf-8")
    database = workdir / "newsmon.db"
    log_file = workdir / "crawl.log"
    command = [*newsmon, "--config", str(config), "--db", f"sqlite:///{database}", "-q", "crawl"]
    try:
        with log_file.open("wb") as log:
            launched = MachineClock.now()
            crawl = subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
            watcher.watch(crawl.pid, "crawl main", with_children=True)
            deadline = time.monotonic() + timeout
            while crawl.poll() is None:
                watcher.sample()
                if time.monotonic() > deadline:
                    _kill_tree(crawl)
                    raise RuntimeError(f"the crawl took longer than {timeout:g} s; see {log_file}")
                time.sleep(POLL_SECONDS)
            exited = MachineClock.now()
            watcher.sample()  # the server's last CPU reading
    finally:
        requests = server.stop()
    stored, first, last, run = _read_database(database)
    return CrawlResult(
        server.base_url,
        crawl.returncode,
        launched,
        exited,
        stored,
        first,
        last,
        run,
        requests,
        frozenset(site.article_paths),
        watcher,
        log_file,
    )


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    """Kill a crawl and the extraction processes it started (they would linger otherwise)."""
    children: list[psutil.Process] = []
    with suppress(psutil.NoSuchProcess):
        children = psutil.Process(process.pid).children(recursive=True)
    process.kill()
    process.wait()
    for child in children:
        with suppress(psutil.NoSuchProcess):
            child.kill()


def _read_database(path: Path) -> tuple[int, float | None, float | None, dict[str, Any]]:
    """Stored article count, first and last ``created_at`` (timestamps), last crawl run."""
    if not path.exists():
        return 0, None, None, {}
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        try:
            count, first, last = connection.execute(
                "SELECT count(*), min(created_at), max(created_at) FROM articles"
            ).fetchone()
            connection.row_factory = sqlite3.Row
            row = connection.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        except sqlite3.OperationalError:  # the crawl died before creating the schema
            return 0, None, None, {}
    run = dict(row) if row is not None else {}
    for key in ("pages_dropped", "errors"):  # JSON columns come back as text from sqlite3
        if isinstance(run.get(key), str):
            run[key] = json.loads(run[key])
    return count, _timestamp(first), _timestamp(last), run


def _timestamp(value: str | None) -> float | None:
    """A created_at column value (SQLite stores UTC without an offset) as a POSIX timestamp."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


# --- bare trafilatura ------------------------------------------------------------------------


def _bare_extract(path: str, url: str, base_url: str) -> int:
    """Worker: read a page as the server sends it, extract it; the length of its text."""
    import trafilatura

    html = Path(path).read_bytes().decode("utf-8").replace(PLACEHOLDER, base_url)
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    return len(doc.text or "") if doc is not None else 0


def _warm_up(path: str, url: str, base_url: str) -> int:
    """Worker: one extraction to load everything, then hold the worker a moment so the next
    warm-up job goes to the other one; the worker's pid."""
    _bare_extract(path, url, base_url)
    time.sleep(0.3)
    return os.getpid()


@dataclass
class BareResult:
    pages: int
    extracted: int
    started: MachineClock
    ended: MachineClock
    watcher: ProcessWatcher

    @property
    def seconds(self) -> float:
        return self.ended.at - self.started.at


def run_bare(site: GeneratedSite, base_url: str) -> BareResult:
    """Time bare extraction of every article page in a warm pool of WORKERS processes."""
    files = [(str(site.root.joinpath(*p.split("/")[1:])), base_url + p) for p in site.article_paths]
    context = multiprocessing.get_context("spawn")
    watcher = ProcessWatcher()
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
        warm: set[int] = set()
        for _ in range(10):
            futures = [pool.submit(_warm_up, *files[0], base_url) for _ in range(WORKERS)]
            warm.update(f.result() for f in futures)
            if len(warm) >= WORKERS:
                break
        for number, pid in enumerate(sorted(warm), start=1):
            watcher.watch(pid, f"bare worker {number}")
        with watcher.in_background():
            started = MachineClock.now()
            futures = [pool.submit(_bare_extract, path, url, base_url) for path, url in files]
            wait(futures)
            ended = MachineClock.now()
        lengths = [f.result() for f in futures]
    return BareResult(len(files), sum(1 for n in lengths if n), started, ended, watcher)


# --- report ----------------------------------------------------------------------------------


def _rate(count: int, seconds: float | None) -> float | None:
    return count / seconds if seconds and seconds > 0 else None


def _span(start: float | None, end: float | None) -> float | None:
    return end - start if start is not None and end is not None else None


def _r(value: float | None, digits: int = 2) -> float | None:
    return round(value, digits) if value is not None else None


def _processes(
    watcher: ProcessWatcher, start: float | None, end: float | None, pages: int
) -> list[dict[str, Any]]:
    """Peak RSS, total CPU and CPU per page between ``start`` and ``end`` of each process."""
    rows = []
    for usage in watcher.usage.values():
        window = usage.cpu_between(start, end) if start is not None and end is not None else None
        rows.append(
            {
                "label": usage.label,
                "pid": usage.pid,
                "peak_rss_mb": round(usage.peak_rss / MB, 1),
                "peak_pss_mb": round(usage.peak_pss / MB, 1),
                "cpu_seconds": round(usage.cpu_seconds, 2),
                "cpu_ms_per_page": _r(
                    1000 * window / pages if window is not None and pages else None
                ),
            }
        )
    return rows


def measurements(
    site: GeneratedSite, crawl: CrawlResult, bare: BareResult, generation_seconds: float
) -> dict[str, Any]:
    """Every number of the run, as plain JSON-able data."""
    stored = crawl.stored
    fetched = sum(1 for r in crawl.article_requests if r.status == 200)
    first_request, last_stored = crawl.first_article_request_at, crawl.last_stored_at
    window = _span(first_request, last_stored)
    window_stored = _span(crawl.first_stored_at, last_stored)
    end_to_end = crawl.exited.at - crawl.launched.at
    bare_rate = _rate(bare.pages, bare.seconds)
    steady = _rate(stored, window)
    after_first = _rate(max(0, stored - 1), window_stored)
    e2e = _rate(stored, end_to_end)

    crawl_processes = _processes(crawl.watcher, first_request, last_stored, stored)
    bare_processes = _processes(bare.watcher, bare.started.at, bare.ended.at, bare.pages)
    crawl_rss = [p["peak_rss_mb"] for p in crawl_processes if not p["label"].startswith("server")]
    steady_cpu = (
        crawl.watcher.cpu_between(first_request, last_stored)
        if first_request is not None and last_stored is not None
        else None
    )
    ratio = steady / bare_rate if steady and bare_rate else None
    cpus = os.cpu_count() or 1
    server_cpu = (
        sum(
            u.cpu_between(first_request, last_stored)
            for u in crawl.watcher.usage.values()
            if u.label.startswith("server")
        )
        if first_request is not None and last_stored is not None
        else None
    )
    newsmon_cpu = (
        1000 * (steady_cpu - server_cpu) / stored
        if steady_cpu is not None and server_cpu is not None and stored
        else None
    )
    bare_cpu = 1000 * bare.watcher.cpu_between(bare.started.at, bare.ended.at) / bare.pages
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": cpus, "python": sys.version.split()[0]},
        "site": {
            "pages": len(site.article_paths),
            "total_mb": _r(site.total_bytes / MB, 1),
            "page_kb_min": _r(min(site.page_bytes) / 1024, 1),
            "page_kb_median": _r(statistics.median(site.page_bytes) / 1024, 1),
            "page_kb_max": _r(max(site.page_bytes) / 1024, 1),
            "generation_seconds": _r(generation_seconds),
        },
        "newsmon": {
            "returncode": crawl.returncode,
            "stored_articles": stored,
            "article_pages_fetched": fetched,
            "requests": len(crawl.requests),
            "run_status": crawl.run.get("status"),
            "pages_dropped": crawl.run.get("pages_dropped"),
            "articles_failed": crawl.run.get("articles_failed"),
            "seconds_end_to_end": _r(end_to_end),
            "seconds_to_first_request": _r(_span(crawl.launched.at, crawl.first_request_at)),
            "seconds_first_article_request_to_first_stored": _r(
                _span(first_request, crawl.first_stored_at)
            ),
            "seconds_steady": _r(window),
            "seconds_first_to_last_stored": _r(window_stored),
            "seconds_last_stored_to_exit": _r(_span(last_stored, crawl.exited.at)),
            "pages_per_second_steady": _r(_rate(fetched, window)),
            "articles_per_second_steady": _r(steady),
            "articles_per_second_first_to_last_stored": _r(after_first),
            "pages_per_second_end_to_end": _r(_rate(fetched, end_to_end)),
            "articles_per_second_end_to_end": _r(e2e),
            "steady_cpu_ms_per_article": _r(newsmon_cpu),
            "steady_server_cpu_ms_per_article": _r(
                1000 * server_cpu / stored if server_cpu is not None and stored else None
            ),
            "steady_cpu_share_of_machine": _r(
                steady_cpu / (window * cpus) if steady_cpu is not None and window else None, 3
            ),
            "background_load": background_load(
                crawl.launched,
                crawl.exited,
                crawl.watcher.cpu_between(crawl.launched.at, crawl.exited.at),
            ),
        },
        "bare": {
            "pages": bare.pages,
            "extracted": bare.extracted,
            "seconds": _r(bare.seconds),
            "pages_per_second": _r(bare_rate),
            "cpu_ms_per_page": _r(bare_cpu),
            "background_load": background_load(
                bare.started, bare.ended, bare.watcher.cpu_between(bare.started.at, bare.ended.at)
            ),
        },
        "processes": crawl_processes + bare_processes,
        "peak_rss_mb_crawl_tree_sum": _r(crawl.watcher.peak_tree_rss.get("crawl main", 0) / MB, 1),
        "peak_pss_mb_crawl_tree_sum": _r(crawl.watcher.peak_tree_pss.get("crawl main", 0) / MB, 1),
        "benchmark_peak_rss_mb": _r(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "ratios": {
            "steady": _r(ratio, 3),
            "first_to_last_stored": _r(
                after_first / bare_rate if after_first and bare_rate else None, 3
            ),
            "end_to_end": _r(e2e / bare_rate if e2e and bare_rate else None, 3),
            # Throughput ratio to expect on an otherwise idle machine, where both runs are
            # CPU-bound and the server runs elsewhere: insensitive to other load.
            "cpu_cost": _r(bare_cpu / newsmon_cpu if newsmon_cpu else None, 3),
        },
        "targets": {
            "ratio": TARGET_RATIO,
            "ratio_pass": ratio is not None and ratio >= TARGET_RATIO,
            "rss_mb": RSS_LIMIT_MB,
            "rss_max_mb": max(crawl_rss, default=None),
            "rss_pass": bool(crawl_rss) and max(crawl_rss) < RSS_LIMIT_MB,
        },
    }


def _f(value: float | None, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def print_report(m: dict[str, Any]) -> None:
    site, news, bare = m["site"], m["newsmon"], m["bare"]
    print()
    print(
        f"newsmon crawl benchmark: {site['pages']:,} pages "
        f"({site['page_kb_min']:.0f}-{site['page_kb_max']:.0f} KB, median "
        f"{site['page_kb_median']:.0f} KB, {site['total_mb']:.0f} MB), {WORKERS} extraction "
        f"workers, {m['machine']['cpus']} CPUs"
    )
    print()
    print(f"{'throughput':56} {'seconds':>8} {'pages/s':>8} {'articles/s':>10}")
    bare_articles = (
        bare["pages_per_second"] * bare["extracted"] / bare["pages"]
        if bare["pages_per_second"]
        else None
    )
    rows = [
        (
            "newsmon steady (first article request -> last insert)",
            news["seconds_steady"],
            news["pages_per_second_steady"],
            news["articles_per_second_steady"],
        ),
        (
            "newsmon after warm-up (first insert -> last insert)",
            news["seconds_first_to_last_stored"],
            None,
            news["articles_per_second_first_to_last_stored"],
        ),
        (
            "newsmon end to end (process start -> exit)",
            news["seconds_end_to_end"],
            news["pages_per_second_end_to_end"],
            news["articles_per_second_end_to_end"],
        ),
        (
            f"bare trafilatura, warm pool of {WORKERS}",
            bare["seconds"],
            bare["pages_per_second"],
            bare_articles,
        ),
    ]
    for label, seconds, pages, articles in rows:
        print(f"{label:56} {_f(seconds, '.2f'):>8} {_f(pages):>8} {_f(articles):>10}")
    print(
        f"  newsmon stored {news['stored_articles']:,} of {news['article_pages_fetched']:,} "
        f"article pages fetched ({news['requests']:,} requests), run {news['run_status']}, "
        f"dropped {news['pages_dropped']}; bare found text in {bare['extracted']:,} pages"
    )
    print(
        f"  crawl phases: start-up {_f(news['seconds_to_first_request'], '.2f')} s; first "
        f"article request -> first insert "
        f"{_f(news['seconds_first_article_request_to_first_stored'], '.2f')} s; last insert "
        f"-> exit {_f(news['seconds_last_stored_to_exit'], '.2f')} s"
    )
    share = 100 * (news["steady_cpu_share_of_machine"] or 0)
    print(
        f"  CPU per article, steady: newsmon {_f(news['steady_cpu_ms_per_article'], '.2f')} ms "
        f"+ server {_f(news['steady_server_cpu_ms_per_article'], '.2f')} ms (together "
        f"{share:.0f}% of the machine); bare {_f(bare['cpu_ms_per_page'], '.2f')} ms"
    )
    print()
    print(
        f"{'process':40} {'pid':>8} {'peak RSS MB':>12} {'peak PSS MB':>12} {'CPU s':>8} "
        f"{'CPU ms/page':>12}"
    )
    for p in m["processes"]:
        print(
            f"{p['label']:40} {p['pid']:>8} {p['peak_rss_mb']:>12.1f} {p['peak_pss_mb']:>12.1f} "
            f"{p['cpu_seconds']:>8.2f} {_f(p['cpu_ms_per_page'], '.2f'):>12}"
        )
    print(
        f"{'crawl tree, peak of the sums':40} {'':>8} {m['peak_rss_mb_crawl_tree_sum']:>12.1f} "
        f"{m['peak_pss_mb_crawl_tree_sum']:>12.1f}"
    )
    print(f"{'benchmark script':40} {os.getpid():>8} {m['benchmark_peak_rss_mb']:>12.1f}")
    print(
        "  CPU ms/page: in the steady window for the crawl and the server, in the timed run "
        "for bare workers"
    )
    for phase, load in (("crawl", news["background_load"]), ("bare run", bare["background_load"])):
        if load["share_of_machine"] > 0.05:
            print(
                f"  warning: other processes took {100 * load['share_of_machine']:.0f}% of the "
                f"machine during the {phase} ({load['cpu_seconds']:.1f} CPU s); numbers are "
                "disturbed"
            )
    print()
    ratios, targets = m["ratios"], m["targets"]
    verdict = {True: "PASS", False: "FAIL"}
    print(
        f"ratio newsmon steady / bare:      {_f(ratios['steady'], '.3f'):>6}   "
        f"target >= {TARGET_RATIO}   {verdict[targets['ratio_pass']]}"
    )
    print(f"ratio after warm-up / bare:       {_f(ratios['first_to_last_stored'], '.3f'):>6}")
    print(f"ratio newsmon end to end / bare:  {_f(ratios['end_to_end'], '.3f'):>6}")
    print(
        f"ratio of CPU costs, bare / newsmon: {_f(ratios['cpu_cost'], '.3f'):>4}   (the "
        "throughput ratio to expect on an idle machine, server elsewhere)"
    )
    print(
        f"peak RSS of any crawl process:    {_f(targets['rss_max_mb'])} MB   "
        f"target < {RSS_LIMIT_MB:.0f} MB   {verdict[targets['rss_pass']]}"
    )


# --- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Crawl a generated loopback site with newsmon and compare its throughput "
        "with bare trafilatura extraction of the same pages."
    )
    parser.add_argument(
        "--pages",
        type=at_least(1),
        default=2000,
        help="article pages to generate (default %(default)s)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the site, database and crawl log in DIR (new or empty)",
    )
    parser.add_argument(
        "--seed", type=int, default=2024, help="site generator seed (default %(default)s)"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        metavar="DIR",
        help="crawl the real pages of the extraction corpora under DIR (e.g. "
        "../shared/corpus) instead of a generated site; --pages and --seed "
        "are then ignored",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=1800.0,
        help="give up on the crawl after this many seconds (default %(default)s)",
    )
    args = parser.parse_args(argv)
    if (
        args.keep is not None
        and args.keep.exists()
        and (not args.keep.is_dir() or any(args.keep.iterdir()))
    ):
        parser.error(f"--keep {args.keep}: not a new or empty directory")

    with bench_workdir(args.keep, "newsmon-bench-") as workdir:
        started = time.perf_counter()
        if args.corpus is not None:
            print(f"copying the pages of {args.corpus} to {workdir / 'site'} ...", flush=True)
            try:
                site = corpus_site(workdir / "site", args.corpus)
            except ValueError as exc:
                print(f"benchmark failed: {exc}", file=sys.stderr)
                return 1
        else:
            print(f"generating {args.pages:,} pages in {workdir / 'site'} ...", flush=True)
            site = generate_site(workdir / "site", args.pages, seed=args.seed)
        generation_seconds = time.perf_counter() - started

        print("crawling with newsmon ...", flush=True)
        try:
            crawl = run_crawl(site, workdir, args.timeout)
        except RuntimeError as exc:  # the server did not start, or the crawl timed out
            print(f"benchmark failed: {exc}", file=sys.stderr)
            return 1
        if crawl.returncode != 0:
            print(
                f"benchmark failed: the crawl exited with status {crawl.returncode}; the end "
                f"of {crawl.log_file}:",
                file=sys.stderr,
            )
            print(crawl.log_file.read_text(errors="replace")[-4000:], file=sys.stderr)
            return 1

        print("timing bare trafilatura extraction ...", flush=True)
        bare = run_bare(site, crawl.base_url)

        m = measurements(site, crawl, bare, generation_seconds)
        print_report(m)
        RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
        RESULTS_FILE.write_text(json.dumps(m, indent=2) + "\n", encoding="utf-8")
        print(f"\nwritten to {RESULTS_FILE}")
        if args.keep is not None:
            print(f"site, database and crawl log kept in {workdir}")

        # Fewer than the pages minus 1%: the crawl lost pages, so its rate means nothing.
        needed = len(site.article_paths) - len(site.article_paths) // 100
        if crawl.stored < needed:
            print(
                f"benchmark failed: {crawl.stored:,} articles stored, fewer than {needed:,}; "
                f"see {crawl.log_file}",
                file=sys.stderr,
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
