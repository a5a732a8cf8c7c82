"""The HTML pages: search, article, sources, and the API overview.

Pages validate their query parameters themselves (``parse_params``) so that a bad value is
shown as a message above the search form instead of FastAPI's JSON error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from crawler.similarity.parties import party_name
from crawler.web.database import SessionDep
from crawler.web.params import MAX_RESULT_WINDOW, SearchParams, describe_errors, parse_params
from crawler.web.render import paragraphs, safe_href, with_query
from crawler.web.results import (
    ResultPage,
    find_articles,
    find_related,
    is_known_source,
    source_health,
)
from crawler.web.templating import render
from storage.errors import QuerySyntaxError
from storage.models import Article
from storage.paging import FacetCount
from storage.queries import get_article, recent_runs

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
RUNS_SHOWN = 30


@dataclass(frozen=True)
class FacetEntry:
    value: str
    count: int | None
    checked: bool


@dataclass(frozen=True)
class FacetGroup:
    name: str  # the query parameter
    title: str
    entries: list[FacetEntry]


@router.get("/", name="search_page")
def search_page(request: Request, session: SessionDep) -> Response:
    """Search form, facets and one page of results (the newest articles without a query)."""
    items = request.query_params.multi_items()
    raw = {
        key: request.query_params.get(key, "")
        for key in ("q", "since", "until", "sort", "relevant", "duplicates", "cluster", "party")
    }
    chosen = {key: request.query_params.getlist(key) for key in ("source", "lang")}
    context: dict[str, Any] = {
        "nav": "search",
        "raw": raw,
        "params": None,
        "results": None,
        "error": None,
    }
    try:
        params = parse_params(SearchParams, items)
    except ValidationError as exc:
        context.update(
            error=describe_errors(exc.errors()),
            facets=_facets(None, chosen),
            feed_url=request.url_for("atom_feed"),
        )
        return render(request, "search.html", context, status_code=400)
    context.update(
        params=params, feed_url=with_query(request.url_for("atom_feed"), params.query_items())
    )
    try:
        results = find_articles(session, params)
    except QuerySyntaxError as exc:
        context.update(
            error=f"Cannot search for {params.query!r}: {exc}", facets=_facets(None, chosen)
        )
        return render(request, "search.html", context, status_code=400)
    base = request.url_for("search_page")

    def page_url(number: int) -> str:
        extra: list[tuple[str, str]] = [("sort", params.sort)] if params.sort else []
        if params.per_page != SearchParams.model_fields["per_page"].default:
            extra.append(("per_page", str(params.per_page)))
        return with_query(base, [*params.query_items(), *extra, ("page", str(number))])

    last = _last_page(results)
    context.update(
        results=results,
        facets=_facets(results, chosen),
        page_url=page_url,
        last_page=last,
        page_numbers=_page_numbers(params.page, last),
    )
    return render(request, "search.html", context)


@router.get("/articles/{article_id}", name="article_page")
def article_page(request: Request, article_id: int, session: SessionDep) -> Response:
    """An article's clean text, metadata, link to the original and related articles."""
    article = get_article(session, article_id)
    if article is None:
        return _not_found(request, f"There is no article with id {article_id}.")
    related = find_related(session, article)
    original = article.canonical_url or article.url
    return render(
        request,
        "article.html",
        {
            "nav": "search",
            "article": article,
            "paragraphs": paragraphs(article.text),
            "original_url": original,
            "original_href": safe_href(original),
            "extra_metadata": _story_metadata(article),
            "story_url": None
            if article.cluster is None
            else with_query(
                request.url_for("search_page"),
                [("cluster", str(article.cluster)), ("duplicates", "true")],
            ),
            "related": [
                ("Duplicates", related.duplicates, "No copy of this article from other pages."),
                ("In other languages", related.versions, "No version in another language."),
            ],
        },
    )


@router.get("/sources", name="sources_page")
def sources_page(request: Request) -> Response:
    """Each source's health and last run, as ``newsmon status`` shows them."""
    statuses = source_health(request.app.state.db, request.app.state.config)
    verdicts: dict[str, int] = {}
    for status in statuses:
        verdicts[status.health] = verdicts.get(status.health, 0) + 1
    return render(
        request,
        "sources.html",
        {
            "nav": "sources",
            "statuses": statuses,
            "verdict_counts": sorted(verdicts.items()),
        },
    )


@router.get("/sources/{name}", name="source_page")
def source_page(request: Request, name: str, session: SessionDep) -> Response:
    """One source's health and its last crawl runs."""
    state = request.app.state
    if not is_known_source(session, state.config, name):
        return _not_found(request, f"There is no source named {name!r}.")
    status = next(s for s in source_health(state.db, state.config) if s.name == name)
    return render(
        request,
        "source.html",
        {
            "nav": "sources",
            "status": status,
            "runs": recent_runs(session, name, RUNS_SHOWN),
        },
    )


@router.get("/api", name="api_page")
def api_page(request: Request) -> Response:
    """The JSON API's endpoints and parameters, from its OpenAPI schema."""
    schema = request.app.openapi()
    endpoints = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
            "parameters": op.get("parameters", []),
        }
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
    ]
    return render(
        request,
        "api.html",
        {"nav": "api", "endpoints": endpoints, "openapi_url": request.app.openapi_url},
    )


def _story_metadata(article: Article) -> list[tuple[str, str]]:
    """An article's relevance and story links, as (label, text) rows for its metadata list."""
    rows = []
    if article.relevance is not None or article.relevant is not None:
        verdict = {True: "relevant", False: "not relevant", None: "not decided"}[article.relevant]
        score = f" (score {article.relevance:.2f})" if article.relevance is not None else ""
        rows.append(("Relevance", verdict + score))
    if article.topics:
        rows.append(("Topics", ", ".join(article.topics)))
    if article.parties:
        rows.append(("Parties", ", ".join(party_name(p) for p in article.parties)))
    return rows


def _not_found(request: Request, message: str) -> Response:
    return render(
        request, "error.html", {"heading": "Not found", "message": message}, status_code=404
    )


def _facets(results: ResultPage | None, chosen: dict[str, list[str]]) -> list[FacetGroup]:
    """Checkbox groups: every value with hits, plus the chosen ones (so they can be
    unchecked) even when they have none."""
    counted: dict[str, tuple[FacetCount, ...]] = {
        "source": results.facets.sources if results else (),
        "lang": results.facets.languages if results else (),
    }
    groups = []
    for name, title in (("source", "Sources"), ("lang", "Languages")):
        selected = {v.strip() for v in chosen[name] if v.strip()}
        if name == "lang":
            selected = {v.lower() for v in selected}
        entries = [
            FacetEntry(f.value, f.count, f.value in selected)
            for f in counted[name]
            if f.value is not None
        ]
        shown = {e.value for e in entries}
        entries += [FacetEntry(v, 0 if results else None, True) for v in sorted(selected - shown)]
        groups.append(FacetGroup(name, title, entries))
    return groups


def _last_page(results: ResultPage) -> int:
    return max(1, min(results.pages, MAX_RESULT_WINDOW // results.params.per_page))


def _page_numbers(current: int, last: int) -> list[int | None]:
    """Page links to show: the first, the last and two either side of the current one;
    None marks a gap."""
    wanted = {1, last, *range(current - 2, current + 3)}
    numbers: list[int | None] = []
    for n in sorted(n for n in wanted if 1 <= n <= last):
        if numbers and numbers[-1] is not None and n > numbers[-1] + 1:
            numbers.append(None)
        numbers.append(n)
    return numbers
