"""Reading a site for ``sources add``: feed links, robots.txt sitemaps, document kinds, the
page's language and the article / pagination patterns guessed from its links."""

from __future__ import annotations

import re

import pytest

from crawler.demo.server import BUNDLED_SITE_ROOT
from crawler.onboarding.discover import (
    common_feed_urls,
    feed_links,
    guess_language,
    guess_listing,
    page_anchors,
    parse_page,
    robots_sitemaps,
    sniff,
    url_shape,
)

BASE = "http://news.example.org"


def bundled_page(path: str) -> bytes:
    """A page of the bundled sample site, its ``{BASE}`` placeholder set to BASE."""
    return (BUNDLED_SITE_ROOT / path).read_bytes().replace(b"{BASE}", BASE.encode())


def tree_of(html: str, url: str = f"{BASE}/news/") -> object:
    tree = parse_page(html.encode(), "utf-8", url)
    assert tree is not None
    return tree


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', "text/html", "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom">', None, "feed"),
        (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x">', "text/xml", "feed"),
        (b'<?xml version="1.0"?><urlset xmlns="x"><url>', "text/plain", "sitemap"),
        (b"<sitemapindex>", None, "sitemap"),
        (b"\x1f\x8b\x08\x00", "application/octet-stream", "sitemap"),
        # a page whose head links its RSS feed is still a page
        (b'<!DOCTYPE html><html><head><link type="application/rss+xml" href="/rss">', None, "html"),
        (b"<p>hello</p>", "text/html; charset=utf-8", "html"),
        (b'{"items": []}', "application/json", "other"),
    ],
)
def test_sniff_tells_documents_by_their_first_markup(
    body: bytes, content_type: str | None, kind: str
) -> None:
    assert sniff(body, content_type) == kind


def test_feed_links_reads_alternate_links_without_comment_feeds() -> None:
    tree = tree_of("""<html><head>
        <link rel="alternate" type="application/rss+xml" title="News" href="/feed/">
        <link rel="alternate" type="application/atom+xml" href="https://news.example.org/atom">
        <link rel="alternate" type="application/rss+xml" title="Comments Feed"
              href="/comments/feed/">
        <link rel="alternate" hreflang="fr" href="/fr/">
        <link rel="stylesheet" type="text/css" href="/style.css">
        </head><body></body></html>""")
    assert feed_links(tree) == [(f"{BASE}/feed/", "News"), ("https://news.example.org/atom", None)]


def test_feed_links_of_a_bundled_article_page() -> None:
    path = "prwire/fr/2024/09/wsso-craes-cooperation-strategique.html"
    tree = parse_page(bundled_page(path), "utf-8", f"{BASE}/{path}")
    assert tree is not None
    assert feed_links(tree) == [(f"{BASE}/prwire/rss.xml", "PR Wire Newsroom RSS")]


def test_robots_sitemaps() -> None:
    robots = bundled_page("robots.txt").decode() + "sitemap: https://cdn.example.org/s.xml.gz\n"
    assert robots_sitemaps(robots) == [
        f"{BASE}/sitemap_index.xml",
        "https://cdn.example.org/s.xml.gz",
    ]
    assert robots_sitemaps("User-agent: *\nDisallow: /\n") == []


def test_common_feed_urls_are_on_the_site_root() -> None:
    urls = common_feed_urls(f"{BASE}/section/page.html")
    assert f"{BASE}/feed" in urls and f"{BASE}/rss.xml" in urls
    assert all(u.startswith(BASE + "/") for u in urls)


@pytest.mark.parametrize(
    ("url", "shape"),
    [
        (f"{BASE}/carbontrade/news/2023/97430.html", r"/carbontrade/news/\d{4}/\d+\.html"),
        (f"{BASE}/carbontrade/list_2.html", r"/carbontrade/list_\d+\.html"),
        (
            f"{BASE}/fr/2023/08/taicang-projet-pilote-neutralite-carbone.html",
            r"/fr/\d{4}/\d+/[^/]+\.html",
        ),
        (f"{BASE}/show.php?id=12&cat=world", r"/show\.php\?id=\d+&cat=[^&]*"),
        (f"{BASE}/news/page/2/", r"/news/page/\d+/"),
        (f"{BASE}/pl/wsp%C3%B3%C5%82praca-gmin", r"/pl/[^/]+"),
        (BASE + "/", "/"),
    ],
)
def test_url_shape(url: str, shape: str) -> None:
    assert url_shape(url) == shape
    assert re.search(shape, url)


def test_guess_listing_prefers_headlines_over_a_bigger_menu() -> None:
    # list_1.html has 34 regional menu links of one shape and 2 headlines of another
    url = f"{BASE}/carbontrade/list_1.html"
    tree = parse_page(bundled_page("carbontrade/list_1.html"), "utf-8", url)
    assert tree is not None
    guess = guess_listing(url, page_anchors(tree))
    assert guess is not None
    assert guess.article_urls == (r"/carbontrade/news/\d{4}/\d+\.html",)
    assert guess.follow == (r"/carbontrade/list_\d+\.html",)
    assert guess.examples == (
        f"{BASE}/carbontrade/news/2023/97430.html",
        f"{BASE}/carbontrade/news/2023/98112.html",
    )


def test_guess_listing_needs_headlines() -> None:
    tree = tree_of("""<body><a href="/a/1.html">Home</a><a href="/a/2.html">World</a>
        <a href="https://other.example.com/story/1.html">A long headline elsewhere, off the
        site, which must not count at all</a></body>""")
    assert guess_listing(f"{BASE}/news/", page_anchors(tree)) is None


def test_guess_listing_with_next_link_and_slugs() -> None:
    tree = tree_of("""<body><ul>
        <li><a href="/news/2024/05/cities-sign-heat-adaptation-pact">Cities sign a heat
            adaptation pact for the coming summers</a></li>
        <li><a href="/news/2024/06/ports-share-shore-power-data">Five ports will share shore
            power and emissions data from next year</a></li>
        </ul><a href="/news/page/2/">Next page</a><a href="/about/">About us</a></body>""")
    guess = guess_listing(f"{BASE}/news/", page_anchors(tree))
    assert guess is not None
    assert guess.article_urls == (r"/news/\d{4}/\d+/[^/]+",)
    assert guess.follow == (r"/news/page/\d+/",)


@pytest.mark.parametrize(
    ("html", "language"),
    [
        ('<html lang="pl-PL"><body><p>x</p></body></html>', "pl"),
        (
            '<html><head><meta property="og:locale" content="fr_FR"></head><body></body></html>',
            "fr",
        ),
        # the text decides when there is enough of it, whatever the template declares
        (
            '<html lang="en"><body><p>Les villes côtières du Chili et du Vietnam partageront '
            "leurs données sur les mangroves et l'érosion des côtes pendant trois ans.</p>"
            "</body></html>",
            "fr",
        ),
        ("<html><body><p>生态环境部与联合国环境署举行第十三次年度磋商会议</p></body></html>", "zh"),
        ("<html><body></body></html>", None),
    ],
)
def test_guess_language(html: str, language: str | None) -> None:
    assert guess_language(tree_of(html)) == language
