"""Output of ``newsmon stories``: one record (or table row group) per story."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crawler.output.formats import iso, write_records
from crawler.similarity.parties import party_name
from storage.stories import Story

# Parties shown per story in the table (JSON has them all).
TABLE_PARTIES = 6


def story_record(story: Story) -> dict[str, Any]:
    """A story as plain data: cluster id, first date, parties, languages, member articles."""
    return {
        "cluster": story.cluster,
        "date": iso(story.date),
        "parties": [{"id": p, "name": party_name(p)} for p in story.parties],
        "languages": list(story.languages),
        "articles": [
            {
                "id": m.id,
                "title": m.title,
                "source": m.source,
                "language": m.language,
                "published_at": iso(m.published_at),
                "url": m.url,
            }
            for m in story.members
        ],
    }


def write_stories(stories: Sequence[Story], fmt: str, out: TextIO) -> int:
    """Write ``stories`` as a table (``fmt`` "table") or jsonl/json/csv records."""
    if fmt != "table":
        return write_records((story_record(s) for s in stories), fmt, out)
    console = Console(file=out, soft_wrap=False)
    if not stories:
        console.print("no stories with reports from more than one article yet")
        return 0
    table = Table(
        title=f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'}", show_lines=True
    )
    for column in ("cluster", "date", "parties", "languages", "articles"):
        table.add_column(column, overflow="fold")
    for story in stories:
        members = "\n".join(
            f"{m.id} [{m.language or '?'}] {m.source}: {m.title or '-'}" for m in story.members
        )
        parties = ", ".join(party_name(p) for p in story.parties[:TABLE_PARTIES])
        table.add_row(
            str(story.cluster),
            (iso(story.date) or "-")[:10],
            Text(parties),
            ", ".join(story.languages),
            Text(members),
        )
    console.print(table)
    return len(stories)
