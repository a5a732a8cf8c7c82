"""The Atom feed: the newest articles matching the search page's filters, for feed readers.

Written with a Jinja template (``templates/feed.xml``, autoescaped like every template)
rather than feedgen: feedgen 1.0 drops the ``rel`` of entry links (lkiesow/python-feedgen
#135, open since 2024), so readers could not tell our page from the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response

from crawler.web.database import SessionDep
from crawler.web.params import FeedParams
from crawler.web.render import safe_href, with_query
from crawler.web.results import newest_articles
from crawler.web.templating import render
from storage.errors import QuerySyntaxError
from storage.models import Article
from storage.snippet import make_snippet

ATOM_MEDIA_TYPE = "application/atom+xml"
SUMMARY_TOKENS = 60
# Characters XML 1.0 forbids even as references; a scraped page may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

router = APIRouter(tags=["feed"])


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    page_url: str
    original_url: str | None
    updated: str
    published: str | None
    language: str | None
    authors: list[str]
    categories: list[tuple[str, str]]
    summary: str


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    updated: str
    self_url: str
    search_url: str
    entries: list[Entry]


@router.get(
    "/feed.atom",
    name="atom_feed",
    response_class=Response,
    summary="Atom feed",
    responses={200: {"content": {ATOM_MEDIA_TYPE: {}}, "description": "An Atom 1.0 feed."}},
)
def atom_feed(
    request: Request, params: Annotated[FeedParams, Query()], session: SessionDep
) -> Response:
    """The newest articles matching the filters (the search page's parameters), as an Atom
    feed for any feed reader."""
    try:
        articles = newest_articles(session, params)
    except QuerySyntaxError as exc:
        raise HTTPException(400, f"q: {exc}") from None
    entries = [_entry(request, article) for article in articles]
    updated = max((_changed(a) for a in articles), default=datetime.now(UTC))
    feed = Feed(
        id=str(request.url),
        title=_xml("newsmon: " + _describe(params)),
        updated=_rfc3339(updated),
        self_url=str(request.url),
        search_url=with_query(request.url_for("search_page"), params.query_items()),
        entries=entries,
    )
    # The charset parameter too: without it browsers decode application/*+xml as Latin-1.
    return render(
        request, "feed.xml", {"feed": feed}, media_type=f"{ATOM_MEDIA_TYPE}; charset=utf-8"
    )


def _entry(request: Request, article: Article) -> Entry:
    page = str(request.url_for("article_page", article_id=article.id))
    categories = [(article.source.name, f"source: {article.source.name}")]
    if article.language:
        categories.append((f"lang:{article.language}", f"language: {article.language}"))
    summary = article.description or make_snippet(article.text, (), size=SUMMARY_TOKENS).text
    return Entry(
        # The article's URL is its permanent identity; our page's address may change.
        id=safe_href(article.url) or page,
        title=_xml(article.title or "(untitled)"),
        page_url=page,
        original_url=safe_href(article.canonical_url) or safe_href(article.url),
        updated=_rfc3339(_changed(article)),
        published=_rfc3339(article.published_at) if article.published_at else None,
        language=article.language,
        authors=[_xml(name) for name in article.authors or [] if name.strip()],
        categories=categories,
        summary=_xml(summary),
    )


def _changed(article: Article) -> datetime:
    """When the entry last changed: its text changed, else it was first stored."""
    return article.updated_at or article.created_at


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _describe(params: FeedParams) -> str:
    parts = [f'"{params.query}"'] if params.query else ["newest articles"]
    if params.source:
        parts.append("from " + ", ".join(params.source))
    if params.lang:
        parts.append("in " + ", ".join(params.lang))
    if params.since:
        parts.append(f"since {params.since.date()}")
    if params.until:
        parts.append(f"before {params.until.date()}")
    return " ".join(parts)
