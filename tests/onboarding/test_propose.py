"""The proposed entry and how it is written: as text after the last line of the ``sources:``
list, the user's comments and layout kept, validated as a whole, replaced atomically."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.config import load_config, parse_config
from crawler.errors import ConfigError, OutputError
from crawler.onboarding.findings import Anchor, Candidate, ProbeFindings
from crawler.onboarding.propose import (
    Proposal,
    checked_text,
    propose,
    render_entry,
    with_entry,
    write_atomically,
)

WHEN = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
ORIGIN = "https://news.example.org/"
FEEDS = Proposal(name="example-news", feeds=("https://news.example.org/feed/",), language="en")
LISTING = Proposal(
    name="example-list",
    start_urls=("https://news.example.org/news/",),
    follow=(r"/news/page/\d+/",),
    article_urls=(r"/news/\d{4}/[^/]+'s\.html",),
    language="zh",
)
EXISTING = """\
# my sources: keep this comment
sources:
  # wire services
  - name: wire   # the wire
    feeds: ["https://wire.example.com/rss"]
    extraction:
      drop_lines:
        - '^Share this'
  # - name: retired
  #   feeds: ["https://old.example.com/rss"]

# crawl settings below
crawl:
  download_delay: 2
"""


def test_render_entry_in_the_shipped_style() -> None:
    assert render_entry(LISTING, ORIGIN, WHEN) == (
        "  # proposed by `newsmon sources add` on 2026-11-21 09:30 UTC from "
        "https://news.example.org/\n"
        "  - name: example-list\n"
        '    start_urls: ["https://news.example.org/news/"]\n'
        "    follow: ['/news/page/\\d+/']\n"
        "    article_urls: ['/news/\\d{4}/[^/]+''s\\.html']\n"
        "    language: zh\n"
    )


def test_entry_goes_after_the_last_source_not_at_the_end_of_the_file() -> None:
    text = with_entry(EXISTING, FEEDS, ORIGIN, WHEN)
    assert text.startswith(EXISTING.split("  # - name: retired")[0])
    assert text.endswith("# crawl settings below\ncrawl:\n  download_delay: 2\n")
    assert text.index("- name: example-news") < text.index("  # - name: retired")
    config = parse_config(text)
    assert [s.name for s in config.sources] == ["wire", "example-news"]
    assert config.crawl.download_delay == 2
    assert config.source("wire").extraction.drop_lines == ("^Share this",)
    # the original text is all there, in order
    added = render_entry(FEEDS, ORIGIN, WHEN)
    assert text.replace("\n" + added, "", 1) == EXISTING


@pytest.mark.parametrize(
    "existing",
    [
        "sources:\n- name: a\n  feeds: ['https://a.example.org/rss']",  # no final newline
        "sources:\n    -   name: a\n        feeds: ['https://a.example.org/rss']\n",
        "sources:\n  - {name: a, feeds: ['https://a.example.org/rss']}\n",
        "sources:\n  - name: a\n    feeds:\n      - https://a.example.org/rss\n",
    ],
)
def test_entry_matches_the_file_s_indentation(existing: str) -> None:
    config = parse_config(with_entry(existing, LISTING, ORIGIN, WHEN))
    assert [s.name for s in config.sources] == ["a", "example-list"]
    assert config.source("example-list").article_urls == LISTING.article_urls


def test_empty_or_comment_only_file_gets_a_sources_list() -> None:
    for existing in ("", "# nothing yet\n"):
        text = with_entry(existing, FEEDS, ORIGIN, WHEN)
        assert text.startswith(existing)
        assert [s.name for s in parse_config(text).sources] == ["example-news"]


def test_flow_style_sources_list_is_refused() -> None:
    with pytest.raises(ConfigError, match="flow style"):
        with_entry(
            "sources: [{name: a, feeds: ['https://a.example.org/rss']}]\n",
            FEEDS,
            ORIGIN,
            WHEN,
            "s.yaml",
        )


def test_checked_text_validates_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(EXISTING, encoding="utf-8")
    assert "example-news" in checked_text(path, FEEDS, ORIGIN, WHEN)
    with pytest.raises(ConfigError, match="duplicate source name 'wire'"):
        checked_text(path, Proposal(name="wire", feeds=FEEDS.feeds), ORIGIN, WHEN)
    assert path.read_text(encoding="utf-8") == EXISTING  # checking never writes


def test_write_atomically_keeps_the_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(EXISTING, encoding="utf-8")
    path.chmod(0o640)
    text = checked_text(path, FEEDS, ORIGIN, WHEN)
    write_atomically(path, text)
    assert path.read_text(encoding="utf-8") == text
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["sources.yaml"]
    assert load_config(path).source("example-news").feeds == FEEDS.feeds


def test_write_atomically_reports_a_directory_it_cannot_write(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match=r"sources\.yaml: cannot write: Not a directory"):
        write_atomically(blocker / "sources.yaml", "sources: []\n")


def feed(url: str, links: set[str], found_by: str = "<link rel=alternate>") -> Candidate:
    return Candidate(url=url, kind="feed", found_by=found_by, ok=True, links=frozenset(links))


def sitemap(url: str, news: bool = False) -> Candidate:
    return Candidate(url=url, kind="sitemap", found_by="robots.txt", ok=True, news=news)


HEADLINES = [
    Anchor(
        f"https://news.example.org/news/2024/{i}.html",
        f"A long enough headline about cooperation number {i}",
    )
    for i in range(3)
]


def test_propose_feeds_first_without_copies() -> None:
    items = {f"https://news.example.org/a/{i}" for i in range(10)}
    found = ProbeFindings(
        url=ORIGIN,
        language="en",
        candidates=[
            feed("https://news.example.org/rss", items),
            feed("https://news.example.org/atom", items),  # the same articles: a copy
            feed("https://news.example.org/world/rss", {"https://news.example.org/w/1"}),
            sitemap("https://news.example.org/sitemap.xml"),
            Candidate(
                url="https://news.example.org/feed",
                kind="feed",
                found_by="common feed path",
                detail="HTTP 404",
            ),
        ],
    )
    proposal = propose("example", found)
    assert proposal is not None
    assert proposal.feeds == ("https://news.example.org/rss", "https://news.example.org/world/rss")
    assert proposal.language == "en" and not proposal.sitemaps
    assert "https://news.example.org/sitemap.xml" in proposal.notes[0]


def test_propose_news_sitemaps_before_a_listing() -> None:
    found = ProbeFindings(
        url=ORIGIN + "news/",
        anchors=HEADLINES,
        candidates=[
            sitemap("https://news.example.org/sitemap.xml"),
            sitemap("https://news.example.org/news-sitemap.xml", news=True),
        ],
    )
    proposal = propose("example", found)
    assert proposal is not None
    assert proposal.sitemaps == ("https://news.example.org/news-sitemap.xml",)


def test_propose_a_listing_for_a_section_page_and_a_sitemap_for_a_home_page() -> None:
    candidates = [sitemap("https://news.example.org/sitemap.xml")]
    section = propose(
        "example", ProbeFindings(url=ORIGIN + "news/", anchors=HEADLINES, candidates=candidates)
    )
    assert section is not None
    assert section.start_urls == (ORIGIN + "news/",)
    assert section.article_urls == (r"/news/\d{4}/\d+\.html",)
    home = propose("example", ProbeFindings(url=ORIGIN, anchors=HEADLINES, candidates=candidates))
    assert home is not None and home.sitemaps == ("https://news.example.org/sitemap.xml",)
    assert propose("example", ProbeFindings(url=ORIGIN, anchors=HEADLINES)) is not None
    assert propose("example", ProbeFindings(url=ORIGIN)) is None
