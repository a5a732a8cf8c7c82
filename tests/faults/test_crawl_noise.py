"""What a crawl starts besides fetching: no Scrapy remote-control server, no job files."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.demo.server import SampleSite
from tests.conftest import FAST_CRAWL, RunNewsmon, write_sources


def test_a_crawl_starts_no_remote_control_server_and_leaves_no_job_files(
    tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: a dead site
    config = tmp_path / "sources.yaml"
    config.write_text(
        FAST_CRAWL + f"sources:\n  - name: dead\n    feeds: ['http://127.0.0.1:{port}/feed.xml']\n",
        encoding="utf-8",
    )
    state = tmp_path / "state"
    result = run_newsmon(
        "-v",
        "--config",
        str(config),
        "--db",
        str(tmp_path / "news.db"),
        "crawl",
        env={"HOME": str(state), "XDG_STATE_HOME": str(state)},
    )
    assert "dead: nothing could be fetched" in result.stdout
    assert "RemoteControl" not in result.stderr  # not among the enabled extensions
    assert not (state / "scrapy" / "job_files").exists()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dead_sources(tmp_path: Path, port: int) -> Path:
    """Two sources that cannot be reached: a refused connection and an unresolvable host
    (``.invalid`` never resolves, RFC 6761); retries as configured by default."""
    config = tmp_path / "sources.yaml"
    config.write_text(
        FAST_CRAWL
        + "sources:\n"
        + f"  - name: dead\n    feeds: ['http://127.0.0.1:{port}/feed.xml']\n"
        + "  - name: gone\n    feeds: ['http://news-gone.invalid/feed.xml']\n",
        encoding="utf-8",
    )
    return config


def test_quiet_crawl_of_dead_sites_prints_the_summary_and_nothing_else(
    tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    port = closed_port()
    config = dead_sources(tmp_path, port)
    result = run_newsmon("-q", "--config", str(config), "--db", str(tmp_path / "news.db"), "crawl")
    assert result.stderr == ""
    refused = f"feed http://127.0.0.1:{port}/feed.xml: connection refused; gave up after 2 retries"
    unknown = (
        "feed http://news-gone.invalid/feed.xml: host name not found (DNS); gave up after 2 retries"
    )
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "                                   crawl summary",
        "┏━━━━━━━━┳━━━━━━━━┳━━━━━━━┳━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━┳━━━━━━━━┓",
        "┃ source ┃ status ┃ pages ┃ new ┃ updated ┃ unchanged ┃ failed ┃ dropped ┃ errors ┃",
        "┡━━━━━━━━╇━━━━━━━━╇━━━━━━━╇━━━━━╇━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━╇━━━━━━━━┩",
        "│ dead   │ failed │     0 │   0 │       0 │         0 │      0 │       0 │      1 │",
        "│ gone   │ failed │     0 │   0 │       0 │         0 │      0 │       0 │      1 │",
        "└────────┴────────┴───────┴─────┴─────────┴───────────┴────────┴─────────┴────────┘",
        f"dead: nothing could be fetched: {refused}",
        f"gone: nothing could be fetched: {unknown}",
        "no source could be reached (of 2: connection refused for 1, DNS lookup failed for 1): "
        "is this machine offline? Try `newsmon demo` for a sample run without network.",
    ]


def test_an_unreachable_robots_txt_is_one_warning_without_traceback(
    tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    port = closed_port()
    config = dead_sources(tmp_path, port)
    result = run_newsmon("--config", str(config), "--db", str(tmp_path / "news.db"), "crawl")
    lines = result.stderr.splitlines()
    # the two sources are crawled at once: their lines interleave in any order
    assert sorted(line.split("] ", 1)[1] for line in lines if "robots.txt" in line) == [
        f"WARNING: robots.txt http://127.0.0.1:{port}/robots.txt: connection refused; gave up "
        "after 2 retries; crawling the site without its rules",
        "WARNING: robots.txt http://news-gone.invalid/robots.txt: host name not found (DNS); "
        "gave up after 2 retries; crawling the site without its rules",
    ]
    assert "Traceback" not in result.stderr
    assert not [line for line in lines if " ERROR: " in line or " CRITICAL: " in line]


# The first line of each record of Scrapy's start-up dump (and of the schema check each
# source's crawl run makes).
STARTUP_DUMP = (
    "[scrapy.utils.log] INFO: Scrapy ",
    "[scrapy.utils.log] INFO: Versions:",
    "[scrapy.addons] INFO: Enabled addons:",
    "[scrapy.crawler] INFO: Overridden settings:",
    "[scrapy.middleware] INFO: Enabled extensions:",
    "[scrapy.middleware] INFO: Enabled downloader middlewares:",
    "[scrapy.middleware] INFO: Enabled spider middlewares:",
    "[scrapy.middleware] INFO: Enabled item pipelines:",
    "[alembic.runtime.migration] INFO: Context impl SQLiteImpl.",
)


def test_a_plain_crawl_log_has_the_startup_dump_once_and_each_source_start_and_end(
    tmp_path: Path, run_newsmon: RunNewsmon, sample_site: SampleSite
) -> None:
    config = write_sources(tmp_path, sample_site)
    db = str(tmp_path / "news.db")
    sources = ("--source", "pap", "--source", "prwire")
    result = run_newsmon("--config", str(config), "--db", db, "crawl", *sources)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()  # not a terminal: the plain log, no live table
    for first_line in STARTUP_DUMP:
        assert sum(first_line in line for line in lines) == 1, first_line
    for source in ("pap", "prwire"):
        for event in ("crawl start", "crawl end"):
            assert sum(f"{event} source={source} " in line for line in lines) == 1
    # the whole dump, for each source, where a developer asks for it
    debug = run_newsmon("-vv", "--config", str(config), "--db", db, "crawl", *sources)
    debug_lines = debug.stderr.splitlines()
    assert sum("INFO: Overridden settings:" in line for line in debug_lines) == 2


@pytest.fixture
def redirecting_robots() -> Iterator[tuple[str, int]]:
    """A loopback site whose robots.txt redirects to a closed port; its other pages are 404."""
    dead = closed_port()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                self.send_response(301)
                self.send_header("Location", f"http://127.0.0.1:{dead}/moved/robots")
            else:
                self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test reads the crawl's log, not the server's

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", dead
    finally:
        server.shutdown()
        server.server_close()


def test_a_redirected_robots_txt_that_fails_is_one_warning(
    tmp_path: Path, run_newsmon: RunNewsmon, redirecting_robots: tuple[str, int]
) -> None:
    base, dead = redirecting_robots
    config = tmp_path / "sources.yaml"
    config.write_text(
        FAST_CRAWL + "  retry_times: 0\n"
        f"sources:\n  - name: moved\n    feeds: ['{base}/feed.xml']\n",
        encoding="utf-8",
    )
    result = run_newsmon("--config", str(config), "--db", str(tmp_path / "news.db"), "crawl")
    lines = result.stderr.splitlines()
    # the failure names the robots.txt asked for, and where the redirect led
    warning = (
        f"[moved] WARNING: robots.txt {base}/robots.txt: connection refused at "
        f"http://127.0.0.1:{dead}/moved/robots; crawling the site without its rules"
    )
    assert len([line for line in lines if line.endswith(warning)]) == 1
    assert "Traceback" not in result.stderr
    assert not [line for line in lines if " ERROR: " in line or " CRITICAL: " in line]
