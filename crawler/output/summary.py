"""Human-readable tables for the terminal: crawl summary, sources, status
(search results and articles: ``crawler.output.search``).

Tables go to stdout and adapt to the terminal width; piped output gets plain text without
colour (rich does both).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crawler.status.health import OFFLINE_HINT, unreachable_detail, unreachable_kind
from storage.models import CrawlRun


def _console() -> Console:
    # Piped output (cron mail, logs) has no width: rich would assume 80 columns and cut
    # source names; a wide virtual width keeps every cell whole.
    width = None if sys.stdout.isatty() else 200
    return Console(soft_wrap=False, highlight=False, width=width)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def print_summary(runs: Sequence[CrawlRun]) -> None:
    """The table printed at the end of ``newsmon crawl``."""
    table = Table(title="crawl summary")
    for column in (
        "source",
        "status",
        "pages",
        "new",
        "updated",
        "unchanged",
        "failed",
        "dropped",
        "errors",
    ):
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    for run in runs:
        table.add_row(
            run.source.name,
            run.status,
            str(run.pages_fetched),
            str(run.articles_new),
            str(run.articles_updated),
            str(run.articles_unchanged),
            str(run.articles_failed),
            str(sum((run.pages_dropped or {}).values())),
            str(len(run.errors or [])),
        )
    console = _console()
    console.print(table)
    for run in runs:
        if run.reason:
            console.print(f"{run.source.name}: {run.reason}", markup=False)
        # the reason of a run that fetched nothing quotes its first error: not twice
        errors = [e for e in run.errors or [] if not (run.reason and e in run.reason)]
        for error in errors[:5]:
            console.print(f"  {run.source.name}: {error}", markup=False)
    offline = unreachable_hint(runs)
    if offline:
        console.print(offline, markup=False)


def unreachable_hint(runs: Sequence[CrawlRun]) -> str | None:
    """One line when no source could be reached at all (each failed without a page, every
    error a failed DNS lookup or a refused connection): the network, not 30 broken sites,
    is then the likely cause."""
    kinds = [kind for run in runs if (kind := unreachable_kind(run))]
    if not kinds or len(kinds) < len(runs):
        return None
    return f"no source could be reached ({unreachable_detail(kinds)}): {OFFLINE_HINT}"


def print_sources(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    table = Table(title=f"sources in {path}")
    for column in ("name", "language", "feeds", "sitemaps", "listings", "enabled"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["name"],
            row["language"] or "-",
            str(len(row["feeds"])),
            str(len(row["sitemaps"])),
            str(len(row["start_urls"])),
            "yes" if row["enabled"] else "no",
        )
    _console().print(table)


def print_status(statuses: Sequence[Any]) -> None:
    console = _console()
    if not statuses:
        console.print("no sources configured and nothing crawled yet: run `newsmon crawl`")
        return
    table = Table(title="sources")
    columns = (
        "source",
        "health",
        "schedule",
        "next run",
        "last run",
        "status",
        "new",
        "new 7d",
        "articles",
        "bad runs",
    )
    for column in columns:
        table.add_column(
            column,
            justify="right" if column in ("new", "new 7d", "articles", "bad runs") else "left",
        )
    for s in statuses:
        run = s.last_run
        table.add_row(
            Text(s.name),
            Text(s.health, style=HEALTH_STYLE.get(s.health, "")),
            Text(s.schedule or "-"),
            _when(s.next_run_at),
            _when(run.started_at if run else None),
            run.status if run else "-",
            str(s.new_last_run),
            str(s.new_7_days),
            str(s.articles),
            str(s.consecutive_bad_runs),
        )
    console.print(table)
    for s in statuses:
        if s.health_reason and s.health != "ok":
            detail = f": {s.last_run.reason}" if s.last_run and s.last_run.reason else ""
            console.print(f"{s.name}: {s.health} ({s.health_reason}){detail}", markup=False)


HEALTH_STYLE = {"ok": "green", "degraded": "yellow", "broken": "bold red", "new": "cyan"}
