"""The bundled sample site, served by SampleSite: its pages, feeds, sitemaps and HTTP behaviour.

No crawler here: these tests pin down what the site serves so that the end-to-end tests can
trust ``expected.json`` (every must_contain and must_not_contain string really is on its page,
in the page's own encoding, and every article is reachable from its source's discovery path).
"""

from __future__ import annotations

import codecs
import gzip
import html
import http.client
import re
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from email.message import Message
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import feedparser
import pytest
import yaml

from crawler.demo.behaviour import load_behaviour
from crawler.demo.bundle import bundled_path
from crawler.demo.expected import ExpectedArticle, load_expected
from crawler.demo.responder import _gzipped
from crawler.demo.server import BUNDLED_SITE_ROOT, SampleSite, render_sources, table_path_for
from crawler.demo.server import main as server_main
from crawler.extraction.cleanup import strip_pinyin

EXPECTED = load_expected()
ARTICLES = {article.path: article for article in EXPECTED.articles}
BEHAVIOUR = load_behaviour(table_path_for(BUNDLED_SITE_ROOT))
SOURCES = ("prwire", "cnportal", "carbontrade", "pap", "jsonwire")
TAG = re.compile(r"<[^>]*>")
META_CHARSET = re.compile(rb"""<meta[^>]*charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)

GBK_PAGE = "/cnportal/news/2024/0914/371245.html"
BIG5_PAGE = "/carbontrade/news/2023/97430.html"
OLD_URL = "/carbontrade/news/2023/20230612.html"
ARCHIVE_SITEMAP = "/cnportal/sitemap-archive.xml.gz"


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: Message
    body: bytes


def fetch(site: SampleSite, target: str, method: str = "GET", **headers: str) -> Fetched:
    """One request on its own connection; http.client sends target and headers verbatim."""
    port = urlsplit(site.base_url).port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, target, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = conn.getresponse()
        return Fetched(response.status, response.headers, response.read())
    finally:
        conn.close()


def visible_text(markup: str) -> str:
    """The page's text with tags dropped (not replaced by spaces) and references decoded."""
    return html.unescape(TAG.sub("", markup))


def codec(label: str) -> str:
    return codecs.lookup(label).name


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture(scope="module")
def site() -> Iterator[SampleSite]:
    with SampleSite() as running:
        yield running


# --- articles ------------------------------------------------------------------------------


@pytest.mark.parametrize("article", EXPECTED.articles, ids=lambda a: a.path)
def test_article_page_carries_its_ground_truth(site: SampleSite, article: ExpectedArticle) -> None:
    page = fetch(site, article.path)
    assert page.status == 200
    markup = page.body.decode(article.encoding)  # strict: the bytes are in the intended codec
    text = visible_text(markup)
    for fragment in article.must_contain:
        assert fragment in text
    # The junk must really be on the page, or the crawler's test that it is gone proves nothing.
    for junk in article.must_not_contain:
        assert junk in text
    # Titles are stored without pinyin glued after Chinese characters (seed 003's 態(tài)).
    assert article.title in strip_pinyin(text)
    for author in article.authors:
        assert author in text
    assert article.published_at in html.unescape(markup)


@pytest.mark.parametrize("article", EXPECTED.articles, ids=lambda a: a.path)
def test_charset_is_declared_exactly_where_intended(
    site: SampleSite, article: ExpectedArticle
) -> None:
    page = fetch(site, article.path)
    content_type = page.headers["Content-Type"]
    header_charset = page.headers.get_param("charset", header="Content-Type")
    meta = META_CHARSET.search(page.body)
    if "header" in article.charset_in:
        assert header_charset is not None and codec(header_charset) == codec(article.encoding)
    else:
        assert content_type == "text/html"
    if "meta" in article.charset_in:
        assert meta is not None and codec(meta.group(1).decode()) == codec(article.encoding)
    else:
        assert meta is None


def test_gbk_page_has_no_charset_anywhere_and_needs_gbk(site: SampleSite) -> None:
    page = fetch(site, GBK_PAGE)
    assert page.headers["Content-Type"] == "text/html"
    assert b"charset" not in page.body.lower()
    assert b"<?xml" not in page.body
    for wrong in ("utf-8", "gb2312"):
        with pytest.raises(UnicodeDecodeError):
            page.body.decode(wrong)
    assert "技术支持:北京堃喆信息技术有限公司" in page.body.decode("gbk")


def test_big5_page_keeps_pinyin_artefacts_via_character_references(site: SampleSite) -> None:
    page = fetch(site, BIG5_PAGE)
    markup = page.body.decode("big5")
    # Big5 has no tone-marked pinyin letters (nor 凇): they are numeric character references.
    assert "態(t&#224;i)" in markup
    assert "生態(tài)環(huán)境部" in visible_text(markup)
    assert "海南??&#20935;?/span&gt;" in markup


def test_every_source_has_several_articles_in_several_languages() -> None:
    for source in SOURCES:
        assert len(EXPECTED.for_source(source)) >= 3, source
    assert {a.language for a in EXPECTED.articles} == {
        "fr",
        "en",
        "es",
        "zh",
        "pl",
        "de",
        "it",
        "pt",
    }


# --- discovery paths -----------------------------------------------------------------------


def feed_links(site: SampleSite, path: str) -> list[str]:
    parsed = feedparser.parse(fetch(site, path).body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [entry.link for entry in parsed.entries]


def test_prwire_feeds_list_its_articles_and_the_video(site: SampleSite) -> None:
    rss = feed_links(site, "/prwire/rss.xml")
    atom = feed_links(site, "/prwire/atom.xml")
    assert all(link.startswith(site.base_url + "/") for link in rss + atom)
    assert any("utm_source=" in link for link in rss)
    assert any(urlsplit(link).fragment for link in rss)
    assert len({path_of(link) for link in rss} & {path_of(link) for link in atom}) == 1
    expected = {a.path for a in EXPECTED.for_source("prwire")}
    assert {path_of(link) for link in rss + atom} == expected | {
        "/prwire/video/2024/climate-week-briefing.html"
    }


def test_pap_feed_links_a_tracking_variant_of_a_canonical_page(site: SampleSite) -> None:
    links = feed_links(site, "/pap/rdf.xml")
    assert {path_of(link) for link in links} == {a.path for a in EXPECTED.for_source("pap")}
    (tracked,) = [link for link in links if urlsplit(link).query]
    assert urlsplit(tracked).query == "utm_source=rss&utm_medium=feed"
    page = fetch(site, urlsplit(tracked).path + "?" + urlsplit(tracked).query)
    assert page.status == 200
    canonical = f'<link rel="canonical" href="{site.base_url}{path_of(tracked)}">'
    assert canonical in page.body.decode("utf-8")


def sitemap_locs(body: bytes) -> list[str]:
    return [loc.text or "" for loc in ET.fromstring(body).iter() if loc.tag.endswith("}loc")]


def test_cnportal_sitemaps_reach_its_articles_and_the_traps(site: SampleSite) -> None:
    children = sitemap_locs(fetch(site, "/sitemap_index.xml").body)
    assert [path_of(url) for url in children] == ["/cnportal/sitemap-news.xml", ARCHIVE_SITEMAP]
    locs: list[str] = []
    for child in children:
        body = fetch(site, path_of(child)).body
        locs += sitemap_locs(gzip.decompress(body) if child.endswith(".gz") else body)
    news = fetch(site, "/cnportal/sitemap-news.xml").body.decode()
    assert news.count("<news:publication_date>") == 3
    paths = {path_of(url) for url in locs}
    assert paths == {a.path for a in EXPECTED.for_source("cnportal")} | {
        "/private/cnportal/2024/0920/370100.html",
        "/cnportal/news/2024/0830/369999.html",
        "/cnportal/news/2023/1120/350500.html",
    }


def test_carbontrade_listing_reaches_its_articles_through_pagination(site: SampleSite) -> None:
    follow = re.compile(r"/carbontrade/list_\d+\.html")
    article_url = re.compile(r"/carbontrade/news/\d{4}/\d+\.html")
    queue, seen, found, ignored = ["/carbontrade/list_1.html"], set(), set(), set()
    while queue:
        listing = queue.pop()
        seen.add(listing)
        markup = fetch(site, listing).body.decode("utf-8")
        for href in re.findall(r'href="([^"]+)"', markup):
            url = urljoin(site.base_url + listing, html.unescape(href))
            if follow.search(url):
                if path_of(url) not in seen:
                    queue.append(path_of(url))
            elif article_url.search(url):
                found.add(path_of(url))
            else:
                ignored.add(path_of(url))
    assert seen == {f"/carbontrade/list_{n}.html" for n in (1, 2, 3)}
    assert {
        "/carbontrade/about.html",
        "/carbontrade/policy/list_1.html",
        "/carbontrade/zixun/2023/97500.html",
        "/carbontrade/ad/click.html",
    } <= ignored
    redirect = fetch(site, OLD_URL)
    resolved = {path_of(redirect.headers["Location"]) if p == OLD_URL else p for p in found}
    assert OLD_URL in found
    assert resolved == {a.path for a in EXPECTED.for_source("carbontrade")} | {
        "/carbontrade/news/2023/98777.html"
    }


def test_not_articles_are_served_or_fail_as_intended(site: SampleSite) -> None:
    for path in EXPECTED.not_articles:
        entry = BEHAVIOUR.for_path(path)
        assert fetch(site, path).status == (entry.status if entry else 200), path


# --- HTTP behaviour ------------------------------------------------------------------------


def test_placeholders_are_replaced_in_every_file(site: SampleSite) -> None:
    base = site.base_url.encode()
    files = [p for p in BUNDLED_SITE_ROOT.rglob("*") if p.is_file()]
    assert len(files) > 25
    for file in files:
        path = "/" + file.relative_to(BUNDLED_SITE_ROOT).as_posix()
        raw, body = file.read_bytes(), fetch(site, path).body
        if file.suffix == ".gz":
            raw, body = gzip.decompress(raw), gzip.decompress(body)
        assert b"{BASE}" not in body, path
        assert body.count(base) == raw.count(b"{BASE}"), path


def test_old_article_url_redirects_permanently(site: SampleSite) -> None:
    page = fetch(site, OLD_URL)
    assert page.status == 301
    assert page.headers["Location"] == site.url("/carbontrade/news/2023/98540.html")
    assert fetch(site, path_of(page.headers["Location"])).status == 200
    ad = fetch(site, "/carbontrade/ad/click.html?id=42&pos=top")
    assert (ad.status, ad.headers["Location"]) == (302, site.url("/carbontrade/ad/landing.html"))


@pytest.mark.parametrize(
    ("target", "status"),
    [
        ("/cnportal/news/2024/0830/369999.html", 404),
        ("/cnportal/news/2023/1120/350500.html", 410),
        ("/no/such/page.html", 404),
        ("/../site.yaml", 404),
        ("/%2e%2e/site.yaml", 404),
    ],
)
def test_dead_and_forbidden_paths(site: SampleSite, target: str, status: int) -> None:
    page = fetch(site, target)
    assert page.status == status
    assert page.headers["Content-Length"] == str(len(page.body))


def test_robots_txt_disallows_private_and_names_the_sitemap_index(site: SampleSite) -> None:
    page = fetch(site, "/robots.txt")
    assert page.headers["Content-Type"] == "text/plain; charset=utf-8"
    robots = RobotFileParser()
    robots.parse(page.body.decode().splitlines())
    assert robots.site_maps() == [site.url("/sitemap_index.xml")]
    assert not robots.can_fetch("newsmon", site.url("/private/cnportal/2024/0920/370100.html"))
    for path in ARTICLES:
        assert robots.can_fetch("newsmon", site.url(path)), path
    assert fetch(site, "/private/cnportal/2024/0920/370100.html").status == 200


def test_gzip_sitemap_is_a_gzip_file_not_a_content_encoding(site: SampleSite) -> None:
    page = fetch(site, ARCHIVE_SITEMAP, Accept_Encoding="gzip")
    assert page.status == 200
    assert page.headers["Content-Type"] == "application/x-gzip"
    assert page.headers["Content-Encoding"] is None
    assert page.body[:2] == b"\x1f\x8b"
    assert site.url("/cnportal/news/2023/1205/352001.html") in gzip.decompress(page.body).decode()


def test_text_is_gzip_encoded_only_when_accepted(site: SampleSite) -> None:
    path = "/prwire/rss.xml"
    plain = fetch(site, path)
    packed = fetch(site, path, Accept_Encoding="br;q=1.0, gzip;q=0.8")
    refused = fetch(site, path, Accept_Encoding="gzip;q=0, identity")
    assert plain.headers["Content-Encoding"] is None
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(packed.body) == plain.body
    assert int(packed.headers["Content-Length"]) == len(packed.body) < len(plain.body)
    assert refused.headers["Content-Encoding"] is None and refused.body == plain.body


def test_conditional_requests_answer_304(site: SampleSite) -> None:
    path = "/pap/rdf.xml"
    first = fetch(site, path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    gz_etag = fetch(site, path, Accept_Encoding="gzip").headers["ETag"]
    assert gz_etag != etag
    for headers in (
        {"If_None_Match": etag},
        {"If_None_Match": f'"x", W/{gz_etag}'},
        {"If_Modified_Since": modified},
    ):
        again = fetch(site, path, **headers)
        assert (again.status, again.body) == (304, b""), headers
        assert again.headers["ETag"] == etag
    for headers in (
        {"If_None_Match": '"something-else"'},
        {"If_Modified_Since": "Mon, 01 Jan 1990 00:00:00 GMT"},
        {"If_None_Match": '"something-else"', "If_Modified_Since": modified},
    ):
        assert fetch(site, path, **headers).status == 200, headers


def test_head_sends_the_headers_of_get_without_a_body(site: SampleSite) -> None:
    path = "/prwire/fr/2024/09/wsso-craes-cooperation-strategique.html"
    for encoding in ("identity", "gzip"):
        get = fetch(site, path, Accept_Encoding=encoding)
        head = fetch(site, path, "HEAD", Accept_Encoding=encoding)
        assert (head.status, head.body) == (200, b"")
        assert head.headers["Content-Length"] == str(len(get.body))
        assert head.headers["ETag"] == get.headers["ETag"]


def test_access_log_records_every_request_in_order() -> None:
    with SampleSite() as fresh:
        fetch(fresh, "/robots.txt")
        fetch(fresh, BIG5_PAGE + "?utm_source=x", "HEAD")
        fetch(fresh, "/missing.html")
        fetch(fresh, "/robots.txt", "POST")
        records = fresh.requests
    assert [(r.method, r.path, r.status) for r in records] == [
        ("GET", "/robots.txt", 200),
        ("HEAD", BIG5_PAGE + "?utm_source=x", 200),
        ("GET", "/missing.html", 404),
        ("POST", "/robots.txt", 405),
    ]
    for record in records:
        assert record.started_at.tzinfo is UTC
        assert record.started_at <= record.finished_at
    assert records[0].finished_at <= records[1].started_at


def test_prepared_pages_are_cached_unlogged_and_served_unchanged(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    page = b"<html><body>" + b"<p>climate cooperation</p>" * 200 + b"</body></html>"
    (root / "a.html").write_bytes(page)
    (root / "bomb.html").write_bytes(b"unused")
    (tmp_path / "site.yaml").write_text(
        "paths:\n  /bomb.html: {fault: {kind: gzip_bomb, inflated: 1GiB}}\n", encoding="utf-8"
    )
    with SampleSite(root) as fresh:
        responder = fresh._responder
        calls: list[str] = []
        original = responder.respond

        def counted(method: str, target: str, **kwargs: str | None) -> object:
            calls.append(target)
            return original(method, target, **kwargs)

        responder.respond = counted  # type: ignore[method-assign]
        fresh.prepare(["/a.html", "/bomb.html"])
        assert calls == ["/a.html", "/a.html"]  # plain and gzipped; never the fault
        assert fresh.requests == []
        gzip_misses = _gzipped.cache_info().misses
        plain = fetch(fresh, "/a.html")
        packed = fetch(fresh, "/a.html", Accept_Encoding="gzip")
        assert _gzipped.cache_info().misses == gzip_misses  # served from what prepare made
        assert plain.body == page
        assert gzip.decompress(packed.body) == plain.body
        assert [r.path for r in fresh.requests] == ["/a.html", "/a.html"]


# --- sources file and command line ----------------------------------------------------------


def test_render_sources_fills_the_base_url() -> None:
    text = render_sources("http://127.0.0.1:8123/")
    assert "{BASE}" not in text
    data = yaml.safe_load(text)
    assert data == {
        "sources": [
            {
                "name": "prwire",
                "feeds": [
                    "http://127.0.0.1:8123/prwire/rss.xml",
                    "http://127.0.0.1:8123/prwire/atom.xml",
                ],
            },
            {
                "name": "cnportal",
                "sitemaps": ["http://127.0.0.1:8123/sitemap_index.xml"],
                "language": "zh",
            },
            {
                "name": "carbontrade",
                "start_urls": ["http://127.0.0.1:8123/carbontrade/list_1.html"],
                "follow": [r"/carbontrade/list_\d+\.html"],
                "article_urls": [r"/carbontrade/news/\d{4}/\d+\.html"],
                "language": "zh",
            },
            {"name": "pap", "feeds": ["http://127.0.0.1:8123/pap/rdf.xml"]},
            {
                "name": "jsonwire",
                "start_urls": ["http://127.0.0.1:8123/jsonwire/api/news-1.json"],
                "article_urls": ["/jsonwire/"],
            },
        ]
    }


@pytest.mark.parametrize(
    "bad",
    ["127.0.0.1:8080", "ftp://127.0.0.1", "http://127.0.0.1/x", "http://127.0.0.1:8080?q=1", ""],
)
def test_render_sources_rejects_a_base_url_that_is_not_one(bad: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        render_sources(bad)


def test_package_data_is_found_through_importlib_resources() -> None:
    assert bundled_path("site") == BUNDLED_SITE_ROOT
    assert (BUNDLED_SITE_ROOT / "robots.txt").is_file()
    with pytest.raises(FileNotFoundError, match="no-such-file"):
        bundled_path("no-such-file")


def test_module_serves_until_interrupted(tmp_path: Path) -> None:
    (tmp_path / "hello.txt").write_text("hi from {BASE}\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.demo.server", "--port", "0", "--root", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        port = urlsplit(base_url).port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/hello.txt")
        assert conn.getresponse().read() == f"hi from {base_url}\n".encode()
        conn.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--root", "/nonexistent/sample-site"], "/nonexistent/sample-site"),
        (["--port", "70000"], "--port must be between 0 and 65535"),
    ],
)
def test_module_reports_bad_arguments(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        server_main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_module_reports_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with SampleSite() as running:
        port = str(urlsplit(running.base_url).port)
        with pytest.raises(SystemExit):
            server_main(["--port", port])
    assert (
        f"--port {port}: already in use on 127.0.0.1 (is another server running?"
        in capsys.readouterr().err
    )
