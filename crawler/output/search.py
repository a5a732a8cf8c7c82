"""Terminal output of ``newsmon search`` (a table with the matched words highlighted) and
``newsmon show`` (one article in full with its metadata).

Machine formats (json, jsonl, csv) go through ``crawler.output.formats``; this module is only for
people, so it may change its layout freely.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crawler.output.formats import article_record
from storage.models import Article
from storage.search import HitCount
from storage.snippet import Snippet

HIGHLIGHT = "bold yellow"


def _console() -> Console:
    # As crawler.output.summary: piped output gets a wide virtual width so no cell is cut.
    return Console(soft_wrap=False, highlight=False, width=None if sys.stdout.isatty() else 200)


def highlighted(snippet: Snippet) -> Text:
    """``snippet`` with its matches highlighted (its text is data, never markup)."""
    text = Text()
    for part in snippet.parts:
        text.append(part.text, style=HIGHLIGHT if part.match else "")
    return text


def print_search_results(query: str, hits: Sequence[Any], total: HitCount, offset: int) -> None:
    """One page of search hits as a table: title, date, source, language, snippet."""
    console = _console()
    if not hits:
        shown = "no" if offset == 0 or total.count == 0 else f"no more than {offset}"
        console.print(f"{shown} articles match {query!r}", markup=False)
        return
    of = f"{total.count:,}" if total.exact else f"more than {total.count:,}"
    title = f"{offset + 1}-{offset + len(hits)} of {of} result(s) for {query!r}"
    table = Table(title=Text(title), show_lines=True)
    for column in ("id", "title", "date", "source", "lang", "snippet"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        a = hit.article
        date = a.published_at.strftime("%Y-%m-%d") if a.published_at else "-"
        table.add_row(
            str(a.id),
            Text(a.title or "-"),
            date,
            Text(a.source.name),
            a.language or "-",
            highlighted(hit.snippet),
        )
    console.print(table)


def print_article(article: Article) -> None:
    """An article in full: its metadata, one field per line, then its text."""
    console = _console()
    record = article_record(article)
    console.print(Text(article.title or "(no title)", style="bold"))
    for name, value in record.items():
        if name in ("title", "text") or value in (None, [], ""):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        console.print(Text.assemble((f"{name}: ", "dim"), shown))
    console.print()
    console.print(Text(article.text))
