"""Fixture pages, one per kind of furniture real news sites wrap around articles, each with the
exact text that must come out (``pages/<name>.html`` next to ``pages/<name>.json``).

The pages are written for these tests (not copies of real sites); each JSON file says what the
page exercises (``about``), how it is served (``url``, ``content_type``, ``timezone``), what
extraction must return (``expected``) and strings of furniture that must not survive
(``junk``).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.config import ExtractionRules
from crawler.extraction.page import ExtractedArticle, PageInput, extract_page

PAGES = Path(__file__).parent / "pages"
FIXTURES = sorted(p.stem for p in PAGES.glob("*.json"))


def load(name: str) -> tuple[dict[str, Any], ExtractedArticle]:
    spec = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    rules = ExtractionRules(**spec["rules"]) if "rules" in spec else None
    result = extract_page(
        PageInput(
            url=spec["url"],
            body=(PAGES / f"{name}.html").read_bytes(),
            content_type=spec.get("content_type"),
            timezone=spec.get("timezone"),
            language_hint=spec.get("language_hint"),
            rules=rules,
        )
    )
    assert isinstance(result, ExtractedArticle), f"{name}: {result}"
    return spec, result


@pytest.mark.parametrize("name", FIXTURES)
def test_exact_text(name: str) -> None:
    spec, result = load(name)
    assert result.text.split("\n\n") == spec["expected"]["text"]


@pytest.mark.parametrize("name", FIXTURES)
def test_no_furniture_survives(name: str) -> None:
    spec, result = load(name)
    for junk in spec["junk"]:
        assert junk not in result.text, junk
        assert junk not in (result.title or ""), junk


@pytest.mark.parametrize("name", FIXTURES)
def test_metadata(name: str) -> None:
    spec, result = load(name)
    expected = spec["expected"]
    assert result.title == expected["title"]
    assert list(result.authors) == expected["authors"]
    assert result.language == expected["language"]
    assert result.script == expected["script"]
    assert result.encoding == expected["encoding"]
    if "site_name" in expected:
        assert result.site_name == expected["site_name"]
    published = expected["published_at"]
    if published is None:
        assert result.published_at is None
    else:
        assert result.published_at == datetime.fromisoformat(published)
