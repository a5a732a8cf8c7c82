"""Where a page's article text and metadata are extracted: the entry point of extraction.

``extract_page`` is a plain function on plain data so it runs in worker processes (see
``crawler.extraction.workers``): trafilatura is CPU-bound and would stall Scrapy's event loop,
and it must never run in threads (lxml crashed a thread-pool prototype with ``double free``).
It decodes, extracts, cleans, detects the language, hashes and compresses, so the crawl's main
process only moves bytes and writes rows.

One page, in order: decode (``encoding``) and parse; repair mojibake; read what the page says
about itself (``metadata``: JSON-LD and meta tags; ``titles``; and, before any cleaning removes
them, date lines and bylines: ``dates``, ``bylines``); apply the source's rules (``rules``);
remove furniture from the tree (``boilerplate``); find the article twice, with trafilatura and
with the region finder (``blocks``, ``region``, ``chunks``), and combine both (``consensus``);
clean the text line by line (``cleanup``, ``junk``); detect language and script.
"""

from __future__ import annotations

import hashlib
import logging
import re
from copy import copy, deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import trafilatura
from lxml.etree import (
    ElementDefaultClassLookup,
    ElementNamespaceClassLookup,
    HTMLParser,
    strip_elements,
)
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlElementClassLookup,
    HtmlEntity,
    HtmlProcessingInstruction,
    document_fromstring,
)
from trafilatura.meta import reset_caches
from trafilatura.settings import Extractor
from trafilatura.utils import HTML_PARSER as trafilatura_parser

from crawler.config import ExtractionRules
from crawler.extraction.blocks import page_blocks, weight
from crawler.extraction.boilerplate import clean_tree
from crawler.extraction.bylines import visible_authors
from crawler.extraction.chunks import sibling_chunks
from crawler.extraction.cleanup import clean_text
from crawler.extraction.consensus import TextIndex, agreed_paragraphs, agrees_closely, combine
from crawler.extraction.dates import (
    date_snippets,
    headline_lines,
    plausible_date,
    url_date,
    visible_published,
)
from crawler.extraction.encoding import decode_as, decode_html, might_have_mojibake, repair_tree
from crawler.extraction.htmlparse import parse_html
from crawler.extraction.language import detect_language, detect_script
from crawler.extraction.metadata import read_metadata
from crawler.extraction.region import Region, block_score, find_region
from crawler.extraction.rules import apply_tree_rules
from crawler.extraction.titles import choose_title, find_headline
from crawler.pagebody import HTML_TYPES, compress_body
from crawler.relevance import TopicsError, assess, load_topics
from crawler.similarity.signature import TextSignature, text_signature
from crawler.text.folding import search_terms
from crawler.urls import normalize_url, same_site

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

# A body lighter than this (characters other than white space, CJK counted thrice) is a
# teaser, a video or a gallery page.
MIN_BODY_WEIGHT = 120
# Clear trafilatura's process-wide caches (and collect garbage) this often, to give memory
# back in a long run. Rarely: their LRU caches are bounded, and each reset costs 40-50 ms of
# CPU, most of it the full collection; every 200 pages that was 1.5% of extraction.
RESET_CACHES_EVERY = 5000

_pages_since_reset = 0


def _look_up_element_classes_in_c(parser: HTMLParser) -> None:
    """Give ``parser`` lxml.html's element classes through lxml's C table lookup instead of
    ``HtmlElementClassLookup``, a Python method lxml calls for every element it wraps (a
    thousand times per page, most inside trafilatura, whose parser this is given). The same
    class for every node: the table holds lxml.html's per-tag classes, the default its own."""
    lookup = ElementNamespaceClassLookup(
        ElementDefaultClassLookup(
            element=HtmlElement,
            comment=HtmlComment,
            pi=HtmlProcessingInstruction,
            entity=HtmlEntity,
        )
    )
    tags = lookup.get_namespace(None)
    tags.update(HtmlElementClassLookup()._element_classes)  # form, input, label, select...
    parser.set_element_class_lookup(lookup)


_look_up_element_classes_in_c(trafilatura_parser)


@dataclass(frozen=True)
class PageInput:
    """A fetched page and what the crawl already knows about it."""

    url: str
    body: bytes
    content_type: str | None = None
    language_hint: str | None = None
    timezone: str | None = None
    # From the feed entry or news sitemap that linked the page, when it had them.
    published_hint: datetime | None = None
    title_hint: str | None = None
    # Encoding to use instead of detecting one (re-extraction of a stored page).
    encoding: str | None = None
    # The source's extraction rules (sources file: ``extraction:``); None: generic rules only.
    rules: ExtractionRules | None = None
    # Path of the topics file judging relevance; None: the shipped climate-cooperation one.
    # A path, not the parsed file: each worker loads and caches it (crawler.relevance).
    topics: str | None = None
    # False: the caller holds the page's stored form already (the server's gzip, or the
    # stored page on re-extraction), and the result's ``body_z`` is None.
    compress: bool = True


