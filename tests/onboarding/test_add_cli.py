"""``newsmon sources add`` against sites on 127.0.0.1: what it finds, what it proposes, and how
it appends the entry to the sources file (after confirmation, comments and layout kept)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.config import load_config
from crawler.demo.server import SampleSite
from tests.conftest import RunNewsmon, write_sources

pytestmark = pytest.mark.slow


def add(
    run: RunNewsmon, config: Path, *args: str, input: str | None = None
) -> tuple[int, str, str]:
    result = run("--config", str(config), "sources", "add", *args, input=input)
    return result.returncode, result.stdout, result.stderr


def test_add_from_a_home_page_appends_after_the_sources_list(
    run_newsmon: RunNewsmon, sample_site: SampleSite, tmp_path: Path
) -> None:
    config = write_sources(tmp_path, sample_site)
    before = config.read_text(encoding="utf-8")
    code, out, err = add(run_newsmon, config, "portal", sample_site.url("/"), "--yes")
    assert code == 0, err
    index = sample_site.url("/sitemap_index.xml")
    assert f"ok sitemap  {index}  (robots.txt) sitemap index of 2 sitemaps" in out
    assert f'    sitemaps: ["{index}"]\n' in out
    assert f"added source 'portal' to {config}" in err
    after = config.read_text(encoding="utf-8")
    # the entry went in before the crawl section, and nothing else changed
    entry = after[len(before.split("\ncrawl:")[0]) :].split("\ncrawl:")[0]
    assert after.replace(entry, "", 1) == before
    assert entry.startswith("\n  # proposed by `newsmon sources add` on ")
    loaded = load_config(config)
    assert loaded.source("portal").sitemaps == (index,)
    assert loaded.source("portal").language == "en"
    assert loaded.crawl.download_delay == 0


def test_add_finds_the_feed_a_page_declares_and_asks_first(
    run_newsmon: RunNewsmon, sample_site: SampleSite, tmp_path: Path
) -> None:
    config = write_sources(tmp_path, sample_site)
    before = config.read_text(encoding="utf-8")
    page = sample_site.url("/prwire/fr/2024/09/wsso-craes-cooperation-strategique.html")
    code, out, err = add(run_newsmon, config, "wire-fr", page, input="n\n")
    assert code == 0, err
    assert (
        f"ok feed     {sample_site.url('/prwire/rss.xml')}  (<link rel=alternate>) feed: "
        "4 entries, newest 2024-09-23"
    ) in out
    assert "    language: fr\n" in out
    assert "append it to" in out
    assert err.strip() == f"{config} unchanged"
    assert config.read_text(encoding="utf-8") == before


def test_add_a_listing_then_check_it(
    run_newsmon: RunNewsmon, sample_site: SampleSite, tmp_path: Path
) -> None:
    config = write_sources(tmp_path, sample_site)
    code, _, err = add(
        run_newsmon, config, "carbon-news", sample_site.url("/carbontrade/list_1.html"), input="y\n"
    )
    assert code == 0, err
    source = load_config(config).source("carbon-news")
    assert source.start_urls == (sample_site.url("/carbontrade/list_1.html"),)
    assert source.follow == (r"/carbontrade/list_\d+\.html",)
    assert source.article_urls == (r"/carbontrade/news/\d{4}/\d+\.html",)
    assert source.language == "zh"
    checked = run_newsmon("--config", str(config), "sources", "check", "carbon-news")
    assert checked.returncode == 0, checked.stderr
    assert "articles (4 extracted)" in checked.stdout


def test_add_tries_common_feed_paths_and_creates_the_file(
    run_newsmon: RunNewsmon, messy_site: SampleSite, tmp_path: Path
) -> None:
    config = tmp_path / "new" / "sources.yaml"
    config.parent.mkdir()
    code, out, err = add(run_newsmon, config, "border", messy_site.url("/"), "--yes")
    assert code == 0, err
    assert "robots.txt HTTP 404" in out
    assert f"ok feed     {messy_site.url('/feed')}  (common feed path) feed: 2 entries" in out
    assert f"-- feed     {messy_site.url('/rss.xml')}  (common feed path) HTTP 404" in out
    assert f"-- sitemap  {messy_site.url('/sitemap.xml')}  (/sitemap.xml) HTTP 404" in out
    text = config.read_text(encoding="utf-8")
    assert text.startswith("sources:\n  # proposed by `newsmon sources add` on ")
    assert load_config(config).source("border").feeds == (messy_site.url("/feed"),)


def test_add_with_nothing_to_propose_exits_1(run_newsmon: RunNewsmon, tmp_path: Path) -> None:
    root = tmp_path / "bare"
    root.mkdir()
    (root / "index.html").write_text(
        "<html><body><p>Nothing here.</p></body></html>", encoding="utf-8"
    )
    with SampleSite(root) as site:
        url = site.url("/")
        code, _, err = add(run_newsmon, tmp_path / "sources.yaml", "bare", url, "--yes")
    assert code == 1
    assert err.startswith(
        f"newsmon: error: {url}: no feed, no sitemap and no links that look like articles"
    )
    assert not (tmp_path / "sources.yaml").exists()


def test_add_an_unreachable_url_exits_1(run_newsmon: RunNewsmon, tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, _, err = add(
        run_newsmon, tmp_path / "sources.yaml", "gone", f"http://127.0.0.1:{port}/", "--yes"
    )
    assert code == 1
    assert err.startswith(f"newsmon: error: http://127.0.0.1:{port}/: ")
    assert "Connection refused" in err or "connection refused" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("prwire", "https://example.org/"), "source 'prwire' already exists in "),
        (("Bad Name", "https://example.org/"), "source name 'Bad Name': 'Bad Name' is not a slug"),
        (("fine", "example.org/news"), "URL 'example.org/news': not an http(s) URL"),
    ],
)
def test_add_bad_input_exits_2_before_fetching(
    sample_site: SampleSite, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    config = write_sources(tmp_path, sample_site)
    before = config.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "sources", "add", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("newsmon: error: ")
    assert message in result.stderr
    assert config.read_text(encoding="utf-8") == before
