"""Query parameters shared by the search page, the JSON API and the Atom feed.

One pydantic model per kind of request, so the three accept the same filters with the same
validation, and the OpenAPI schema documents each parameter once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from crawler.text.languages import check_languages
from storage.filters import ArticleFilter
from storage.models import ARTICLE_ID_MAX, ARTICLE_ID_MIN

# search_articles cannot skip rows cheaply, so paging stops this deep (as search engines do).
MAX_RESULT_WINDOW = 10_000
MAX_QUERY_CHARS = 500


def _when(value: Any) -> Any:
    """``YYYY-MM-DD`` or an ISO 8601 datetime (naive means UTC); blank means no bound."""
    if value is None or isinstance(value, datetime):
        return value
    text = str(value).strip()
    if not text:
        return None  # an empty date field of the search form
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date (use YYYY-MM-DD or 2024-09-14T18:00:00+08:00)"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _values(value: Any) -> Any:
    """Repeated parameters with blanks dropped (an empty ``<select>`` option sends one)."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return value


def _blank_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _languages(values: list[str]) -> list[str]:
    """Known language codes, lower-cased: an unknown one would match nothing, silently."""
    return list(check_languages(values))


When = Annotated[datetime | None, BeforeValidator(_when)]
# An article id (also a story's cluster id), within the id column's range: a larger number
# is a bad parameter, not a value for the database driver to refuse.
ArticleId = Annotated[int, Field(ge=ARTICLE_ID_MIN, le=ARTICLE_ID_MAX)]
Values = Annotated[list[str], BeforeValidator(_values)]
Languages = Annotated[list[str], BeforeValidator(_values), AfterValidator(_languages)]


_P = TypeVar("_P", bound="FilterParams")


class FilterParams(BaseModel):
    """Which articles: a search query and the filters of ``newsmon search``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    q: str = Field(
        "",
        max_length=MAX_QUERY_CHARS,
        description=(
            'Search query: words (all must match), "exact phrases", OR, -excluded. '
            "Empty: every article, newest first."
        ),
    )
    source: Values = Field(default_factory=list, description="Only these sources (repeatable).")
    lang: Languages = Field(
        default_factory=list, description="Only these languages, ISO 639-1 codes (repeatable)."
    )
    since: When = Field(
        None,
        description="Published on or after this date (YYYY-MM-DD or "
        "ISO 8601; UTC unless an offset is given).",
    )
    until: When = Field(None, description="Published before this date.")
    relevant: Annotated[bool | None, BeforeValidator(_blank_none)] = Field(
        None,
        description="true: only articles scored relevant to climate cooperation; "
        "false: only those scored not relevant; empty: both.",
    )
    cluster: Annotated[ArticleId | None, BeforeValidator(_blank_none)] = Field(
        None, description="Only the reports of this story (its cluster id)."
    )
    party: Annotated[str | None, BeforeValidator(_blank_none)] = Field(
        None, max_length=64, description="Only articles naming this party id (e.g. unep, eu)."
    )
    duplicates: bool = Field(False, description="Include near-duplicates (hidden by default).")

    @model_validator(mode="after")
    def _ordered_dates(self) -> FilterParams:
        if self.since and self.until and self.since >= self.until:
            raise ValueError(
                f"since ({self.since.date()}) must be before until ({self.until.date()})"
            )
        return self

    @property
    def query(self) -> str | None:
        """The search query, or None when the request only browses."""
        return self.q.strip() or None

    def article_filter(self) -> ArticleFilter:
        return ArticleFilter(
            sources=tuple(dict.fromkeys(self.source)),
            languages=tuple(self.lang),
            since=self.since,
            until=self.until,
            relevant=self.relevant,
            cluster=self.cluster,
            party=self.party.strip().lower() if self.party else None,
            include_duplicates=self.duplicates,
        )

    def query_items(self) -> list[tuple[str, str]]:
        """The filter as URL query items (to link to the same results elsewhere)."""
        items = [("q", self.q)] if self.q else []
        items += [("source", s) for s in self.source] + [("lang", x) for x in self.lang]
        items += [
            (name, value.date().isoformat() if _is_midnight_utc(value) else value.isoformat())
            for name, value in (("since", self.since), ("until", self.until))
            if value
        ]
        if self.relevant is not None:
            items.append(("relevant", str(self.relevant).lower()))
        if self.cluster is not None:
            items.append(("cluster", str(self.cluster)))
        if self.party:
            items.append(("party", self.party))
        if self.duplicates:
            items.append(("duplicates", "true"))
        return items


def _is_midnight_utc(value: datetime) -> bool:
    return value.utcoffset() == timedelta(0) and value.time() == datetime.min.time()


class SearchParams(FilterParams):
    """A page of search results (or of the newest articles when ``q`` is empty)."""

    sort: Annotated[Literal["relevance", "date"] | None, BeforeValidator(_blank_none)] = Field(
        None,
        description="relevance (default with a query) or date (newest first; the only "
        "order without one).",
    )
    page: int = Field(1, ge=1, description="Page number, from 1.")
    per_page: int = Field(20, ge=1, le=100, description="Results per page.")

    @model_validator(mode="after")
    def _window(self) -> SearchParams:
        if self.page * self.per_page > MAX_RESULT_WINDOW:
            raise ValueError(
                f"page {self.page} is too deep: only the first "
                f"{MAX_RESULT_WINDOW:,} results can be paged through; narrow "
                "the search instead"
            )
        return self

    @property
    def order(self) -> Literal["relevance", "date"]:
        return "date" if self.query is None else (self.sort or "relevance")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class FeedParams(FilterParams):
    """The Atom feed: the newest relevant articles matching the filter."""

    relevant: Annotated[bool | None, BeforeValidator(_blank_none)] = Field(
        True,
        description="true (the default): only articles scored relevant to climate "
        "cooperation; false: only those scored not relevant; empty: both.",
    )

    limit: int = Field(50, ge=1, le=200, description="How many entries, newest first.")


def describe_errors(errors: Sequence[Any]) -> str:
    """One line naming each bad parameter (from pydantic's or FastAPI's ``errors()``), for
    the page and for the API's 400 detail."""
    parts = []
    for error in errors:
        location = [str(x) for x in error.get("loc", ()) if x not in ("query", "path", "body")]
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        if error.get("type") == "extra_forbidden":
            message = "unknown parameter"
        parts.append(f"{location[0]}: {message}" if location else message)
    return "; ".join(parts) or "invalid parameters"


def parse_params(model: type[_P], items: Iterable[tuple[str, str]]) -> _P:
    """``model`` from URL query items (repeated keys become lists where the model has
    lists); raises ``pydantic.ValidationError``."""
    values: dict[str, Any] = {}
    for key, value in items:
        field = model.model_fields.get(key)
        if field is not None and _is_list(field.annotation):
            values.setdefault(key, []).append(value)
        else:
            values[key] = value
    return model.model_validate(values)


def _is_list(annotation: Any) -> bool:
    return get_origin(annotation) is list or annotation is list
