"""A bug in extraction (an exception from the worker) fails the page by name, is recorded
in the run's errors, and a run whose every article failed is a failed run, not an ok one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from crawler import pipelines
from crawler.components.crawlrun import run_status
from crawler.drops import ExtractionFailed
from crawler.items import PageItem
from crawler.pipelines import ExtractionPipeline

URL = "http://127.0.0.1:1/news/a.html"


def test_an_exception_in_the_worker_fails_the_page_and_is_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(fn: Any, *args: Any) -> Any:
        raise ModuleNotFoundError("No module named 'opencc'")

    monkeypatch.setattr(pipelines.POOL, "run", broken)
    crawler = get_crawler()
    crawler.spider = SimpleNamespace(crawl_errors=[])
    pipeline = ExtractionPipeline(crawler, workers=1)
    item = PageItem(
        source="wire",
        urls=(URL,),
        response_url=URL,
        status=200,
        body=b"<html><p>text</p></html>",
        content_type="text/html",
        fetched_at=datetime.now(UTC),
    )
    with pytest.raises(ExtractionFailed, match="ModuleNotFoundError"):
        asyncio.run(pipeline.process_item(item))
    assert crawler.spider.crawl_errors == [
        f"extraction failed on {URL}: ModuleNotFoundError: No module named 'opencc'"
    ]


def _counts(new: int = 0, failed: int = 0) -> dict[str, Any]:
    return {
        "pages_fetched": 10,
        "articles_new": new,
        "articles_updated": 0,
        "articles_unchanged": 0,
        "articles_failed": failed,
        "articles_found": 9,
        "pages_dropped": {},
    }


def test_a_run_whose_every_article_failed_is_failed() -> None:
    error = f"extraction failed on {URL}: RuntimeError: boom"
    assert run_status("finished", _counts(failed=9), [error]) == (
        "failed",
        f"every article failed: {error}",
    )
    assert run_status("finished", _counts(new=1, failed=8), [error]) == ("ok", None)
    # nothing new to fetch (a re-crawl) is fine
    assert run_status("finished", _counts(), []) == ("ok", None)


def test_a_recrawl_whose_only_new_links_are_dead_is_ok() -> None:
    """A source that still lists its stored articles is alive; its dead new links are
    recorded as errors, not as the source failing."""
    error = f"article {URL}: HTTP 404"
    assert run_status("finished", _counts(failed=2), [error], known=7) == ("ok", None)
    assert run_status("finished", _counts(failed=2), [error], known=0) == (
        "failed",
        f"every article failed: {error}",
    )