@dataclass(frozen=True)
class ExtractedArticle:
    """Everything stored about an article, computed from one page."""

    title: str | None
    text: str
    published_at: datetime | None
    authors: tuple[str, ...]
    site_name: str | None
    description: str | None
    canonical_url: str | None
    language: str | None
    encoding: str
    content_hash: str
    # The page as stored (crawler.pagebody); None when the input asked not to compress it.
    body_z: bytes | None = field(repr=False)
    # ISO 15924 script where the language has several: "Hans" / "Hant" for Chinese.
    script: str | None = None
    # SimHash, parties and evidence, for near-duplicates and stories (crawler.similarity).
    signature: TextSignature | None = None
    # Relevance to the topics (crawler.relevance): 0..1, the verdict, the concepts matched.
    # None when the topics file could not be read.
    relevance: float | None = None
    relevant: bool | None = None
    topics: tuple[str, ...] = ()
    # Title and text as the search index holds them (crawler.text.folding.search_terms): folded
    # here, in the worker, where relevance just folded the same words, rather than in the
    # single crawl process that writes the rows.
    search_terms: tuple[str, str] | None = None


@dataclass(frozen=True)
class Rejection:
    """Why a page is not stored as an article; ``reason`` is a stats key (CamelCase)."""

    reason: str
    detail: str


def extract_page(page: PageInput) -> ExtractedArticle | Rejection:
    """Extract the article in ``page``, or say why there is none."""
    global _pages_since_reset
    _pages_since_reset += 1
    if _pages_since_reset >= RESET_CACHES_EVERY:
        reset_caches()
        _pages_since_reset = 0

    mime = (page.content_type or "").split(";")[0].strip().lower()
    if mime not in HTML_TYPES:
        return Rejection("NotHtml", f"content type {mime!r} is not HTML")
    if page.encoding:
        html, encoding = decode_as(page.body, page.encoding, page.content_type, page.url)
    else:
        html, encoding = decode_html(page.body, page.content_type, page.url)
    if not html.strip():
        return Rejection("EmptyPage", "the response body is empty")
    if _looks_binary(html):
        return Rejection(
            "NotHtml", f"the body is binary data, not text, although served as {mime or 'HTML'}"
        )

    tree = parse_html(html)
    if tree is None:
        return Rejection("EmptyPage", "the response is not parsable HTML")
    # Every step below walks the tree in Python. lxml makes a Python object for an element
    # each time one is reached while none is alive (through lxml.html's class lookup, in
    # Python); holding them all for the page's lifetime makes them once (5% of a corpus
    # page's time).
    elements = list(tree.iter())
    if might_have_mojibake(html):
        repair_tree(tree)
    meta = read_metadata(tree, page.url)
    strip_elements(tree, "script", "style", "noscript", "template", with_tail=False)
    title = choose_title(tree, meta.meta_titles, meta.html_title, meta.site_names, page.url)
    title = title or _clean_meta(page.title_hint)
    # Dates and bylines are read before cleaning removes the lines they sit on.
    dated = meta.published is not None or page.published_hint is not None
    snippets = [] if dated else date_snippets(tree)
    authors = meta.authors or visible_authors(
        tree, snippets[:1] or headline_lines(tree), meta.site_names
    )
    if page.rules is not None:
        tree = apply_tree_rules(tree, page.rules)
        elements += tree.iter("html", "body")  # a narrowed tree's new skeleton
    clean_tree(tree)
    try:
        body = _main_text(tree, page.url, title, meta.description)
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        logger.debug("extraction failed for %s", page.url, exc_info=True)
        return Rejection("ExtractionFailed", f"{type(exc).__name__}: {exc}")
    if not body.strip():
        return Rejection("NoArticleBody", "no article text found on the page")

    text = clean_text(body, title, page.rules)
    if weight(text) < MIN_BODY_WEIGHT:
        return Rejection("NoArticleBody", f"body too short ({len(text)} characters)")
    language = detect_language(text, page.language_hint)
    visible = None
    if not dated:
        visible = visible_published(snippets, language) or url_date(page.url)
    published = _published_at(meta.published, page.published_hint, visible, page.timezone)
    return ExtractedArticle(
        title=title,
        text=text,
        published_at=published,
        authors=authors,
        site_name=meta.site_names[0] if meta.site_names else None,
        description=meta.description,
        canonical_url=_canonical(meta.canonical_url, page.url),
        language=language,
        encoding=encoding,
        content_hash=content_hash(text),
        body_z=compress_body(page.body) if page.compress else None,
        script=detect_script(text, language),
        signature=text_signature(title, text, language),
        **_relevance(title, text, language, page.topics),
        search_terms=(search_terms(title or ""), search_terms(text)),
    )


# Characters that text never holds in numbers: C0 controls but tab, newline, form feed and
# carriage return, and the replacement character that undecodable bytes become.
_BINARY = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")
BINARY_SAMPLE = 4096


def _looks_binary(html: str) -> bool:
    """Whether the decoded body is an image, an archive or random bytes sent as text/html:
    more than one character in ten near the start is one that text does not hold. (A stray
    NUL or a few bad bytes in a real page must not lose its article.)"""
    sample = html[:BINARY_SAMPLE]
    return len(_BINARY.findall(sample)) * 10 > len(sample)


