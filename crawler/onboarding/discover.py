"""Reading a site for ``sources add``: feed links in a page, sitemaps in robots.txt, what kind of
document a response is, the page's language, and which of its links look like articles and
pagination. Plain functions on fetched bytes and text; ``probe`` does the fetching.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urldefrag, urljoin, urlsplit

from lxml.etree import ParserError
from lxml.html import HtmlElement, HTMLParser, document_fromstring
from protego import Protego
from w3lib.url import safe_url_string

from crawler.extraction.blocks import weight
from crawler.extraction.language import detect_language
from crawler.onboarding.findings import Anchor
from crawler.urls import same_site

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
# Tried only when the page declares no feed and robots.txt names no sitemap.
COMMON_FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml")
# Where a document's first markup says what it is, in the first bytes.
_MARKERS = {
    b"<!doctype html": "html",
    b"<html": "html",
    b"<urlset": "sitemap",
    b"<sitemapindex": "sitemap",
    b"<rss": "feed",
    b"<feed": "feed",
    b"<rdf:rdf": "feed",
}
SNIFF_BYTES = 4096
# An anchor text this heavy (CJK counted thrice) reads like a headline, not a menu item.
HEADLINE_WEIGHT = 30
# Fewer headline links than this sharing one URL shape is no evidence of an article pattern.
MIN_HEADLINES = 2
# Anchor texts of pagination links besides page numbers (lower case).
NEXT_WORDS = frozenset(
    {
        "next",
        "next page",
        "older",
        "older posts",
        "more",
        "suivant",
        "page suivante",
        "weiter",
        "nächste",
        "nächste seite",
        "siguiente",
        "następna",
        "następna strona",
        "下一页",
        "下页",
        "后页",
        "下一頁",
        "次へ",
        "다음",
        "»",
        "›",
        ">",
        ">>",
        "→",
    }
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_DIGITS = re.compile(r"\d+")
_REGEX_SPECIAL = re.compile(r"([.^$*+?{}\[\]\\|()])")
# A path segment of three or more words (``kenya-norway-mangrove-credits``) is an article's
# slug: generalised whole, where a numbered segment only has its numbers generalised.
_SLUG_WORDS = re.compile(r"[^\W_]+(?:[-_][^\W_]+){2,}")
MIN_SLUG_CHARS = 16
_LANG = re.compile(r"([a-zA-Z]{2})(?:$|[-_])")


def sniff(body: bytes, content_type: str | None) -> str:
    """What a response is: ``feed``, ``sitemap``, ``html`` or ``other`` (its first markup
    decides; servers often label feeds and sitemaps ``text/html`` or ``text/plain``)."""
    if body[:2] == b"\x1f\x8b":
        return "sitemap"  # a gzip file among feed and sitemap candidates: a .xml.gz sitemap
    head = body[:SNIFF_BYTES].lower()
    found = [(i, kind) for marker, kind in _MARKERS.items() if (i := head.find(marker)) >= 0]
    if found:
        return min(found)[1]
    mime = (content_type or "").split(";")[0].strip().lower()
    return "html" if mime in ("text/html", "application/xhtml+xml") else "other"


def parse_page(body: bytes, encoding: str, url: str) -> HtmlElement | None:
    """The page's tree with absolute links, or None when it is no parsable HTML."""
    try:
        tree = document_fromstring(body, parser=HTMLParser(encoding=encoding))
    except (ParserError, ValueError):
        return None
    tree.make_links_absolute(url, resolve_base_href=True, handle_failures="discard")
    return tree


def feed_links(tree: HtmlElement) -> list[tuple[str, str | None]]:
    """``(url, title)`` of the feeds the page declares with ``<link rel="alternate">``,
    without comment feeds (WordPress declares one per post)."""
    found: dict[str, str | None] = {}
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" not in rel or kind not in FEED_TYPES or not _is_http(href):
            continue
        title = " ".join((link.get("title") or "").split()) or None
        if "comment" in href.lower() or "comment" in (title or "").lower():
            continue
        found.setdefault(urldefrag(href)[0], title)
    return list(found.items())


