"""End to end: the sample site's sources -> ``newsmon crawl`` -> ``newsmon export``, asserting
on every exported field of known pages, then a second crawl that must change nothing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.demo.expected import ExpectedArticle, load_expected
from crawler.demo.server import SampleSite
from crawler.pagebody import GZIP_MAGIC, inflate_body
from tests.conftest import REPO, RunNewsmon, write_sources

EXPECTED = load_expected()
ARTICLE_PATHS = {a.path for a in EXPECTED.articles}
SOURCES = ("prwire", "cnportal", "carbontrade", "pap", "jsonwire")


@dataclass
class Crawled:
    db: str
    config: Path
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    first_paths: list[str]
    second_paths: list[str]
    records: dict[str, dict[str, Any]]
    rows_after_first: int


def export(run: RunNewsmon, db: str, *args: str) -> list[dict[str, Any]]:
    result = run("--db", db, "export", "--format", "jsonl", *args)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def crawl_twice(run: RunNewsmon, site: SampleSite, workdir: Path, db: str) -> Crawled:
    config = write_sources(workdir, site)
    start = len(site.requests)
    first = run("--config", str(config), "--db", db, "crawl")
    middle = len(site.requests)
    records = {urlsplit(r["url"]).path: r for r in export(run, db)}
    second = run("--config", str(config), "--db", db, "crawl")
    return Crawled(
        db=db,
        config=config,
        first=first,
        second=second,
        first_paths=[r.path for r in site.requests[start:middle]],
        second_paths=[r.path for r in site.requests[middle:]],
        records=records,
        rows_after_first=len(records),
    )


@pytest.fixture(scope="module")
def crawled(
    sample_site: SampleSite, run_newsmon: RunNewsmon, tmp_path_factory: pytest.TempPathFactory
) -> Crawled:
    workdir = tmp_path_factory.mktemp("e2e")
    return crawl_twice(run_newsmon, sample_site, workdir, f"sqlite:///{workdir / 'news.db'}")


def test_crawl_exits_zero_and_prints_a_summary(crawled: Crawled) -> None:
    assert crawled.first.returncode == 0, crawled.first.stderr
    assert "crawl summary" in crawled.first.stdout
    for source in SOURCES:
        assert source in crawled.first.stdout
    # not on a terminal: plain log lines, one start and one end line per source
    assert crawled.first.stderr.count("crawl end source=") == len(SOURCES)
    assert "Warning" not in crawled.first.stderr  # no deprecation noise from our code


@pytest.mark.parametrize("expected", EXPECTED.articles, ids=lambda a: a.path)
def test_every_exported_field(crawled: Crawled, expected: ExpectedArticle) -> None:
    record = crawled.records.get(expected.path)
    assert record is not None, f"{expected.path} was not stored"
    assert record["source"] == expected.source
    assert urlsplit(record["url"]).query == ""  # tracking parameters gone
    assert record["title"] == expected.title
    assert record["language"] == expected.language
    assert record["authors"] == list(expected.authors)
    published = expected.published
    stored = datetime.fromisoformat(record["published_at"])
    if isinstance(published, datetime):
        assert stored == published
    else:
        assert stored.date() == published
    for fragment in expected.must_contain:
        assert fragment in record["text"]
    # No furniture survives: neither outside the article container nor inside it (body_junk:
    # watermarks, promo and repeated paragraphs, press-wire lines).
    for junk in expected.must_not_contain:
        assert junk not in record["text"], junk
        assert junk not in (record["title"] or "")
    assert "\n\n" in record["text"]  # paragraphs kept as paragraphs
    assert datetime.fromisoformat(record["fetched_at"]).tzinfo is not None
    assert record["canonical_url"] is None or record["canonical_url"] == record["url"]


def test_code_spider_reads_a_json_listing(crawled: Crawled) -> None:
    # spiders/sites/jsonwire.py: article links and pagination come from a JSON API
    stored = {p for p, r in crawled.records.items() if r["source"] == "jsonwire"}
    assert stored == {a.path for a in EXPECTED.for_source("jsonwire")}
    assert "/jsonwire/api/news-2.json" in crawled.first_paths


def test_pages_that_are_not_articles_are_never_stored(crawled: Crawled) -> None:
    assert set(crawled.records) == ARTICLE_PATHS
    for path in EXPECTED.not_articles:
        assert path not in crawled.records


def test_robots_disallowed_page_is_never_fetched(crawled: Crawled) -> None:
    fetched = crawled.first_paths + crawled.second_paths
    assert not any(p.startswith("/private/") for p in fetched)
    assert "/robots.txt" in crawled.first_paths


def test_second_crawl_adds_no_rows_and_fetches_no_stored_article(
    crawled: Crawled, run_newsmon: RunNewsmon
) -> None:
    assert crawled.second.returncode == 0, crawled.second.stderr
    assert len(export(run_newsmon, crawled.db)) == crawled.rows_after_first
    refetched = ARTICLE_PATHS & {urlsplit(p).path for p in crawled.second_paths}
    assert refetched == set()
    assert "new=0" in crawled.second.stderr


def test_crawl_runs_are_recorded_per_source(crawled: Crawled, run_newsmon: RunNewsmon) -> None:
    result = run_newsmon(
        "--config", str(crawled.config), "--db", crawled.db, "status", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    status = {row["name"]: row for row in json.loads(result.stdout)}
    assert set(status) == set(SOURCES)
    per_source = {s: len(EXPECTED.for_source(s)) for s in status}
    for name, row in status.items():
        assert row["articles"] == per_source[name]
        assert row["last_run"]["status"] == "ok"
        assert row["last_run"]["articles_new"] == 0  # the second crawl found nothing new
        assert row["health"] == "ok" and row["new_7_days"] == per_source[name]
    # the dead links of cnportal's sitemap were readable errors of the first crawl; the
    # second one did not even see them: its sitemaps answered 304 Not Modified
    assert "cnportal] WARNING: article" in crawled.first.stderr
    assert "/cnportal/news/2024/0830/369999.html: HTTP 404" in crawled.first.stderr
    assert status["cnportal"]["last_run"]["errors"] == []


def test_search_finds_chinese_and_accent_insensitive_french(
    crawled: Crawled, run_newsmon: RunNewsmon
) -> None:
    def search(query: str, *args: str) -> list[dict[str, Any]]:
        result = run_newsmon("--db", crawled.db, "search", query, "--format", "json", *args)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    hits = search("环境科学研究院")
    assert [urlsplit(h["url"]).path for h in hits] == ["/cnportal/news/2024/0914/371245.html"]
    assert {"text": "环境科学研究院", "match": True} in hits[0]["snippet_parts"]
    french = search("cooperation strategique", "--lang", "fr")
    assert "/prwire/fr/2024/09/wsso-craes-cooperation-strategique.html" in {
        urlsplit(h["url"]).path for h in french
    }
    assert search("碳中和", "--source", "pap") == []


def test_export_formats_and_filters(crawled: Crawled, run_newsmon: RunNewsmon) -> None:
    zh = export(run_newsmon, crawled.db, "--lang", "zh")
    assert zh and {r["language"] for r in zh} == {"zh"}
    recent = export(run_newsmon, crawled.db, "--since", "2024-01-01", "--until", "2024-06-01")
    assert recent and all("2024-01-01" <= r["published_at"][:10] < "2024-06-01" for r in recent)
    as_json = run_newsmon("--db", crawled.db, "export", "--format", "json", "--source", "pap")
    assert len(json.loads(as_json.stdout)) == len(EXPECTED.for_source("pap"))
    as_csv = run_newsmon("--db", crawled.db, "export", "--format", "csv", "--source", "pap")
    assert as_csv.stdout.splitlines()[0].startswith("id,url,canonical_url,source,title,text")


def test_reextract_keeps_every_article(crawled: Crawled, run_newsmon: RunNewsmon) -> None:
    result = run_newsmon("--db", crawled.db, "reextract", "--source", "cnportal")
    assert result.returncode == 0, result.stderr
    assert f"unchanged: {len(EXPECTED.for_source('cnportal'))}" in result.stderr
    assert len(export(run_newsmon, crawled.db)) == crawled.rows_after_first


def test_scrapy_list_and_crawl_work_from_the_repository_root(
    crawled: Crawled, sample_site: SampleSite, tmp_path: Path
) -> None:
    env = {
        "NEWSMON_CONFIG": str(crawled.config),
        "NEWSMON_DB": f"sqlite:///{tmp_path / 's.db'}",
        "PATH": str(Path(subprocess.sys.executable).parent),
    }
    listed = subprocess.run(
        ["scrapy", "list"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert sorted(listed.stdout.split()) == sorted(SOURCES)
    crawl = subprocess.run(
        ["scrapy", "crawl", "pap", "-s", "LOG_LEVEL=INFO"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert crawl.returncode == 0, crawl.stderr
    assert "crawl end source=pap" in crawl.stderr
    assert f"new={len(EXPECTED.for_source('pap'))}" in crawl.stderr


@pytest.mark.postgres
def test_same_results_on_postgresql(
    crawled: Crawled,
    sample_site: SampleSite,
    run_newsmon: RunNewsmon,
    tmp_path: Path,
    postgres_server: Any,
) -> None:
    if postgres_server is None:
        pytest.skip("NEWSMON_TEST_PG_URL not set")
    url = postgres_server.create_database()
    pg = crawl_twice(run_newsmon, sample_site, tmp_path, url)
    assert pg.first.returncode == 0 and pg.second.returncode == 0, pg.first.stderr
    assert set(pg.records) == set(crawled.records)
    fields = ("url", "source", "title", "text", "language", "authors")
    by_path = {a.path: a for a in EXPECTED.articles}
    for path, record in crawled.records.items():
        assert {f: pg.records[path][f] for f in fields} == {f: record[f] for f in fields}
        # A page stating only a naive local date may get its time from a news sitemap or not,
        # depending on which discovery page answered first; compare what the page states.
        precision = 25 if isinstance(by_path[path].published, datetime) else 10
        assert pg.records[path]["published_at"][:precision] == record["published_at"][:precision]
    assert len(export(run_newsmon, url)) == pg.rows_after_first


def test_chinese_articles_carry_their_script(crawled: Crawled) -> None:
    # seed 003 is traditional Chinese (Big5), seed 001 simplified (GBK)
    assert crawled.records["/carbontrade/news/2023/97430.html"]["script"] == "Hant"
    assert crawled.records["/cnportal/news/2024/0914/371245.html"]["script"] == "Hans"
    assert {r["script"] for r in crawled.records.values() if r["language"] != "zh"} == {None}


def test_stored_pages_are_what_the_server_sent(crawled: Crawled, sample_site: SampleSite) -> None:
    """Each article's page is stored as the server sent it, gzip kept where the server
    gzipped it (crawler.pagebody), and reads back as the bytes the site serves."""
    with sqlite3.connect(crawled.db.removeprefix("sqlite:///")) as connection:
        pages = connection.execute("SELECT response_url, body_z FROM article_pages").fetchall()
    assert len(pages) == crawled.rows_after_first
    kept_gzip = 0
    for response_url, body_z in pages:
        plain = urllib.request.Request(response_url, headers={"Accept-Encoding": "identity"})
        with urllib.request.urlopen(plain, timeout=30) as response:
            assert inflate_body(body_z) == response.read(), response_url
        kept_gzip += body_z[:2] == GZIP_MAGIC
    assert kept_gzip >= len(pages) // 2  # the sample site gzips its HTML
