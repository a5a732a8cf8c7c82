"""Two writers storing reports of one story at the same time still make one story.

The first writer is held just before its commit, after its story lookup; the second then
stores its report. On PostgreSQL neither sees the other's uncommitted row unless story
assignment is serialised; on SQLite the database's write lock serialises them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction.page import content_hash
from crawler.similarity.signature import text_signature
from storage.db import Database, write_engine
from storage.models import Article
from storage.stories import list_stories
from storage.writes import ArticleData, store_article

STORIES = Path(__file__).resolve().parents[1] / "data" / "similarity" / "stories.json"
# Long enough for a slow, shared machine; the test waits this long only when it fails.
WAIT_S = 20.0


def _report(make_article: Any, doc_id: str, **overrides: Any) -> ArticleData:
    """The article ``doc_id`` of the multilingual stories corpus, signed as a crawl signs it."""
    docs = json.loads(STORIES.read_text(encoding="utf-8"))["documents"]
    doc = next(d for d in docs if d["id"] == doc_id)
    values: dict[str, Any] = {
        "url": f"https://{doc['source']}.example/{doc_id}",
        "source": doc["source"],
        "title": doc["title"],
        "text": doc["text"],
        "language": doc["language"],
        "published_at": datetime.fromisoformat(doc["published_at"]),
        "fetched_at": datetime.fromisoformat(doc["published_at"]),
        **overrides,
    }
    values["content_hash"] = content_hash(values["text"])
    return make_article(
        signature=text_signature(values["title"], values["text"], values["language"]), **values
    )


_WAITING = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def _blocked_or_done(db: Database, second: Future[Any]) -> None:
    """Wait until the second writer has finished or waits on a lock (PostgreSQL shows it in
    ``pg_stat_activity``; SQLite does not, so there the wait is a short pause)."""
    deadline = time.monotonic() + (WAIT_S if db.engine.dialect.name == "postgresql" else 1.0)
    while not second.done() and time.monotonic() < deadline:
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                if connection.scalar(_WAITING):
                    return
        time.sleep(0.05)


@contextmanager
def _held_writer(
    db: Database,
) -> Iterator[tuple[sessionmaker[Session], threading.Event, threading.Event]]:
    """Sessions whose commit waits: (sessions, written, release). ``written`` is set when a
    transaction reaches its commit; it commits once ``release`` is set."""
    written, release = threading.Event(), threading.Event()
    sessions = sessionmaker(write_engine(db.engine), expire_on_commit=False)

    def hold(_session: Session) -> None:
        written.set()
        release.wait(WAIT_S)

    event.listen(sessions, "before_commit", hold)
    try:
        yield sessions, written, release
    finally:
        release.set()


def _store_concurrently(db: Database, first: ArticleData, second: ArticleData) -> bool:
    """Store ``first`` in a transaction held open until ``second``, stored by another writer,
    has finished or is waiting for it; whether the second writer waited."""
    with _held_writer(db) as (sessions, written, release), ThreadPoolExecutor(2) as pool:
        stored_first = pool.submit(store_article, sessions, first)
        assert written.wait(WAIT_S), "the first writer never reached its commit"
        stored_second = pool.submit(store_article, db, second)
        _blocked_or_done(db, stored_second)
        waited = not stored_second.done()
        release.set()
        assert stored_first.result(WAIT_S) == stored_second.result(WAIT_S) == "new"
    return waited


def _rows(db: Database) -> dict[str, Article]:
    with db.session() as session:
        return {a.url: a for a in session.scalars(select(Article))}


def test_reports_stored_at_once_by_two_writers_share_one_story(
    db: Database, make_article: Any
) -> None:
    english = _report(make_article, "unep-mangrove/en")
    french = _report(make_article, "unep-mangrove/fr")
    waited = _store_concurrently(db, english, french)
    rows = _rows(db)
    assert rows[french.url].cluster == rows[english.url].cluster == rows[english.url].id
    with db.session() as session:
        stories = list_stories(session)
    assert [[m.url for m in story.members] for story in stories] == [[english.url, french.url]]
    assert waited


def test_a_copy_stored_at_once_by_another_writer_points_at_the_first(
    db: Database, make_article: Any
) -> None:
    original = _report(make_article, "unep-mangrove/en")
    copy = _report(
        make_article,
        "unep-mangrove/en",
        url="https://copy.example/mangroves",
        source="copy",
        text="Via wire-en.\n" + original.text,
    )
    waited = _store_concurrently(db, original, copy)
    rows = _rows(db)
    first = rows[original.url]
    assert (first.duplicate_of, rows[copy.url].duplicate_of) == (None, first.id)
    assert rows[copy.url].cluster == first.cluster and waited
