"""The spider middleware that keeps stored articles from being fetched again checks a
sitemap's article requests in batches, one query each, and lets every other request and item
through at once, in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.components import knownurls
from crawler.components.knownurls import CHECK_BATCH, KnownUrlFilter
from crawler.crawlstate import ROLE
from storage.db import Database
from storage.writes import store_articles
from tests.conftest import ArticleFactory

RESPONSE = HtmlResponse("https://news.example/sitemap.xml", body=b"")


def _filter(db: Database, recheck_days: int = 0) -> tuple[KnownUrlFilter, MemoryStatsCollector]:
    crawler: Any = SimpleNamespace(settings=Settings({"NEWSMON_RECHECK_DAYS": recheck_days}))
    stats = MemoryStatsCollector(crawler)
    crawler.stats = stats
    mw = KnownUrlFilter.__new__(KnownUrlFilter)
    mw.crawler, mw.db = crawler, db
    return mw, stats


def _article(n: int) -> Request:
    return Request(f"https://news.example/a/{n}", meta={ROLE: "article"})


def _output(count: int) -> list[Any]:
    """A sitemap callback's output: article requests, with a listing request and an item
    among them."""
    out: list[Any] = [_article(n) for n in range(count)]
    out.insert(3, Request("https://news.example/list/2", meta={ROLE: "listing"}))
    out.insert(7, {"an": "item"})
    return out


def _store(
    db: Database, make_article: ArticleFactory, numbers: Iterable[int], published_at: datetime
) -> None:
    store_articles(
        db,
        [
            make_article(
                url=f"https://news.example/a/{n}", text=f"Text {n}.", published_at=published_at
            )
            for n in numbers
        ],
    )


def _urls(objs: Iterable[Any]) -> list[str]:
    return [o.url if isinstance(o, Request) else "item" for o in objs]


def _count_queries(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sizes: list[int] = []
    real = knownurls.known_urls

    def counting(session: Any, urls: Iterable[str]) -> set[str]:
        wanted = list(urls)
        sizes.append(len(wanted))
        return real(session, wanted)

    monkeypatch.setattr(knownurls, "known_urls", counting)
    return sizes


def test_stored_articles_are_dropped_in_batches_and_the_rest_keeps_its_order(
    db: Database, make_article: ArticleFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = CHECK_BATCH * 2 + 50
    stored = set(range(0, count, 3))
    _store(db, make_article, stored, datetime(2025, 3, 1, tzinfo=UTC))
    mw, stats = _filter(db)
    queries = _count_queries(monkeypatch)
    output = _output(count)

    kept = list(mw.process_spider_output(RESPONSE, output))

    expected = [
        o
        for o in output
        if not (
            isinstance(o, Request)
            and o.meta.get(ROLE) == "article"
            and int(o.url.rsplit("/", 1)[1]) in stored
        )
    ]
    assert sorted(_urls(kept)) == sorted(_urls(expected))
    # Each batch comes out in the order it went in; what is not an article is not held back.
    articles = [u for u in _urls(kept) if "/a/" in u]
    assert articles == [u for u in _urls(expected) if "/a/" in u]
    assert _urls(kept).index("https://news.example/list/2") < 3
    assert queries == [CHECK_BATCH, CHECK_BATCH, 50]
    assert stats.get_value("newsmon/skipped_already_stored") == len(stored)
    assert stats.get_value("newsmon/rechecked") is None


def test_the_async_output_is_filtered_the_same_way(
    db: Database, make_article: ArticleFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = CHECK_BATCH + 10
    _store(db, make_article, range(5), datetime(2025, 3, 1, tzinfo=UTC))
    mw, stats = _filter(db)
    queries = _count_queries(monkeypatch)
    output = _output(count)

    async def stream() -> AsyncIterator[Any]:
        for obj in output:
            yield obj

    async def collect() -> list[Any]:
        return [obj async for obj in mw.process_spider_output_async(RESPONSE, stream())]

    kept = asyncio.run(collect())
    assert sorted(_urls(kept)) == sorted(
        _urls(
            [
                o
                for o in output
                if not isinstance(o, Request)
                or not o.url.endswith(("/a/0", "/a/1", "/a/2", "/a/3", "/a/4"))
            ]
        )
    )
    assert queries == [CHECK_BATCH, 10]
    assert stats.get_value("newsmon/skipped_already_stored") == 5


def test_recent_stored_articles_are_fetched_again_when_the_source_rechecks(
    db: Database, make_article: ArticleFactory
) -> None:
    now = datetime.now(UTC)
    _store(db, make_article, [1, 2], now - timedelta(days=1))
    _store(db, make_article, [3], now - timedelta(days=30))
    mw, stats = _filter(db, recheck_days=7)

    kept = list(mw.process_spider_output(RESPONSE, [_article(n) for n in range(5)]))

    assert _urls(kept) == [f"https://news.example/a/{n}" for n in (0, 1, 2, 4)]
    assert stats.get_value("newsmon/rechecked") == 2
    assert stats.get_value("newsmon/skipped_already_stored") == 1


def test_a_lost_database_stops_fetching_articles(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    mw, _ = _filter(db)
    lost: list[BaseException] = []
    monkeypatch.setattr(knownurls, "database_lost", lambda crawler, exc: lost.append(exc))
    db.dispose()
    monkeypatch.setattr(knownurls, "known_urls", _raise_operational)

    kept = list(mw.process_spider_output(RESPONSE, _output(5)))

    assert _urls(kept) == ["https://news.example/list/2", "item"]
    assert len(lost) == 1


def _raise_operational(session: Any, urls: Iterable[str]) -> set[str]:
    from sqlalchemy.exc import OperationalError

    raise OperationalError("SELECT", {}, Exception("disk I/O error"))
