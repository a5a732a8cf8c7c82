"""The sample site's ground truth (``expected.json``): what a crawl of it must and must not store.

One entry per article page:

- ``path``: the URL path the article must be stored under, after canonical links, redirects
  and tracking parameters are resolved.
- ``published_at``: ISO 8601 as the page states it: a datetime with offset when the page (or
  its metadata) gives one, a bare date when it only shows a local time without a time zone.
- ``language``: ISO 639-1 (``zh`` for both Chinese scripts); ``authors``: ``[]`` when none.
- ``must_contain``: 3-5 exact body fragments, NFC, as they read after decoding.
- ``must_not_contain``: the junk on that page (menus, banners, disclaimers, related news,
  cookie text, ...). ``body_junk`` is the part of it that sits inside the article container
  (watermarks, promo and repeated paragraphs, press-wire lines): boilerplate removal alone
  will not drop it.
- ``encoding`` (Python codec of the page's bytes) and ``charset_in`` (where the charset is
  declared: ``header``, ``meta``, both or neither) describe how the page is served.

``not_articles`` lists paths that must never be stored: video and gallery pages, listing
pages, robots-disallowed and dead URLs, links a listing must not follow.
"""

from __future__ import annotations

import codecs
import json
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crawler.demo.bundle import EXPECTED_FILE, bundled_path


class ExpectedArticle(BaseModel):
    """One article page of the sample site and what its stored article must look like."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    path: str = Field(pattern=r"^/")
    title: str = Field(min_length=1)
    published_at: str
    language: str = Field(pattern=r"^[a-z]{2}$")
    authors: tuple[str, ...]
    must_contain: tuple[str, ...] = Field(min_length=3, max_length=5)
    must_not_contain: tuple[str, ...] = Field(min_length=1)
    body_junk: tuple[str, ...] = ()
    encoding: str
    charset_in: tuple[Literal["header", "meta"], ...]

    @property
    def published(self) -> date | datetime:
        """``published_at`` parsed: a ``date``, or an aware ``datetime``."""
        return _parse_published(self.published_at)

    @field_validator("published_at")
    @classmethod
    def _published_is_iso(cls, value: str) -> str:
        _parse_published(value)
        return value

    @field_validator("encoding")
    @classmethod
    def _encoding_is_a_codec(cls, value: str) -> str:
        codecs.lookup(value)  # raises LookupError, reported by pydantic as a value error
        return value

    @field_validator("title", "authors", "must_contain", "must_not_contain", "body_junk")
    @classmethod
    def _nfc(cls, value: str | tuple[str, ...]) -> str | tuple[str, ...]:
        for text in (value,) if isinstance(value, str) else value:
            if not unicodedata.is_normalized("NFC", text):
                raise ValueError(f"not in NFC: {text!r}")
        return value

    @model_validator(mode="after")
    def _body_junk_is_junk(self) -> ExpectedArticle:
        stray = set(self.body_junk) - set(self.must_not_contain)
        if stray:
            raise ValueError(f"body_junk not listed in must_not_contain: {sorted(stray)}")
        return self


class ExpectedSite(BaseModel):
    """All article pages of the sample site, and the paths that must never be stored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    articles: tuple[ExpectedArticle, ...] = Field(min_length=1)
    not_articles: tuple[str, ...]

    def for_source(self, source: str) -> tuple[ExpectedArticle, ...]:
        """The articles of one source, in file order."""
        return tuple(article for article in self.articles if article.source == source)

    @model_validator(mode="after")
    def _paths_are_distinct(self) -> ExpectedSite:
        paths = [article.path for article in self.articles]
        duplicates = sorted({path for path in paths if paths.count(path) > 1})
        if duplicates:
            raise ValueError(f"article paths listed twice: {duplicates}")
        both = sorted(set(paths) & set(self.not_articles))
        if both:
            raise ValueError(f"paths listed as articles and as not_articles: {both}")
        return self


def load_expected(path: Path | None = None) -> ExpectedSite:
    """Read and validate ``expected.json`` (the bundled one by default)."""
    path = path if path is not None else bundled_path(EXPECTED_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read expected articles: {exc}") from None
    try:
        return ExpectedSite.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{path}: invalid expected articles:\n{exc}") from None


def _parse_published(value: str) -> date | datetime:
    if len(value) == len("2024-01-31"):
        return date.fromisoformat(value)
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"a datetime needs an offset, got {value!r}")
    return parsed
