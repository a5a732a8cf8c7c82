"""Counts read as words: one of a thing is singular."""

from __future__ import annotations

from crawler.output.wording import counted


def test_counted_is_singular_for_one_only() -> None:
    assert counted(1, "article") == "1 article"
    assert [counted(n, "article") for n in (0, 2, 21)] == [
        "0 articles",
        "2 articles",
        "21 articles",
    ]
    assert counted(3, "query", "queries") == "3 queries"
    assert counted(1, "query", "queries") == "1 query"