def _relevance(
    title: str | None, text: str, language: str | None, topics: str | None
) -> dict[str, Any]:
    """The relevance fields of ExtractedArticle. The sources file's topics were validated
    before the crawl; one broken since then leaves relevance unknown rather than losing
    the article."""
    try:
        found = assess(title, text, language, load_topics(topics))
    except TopicsError as exc:
        logger.error("relevance not computed: %s", str(exc).splitlines()[0])
        return {}
    return {"relevance": found.relevance, "relevant": found.relevant, "topics": found.topics}


def _main_text(tree: HtmlElement, url: str, title: str | None, lead: str | None) -> str:
    """The article body as plain text, one paragraph per line ("" when none was found):
    trafilatura's and the region finder's opinions combined (see ``crawler.extraction.consensus``).

    trafilatura runs first without its fallback extractors (readability, jusText). When its
    text and the region finder's agree closely, the fallbacks would not change the outcome,
    so they are skipped (1.7 ms of a page's 15, on the benchmark's pages); otherwise the
    page is extracted again with them."""
    body = tree.find("body")
    region = find_region(
        page_blocks(body if body is not None else tree), find_headline(tree, title), title, lead
    )
    if region is None:
        return _trafilatura_text(tree, url, fast=False)
    region_all = region.text(with_links=True)
    found = _region_text(tree, url, region, fast=True)
    # found's paragraphs inside the region: asked by both steps below, found once
    agreed = agreed_paragraphs(found, region_all)
    if not agrees_closely(found, region_all, region.prose_weight, agreed):
        found = _region_text(tree, url, region, fast=False)
        agreed = agreed_paragraphs(found, region_all)
    return combine(
        found, region.text(), region.prose_weight, region_all, agreed if region_all else None
    )  # combine falls back to region.text()


def _region_text(tree: HtmlElement, url: str, region: Region, *, fast: bool) -> str:
    """trafilatura's text of the page, or of the region's chunks when those weigh more."""
    found = _trafilatura_text(tree, url, fast=fast)
    index = TextIndex(found)
    chunks = sibling_chunks(
        region.blocks, lambda b: index.contains(b.text), lambda b: block_score(b) > 0
    )
    if chunks:
        # one run per chunk: given them all at once, trafilatura again keeps only the first
        whole = "\n".join(
            _trafilatura_text(_document_of(chunk), url, fast=fast) for chunk in chunks
        )
        if weight(whole) > weight(found):
            found = whole
    return found


def _document_of(element: HtmlElement) -> HtmlElement:
    document = document_fromstring("<html><body></body></html>")
    document.find("body").append(deepcopy(element))
    return document


def _trafilatura_text(tree: HtmlElement, url: str, *, fast: bool) -> str:
    doc = trafilatura.bare_extraction(tree, options=_options(url, fast))
    if isinstance(doc, dict):  # only with as_dict=True, which is not asked for
        return str(doc.get("text") or "")
    return (doc.text or "") if doc is not None else ""


@cache
def _base_options() -> Extractor:
    return Extractor(
        output_format="python", precision=True, comments=False, tables=True, with_metadata=False
    )


def _options(url: str, fast: bool) -> Extractor:
    """trafilatura's options for one page: a copy of options made once, with the page's URL
    (making them anew reads trafilatura's configuration again: 1% of a page's time)."""
    options = copy(_base_options())
    options.url = url
    options.fast = fast
    options.source = url.encode("utf-8", "replace").decode("utf-8")  # as Extractor sets it
    return options


def content_hash(text: str) -> str:
    """Identity of an article's text: changes whenever a reader would see a change."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _clean_meta(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(value.split())
    return value or None


def _canonical(found: str | None, page_url: str) -> str | None:
    """The page's ``<link rel=canonical>`` (or ``og:url``), when it can be trusted: on the
    same site and not the home page. Broken CMSs point every
    article's canonical at the home page, which would merge all their articles into one."""
    if not found or not found.startswith(("http://", "https://")):
        return None
    canonical = normalize_url(found)
    if canonical == normalize_url(page_url) or not same_site(canonical, page_url):
        return None
    if urlsplit(canonical).path in ("", "/") and not urlsplit(canonical).query:
        return None
    return canonical


def _published_at(
    structured: datetime | None,
    hint: datetime | None,
    visible: datetime | None,
    timezone: str | None,
) -> datetime | None:
    """The first of: the page's structured metadata, the timestamp of the feed / news sitemap /
    API that linked it, a date the page shows its readers (or its URL holds). Naive times are
    in the source's time zone (UTC when it has none)."""
    zone = ZoneInfo(timezone) if timezone else UTC
    for candidate in (structured, hint, visible):
        if candidate is not None and plausible_date(candidate):
            aware = candidate if candidate.tzinfo else candidate.replace(tzinfo=zone)
            return aware.astimezone(UTC)
    return None
