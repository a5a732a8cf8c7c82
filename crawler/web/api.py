"""The JSON API under ``/api``: the queries of the pages, documented by the OpenAPI schema."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request

from crawler.output.formats import article_record
from crawler.web.database import SessionDep
from crawler.web.params import ArticleId, SearchParams
from crawler.web.results import find_articles, find_related, is_known_source, source_health
from crawler.web.schemas import (
    ArticleOut,
    ArticleRef,
    ErrorOut,
    FacetCountOut,
    FacetsOut,
    ResultOut,
    RunOut,
    SearchOut,
    SnippetPartOut,
    SourceOut,
)
from storage.errors import QuerySyntaxError
from storage.models import Article
from storage.queries import get_article, recent_runs

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A bad parameter or search query."},
    503: {"model": ErrorOut, "description": "The database is unavailable."},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}}

router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)


@router.get(
    "/search",
    name="api_search",
    response_model=SearchOut,
    summary="Search articles, or list the newest",
)
def search(params: Annotated[SearchParams, Query()], session: SessionDep) -> SearchOut:
    """One page of articles matching ``q`` and the filters, best match (or newest) first,
    with counts per source and language. Without ``q``: every article, newest first."""
    try:
        page = find_articles(session, params)
    except QuerySyntaxError as exc:
        raise HTTPException(400, f"q: {exc}") from None
    return SearchOut(
        query=params.query,
        sort=params.order,
        page=params.page,
        per_page=params.per_page,
        total=page.total,
        total_exact=page.total_exact,
        pages=page.pages,
        results=[
            ResultOut(
                id=item.article.id,
                url=item.article.url,
                source=item.article.source.name,
                title=item.article.title,
                published_at=item.article.published_at,
                language=item.article.language,
                relevant=item.article.relevant,
                duplicate_of=item.article.duplicate_of,
                cluster=item.article.cluster,
                snippet=item.snippet.text,
                snippet_parts=[
                    SnippetPartOut(text=p.text, match=p.match) for p in item.snippet.parts
                ],
                score=item.score,
            )
            for item in page.items
        ],
        facets=FacetsOut(
            sources=[FacetCountOut.model_validate(f) for f in page.facets.sources],
            languages=[FacetCountOut.model_validate(f) for f in page.facets.languages],
        ),
    )


@router.get(
    "/articles/{article_id}",
    name="api_article",
    response_model=ArticleOut,
    summary="One article",
    responses=NOT_FOUND,
)
def article(article_id: Annotated[ArticleId, Path()], session: SessionDep) -> ArticleOut:
    """The article's clean text and metadata (the fields of ``newsmon export``), with its
    duplicates and its versions in other languages."""
    found = get_article(session, article_id)
    if found is None:
        raise HTTPException(404, f"no article with id {article_id}")
    related = find_related(session, found)
    return ArticleOut(
        **article_record(found),
        duplicates=[_ref(a) for a in related.duplicates],
        versions=[_ref(a) for a in related.versions],
    )


@router.get(
    "/sources", name="api_sources", response_model=list[SourceOut], summary="Every source's health"
)
def sources(request: Request) -> list[SourceOut]:
    """Per source: schedule, next run, last run, new articles and health, as
    ``newsmon status --format json`` reports them."""
    state = request.app.state
    return [SourceOut.model_validate(s) for s in source_health(state.db, state.config)]


@router.get(
    "/sources/{name}/runs",
    name="api_source_runs",
    response_model=list[RunOut],
    summary="A source's last crawl runs",
    responses=NOT_FOUND,
)
def source_runs(
    request: Request,
    name: str,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200, description="How many runs.")] = 20,
) -> list[RunOut]:
    """The source's latest crawl runs, newest first."""
    runs = recent_runs(session, name, limit=limit)
    if not runs and not is_known_source(session, request.app.state.config, name):
        raise HTTPException(404, f"no source named {name!r}")
    return [RunOut.model_validate(run) for run in runs]


def _ref(article: Article) -> ArticleRef:
    return ArticleRef(
        id=article.id,
        title=article.title,
        source=article.source.name,
        language=article.language,
        published_at=article.published_at,
    )