def robots_sitemaps(text: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt (Protego: the parser Scrapy uses)."""
    return list(dict.fromkeys(url for url in Protego.parse(text).sitemaps if _is_http(url)))


def common_feed_urls(page_url: str) -> list[str]:
    """Feed locations common enough to try when nothing declares one."""
    return [urljoin(page_url, path) for path in COMMON_FEED_PATHS]


def default_sitemap_url(page_url: str) -> str:
    return urljoin(page_url, "/sitemap.xml")


def robots_url(page_url: str) -> str:
    return urljoin(page_url, "/robots.txt")


def page_anchors(tree: HtmlElement) -> list[Anchor]:
    """Every http(s) link of the page with its text, fragment removed, in page order."""
    anchors = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if _is_http(href):
            # percent-encoded, as Scrapy requests and matches them
            url = safe_url_string(urldefrag(href)[0])
            anchors.append(Anchor(url=url, text=" ".join(a.text_content().split())))
    return anchors


def guess_language(tree: HtmlElement) -> str | None:
    """ISO 639-1 language of the page: its visible text, with the declared language (``<html
    lang>``, ``og:locale``, ``Content-Language``) breaking near-ties, as extraction does."""
    declared = None
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("http-equiv") or "").lower()
        if key in ("og:locale", "content-language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        match = _LANG.match((value or "").strip())
        if match:
            declared = match.group(1).lower()
            break
    body = tree.find("body")
    texts = (
        body.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
        if body is not None
        else []
    )
    text = " ".join(" ".join(str(t).split()) for t in texts)
    return detect_language(text, declared)


@dataclass(frozen=True)
class ListingGuess:
    """Regexes for a source walking listing pages, guessed from one page's links."""

    article_urls: tuple[str, ...]
    follow: tuple[str, ...]
    examples: tuple[str, ...]  # article links the patterns match


def guess_listing(page_url: str, anchors: list[Anchor]) -> ListingGuess | None:
    """Article and pagination patterns from the links of a listing page, or None.

    Links are grouped by URL shape (digits generalised, long slugs generalised); the shape
    with the most headline-like link texts is the articles'. Menus have short texts, so a
    navigation bar of 30 links loses to a list of 5 headlines.
    """
    on_site = [a for a in anchors if same_site(a.url, page_url) and a.url != page_url]
    groups: dict[str, list[Anchor]] = defaultdict(list)
    for anchor in on_site:
        groups[url_shape(anchor.url)].append(anchor)
    headlines = Counter(
        {
            shape: len({a.url for a in links if weight(a.text) >= HEADLINE_WEIGHT})
            for shape, links in groups.items()
        }
    )
    ranked = [(n, shape) for shape, n in headlines.most_common() if n >= MIN_HEADLINES]
    if not ranked:
        return None
    best = ranked[0][0]
    article_shapes = [shape for n, shape in ranked if n == best or n >= max(3, best / 2)]
    examples = tuple(
        dict.fromkeys(
            a.url for s in article_shapes for a in groups[s] if weight(a.text) >= HEADLINE_WEIGHT
        )
    )
    pagination = Counter(
        url_shape(a.url)
        for a in on_site
        if _is_pagination(a.text)
        and url_shape(a.url) not in article_shapes
        and "\\d" in url_shape(a.url)
    )
    return ListingGuess(
        article_urls=tuple(article_shapes),
        follow=tuple(shape for shape, _ in pagination.most_common()),
        examples=examples[:5],
    )


def url_shape(url: str) -> str:
    """A regex for URLs like ``url``: its path (and query names), numbers generalised
    (``/news/2023/98112.html`` -> ``/news/\\d{4}/\\d+\\.html``), long slugs too."""
    parts = urlsplit(url)
    shape = "/".join(_segment_shape(segment) for segment in parts.path.split("/"))
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if pairs:
        shape += r"\?" + "&".join(f"{_escape(k)}={_value_shape(v)}" for k, v in pairs)
    return shape or "/"


def _value_shape(value: str) -> str:
    return r"\d+" if value.isdigit() else "[^&]*"


def _segment_shape(segment: str) -> str:
    if not segment:
        return ""
    if _YEAR.fullmatch(segment):
        return r"\d{4}"
    stem, dot, ext = segment.rpartition(".")
    if not dot or not ext.isalnum() or len(ext) > 5:
        stem, ext = segment, ""
    suffix = rf"\.{_escape(ext)}" if ext else ""
    words = unquote(stem)
    if "%" in stem or (len(words) >= MIN_SLUG_CHARS and _SLUG_WORDS.fullmatch(words)):
        # percent-encoded words: a title slug or a section name in a non-Latin script
        return r"[^/]+" + suffix
    return _DIGITS.sub(lambda _: r"\d+", _escape(stem)) + suffix


def _escape(text: str) -> str:
    # Not re.escape: it escapes "-" and "_" too, which makes the patterns people read and
    # edit in sources.yaml needlessly hard to read.
    return _REGEX_SPECIAL.sub(r"\\\1", text)


def _is_pagination(text: str) -> bool:
    lowered = text.strip().lower()
    return (lowered.isdigit() and len(lowered) <= 4) or lowered in NEXT_WORDS


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))
