"""Feeds and sitemaps of every supported kind become article links with their dates."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from spiders.feed import FeedError, parse_feed
from spiders.sitemap import SitemapError, parse_sitemap, sitemap_body

RSS2 = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>w</title>
<item><title>One</title><link>https://a.org/1.html?utm_source=rss</link>
<pubDate>Mon, 09 Sep 2024 10:00:00 +0800</pubDate></item>
<item><title>Two</title><guid isPermaLink="true">https://a.org/2.html</guid></item>
</channel></rss>"""
RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://pl.org/"><title>p</title><link>https://pl.org/</link></channel>
<item rdf:about="https://pl.org/a"><title>A</title><link>https://pl.org/a</link>
<dc:date>2023-08-08T12:00:00+02:00</dc:date></item></rdf:RDF>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>x</title><id>urn:x</id><updated>2024-01-01T00:00:00Z</updated>
<entry><title>E</title><id>urn:e</id><link rel="alternate" href="https://x.org/e"/>
<link rel="enclosure" href="https://x.org/e.mp3"/><published>2024-01-02T03:04:05Z</published>
<updated>2024-01-03T00:00:00Z</updated></entry></feed>"""


def test_rss2() -> None:
    links = parse_feed(RSS2, "https://a.org/rss.xml")
    assert [link.url for link in links] == [
        "https://a.org/1.html?utm_source=rss",
        "https://a.org/2.html",
    ]
    assert links[0].published_at == datetime(2024, 9, 9, 2, 0, tzinfo=UTC)
    assert links[0].title == "One"


def test_rss1_rdf() -> None:
    (link,) = parse_feed(RDF, "https://pl.org/rdf")
    assert link.url == "https://pl.org/a"
    assert link.published_at == datetime(2023, 8, 8, 10, 0, tzinfo=UTC)


def test_atom_uses_alternate_link_and_published_date() -> None:
    (link,) = parse_feed(ATOM, "https://x.org/atom")
    assert link.url == "https://x.org/e"
    assert link.published_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_html_is_not_a_feed() -> None:
    with pytest.raises(FeedError):
        parse_feed(b"<html><body><p>hello</p></body></html>", "https://a.org/rss", "text/html")


URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://cn.org/a/1.html</loc>
<news:news><news:publication><news:name>CN</news:name><news:language>zh</news:language>
</news:publication><news:publication_date>2024-09-14T18:48:49+08:00</news:publication_date>
<news:title>标题</news:title></news:news></url>
<url><loc> https://cn.org/a/2.html </loc><lastmod>2024-09-01</lastmod></url>
<url><loc>not-a-url</loc></url>
</urlset>""".encode()
INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://cn.org/s1.xml</loc></sitemap><sitemap><loc>https://cn.org/s2.xml.gz</loc>
</sitemap></sitemapindex>"""


def test_google_news_sitemap_keeps_publication_date_and_title() -> None:
    parsed = parse_sitemap(URLSET)
    assert parsed.kind == "urlset"
    assert [link.url for link in parsed.links] == [
        "https://cn.org/a/1.html",
        "https://cn.org/a/2.html",
    ]
    assert parsed.links[0].published_at == datetime(2024, 9, 14, 10, 48, 49, tzinfo=UTC)
    assert parsed.links[0].title == "标题"
    assert parsed.links[1].published_at is None  # lastmod is not a publication date


def test_sitemap_index_and_gzip() -> None:
    parsed = parse_sitemap(sitemap_body(gzip.compress(INDEX), max_size=1_000_000))
    assert parsed.kind == "sitemapindex"
    assert parsed.sitemaps == ["https://cn.org/s1.xml", "https://cn.org/s2.xml.gz"]


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"<" * 5_000_000)
    with pytest.raises(SitemapError, match="cannot decompress"):
        sitemap_body(bomb, max_size=1_000_000)


@pytest.mark.parametrize("body", [b"", b"<html><body>no</body></html>", b"\x00\x01garbage"])
def test_not_a_sitemap(body: bytes) -> None:
    with pytest.raises(SitemapError):
        parse_sitemap(body)
