"""The daemon says once when the network, not the sites, is why crawls fail: without network,
one source after another fails with a DNS error and no single crawl's line names the cause."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

from scheduler.jobs import CrawlSupervisor
from scheduler.reachability import ReachabilityWatch
from storage.db import open_database
from tests.conftest import FAST_CRAWL

OFFLINE = "is this machine offline? Try `newsmon demo` for a sample run without network."
DNS = "feed http://a.invalid/rss: host name not found (DNS); gave up after 2 retries"
REFUSED = "feed http://127.0.0.1:9/rss: connection refused"


def run(*errors: str, pages: int = 0, status: str = "failed") -> SimpleNamespace:
    return SimpleNamespace(status=status, pages_fetched=pages, errors=list(errors))


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_three_sources_in_a_row_that_reach_nothing_are_said_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    watch = ReachabilityWatch()
    with caplog.at_level(logging.INFO, logger="scheduler.reachability"):
        watch.observe("one", run(DNS))
        watch.observe("one", run(DNS))  # the same source again: still one source
        watch.observe("two", run(DNS))
        assert warnings(caplog) == []
        watch.observe("three", run(REFUSED))
        watch.observe("four", run(DNS))
    assert warnings(caplog) == [
        "no source could be reached in the last 3 crawls (of 3: DNS lookup failed for 2, "
        f"connection refused for 1): {OFFLINE} The daemon keeps crawling on schedule."
    ]


def test_a_crawl_that_gets_through_clears_the_suspicion(
    caplog: pytest.LogCaptureFixture,
) -> None:
    watch = ReachabilityWatch()
    with caplog.at_level(logging.INFO, logger="scheduler.reachability"):
        for source in ("one", "two", "three"):
            watch.observe(source, run(DNS))
        watch.observe("four", run(pages=12, status="ok"))
        watch.observe("five", run(DNS))
        watch.observe("six", run(DNS))
    messages = [r.getMessage() for r in caplog.records]
    assert len(warnings(caplog)) == 1
    assert messages[-1] == "sources are reachable again (four fetched pages)"


def test_other_failures_are_not_the_network() -> None:
    watch = ReachabilityWatch(suspect_after=1)
    for failed in (
        run("article http://x/a.html: HTTP 503 after 2 retries"),
        run(DNS, pages=3),
        run(),
        None,
    ):
        watch.observe("one", failed)  # type: ignore[arg-type]
    assert not watch._warned


@pytest.mark.slow
def test_the_daemon_log_names_the_network_when_no_site_resolves(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Three crawl processes, as the daemon starts them, of sources whose hosts never resolve
    (the reserved `.invalid` domain: nothing leaves the machine)."""
    config = tmp_path / "sources.yaml"
    names = ("one", "two", "three")
    config.write_text(
        FAST_CRAWL
        + "  retry_times: 0\nsources:\n"
        + "".join(f"  - name: {n}\n    feeds: ['http://news-{n}.invalid/rss']\n" for n in names),
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'news.db'}"
    with open_database(url) as db:
        supervisor = CrawlSupervisor(config, url, db, timeout=120)
        with caplog.at_level(logging.INFO):
            outcomes = [supervisor.run(name) for name in names]
    assert [o.status for o in outcomes] == ["failed"] * 3
    assert [m for m in warnings(caplog) if "no source could be reached" in m] == [
        "no source could be reached in the last 3 crawls (DNS lookup failed for all 3): "
        f"{OFFLINE} The daemon keeps crawling on schedule."
    ]
