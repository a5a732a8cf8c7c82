"""Turning stored article data into safe pieces for templates.

Stored text comes from arbitrary web pages, so nothing of it is ever marked safe: templates
receive plain strings (Jinja escapes them) and URLs only become links when they are http(s).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlencode, urlsplit

from storage.snippet import Snippet

SAFE_SCHEMES = ("http", "https")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def safe_href(url: str | None) -> str | None:
    """``url`` when it can be a link (an absolute http or https URL), else None: a
    ``javascript:``, ``data:`` or relative URL is shown as text, never made clickable."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    # Control characters and whitespace inside a URL are how scheme filters get fooled.
    if any(ord(c) < 0x21 or c == "\x7f" for c in url.strip()):
        return None
    return url.strip()


def paragraphs(text: str | None) -> list[str]:
    """The paragraphs of a stored text (separated by a blank line), stripped."""
    if not text:
        return []
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def snippet_parts(snippet: Snippet) -> list[tuple[str, bool]]:
    """A snippet as ``(text, highlighted)`` pieces, so the template can wrap the matches in
    ``<mark>`` while escaping every piece."""
    return [(part.text, part.match) for part in snippet.parts]


def code_parts(text: str) -> list[tuple[str, bool]]:
    """Docstring text as ``(text, is_code)`` pieces: the API's descriptions come from
    docstrings, which mark code as ``code``; the template shows those pieces as <code>."""
    pieces = text.split("``")
    if len(pieces) % 2 == 0:  # an unpaired ``: show the text as written
        return [(text, False)] if text else []
    return [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece]


def when(value: datetime | None) -> str:
    """A UTC time for people: ``2024-09-14 18:00 UTC``; ``-`` when unknown."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "undated"


def with_query(url: object, items: Iterable[tuple[str, str]]) -> str:
    """``url`` (without a query) with ``items`` as its query string, keys repeated as given."""
    query = urlencode(list(items))
    return f"{url}?{query}" if query else str(url)
