"""The JSON API's response shapes: what the OpenAPI schema documents to API users.

Field names follow ``newsmon export`` (``crawler.output.formats.EXPORT_FIELDS``), so a script can
read both; datetimes are ISO 8601 in UTC.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ErrorOut(BaseModel):
    detail: str = Field(description="What is wrong, naming the parameter or thing at fault.")


class ArticleRef(BaseModel):
    """Another article, briefly (for lists of duplicates and versions)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str | None
    source: str
    language: str | None
    published_at: datetime | None


class PartyOut(BaseModel):
    id: str
    name: str


class ArticleOut(BaseModel):
    """One stored article, as ``newsmon export`` writes it, with the related articles."""

    id: int
    url: str = Field(description="The article's normalised URL (its identity).")
    canonical_url: str | None
    source: str
    title: str | None
    text: str = Field(description="Clean text; paragraphs separated by a blank line.")
    published_at: datetime | None
    language: str | None = Field(description="ISO 639-1 (zh for both Chinese scripts).")
    script: str | None = Field(description="ISO 15924 script where a language has several.")
    authors: list[str]
    site_name: str | None
    description: str | None
    fetched_at: datetime
    updated_at: datetime | None = Field(description="When the text last changed, if ever.")
    content_hash: str
    relevance: float | None = Field(
        description="Relevance to climate cooperation, 0 to 1 (None: not scored)."
    )
    relevant: bool | None
    topics: list[str]
    duplicate_of: int | None = Field(description="The original, when this is a near-duplicate.")
    cluster: int | None = Field(description="The story's id (its first article's id).")
    parties: list[PartyOut] = Field(description="Parties the article names, most named first.")
    duplicates: list[ArticleRef] = Field(
        default_factory=list, description="Copies of this article stored from other pages."
    )
    versions: list[ArticleRef] = Field(
        default_factory=list, description="The same story in other languages."
    )


class SnippetPartOut(BaseModel):
    """A piece of an excerpt and whether it is one of the words the query matched."""

    text: str
    match: bool


class ResultOut(BaseModel):
    """One article in a result list."""

    id: int
    url: str
    source: str
    title: str | None
    published_at: datetime | None
    language: str | None
    relevant: bool | None
    duplicate_of: int | None
    cluster: int | None
    snippet: str = Field(description="An excerpt, as plain text (no marks of any kind).")
    snippet_parts: list[SnippetPartOut] = Field(
        description="The excerpt in pieces, each saying whether it matched the query; their "
        "texts joined are `snippet`. Without a query, one piece that did not match."
    )
    score: float | None = Field(
        description="Search score, higher is better (None when listing without a query)."
    )


class FacetCountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    value: str | None
    count: int


class FacetsOut(BaseModel):
    """Hits per source and per language. Each dimension is counted without its own filter,
    so the other values show how many hits choosing them would add."""

    sources: list[FacetCountOut]
    languages: list[FacetCountOut]


class SearchOut(BaseModel):
    """One page of results and the counts of everything the request matches."""

    query: str | None
    sort: str
    page: int
    per_page: int
    total: int = Field(description="Articles matching the query and every filter.")
    total_exact: bool = Field(
        description="false: more than total match (searches count their hits only up to a cap)."
    )
    pages: int
    results: list[ResultOut]
    facets: FacetsOut


class RunOut(BaseModel):
    """One crawl of a source (a ``crawl_runs`` row)."""

    model_config = ConfigDict(from_attributes=True)

    started_at: datetime
    finished_at: datetime | None
    trigger: str
    status: str = Field(description="running, ok, failed or interrupted.")
    pages_fetched: int
    articles_found: int | None = Field(
        None, description="Article links discovery found (zero makes the run a bad one)."
    )
    articles_new: int
    articles_updated: int
    articles_unchanged: int
    articles_failed: int
    pages_dropped: dict[str, int] = Field(description="Pages not stored, by named reason.")
    reason: str | None = Field(description="Why the run failed, when it did.")
    errors: list[str]


class SourceOut(BaseModel):
    """A source's health, as ``newsmon status --format json`` reports it."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    configured: bool = Field(
        description="Whether the sources file the server was started with lists it."
    )
    schedule: str | None
    next_run_at: datetime | None
    articles: int
    newest_published_at: datetime | None
    last_run: RunOut | None
    new_last_run: int
    new_7_days: int
    consecutive_bad_runs: int
    health: str = Field(description="ok, degraded, broken or new.")
    health_reason: str | None
    last_errors: list[str]
