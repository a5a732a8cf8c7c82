"""The read-only web application: search pages, article pages, source health, the JSON API
and the Atom feed, over one newsmon database.

``create_app`` opens the database at once, so a wrong URL or an old schema is reported when
the server starts rather than on the first request.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from crawler.config import NewsmonConfig
from crawler.web import api, feed, pages
from crawler.web.database import open_read_only
from crawler.web.head import HeadAsGetMiddleware
from crawler.web.params import describe_errors
from crawler.web.security import SecurityHeadersMiddleware
from crawler.web.templating import app_version, make_templates, render
from storage.errors import DatabaseUnavailable

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Paths whose errors are JSON; every other path is a page and gets an HTML error page.
_MACHINE_PREFIXES = ("/api/", "/feed.atom")


def create_app(database_url: str, config: NewsmonConfig | None = None) -> FastAPI:
    """The web app over the database at ``database_url`` (opened read-only; its schema must be
    current). ``config``, the sources file, adds schedules and health thresholds to the
    sources page. Raises ``DatabaseUnavailable`` or ``SchemaError``."""
    db = open_read_only(database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            db.dispose()

    app = FastAPI(
        title="newsmon",
        version=app_version(),
        summary="Climate-cooperation news collected by newsmon: search, articles, sources.",
        description="Read-only. Every list takes the filters of `newsmon search`; errors are "
        "JSON objects whose `detail` names the parameter at fault.",
        openapi_url="/api/openapi.json",
        # Swagger UI and ReDoc load scripts from a CDN, which the Content-Security-Policy
        # forbids (and an offline server cannot reach); /api lists the endpoints instead.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.config = config
    app.state.templates = make_templates()
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HeadAsGetMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(feed.router)
    _install_error_handlers(app)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(_MACHINE_PREFIXES)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        # 400 rather than FastAPI's 422: a bad query parameter is a bad request.
        if _wants_json(request):
            return JSONResponse({"detail": describe_errors(exc.errors())}, status_code=400)
        # A page's path that does not parse (/articles/abc) names no page at all.
        if any(tuple(error.get("loc", ()))[:1] == ("path",) for error in exc.errors()):
            return render(
                request,
                "error.html",
                {"heading": "Not found", "message": "There is no page at this address."},
                status_code=404,
            )
        return render(
            request,
            "error.html",
            {"heading": "Bad request", "message": describe_errors(exc.errors())},
            status_code=400,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        heading = "Not found" if exc.status_code == 404 else f"Error {exc.status_code}"
        message = exc.detail if exc.status_code != 404 else "There is no page at this address."
        return render(
            request,
            "error.html",
            {"heading": heading, "message": message},
            status_code=exc.status_code,
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(DatabaseUnavailable)
    async def database_down(request: Request, exc: Exception) -> Response:
        logger.warning(
            "%s %s: database unavailable: %s",
            request.method,
            request.url.path,
            str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        )
        detail = "the database is unavailable; try again later"
        if _wants_json(request):
            return JSONResponse({"detail": detail}, status_code=503)
        return render(
            request,
            "error.html",
            {"heading": "Database unavailable", "message": detail.capitalize() + "."},
            status_code=503,
        )
