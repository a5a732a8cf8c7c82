"""RSS 2.0, RSS 1.0/RDF and Atom feeds -> article links, via feedparser (tolerant of bad XML)."""

from __future__ import annotations

import calendar
import re
import xml.sax
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser

from spiders.links import ArticleLink

# The start of an HTML document: what a feed URL serves after a redesign or an error.
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)


class FeedError(ValueError):
    """The document is not a feed we can read."""


@dataclass
class Feed:
    """A feed's article links, and what was wrong with it when it was read anyway."""

    links: list[ArticleLink] = field(default_factory=list)
    problem: str | None = None


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> list[ArticleLink]:
    """Entries of the feed in ``body`` (fetched from ``url``); FeedError if it is no feed."""
    return read_feed(body, url, content_type).links


def read_feed(body: bytes, url: str, content_type: str | None = None) -> Feed:
    """``parse_feed`` that also says when broken XML was read anyway (feedparser recovers
    what it can: the entries before the break)."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    if not parsed.get("version") and not parsed.entries:
        if _HTML_START.match(body[:2048]):
            raise FeedError("not an RSS/Atom feed but an HTML page")
        reason = parsed.get("bozo_exception")
        raise FeedError(f"not an RSS/Atom feed: {reason or 'no feed elements found'}")
    feed = Feed()
    links = feed.links
    for entry in parsed.entries:
        link = _entry_link(entry)
        if not link:
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime.fromtimestamp(calendar.timegm(when), tz=UTC) if when else None
        title = (entry.get("title") or "").strip() or None
        links.append(ArticleLink(url=link, published_at=published, title=title))
    # Only broken XML is worth a crawl error; feedparser also flags harmless things such as
    # a charset declared differently by the header and the document.
    error = parsed.get("bozo_exception")
    if parsed.get("bozo") and isinstance(error, xml.sax.SAXParseException):
        feed.problem = (
            f"malformed feed XML, read anyway ({len(links)} links): "
            f"line {error.getLineNumber()}: {error.getMessage()}"
        )
    return feed


def _entry_link(entry: feedparser.FeedParserDict) -> str | None:
    """The entry's HTML page: ``<link>``, else an ``alternate`` link, else a URL-like guid."""
    link = entry.get("link")
    if link and link.startswith(("http://", "https://")):
        return str(link)
    for alt in entry.get("links", []):
        href = alt.get("href", "")
        if alt.get("rel", "alternate") == "alternate" and href.startswith(("http://", "https://")):
            return str(href)
    guid = entry.get("id", "")
    if guid.startswith(("http://", "https://")):
        return str(guid)
    return None
