"""Jinja templates with autoescaping on for every template, whatever its file name.

Everything a template prints is escaped unless marked safe, and nothing from the database is
ever marked safe (see ``crawler.web.render``).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from crawler.web import render as helpers

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def app_version() -> str:
    try:
        return version("newsmon")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "dev"


def make_templates() -> Jinja2Templates:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name fails the test, not the reader
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        version=app_version(),
        when=helpers.when,
        day=helpers.day,
        snippet_parts=helpers.snippet_parts,
        code_parts=helpers.code_parts,
    )
    return Jinja2Templates(env=environment)


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
    media_type: str | None = None,
) -> Response:
    """The template ``name`` as a response (HTML unless ``media_type`` says otherwise)."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, name, {"nav": None, **context}, status_code=status_code, media_type=media_type
    )
