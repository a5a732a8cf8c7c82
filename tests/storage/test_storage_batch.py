"""store_articles: a batch stores what the same articles stored one by one would, in one
transaction; the storage pipeline's batches lose no article to another's failure."""

from __future__ import annotations

import asyncio
import dataclasses
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import select, text

from crawler import pipelines
from crawler.articles import ArticleItem
from crawler.drops import StorageFailed
from crawler.extraction.page import ExtractedArticle, content_hash
from crawler.items import PageItem
from crawler.pipelines import StoragePipeline
from crawler.similarity.signature import text_signature
from storage import writes
from storage.db import Database
from storage.dedup import link_duplicate
from storage.errors import StorageError
from storage.models import Article, ArticleUrl
from storage.writes import ArticleData, store_article, store_articles

TEXT = (
    "Kenya and the United Nations signed a climate cooperation agreement on March 3, worth "
    "250 million dollars and covering 12,000 hectares of mangroves along the coast near "
    "Mombasa. The programme trains rangers, restores nurseries and funds community "
    "monitoring for ten years, the environment ministry said on Tuesday."
)
FRENCH = (
    "Le Kenya et les Nations unies ont signé le 3 mars un accord de coopération "
    "climatique de 250 millions de dollars couvrant 12 000 hectares de mangroves."
)
# The dump leaves out the clock: created_at, and updated_at only as whether it is set.
DUMP = {
    "articles": "SELECT id, source_id, url, canonical_url, content_hash, title, text, "
    "published_at, language, fetched_at, updated_at IS NULL, duplicate_of, "
    "cluster, parties FROM articles ORDER BY id",
    "urls": "SELECT url, article_id FROM article_urls ORDER BY url",
    "versions": "SELECT article_id, content_hash, title FROM article_versions ORDER BY id",
    "pages": "SELECT article_id, response_url, fetched_at FROM article_pages ORDER BY 1",
    "evidence": "SELECT article_id, term, at FROM article_evidence ORDER BY 1, 2",
    "bands": "SELECT article_id, band, key FROM article_bands ORDER BY 1, 2",
    "shingles": "SELECT article_id, length(shingles) FROM article_shingles ORDER BY 1",
    "parties": "SELECT article_id, party FROM article_parties ORDER BY 1, 2",
    "search": "SELECT count(*) FROM article_pages",
}


def _signed(make_article: Any, **values: Any) -> ArticleData:
    body = values.setdefault("text", TEXT)
    values.setdefault("content_hash", content_hash(body))
    return make_article(
        signature=text_signature(values.get("title"), body, values.get("language", "en")), **values
    )


def _articles(make_article: Any) -> list[ArticleData]:
    """Articles whose outcomes depend on the ones before them in the same batch."""
    day = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
    return [
        _signed(make_article, url="https://a.example/1", source="a", published_at=day),
        # the same article again, under an alias: unchanged
        _signed(
            make_article,
            url="https://a.example/1",
            source="a",
            published_at=day,
            aliases=("https://a.example/1?amp",),
        ),
        # a syndicated copy: a near-duplicate of the first
        _signed(
            make_article,
            url="https://b.example/1",
            source="b",
            published_at=day,
            text="Syndicated from A.\n" + TEXT,
        ),
        # the first one's text changes: updated, with a version
        _signed(
            make_article,
            url="https://a.example/1?amp",
            source="a",
            published_at=day,
            text=TEXT + " Correction: 260 million dollars.",
        ),
        # the same report in French from another source: the same story
        _signed(
            make_article,
            url="https://c.example/1",
            source="c",
            language="fr",
            title="Le Kenya signe",
            text=FRENCH,
            published_at=day + timedelta(hours=3),
        ),
        # no signature, then corrected metadata of the same text
        make_article(url="https://d.example/1", source="d", text="Football results."),
        make_article(
            url="https://d.example/1",
            source="d",
            text="Football results.",
            title="Results of Sunday",
        ),
    ]


def _dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.engine.connect() as connection:
        return {
            name: [tuple(row) for row in connection.execute(text(query))]
            for name, query in DUMP.items()
        }


def _empty(db: Database) -> None:
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(
                text(
                    "TRUNCATE sources, crawl_runs, articles, article_search "
                    "RESTART IDENTITY CASCADE"
                )
            )
        else:  # rows cascade from their source; SQLite ids restart after the largest left
            connection.execute(text("DELETE FROM sources"))


