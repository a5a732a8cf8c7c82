"""Where a page's article text and metadata are extracted: the only module importing trafilatura.

``extract_page`` is a plain function on plain data so it runs in worker processes (see
``crawler.workers``): trafilatura is CPU-bound and would stall Scrapy's event loop, and it must
never run in threads (lxml crashed a thread-pool prototype with ``double free``). It decodes,
extracts, cleans, detects the language, hashes and compresses, so the crawl's main process only
moves bytes and writes rows.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import trafilatura
from trafilatura import load_html
from trafilatura.meta import reset_caches

from crawler.boilerplate import prune_link_blocks
from crawler.cleanup import clean_text, strip_site_name
from crawler.config import ExtractionRules
from crawler.encoding import decode_html
from crawler.language import detect_language
from crawler.metadata import clean_authors, parse_datetime, structured_authors, structured_published
from crawler.urls import normalize_url, same_site

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

# A body shorter than this (CJK characters count thrice) is a teaser, a video or a gallery page.
MIN_BODY_WEIGHT = 250
# Clear trafilatura's process-wide LRU caches this often: they only grow in a long run.
RESET_CACHES_EVERY = 200
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")

_pages_since_reset = 0


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
    body_z: bytes = field(repr=False)


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
        html, encoding = page.body.decode(page.encoding, errors="replace"), page.encoding
    else:
        html, encoding = decode_html(page.body, page.content_type)
    if not html.strip():
        return Rejection("EmptyPage", "the response body is empty")

    tree = load_html(html)
    if tree is None:
        return Rejection("EmptyPage", "the response is not parsable HTML")
    published = structured_published(tree)
    authors = structured_authors(tree)
    prune_link_blocks(tree)
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=page.url,
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={
                "outputformat": "%Y-%m-%dT%H:%M:%S%z",
                "original_date": True,
                "extensive_search": True,
            },
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        logger.debug("extraction failed for %s", page.url, exc_info=True)
        return Rejection("ExtractionFailed", f"{type(exc).__name__}: {exc}")
    if doc is None or not (doc.text or "").strip():
        return Rejection("NoArticleBody", "no article text found on the page")

    site_name = _clean_meta(doc.sitename)
    title = _clean_meta(doc.title) or page.title_hint
    if title:
        title = strip_site_name(title, site_name)
    text = clean_text(doc.text or "", title)
    if _weight(text) < MIN_BODY_WEIGHT:
        return Rejection("NoArticleBody", f"body too short ({len(text)} characters)")

    return ExtractedArticle(
        title=title,
        text=text,
        published_at=_published_at(published, doc.date, page.published_hint, page.timezone),
        authors=authors or clean_authors(_split_authors(doc.author)),
        site_name=site_name,
        description=_clean_meta(doc.description),
        canonical_url=_canonical(doc.url, page.url),
        language=detect_language(text, page.language_hint),
        encoding=encoding,
        content_hash=content_hash(text),
        body_z=zlib.compress(page.body, 6),
    )


def content_hash(text: str) -> str:
    """Identity of an article's text: changes whenever a reader would see a change."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _weight(text: str) -> int:
    return len(text) + 2 * len(_CJK.findall(text))


def _clean_meta(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(value.split())
    return value or None


def _split_authors(value: str | None) -> list[str]:
    return re.split(r"[;、]", value) if value else []


def _canonical(found: str | None, page_url: str) -> str | None:
    """The page's ``<link rel=canonical>`` (trafilatura reports it as the document URL), when
    it can be trusted: on the same site and not the home page. Broken CMSs point every
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
    structured: datetime | None, found: str | None, hint: datetime | None, timezone: str | None
) -> datetime | None:
    """The first of: the page's structured metadata, the timestamp of the feed / news sitemap /
    API that linked it, the page's date found by htmldate's heuristics (which guess a bare
    year from a copyright line as 1 January). Naive times are in the source's time zone."""
    zone = ZoneInfo(timezone) if timezone else UTC
    for candidate in (structured, hint, parse_datetime(found) if found else None):
        if candidate is not None:
            aware = candidate if candidate.tzinfo else candidate.replace(tzinfo=zone)
            return aware.astimezone(UTC)
    return None
