"""Cheap re-crawls and politeness, measured from the fixture server's access log."""

from __future__ import annotations

import itertools
import random
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from crawler.demo.server import RequestRecord, SampleSite
from tests.conftest import RunNewsmon, write_sources

WORDS = (
    "climate",
    "cooperation",
    "agreement",
    "partnership",
    "city",
    "energy",
    "carbon",
    "market",
    "transition",
    "pilot",
    "ministry",
    "agency",
    "hydrogen",
    "solar",
    "wind",
    "grid",
    "emissions",
    "adaptation",
    "finance",
    "dialogue",
    "memorandum",
    "research",
    "platform",
    "standards",
    "monitoring",
    "forest",
    "ocean",
    "water",
    "region",
    "industry",
    "transport",
    "port",
    "storage",
    "heat",
    "network",
    "data",
    "training",
    "experts",
    "community",
    "investment",
    "framework",
    "joint",
    "project",
)


def paragraph(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def build_site(root: Path, articles: int, *, robots: str = "", delay: float = 0.0) -> Path:
    """A news site: an RSS feed and three listing pages linking ``articles`` article pages."""
    rng = random.Random(7)
    (root / "news").mkdir(parents=True)
    now = datetime.now(UTC)
    items = []
    for i in range(articles):
        body = "".join(f"<p>{paragraph(rng, 45)}</p>" for _ in range(4))
        (root / "news" / f"{i}.html").write_text(
            f"<html><head><meta charset='utf-8'><title>Story {i}</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>Story {i} on climate cooperation"
            f"</h1>{body}</article></body></html>",
            encoding="utf-8",
        )
        when = (now - timedelta(hours=i)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        items.append(
            f"<item><title>Story {i}</title><link>{{BASE}}/news/{i}.html</link>"
            f"<pubDate>{when}</pubDate></item>"
        )
    (root / "feed.xml").write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    per_page = -(-articles // 3)
    for page in range(3):
        links = "".join(
            f"<li><a href='/news/{i}.html'>Story {i}</a></li>"
            for i in range(page * per_page, min(articles, (page + 1) * per_page))
        )
        nav = "".join(f"<a href='/list_{p + 1}.html'>{p + 1}</a> " for p in range(3))
        (root / f"list_{page + 1}.html").write_text(
            f"<html><body><ul>{links}</ul><div class='pages'>{nav}</div></body></html>",
            encoding="utf-8",
        )
    (root / "robots.txt").write_text(f"User-agent: *\nAllow: /\n{robots}", encoding="utf-8")
    table = root.parent / "site.yaml"
    paths = {f"/news/{i}.html": {"delay": delay} for i in range(articles)} if delay else {}
    table.write_text(
        yaml.safe_dump(
            {
                "content_types": {
                    ".html": "text/html; charset=utf-8",
                    ".xml": "application/rss+xml",
                    ".txt": "text/plain",
                },
                "paths": paths,
            }
        ),
        encoding="utf-8",
    )
    return table


def write_config(path: Path, base: str, crawl: str) -> Path:
    path.write_text(
        "sources:\n  - name: gen\n"
        f"    feeds: ['{base}/feed.xml']\n    start_urls: ['{base}/list_1.html']\n"
        "    follow: ['/list_\\d+\\.html']\n    article_urls: ['/news/\\d+\\.html']\n"
        f"crawl:\n  autothrottle: false\n  extraction_workers: 2\n{crawl}",
        encoding="utf-8",
    )
    return path


def max_in_flight(records: list[RequestRecord]) -> int:
    events = sorted(
        [(r.started_at, 1) for r in records] + [(r.finished_at, -1) for r in records],
        key=lambda e: (e[0], e[1]),
    )
    level = peak = 0
    for _, change in events:
        level += change
        peak = max(peak, level)
    return peak


@pytest.mark.slow
def test_second_crawl_costs_under_5_percent_and_concurrency_stays_bounded(
    tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    root = tmp_path / "site"
    table = build_site(root, 200, delay=0.02)
    with SampleSite(root=root, table=table) as site:
        config = write_config(
            tmp_path / "sources.yaml",
            site.base_url,
            "  download_delay: 0\n  concurrency_per_domain: 2\n",
        )
        db = f"sqlite:///{tmp_path / 'news.db'}"
        first = run_newsmon("--config", str(config), "--db", db, "crawl")
        assert first.returncode == 0, first.stderr
        first_requests = list(site.requests)
        second = run_newsmon("--config", str(config), "--db", db, "crawl")
        assert second.returncode == 0, second.stderr
        second_requests = site.requests[len(first_requests) :]
    assert "new=200" in first.stderr
    assert "new=0" in second.stderr and "found=0" not in second.stderr
    assert len(second_requests) <= 0.05 * len(first_requests), (
        len(second_requests),
        len(first_requests),
    )
    assert {r.status for r in second_requests} <= {200, 304}
    assert sum(r.status == 304 for r in second_requests) >= 2  # feed and listing unchanged
    # politeness: never more than concurrency_per_domain requests in flight to the site
    assert max_in_flight(first_requests) <= 2
    assert max_in_flight(first_requests) == 2  # and the limit was actually reached


@pytest.mark.slow
def test_robots_crawl_delay_is_honoured(tmp_path: Path, run_newsmon: RunNewsmon) -> None:
    root = tmp_path / "site"
    table = build_site(root, 6, robots="Crawl-delay: 1\n")
    with SampleSite(root=root, table=table) as site:
        config = write_config(
            tmp_path / "sources.yaml",
            site.base_url,
            "  download_delay: 0\n  concurrency_per_domain: 4\n",
        )
        result = run_newsmon(
            "--config", str(config), "--db", f"sqlite:///{tmp_path / 'n.db'}", "crawl"
        )
        assert result.returncode == 0, result.stderr
        articles = [r for r in site.requests if r.path.startswith("/news/")]
    assert len(articles) == 6
    starts = sorted(r.started_at for r in articles)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
    # Scrapy randomises a slot's delay between 0.5x and 1.5x
    assert min(gaps) >= 0.45, gaps
    assert max_in_flight(articles) == 1


@pytest.mark.slow
def test_bounds_max_pages_and_max_age(tmp_path: Path, run_newsmon: RunNewsmon) -> None:
    root = tmp_path / "site"
    table = build_site(root, 40)
    with SampleSite(root=root, table=table) as site:
        config = tmp_path / "sources.yaml"
        config.write_text(
            "sources:\n"
            f"  - name: capped\n    feeds: ['{site.base_url}/feed.xml']\n    max_pages: 10\n"
            "crawl:\n  autothrottle: false\n  download_delay: 0\n  extraction_workers: 1\n",
            encoding="utf-8",
        )
        db = f"sqlite:///{tmp_path / 'a.db'}"
        capped = run_newsmon("--config", str(config), "--db", db, "crawl")
        assert capped.returncode == 0, capped.stderr
        # items are one hour apart: a one-day limit keeps the 24 newest (0 h .. 23 h old)
        config.write_text(
            "sources:\n"
            f"  - name: recent\n    feeds: ['{site.base_url}/feed.xml']\n    max_age_days: 1\n"
            "crawl:\n  autothrottle: false\n  download_delay: 0\n  extraction_workers: 1\n",
            encoding="utf-8",
        )
        recent = run_newsmon(
            "--config", str(config), "--db", f"sqlite:///{tmp_path / 'b.db'}", "crawl"
        )
        assert recent.returncode == 0, recent.stderr
    pages = int(re.search(r"crawl end source=capped .* pages=(\d+)", capped.stderr)[1])
    assert pages == 10 + 1, pages  # the exact budget, plus robots.txt
    assert "Spider closed (closespider_pagecount)" in capped.stderr
    assert "new=24" in recent.stderr


@pytest.mark.slow
def test_an_article_that_failed_is_retried_by_the_next_crawl(
    tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    root = tmp_path / "site"
    table = build_site(root, 5)
    data = yaml.safe_load(table.read_text(encoding="utf-8"))
    data["paths"]["/news/0.html"] = {"delay": 3}  # beyond the first crawl's timeout
    table.write_text(yaml.safe_dump(data), encoding="utf-8")
    with SampleSite(root=root, table=table) as site:
        config = tmp_path / "sources.yaml"
        db = f"sqlite:///{tmp_path / 'n.db'}"

        def crawl(timeout: int) -> str:
            config.write_text(
                f"sources:\n  - name: gen\n    feeds: ['{site.base_url}/feed.xml']\n"
                "crawl:\n  autothrottle: false\n  download_delay: 0\n  extraction_workers: 1\n"
                f"  download_timeout: {timeout}\n  retry_times: 0\n",
                encoding="utf-8",
            )
            result = run_newsmon("--config", str(config), "--db", db, "crawl")
            assert result.returncode == 0, result.stderr
            return result.stderr

        first = crawl(timeout=1)
        second = crawl(timeout=10)
        feed_answers = [r.status for r in site.requests if r.path == "/feed.xml"]
    assert "new=4" in first and "/news/0.html: timed out after 1 s" in first
    # the feed was not revalidated (a 304 would have hidden the failed article): re-read
    assert feed_answers == [200, 200]
    assert "new=1" in second


def test_recrawl_whose_new_links_are_all_dead_keeps_the_source_ok(
    sample_site: SampleSite, tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    """A re-crawl that reads a sitemap again (its validators lost, or a server that sends
    none) skips the stored articles and fetches only the links that answered 404/410 last
    time: the source is alive, those links are recorded as errors, the run stays ok."""
    config, db = write_sources(tmp_path, sample_site), tmp_path / "news.db"
    assert run_newsmon("--config", str(config), "--db", str(db), "crawl").returncode == 0
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM page_validators")
    again = run_newsmon("--config", str(config), "--db", str(db), "crawl")
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(db) as connection:
        runs = connection.execute(
            "SELECT s.name, r.status, r.reason, r.errors FROM crawl_runs r "
            "JOIN sources s ON s.id = r.source_id ORDER BY r.id DESC LIMIT 5"
        ).fetchall()
    assert [status for _, status, _, _ in runs] == ["ok"] * 5, runs
    cnportal = next(errors for name, _, _, errors in runs if name == "cnportal")
    assert "HTTP 404" in cnportal and "HTTP 410" in cnportal