def test_a_batch_stores_what_one_by_one_would(db: Database, make_article: Any) -> None:
    items = _articles(make_article)
    one_by_one = [store_article(db, item) for item in items]
    expected = _dump(db)
    _empty(db)
    assert _dump(db)["articles"] == []
    assert (
        store_articles(db, items)
        == one_by_one
        == ["new", "unchanged", "new", "updated", "new", "new", "updated"]
    )
    assert _dump(db) == expected
    rows = {
        url: (duplicate_of, cluster)
        for _, _, url, *_, duplicate_of, cluster, _ in expected["articles"]
    }
    first = rows["https://a.example/1"][1]
    assert rows["https://b.example/1"] == (first, first)
    assert rows["https://c.example/1"][1] == first


def test_a_failing_batch_writes_nothing(
    db: Database, make_article: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fails after every row of the batch was inserted and earlier articles were linked.
    real_link = writes._link_new

    def link_or_fail(batch: Any, new: Any, before: int) -> Any:
        if new.data.source == "c":
            raise StorageError("simulated failure")
        return real_link(batch, new, before)

    monkeypatch.setattr(writes, "_link_new", link_or_fail)
    with pytest.raises(StorageError, match="simulated failure"):
        store_articles(db, _articles(make_article))
    assert _dump(db)["articles"] == []
    assert store_articles(db, []) == []


SYNONYMS = [
    ("Kenya", "Ghana"),
    ("Mombasa", "Accra"),
    ("mangroves", "forests"),
    ("250", "310"),
    ("March 3", "April 9"),
]


def _mixed(make_article: Any, count: int, seed: int) -> list[ArticleData]:
    """A random crawl's worth of items: originals, syndicated copies of earlier ones (new
    URLs), reports of the same story in French, re-fetches under aliases, corrected texts."""
    rng = random.Random(seed)
    day = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
    items: list[ArticleData] = []
    for n in range(count):
        kind = (
            rng.choice(
                ["original", "original", "copy", "copy", "story", "again", "alias", "correction"]
            )
            if items
            else "original"
        )
        earlier = rng.choice(items) if items else None
        when = day + timedelta(hours=rng.randrange(48))
        if kind == "original":
            body = TEXT
            for old, new in rng.sample(SYNONYMS, rng.randrange(len(SYNONYMS) + 1)):
                body = body.replace(old, new)
            items.append(
                _signed(
                    make_article,
                    url=f"https://s{n % 3}.example/{n}",
                    source=f"s{n % 3}",
                    text=body,
                    published_at=when,
                )
            )
        elif kind == "copy" and earlier is not None:
            items.append(
                _signed(
                    make_article,
                    url=f"https://copy.example/{n}",
                    source="copy",
                    text=f"Syndicated ({n}).\n{earlier.text}",
                    published_at=earlier.published_at,
                )
            )
        elif kind == "story":
            items.append(
                _signed(
                    make_article,
                    url=f"https://fr.example/{n}",
                    source="fr",
                    language="fr",
                    title="Le Kenya signe",
                    text=FRENCH,
                    published_at=when,
                )
            )
        elif kind in ("again", "alias") and earlier is not None:
            aliases = (f"{earlier.url}?amp={n}",) if kind == "alias" else ()
            items.append(dataclasses.replace(earlier, aliases=aliases))
        elif earlier is not None:  # correction: the same URL, a changed text
            body = earlier.text + f" Correction {n}."
            items.append(
                dataclasses.replace(
                    earlier,
                    text=body,
                    content_hash=content_hash(body),
                    signature=text_signature(earlier.title, body, earlier.language or "en"),
                )
            )
    return items


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_batches_store_what_one_by_one_would(
    db: Database, make_article: Any, seed: int
) -> None:
    items = _mixed(make_article, 60, seed)
    one_by_one = [store_article(db, item) for item in items]
    expected = _dump(db)
    assert {"new", "updated", "unchanged"} <= set(one_by_one)
    duplicates = [row for row in expected["articles"] if row[-3] is not None]
    stories = {row[-2] for row in expected["articles"]}
    assert duplicates and len(stories) < len(expected["articles"])  # both were exercised
    for size in (7, 60):
        _empty(db)
        outcomes = [
            outcome
            for start in range(0, len(items), size)
            for outcome in store_articles(db, items[start : start + size])
        ]
        assert outcomes == one_by_one, size
        assert _dump(db) == expected, size


def test_a_duplicate_lookup_leaves_out_ids_from_its_bound(db: Database, make_article: Any) -> None:
    """A batch inserts its new articles before their lookups: each lookup is bounded to the
    ids of the articles stored before it."""
    first, copy = (_signed(make_article, url=f"https://a.example/{n}") for n in (1, 2))
    store_articles(db, [first])
    with db.engine.begin() as connection:
        ids = [row.id for row in connection.execute(text("SELECT id FROM articles"))]
    assert store_articles(db, [copy]) == ["new"]
    signature = copy.signature
    assert signature is not None
    packed = signature.shingles or b""
    with db.engine.begin() as connection:
        assert (
            link_duplicate(connection, ids[0] + 1, signature.bands, packed, before=ids[0]) is None
        )
        assert (
            link_duplicate(connection, ids[0] + 1, signature.bands, packed, before=ids[0] + 1)
            == ids[0]
        )


def _item(data: ArticleData) -> ArticleItem:
    page = PageItem(
        source=data.source,
        urls=(data.url,),
        response_url=data.url,
        status=200,
        body=b"<html></html>",
        content_type="text/html",
        fetched_at=data.fetched_at,
    )
    article = ExtractedArticle(
        title=data.title,
        text=data.text,
        published_at=data.published_at,
        authors=data.authors,
        site_name=data.site_name,
        description=data.description,
        canonical_url=data.url,
        language=data.language,
        encoding="utf-8",
        content_hash=data.content_hash,
        body_z=data.body_z,
    )
    return ArticleItem(page=page, article=article)


def test_the_pipeline_stores_the_rest_of_a_batch_that_fails(
    db: Database, database_url: str, make_article: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_insert = writes._insert_row

    def insert_or_fail(batch: Any, data: ArticleData) -> Any:
        if "bad" in data.url:
            raise StorageError("simulated failure")
        return real_insert(batch, data)

    monkeypatch.setattr(writes, "_insert_row", insert_or_fail)
    monkeypatch.setattr(pipelines.POOL, "running", 1)  # pages are still being extracted
    crawler = get_crawler(settings_dict={"NEWSMON_DB_URL": database_url})
    crawler.stats.open_spider()
    pipeline = StoragePipeline.from_crawler(crawler)
    urls = [
        "https://a.example/1",
        "https://a.example/bad",
        "https://a.example/2",
        "https://a.example/3",
    ]
    items = [_item(make_article(url=url, text=f"Text of {url}")) for url in urls]

    async def crawl() -> list[Any]:
        pipeline.batch_size = 3  # a full batch of three, then one written after the delay
        pipeline.batch_delay = 0.05
        return await asyncio.gather(
            *(pipeline.process_item(item) for item in items), return_exceptions=True
        )

    pipeline.open_spider()
    try:
        results = asyncio.run(crawl())
    finally:
        pipeline.close_spider()
    assert [type(result) for result in results] == [
        ArticleItem,
        StorageFailed,
        ArticleItem,
        ArticleItem,
    ]
    assert str(results[1]).startswith("cannot store https://a.example/bad: simulated failure")
    assert crawler.stats.get_value("newsmon/articles_new") == 3
    with db.session() as session:
        assert session.scalars(select(Article.url).order_by(Article.id)).all() == [
            urls[0],
            urls[2],
            urls[3],
        ]
        assert len(session.scalars(select(ArticleUrl)).all()) == 3


def _pipeline(database_url: str, batch_size: int) -> StoragePipeline:
    crawler = get_crawler(settings_dict={"NEWSMON_DB_URL": database_url})
    crawler.stats.open_spider()
    pipeline = StoragePipeline.from_crawler(crawler)
    pipeline.batch_size = batch_size
    pipeline.batch_delay = 600.0  # never reached by these tests
    return pipeline


def test_an_item_is_written_at_once_when_no_page_is_being_extracted(
    db: Database, database_url: str, make_article: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipelines.POOL, "running", 0)
    pipeline = _pipeline(database_url, batch_size=32)
    item = _item(make_article(url="https://a.example/last"))

    async def crawl() -> PageItem:
        return await asyncio.wait_for(pipeline.process_item(item), timeout=30)

    pipeline.open_spider()
    try:
        assert asyncio.run(crawl()) is item
    finally:
        pipeline.close_spider()
    assert pipeline.crawler.stats.get_value("newsmon/articles_new") == 1


def test_an_item_waits_for_its_batch_while_pages_are_being_extracted(
    db: Database, database_url: str, make_article: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipelines.POOL, "running", 1)
    pipeline = _pipeline(database_url, batch_size=2)
    first, second = (_item(make_article(url=f"https://a.example/{n}")) for n in (1, 2))

    async def crawl() -> None:
        waiting = asyncio.ensure_future(pipeline.process_item(first))
        await asyncio.sleep(0.05)
        assert not waiting.done()  # another article may join its batch
        await asyncio.wait_for(pipeline.process_item(second), timeout=30)
        assert waiting.done()

    pipeline.open_spider()
    try:
        asyncio.run(crawl())
    finally:
        pipeline.close_spider()
    assert pipeline.crawler.stats.get_value("newsmon/articles_new") == 2
