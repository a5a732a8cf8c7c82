"""Counts in words for messages and reports: "1 article", "2 articles", never "article(s)"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun``, plural unless the count is one (``plural`` when not noun+s)."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
