"""Two crawls whose batches create the same new sources in opposite order deadlock on
PostgreSQL; the one PostgreSQL cancels is written again, so neither loses its articles."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import event, func, select

from storage.db import Database
from storage.models import Article, Source
from storage.writes import store_articles

WAIT_S = 20.0


@pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_batch_cancelled_by_a_deadlock_is_written_again(db: Database, make_article: Any) -> None:
    def article(source: str, writer: int) -> Any:
        return make_article(
            source=source,
            url=f"https://{source}.example/{writer}",
            text=f"Report {writer} of {source} on climate cooperation.",
        )

    batches = [
        [article("east", 1), article("west", 1)],  # east first, then west
        [article("west", 2), article("east", 2)],
    ]  # the opposite order
    both_hold_one = threading.Barrier(2, timeout=WAIT_S)
    local = threading.local()

    def hold_after_first_source(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # First attempt only: each writer has created one source, uncommitted, before it
        # tries the other's; PostgreSQL then finds the cycle and cancels one of them.
        if statement.startswith("INSERT INTO sources") and not getattr(local, "held", False):
            local.held = True
            both_hold_one.wait()

    event.listen(db.engine, "after_cursor_execute", hold_after_first_source)
    try:
        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(lambda batch: store_articles(db, batch), batches))
    finally:
        event.remove(db.engine, "after_cursor_execute", hold_after_first_source)
    assert outcomes == [["new", "new"], ["new", "new"]]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 4
        assert sorted(session.scalars(select(Source.name))) == ["east", "west"]
