"""Sitemaps (urlset, sitemap index, gzip, Google News) -> article links and child sitemaps.

Written here rather than reusing ``scrapy.utils.sitemap.Sitemap``: that class flattens nested
elements, so a Google News sitemap's ``<news:publication_date>`` and ``<news:title>`` are lost,
and Scrapy documents its API as subject to change without notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO

import lxml.etree
from scrapy.utils.gz import gunzip

from spiders.links import ArticleLink


class SitemapError(ValueError):
    """The document is not a sitemap we can read."""


@dataclass
class ParsedSitemap:
    kind: str  # "urlset" or "sitemapindex"
    links: list[ArticleLink] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    # What was wrong with the XML when it was read anyway (lxml recovers what it can).
    problem: str | None = None


def sitemap_body(body: bytes, max_size: int) -> bytes:
    """The XML of a possibly gzip-compressed sitemap, refusing to inflate past ``max_size``."""
    if body[:2] == b"\x1f\x8b":
        try:
            return gunzip(body, max_size=max_size)
        except Exception as exc:  # _DecompressionMaxSizeExceeded, OSError, EOFError
            why = str(exc) or type(exc).__name__
            raise SitemapError(f"cannot decompress gzip sitemap: {why}") from None
    return body


def parse_sitemap(body: bytes) -> ParsedSitemap:
    """Parse a sitemap or sitemap index; SitemapError if the XML is neither."""
    try:
        events = lxml.etree.iterparse(
            BytesIO(body),
            events=("start", "end"),
            recover=True,
            resolve_entities=False,
            no_network=True,
            remove_comments=True,
            huge_tree=False,
        )
        _, root = next(events)
    except (lxml.etree.XMLSyntaxError, StopIteration) as exc:
        raise SitemapError(f"not XML: {exc or 'empty document'}") from None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"root element <{kind}> is neither <urlset> nor <sitemapindex>")
    parsed = ParsedSitemap(kind=kind)
    try:
        for event, elem in events:
            if event != "end" or _local(elem.tag) not in ("url", "sitemap"):
                continue
            values = {_local(child.tag): child for child in elem.iter() if child is not elem}
            loc = (values["loc"].text or "").strip() if "loc" in values else ""
            if loc.startswith(("http://", "https://")):
                if kind == "sitemapindex":
                    parsed.sitemaps.append(loc)
                else:
                    parsed.links.append(_link(loc, values))
            elem.clear()
    except lxml.etree.XMLSyntaxError as exc:
        if not (parsed.links or parsed.sitemaps):
            raise SitemapError(f"broken XML: {exc}") from None
        parsed.problem = f"malformed sitemap XML, read anyway: {exc}"
    errors = [e for e in events.error_log if e.level >= lxml.etree.ErrorLevels.ERROR]
    if errors and parsed.problem is None:
        found = len(parsed.links) + len(parsed.sitemaps)
        parsed.problem = (
            f"malformed sitemap XML, read anyway ({found} URLs): "
            f"line {errors[0].line}: {errors[0].message}"
        )
    return parsed


def _link(loc: str, values: dict[str, lxml.etree._Element]) -> ArticleLink:
    # Only a news sitemap's publication date says when an article was published; <lastmod>
    # is when the page last changed, often a re-publication or a comment.
    when = _text(values.get("publication_date"))
    title = _text(values.get("title"))
    return ArticleLink(url=loc, published_at=_parse_w3c_date(when), title=title)


def _text(elem: lxml.etree._Element | None) -> str | None:
    if elem is None or not elem.text:
        return None
    return elem.text.strip() or None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parse_w3c_date(value: str | None) -> datetime | None:
    """W3C datetime (``2024-09-14``, ``2024-09-14T18:48:49+08:00``, ``...Z``) -> aware UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
