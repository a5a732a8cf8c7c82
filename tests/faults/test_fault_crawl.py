"""One ``newsmon crawl`` of the fault-injection site (tests/faults/site/, site.yaml), asserting
per fault: the crawl completes, crawl_runs names the URL and the fault, memory stays bounded,
and every good article of the faulty source is stored.

Run outcome, by design: ``newsmon crawl`` exits 0 whatever the pages do (README, "Exit
status"). A source's run is ``failed`` only when it produced nothing: no page could be fetched,
or its discovery pages gave no article link (``dead-feed``, whose only feed is an HTML page).
Every other fault leaves the run ``ok`` with the fault in ``errors`` (one line per URL: role,
URL, reason) or, for pages that are simply not articles, counted by name in ``pages_dropped``.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.demo.server import RequestRecord, SampleSite
from storage.db import open_database
from storage.queries import recent_runs
from tests.conftest import REPO, RunNewsmon
from tests.faults.memory import MeasuredRun, run_measured

HERE = Path(__file__).resolve().parent
SITE_ROOT = HERE / "site"
# The crawl process holds at most a few 16 MiB bodies at once; a 20 MiB page read whole, or
# the 1 GiB gzip bomb inflated, would blow well past this.
MAX_PEAK_RSS = 600 * 1024 * 1024
# The crawl and its two extraction worker processes (started with spawn) together.
MAX_PEAK_TREE_RSS = 1024 * 1024 * 1024
# Retry-After: 1 on the wire; the event loop's timer may fire a few ms early.
RETRY_AFTER_SECONDS = 0.95

GOOD_ARTICLES = {
    "http-status": ["good-1", "good-2", "recovers-503", "recovers-502", "recovers-429"],
    "transfer": ["good-1", "good-2"],
    "redirects": ["good-1", "good-2"],
    "not-html": ["good-1", "good-2"],
    "markup": ["good-1", "good-2", "truncated", "malformed", "gbk-as-utf8"],
    "feeds": ["good-1", "good-2", "good-3"],
    "sitemaps": ["good-1", "good-2", "good-3"],
    "traps": ["good-1", "good-2"],
    "dead-feed": [],
}

# (source, role and path of the failing URL, what its crawl_runs error must say)
FAULTS = [
    ("http-status", "article /http-status/news/always-500.html", "HTTP 500 after 2 retries"),
    ("http-status", "article /http-status/news/always-503.html", "HTTP 503 after 2 retries"),
    (
        "http-status",
        "article /http-status/news/retry-after-tomorrow.html",
        "HTTP 503 (it asked to retry after 86400 s, longer than the 60 s a crawl waits)",
    ),
    ("http-status", "article /http-status/news/forbidden.html", "HTTP 403"),
    ("http-status", "article /http-status/news/missing.html", "HTTP 404"),
    ("http-status", "article /http-status/news/gone.html", "HTTP 410"),
    (
        "transfer",
        "article /transfer/news/reset.html",
        "connection closed mid-response, the body is incomplete; gave up after 2 retries",
    ),
    (
        "transfer",
        "article /transfer/news/stall.html",
        "timed out after 4 s; gave up after 2 retries",
    ),
    (
        "transfer",
        "article /transfer/news/huge.html",
        "response larger than 16 MiB (max_response_size)",
    ),
    (
        "transfer",
        "article /transfer/news/huge-unsized.html",
        "response larger than 16 MiB (max_response_size)",
    ),
    (
        "transfer",
        "article /transfer/news/bomb.html",
        "compressed response inflates past 16 MiB (max_response_size; a gzip bomb?)",
    ),
    (
        "redirects",
        "article /redirects/news/loop-a.html",
        "redirect loop: {BASE}/redirects/news/loop-a.html -> {BASE}/redirects/news/loop-b.html -> "
        "{BASE}/redirects/news/loop-a.html",
    ),
    (
        "redirects",
        "article /redirects/news/self.html",
        "redirect loop: {BASE}/redirects/news/self.html -> {BASE}/redirects/news/self.html",
    ),
    (
        "redirects",
        "article /redirects/news/to-ftp.html",
        "HTTP 302 redirect to a URL that is not http(s): ftp://files.example.org/",
    ),
    (
        "redirects",
        "article /redirects/news/to-mailto.html",
        "HTTP 302 redirect to a URL that is not http(s): mailto:press@example.org",
    ),
    ("not-html", "article /not-html/news/annual-report.html", "not HTML (application/pdf)"),
    ("not-html", "article /not-html/files/report.pdf", "not HTML (application/pdf)"),
    ("not-html", "article /not-html/news/photo.html", "not HTML (image/png)"),
    ("not-html", "article /not-html/news/data.html", "not HTML (application/json)"),
    ("feeds", "feed /feeds/html-feed.xml", "not an RSS/Atom feed but an HTML page"),
    ("feeds", "feed /feeds/broken.xml", "malformed feed XML, read anyway (2 links): line 2:"),
    (
        "sitemaps",
        "sitemap /sitemaps/index.xml",
        "lists {BASE}/sitemaps/index.xml, which leads back to itself (a sitemap loop)",
    ),
    (
        "sitemaps",
        "sitemap /sitemaps/cycle.xml",
        "lists {BASE}/sitemaps/index.xml, which leads back to itself (a sitemap loop)",
    ),
    ("sitemaps", "sitemap /sitemaps/broken.xml", "malformed sitemap XML, read anyway (2 URLs)"),
    # the broken sitemap's last <loc>, cut short, is a URL that does not exist
    ("sitemaps", "article /sitemaps/news/cut", "HTTP 404"),
    (
        "sitemaps",
        "sitemap /sitemaps/not-a-sitemap.html",
        "root element <html> is neither <urlset> nor <sitemapindex>",
    ),
    ("sitemaps", "sitemap /sitemaps/bomb.xml.gz", "cannot decompress gzip sitemap"),
    ("dead-feed", "feed /dead-feed/feed.xml", "not an RSS/Atom feed but an HTML page"),
]


@dataclass
class FaultCrawl:
    site: SampleSite
    result: MeasuredRun
    runs: dict[str, Any]  # source name -> its CrawlRun row
    articles: dict[str, dict[str, dict[str, Any]]]  # source -> path -> exported record
    requests: list[RequestRecord]

    def fill(self, text: str) -> str:
        return text.replace("{BASE}", self.site.base_url)

    def requests_to(self, path: str) -> list[RequestRecord]:
        return [r for r in self.requests if r.path == path]


@pytest.fixture(scope="module")
def fault_site() -> Any:
    with SampleSite(SITE_ROOT, table=HERE / "site.yaml") as site:
        yield site


@pytest.fixture(scope="module")
def crawled(
    fault_site: SampleSite, run_newsmon: RunNewsmon, tmp_path_factory: pytest.TempPathFactory
) -> FaultCrawl:
    workdir = tmp_path_factory.mktemp("faults")
    config = workdir / "sources.yaml"
    template = (HERE / "sources.yaml").read_text(encoding="utf-8")
    config.write_text(template.replace("{BASE}", fault_site.base_url), encoding="utf-8")
    db = f"sqlite:///{workdir / 'news.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    start = len(fault_site.requests)
    result = run_measured(
        [sys.executable, "-m", "crawler", "--config", str(config), "--db", db, "crawl"],
        env=env,
        cwd=REPO,
        timeout=240,
    )
    requests = fault_site.requests[start:]
    with open_database(db, upgrade=False) as database, database.session() as session:
        runs = {name: recent_runs(session, name, limit=1)[0] for name in GOOD_ARTICLES}
    exported = run_newsmon("--db", db, "export", "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    articles: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in GOOD_ARTICLES}
    for line in exported.stdout.splitlines():
        record = json.loads(line)
        articles[record["source"]][urlsplit(record["url"]).path] = record
    return FaultCrawl(fault_site, result, runs, articles, requests)


def test_the_crawl_completes_and_exits_zero(crawled: FaultCrawl) -> None:
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    assert "crawl summary" in crawled.result.stdout
    assert crawled.result.stderr.count("crawl end source=") == len(GOOD_ARTICLES)
    # no callback, pipeline or middleware crashed on a fault
    assert "Traceback" not in crawled.result.stderr


def test_memory_stays_bounded(crawled: FaultCrawl) -> None:
    # a 20 MiB page (twice) and a 1 GiB gzip bomb (twice) were refused without being held
    print(
        f"peak RSS: crawl process {crawled.result.peak_rss / 2**20:.0f} MiB, with its "
        f"workers {crawled.result.peak_tree_rss / 2**20:.0f} MiB"
    )
    assert crawled.result.peak_rss > 0
    assert crawled.result.peak_rss < MAX_PEAK_RSS
    assert crawled.result.peak_tree_rss < MAX_PEAK_TREE_RSS


@pytest.mark.parametrize("source", sorted(GOOD_ARTICLES))
def test_every_good_article_of_a_faulty_source_is_stored(crawled: FaultCrawl, source: str) -> None:
    expected = {f"/{source}/news/{slug}.html" for slug in GOOD_ARTICLES[source]}
    assert set(crawled.articles[source]) == expected
    for record in crawled.articles[source].values():
        assert record["title"] and len(record["text"]) > 150


@pytest.mark.parametrize(
    ("source", "where", "reason"), FAULTS, ids=[f"{s}:{w.split()[1]}" for s, w, _ in FAULTS]
)
def test_each_fault_is_recorded_with_url_and_reason(
    crawled: FaultCrawl, source: str, where: str, reason: str
) -> None:
    role, path = where.split()
    expected = f"{role} {crawled.site.base_url}{path}: {crawled.fill(reason)}"
    errors = crawled.runs[source].errors
    assert any(error.startswith(expected) for error in errors), "\n".join(errors)


@pytest.mark.parametrize("source", sorted(GOOD_ARTICLES))
def test_run_status_is_ok_unless_the_source_yields_nothing(
    crawled: FaultCrawl, source: str
) -> None:
    run = crawled.runs[source]
    if source == "dead-feed":
        assert run.status == "failed"
        assert run.reason == crawled.fill(
            "no article links found: feed {BASE}/dead-feed/feed.xml: not an RSS/Atom feed "
            "but an HTML page"
        )
    else:
        assert (run.status, run.reason) == ("ok", None)
    # every error is accounted to a fault declared above: no unexpected failure
    declared = {crawled.site.base_url + where.split()[1] for s, where, _ in FAULTS if s == source}
    for error in run.errors:
        url = error.split()[1].removesuffix(":")
        assert url in declared, error


def _gaps(records: list[RequestRecord]) -> list[timedelta]:
    return [b.started_at - a.finished_at for a, b in pairwise(records)]


def test_a_503_with_retry_after_recovers_after_waiting(crawled: FaultCrawl) -> None:
    records = crawled.requests_to("/http-status/news/recovers-503.html")
    assert [r.status for r in records] == [503, 503, 200]
    assert all(gap.total_seconds() >= RETRY_AFTER_SECONDS for gap in _gaps(records))
    records = crawled.requests_to("/http-status/news/recovers-429.html")
    assert [r.status for r in records] == [429, 200]
    assert _gaps(records)[0].total_seconds() >= RETRY_AFTER_SECONDS
    # a 503 that never recovers is retried as often as retry_times says, each after waiting
    records = crawled.requests_to("/http-status/news/always-503.html")
    assert [r.status for r in records] == [503, 503, 503]
    assert all(gap.total_seconds() >= RETRY_AFTER_SECONDS for gap in _gaps(records))


def test_retry_after_longer_than_a_crawl_waits_is_not_retried(crawled: FaultCrawl) -> None:
    assert len(crawled.requests_to("/http-status/news/retry-after-tomorrow.html")) == 1
    # without Retry-After a 502 is retried at once and recovers
    assert [r.status for r in crawled.requests_to("/http-status/news/recovers-502.html")] == [
        502,
        200,
    ]


def test_permanent_errors_are_not_retried(crawled: FaultCrawl) -> None:
    for page in ("forbidden", "missing", "gone"):
        assert len(crawled.requests_to(f"/http-status/news/{page}.html")) == 1


def test_redirect_loops_end_without_retrying(crawled: FaultCrawl) -> None:
    assert len(crawled.requests_to("/redirects/news/loop-a.html")) == 1
    assert len(crawled.requests_to("/redirects/news/loop-b.html")) == 1
    assert len(crawled.requests_to("/redirects/news/self.html")) == 1
    # the good redirect is followed, and the old URL kept as an alias of the article
    assert [r.status for r in crawled.requests_to("/redirects/old/good-1.html")] == [301]


def test_non_html_article_links_are_dropped_by_name(crawled: FaultCrawl) -> None:
    assert crawled.runs["not-html"].pages_dropped == {"NotHtml": 4}


def test_broken_markup_still_yields_its_article(crawled: FaultCrawl) -> None:
    stored = crawled.articles["markup"]
    truncated = stored["/markup/news/truncated.html"]["text"]
    assert truncated.startswith("Ports in Scotland and Ireland agreed to coordinate")
    assert "two will handle maintenance vessels for the wind farms." in truncated
    malformed = stored["/markup/news/malformed.html"]["text"]
    assert "measure the same test plots with both methods" in malformed
    assert "before the next round of national climate reports." in malformed
    assert "\x00" not in malformed
    # binary-junk.html, random bytes served as text/html: no article, counted as not HTML
    assert crawled.runs["markup"].pages_dropped == {"NotHtml": 1}
    assert crawled.runs["markup"].errors == []


def test_gbk_page_declared_utf8_is_decoded_right(crawled: FaultCrawl) -> None:
    record = crawled.articles["markup"]["/markup/news/gbk-as-utf8.html"]
    assert record["title"] == "中德两市签署城市绿色低碳合作协议"
    assert "江苏省太仓市与德国一座城市签署了城市绿色低碳合作协议" in record["text"]
    assert "\ufffd" not in record["text"]
    assert record["language"] == "zh"


def test_feeds_with_wrong_namespace_or_broken_xml_are_still_read(crawled: FaultCrawl) -> None:
    # good-2 and good-3 are only in the broken feed; good-3 is also in the mis-namespaced Atom
    assert [r.status for r in crawled.requests_to("/feeds/atom-wrong-ns.xml")] == [200]
    assert "/feeds/news/good-3.html" in crawled.articles["feeds"]


def test_sitemap_loops_are_read_once(crawled: FaultCrawl) -> None:
    assert len(crawled.requests_to("/sitemaps/index.xml")) == 1
    assert len(crawled.requests_to("/sitemaps/cycle.xml")) == 1
    # a sitemap in the wrong namespace is still read
    assert "/sitemaps/news/good-2.html" in crawled.articles["sitemaps"]


def test_an_endless_archive_stops_at_max_depth(crawled: FaultCrawl) -> None:
    pages = [r.path for r in crawled.requests if r.path.startswith("/traps/archive")]
    # max_depth 4: the start page and four more, then the links are counted and dropped
    assert sorted(pages) == [f"/traps/archive?page={n}" for n in range(1, 6)]
    assert crawled.runs["traps"].pages_dropped["DepthLimit"] >= 1


def test_session_ids_in_links_are_normalised_away(crawled: FaultCrawl) -> None:
    listing = [r.path for r in crawled.requests if r.path.startswith("/traps/list")]
    # the start page, and its "view all" variant: session ids never reach the server
    assert sorted(listing) == ["/traps/list.html", "/traps/list.html?view=all"]
    traps = [r.path for r in crawled.requests if r.path.startswith("/traps/")]
    assert not [p for p in traps if "sid=" in p.lower() or "sessionid" in p.lower()]
    assert sorted(crawled.articles["traps"]) == [
        "/traps/news/good-1.html",
        "/traps/news/good-2.html",
    ]
    assert crawled.runs["traps"].errors == []
