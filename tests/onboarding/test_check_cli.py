"""``newsmon sources check`` against sites on 127.0.0.1: what a crawl would follow and take as
articles, a few extracted articles with warnings, per-URL errors, nothing stored."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.demo.server import SampleSite
from tests.conftest import FAST_CRAWL, RunNewsmon, write_sources

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workdir(sample_site: SampleSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("check")
    write_sources(directory, sample_site)
    return directory


def check(run: RunNewsmon, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(
        "--config",
        str(workdir / "sources.yaml"),
        "--db",
        str(workdir / "news.db"),
        "sources",
        "check",
        *args,
    )


def test_listing_source(run_newsmon: RunNewsmon, workdir: Path, sample_site: SampleSite) -> None:
    result = check(run_newsmon, workdir, "carbontrade")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    base = sample_site.base_url
    for page in ("list_1", "list_2", "list_3"):
        assert f"listing  {base}/carbontrade/{page}.html  HTTP 200" in out
    assert "article links (5 found, 5 requested)" in out
    # the gallery page, and the old URL that redirects to an article
    assert (
        f"{base}/carbontrade/news/2023/98777.html  no article: NoArticleBody: body too short"
    ) in out
    assert f"{base}/carbontrade/news/2023/20230612.html  article" in out
    assert "articles (4 extracted)" in out
    assert "  [2] 林业碳汇计量方法交流会召开 多地分享监测经验" in out
    assert "      date      2023-06-02 09:12 UTC" in out
    assert "      | 6月1日,林业碳汇计量方法交流会以线上线下结合的方式召开" in out
    # links the source's patterns do not take are neither followed nor fetched
    assert "zixun" not in out and "fenzhan" not in out
    assert out.rstrip().endswith("4 article(s) extracted, 0 warning(s), 0 error(s)")
    assert result.stderr == ""
    assert not (workdir / "news.db").exists()  # a dry run: no database was even created


def test_limits(run_newsmon: RunNewsmon, workdir: Path) -> None:
    result = check(run_newsmon, workdir, "carbontrade", "--limit", "1", "--pages", "0")
    assert result.returncode == 0, result.stderr
    assert "article links (2 found, 1 requested)" in result.stdout
    assert "list_2.html  not fetched (check limit)" in result.stdout
    assert "news/2023/98112.html  not fetched (check limit)" in result.stdout
    assert (
        "dry run, nothing stored (at most 1 article and 0 further discovery pages fetched)"
    ) in result.stdout
    assert "articles (1 extracted)" in result.stdout


def test_sitemap_source_reports_each_failed_url(
    run_newsmon: RunNewsmon, workdir: Path, sample_site: SampleSite
) -> None:
    result = check(run_newsmon, workdir, "cnportal", "--limit", "10")
    assert result.returncode == 0, result.stderr
    base = sample_site.base_url
    out = result.stdout
    assert f"sitemap  {base}/sitemap_index.xml  HTTP 200: 0 article link(s), 2 page(s)" in out
    assert f"{base}/cnportal/news/2024/0830/369999.html  error: HTTP 404" in out
    assert f"{base}/cnportal/news/2023/1120/350500.html  error: HTTP 410" in out
    assert (
        f"{base}/private/cnportal/2024/0920/370100.html  refused: Forbidden by robots.txt"
    ) in out
    assert "articles (3 extracted)" in out
    assert "Traceback" not in result.stderr


def test_json_format(run_newsmon: RunNewsmon, workdir: Path) -> None:
    result = check(run_newsmon, workdir, "prwire", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["source"] == "prwire"
    assert [p["role"] for p in report["discovery_pages"]] == ["feed", "feed"]
    assert report["article_links_found"] == 5
    languages = sorted(a["language"] for a in report["articles"])
    assert languages == ["en", "es", "fr", "fr"]
    video = [a for a in report["article_links"] if "/video/" in a["url"]]
    assert video[0]["outcome"] == "no article"
    assert all(a["first_lines"] and a["warnings"] == [] for a in report["articles"])


def test_one_url(run_newsmon: RunNewsmon, workdir: Path, sample_site: SampleSite) -> None:
    article = sample_site.url("/pap/mediaroom/2024/02/gminy-polska-czechy-geotermia.html")
    result = check(run_newsmon, workdir, "pap", "--url", article)
    assert result.returncode == 0, result.stderr
    assert (
        "Polskie i czeskie gminy wspólnie zbadają potencjał ciepła geotermalnego" in result.stdout
    )
    assert "language  pl" in result.stdout

    listing = sample_site.url("/carbontrade/list_3.html")
    result = check(run_newsmon, workdir, "carbontrade", "--url", listing, "--pages", "0")
    assert result.returncode == 0, result.stderr
    assert f"listing  {listing}  HTTP 200" in result.stdout


def test_nothing_yielded_exits_1(
    run_newsmon: RunNewsmon, workdir: Path, sample_site: SampleSite
) -> None:
    missing = sample_site.url("/carbontrade/news/2023/00001.html")
    result = check(run_newsmon, workdir, "carbontrade", "--url", missing)
    assert result.returncode == 1
    assert f"check {missing}: HTTP 404" in result.stdout
    assert result.stderr == "newsmon: source 'carbontrade' yielded no article\n"

    config = workdir / "broken.yaml"
    config.write_text(
        f'sources:\n  - name: gone\n    feeds: ["{sample_site.url("/nope.xml")}"]\n' + FAST_CRAWL,
        encoding="utf-8",
    )
    result = run_newsmon("--config", str(config), "sources", "check", "gone")
    assert result.returncode == 1
    assert f"feed     {sample_site.url('/nope.xml')}  HTTP 404" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nosuch",), "newsmon: error: unknown source 'nosuch'"),
        (
            ("pap", "--url", "https://elsewhere.example.com/a.html"),
            "newsmon: error: --url https://elsewhere.example.com/a.html: not on the domains of "
            "source 'pap' (127.0.0.1)",
        ),
        (
            ("pap", "--url", "ftp://127.0.0.1/a"),
            "newsmon: error: --url 'ftp://127.0.0.1/a': not an http(s) URL",
        ),
        (("pap", "--limit", "0"), "Invalid value for '--limit'"),
    ],
)
def test_bad_input_exits_2(workdir: Path, args: tuple[str, ...], message: str) -> None:
    # refused before anything is fetched, so in-process
    result = CliRunner().invoke(
        main,
        [
            "--config",
            str(workdir / "sources.yaml"),
            "--db",
            str(workdir / "news.db"),
            "sources",
            "check",
            *args,
        ],
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.splitlines()) <= 3  # one line (click's usage errors add two)


def test_warnings(run_newsmon: RunNewsmon, messy_site: SampleSite, tmp_path: Path) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(
        f'sources:\n  - name: border\n    feeds: ["{messy_site.url("/feed")}"]\n'
        "    language: de\n" + FAST_CRAWL,
        encoding="utf-8",
    )
    result = run_newsmon("--config", str(config), "sources", "check", "border")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("warning: no date") == 2
    assert out.count("warning: language 'en' differs from the source's hint 'de'") == 2
    assert "warning: short body: 160 characters" in out
    assert (
        "warning: encoding suspicious: the HTTP header says cp1250 but the page declares "
        "utf-8 (decoded as cp1250)"
    ) in out


def test_articles_already_stored_are_marked(
    run_newsmon: RunNewsmon, sample_site: SampleSite, tmp_path: Path
) -> None:
    config = write_sources(tmp_path, sample_site)
    db = str(tmp_path / "news.db")
    crawled = run_newsmon("--config", str(config), "--db", db, "crawl", "--source", "pap")
    assert crawled.returncode == 0, crawled.stderr
    result = run_newsmon("--config", str(config), "--db", db, "sources", "check", "pap")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("article (already stored: a crawl would skip it)") == 3
