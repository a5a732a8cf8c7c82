"""What a crawl starts besides fetching: no Scrapy remote-control server, no job files."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.conftest import FAST_CRAWL, RunNewsmon


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
