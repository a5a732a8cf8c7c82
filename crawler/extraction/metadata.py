"""What a page says about itself in its ``<head>`` and JSON-LD: title, site name, description,
canonical link, publication date and authors, read before any heuristic.

Structured fields are what publishers mean, so they come first. (htmldate, inside trafilatura,
prefers a date found in the URL, which has no time of day: a page at ``/2023/1205/`` stating
``2023-12-05T09:30:00+08:00`` in its metadata came out as midnight; and it was most of the
extraction time, spent in dateparser's locale guessing.)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.extraction.authors import clean_authors
from crawler.extraction.dates import plausible_date
from crawler.text.isodate import parse_datetime

# Meta tags naming the publication time, most specific first.
DATE_META = (
    "article:published_time",
    "og:published_time",
    "published_time",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "sailthru.date",
    "parsely-pub-date",
    "cxenseparse:recs:publishtime",
)
AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "parsely-author",
    "sailthru.author",
)
TITLE_META = ("og:title", "twitter:title", "dc.title", "headline")
SITE_META = ("og:site_name", "application-name", "apple-mobile-web-app-title", "publisher")
DESCRIPTION_META = ("og:description", "description", "twitter:description", "dc.description")


@dataclass(frozen=True)
class PageMetadata:
    """The page's own statements about itself; None / () where it makes none."""

    meta_titles: tuple[str, ...]
    html_title: str | None
    site_names: tuple[str, ...]
    description: str | None
    canonical_url: str | None
    published: datetime | None
    authors: tuple[str, ...]


@dataclass(frozen=True)
class _Head:
    """A page's JSON-LD objects and ``<meta>`` contents, read once."""

    ld: tuple[dict[str, Any], ...]
    meta: dict[str, list[str]]

    @classmethod
    def read(cls, tree: HtmlElement) -> _Head:
        table: dict[str, list[str]] = {}
        for meta in tree.iter("meta"):
            name = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
            content = (meta.get("content") or "").strip()
            if name and content:
                table.setdefault(name.lower(), []).append(content)
        return cls(tuple(_json_ld(tree)), table)

    def values(self, keys: Iterable[str]) -> list[str]:
        return [v for key in keys for v in self.meta.get(key, ())]


def read_metadata(tree: HtmlElement, url: str | None = None) -> PageMetadata:
    """Everything ``PageMetadata`` holds, from meta tags, ``<link>`` and JSON-LD."""
    head = _Head.read(tree)
    meta_titles = [str(o["headline"]) for o in head.ld if isinstance(o.get("headline"), str)]
    meta_titles += head.values(TITLE_META)
    title_element = tree.find(".//title")
    html_title = title_element.text_content() if title_element is not None else None
    sites = head.values(SITE_META)
    for obj in head.ld:
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            sites.append(publisher["name"])
    descriptions = head.values(DESCRIPTION_META)
    descriptions += [
        str(o["description"]) for o in head.ld if isinstance(o.get("description"), str)
    ]
    return PageMetadata(
        meta_titles=tuple(dict.fromkeys(meta_titles)),
        html_title=html_title,
        site_names=tuple(dict.fromkeys(" ".join(s.split()) for s in sites if s.strip())),
        description=" ".join(descriptions[0].split()) if descriptions else None,
        canonical_url=_canonical_link(tree, head, url),
        published=structured_published(tree, head),
        authors=structured_authors(tree, head, sites),
    )


def _canonical_link(tree: HtmlElement, head: _Head, url: str | None) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return urljoin(url or "", link.get("href").strip())
    for value in head.values(("og:url",)):
        return urljoin(url or "", value)
    return None


def structured_published(tree: HtmlElement, head: _Head | None = None) -> datetime | None:
    """The first parseable and plausible publication datetime in JSON-LD, meta tags, or
    <time> (a placeholder such as 0001-01-01 gives way to the next)."""
    for value in _published_candidates(tree, head or _Head.read(tree)):
        parsed = parse_datetime(value)
        if parsed is not None and plausible_date(parsed):
            return parsed
    return None


def structured_authors(
    tree: HtmlElement, head: _Head | None = None, site_names: Sequence[str] = ()
) -> tuple[str, ...]:
    """Author names from JSON-LD or meta tags, cleaned by ``clean_authors`` (``site_names``
    are the site's own names, never an author); () when none."""
    head = head or _Head.read(tree)
    names: list[str] = []
    for obj in head.ld:
        names.extend(_ld_names(obj.get("author")))
        if names:
            break
    if not names:
        for key in AUTHOR_META:
            names.extend(
                v for v in head.values((key,)) if not v.startswith(("http://", "https://"))
            )
            if names:
                break
    return clean_authors(names, site_names, structured=True)


def _published_candidates(tree: HtmlElement, head: _Head) -> Iterator[str]:
    for obj in head.ld:
        for key in ("datePublished", "dateCreated", "uploadDate"):
            if isinstance(obj.get(key), str):
                yield obj[key]
    yield from head.values(DATE_META)
    for value in tree.xpath(
        '//*[@itemprop="datePublished"]/@content'
        '|//*[@itemprop="datePublished"]/@datetime'
        "|//article//time/@datetime|//time[@pubdate]/@datetime"
    ):
        yield str(value)


def _json_ld(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "")
        except (json.JSONDecodeError, ValueError):
            continue
        yield from _ld_objects(data)


def _ld_objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _ld_objects(item)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _ld_objects(data["@graph"])
        kind = data.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(
            isinstance(k, str) and k.endswith(("Article", "Posting", "Report", "WebPage"))
            for k in kinds
        ):
            yield data


def _ld_names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [value["name"]] if isinstance(value.get("name"), str) else []
    if isinstance(value, list):
        return [name for item in value for name in _ld_names(item)]
    return []
