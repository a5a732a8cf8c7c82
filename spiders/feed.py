"""RSS 2.0, RSS 1.0/RDF and Atom feeds -> article links, via feedparser (tolerant of bad XML)."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

import feedparser

from spiders.links import ArticleLink


class FeedError(ValueError):
    """The document is not a feed we can read."""


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> list[ArticleLink]:
    """Entries of the feed in ``body`` (fetched from ``url``); FeedError if it is no feed."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise FeedError(f"not an RSS/Atom feed: {reason or 'no feed elements found'}")
    links = []
    for entry in parsed.entries:
        link = _entry_link(entry)
        if not link:
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = (
            datetime.fromtimestamp(calendar.timegm(when), tz=UTC) if when else None
        )
        title = (entry.get("title") or "").strip() or None
        links.append(ArticleLink(url=link, published_at=published, title=title))
    return links


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
