"""A crawl in which no source could be reached says so in one line and points at
``newsmon demo``: offline, thirty DNS errors one by one tell the user nothing."""

from __future__ import annotations

import socket
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawler.demo.server import SampleSite
from crawler.output.summary import unreachable_hint
from tests.conftest import FAST_CRAWL, RunNewsmon

OFFLINE = "is this machine offline? Try `newsmon demo` for a sample run without network."


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(tmp_path: Path, feeds: dict[str, str]) -> Path:
    path = tmp_path / "sources.yaml"
    # `.invalid` never resolves (RFC 6761) and a closed port refuses at once: nothing leaves
    # the machine.
    sources = "".join(f"  - name: {name}\n    feeds: ['{url}']\n" for name, url in feeds.items())
    path.write_text(FAST_CRAWL + "  retry_times: 0\nsources:\n" + sources, encoding="utf-8")
    return path


def crawl(run_newsmon: RunNewsmon, tmp_path: Path, feeds: dict[str, str]) -> list[str]:
    config = write_config(tmp_path, feeds)
    result = run_newsmon("-q", "--config", str(config), "--db", str(tmp_path / "news.db"), "crawl")
    return result.stdout.splitlines()


def test_every_host_unresolvable_is_said_once(tmp_path: Path, run_newsmon: RunNewsmon) -> None:
    lines = crawl(
        run_newsmon,
        tmp_path,
        {"one": "http://news-one.invalid/feed.xml", "two": "https://news-two.invalid/rss"},
    )
    assert lines[-1] == f"no source could be reached (DNS lookup failed for all 2): {OFFLINE}"


def test_unresolvable_and_refused_are_counted_apart(
    tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    port = closed_port()
    lines = crawl(
        run_newsmon,
        tmp_path,
        {"one": "http://news-one.invalid/feed.xml", "two": f"http://127.0.0.1:{port}/feed.xml"},
    )
    assert lines[-1] == (
        "no source could be reached (of 2: DNS lookup failed for 1, "
        f"connection refused for 1): {OFFLINE}"
    )


def test_no_hint_when_one_source_was_reached(
    tmp_path: Path, run_newsmon: RunNewsmon, sample_site: SampleSite
) -> None:
    lines = crawl(
        run_newsmon,
        tmp_path,
        {"one": "http://news-one.invalid/feed.xml", "pap": f"{sample_site.base_url}/pap/rdf.xml"},
    )
    assert not any("no source could be reached" in line for line in lines)


def run(status: str = "failed", pages: int = 0, *errors: str) -> SimpleNamespace:
    return SimpleNamespace(status=status, pages_fetched=pages, errors=list(errors))


@pytest.mark.parametrize(
    "runs",
    [
        [],
        [run("failed", 0, "feed http://a.invalid/: host name not found (DNS)"), run("ok", 4)],
        [
            run("failed", 0, "feed http://a.invalid/: host name not found (DNS)"),
            run("failed", 0, "feed http://b.example/: HTTP 404"),
        ],
        [run("failed", 0)],
    ],
)
def test_no_hint_unless_every_source_failed_to_connect(runs: list[SimpleNamespace]) -> None:
    assert unreachable_hint(runs) is None  # type: ignore[arg-type]
