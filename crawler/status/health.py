"""Source health from its recent crawl runs: ok, degraded, broken (or new).

A run is bad when it failed (errors, killed, interrupted) or found no article links at all.
``broken``: the last N runs were all bad, and either the source used to yield articles or
every one of those runs failed outright. ``degraded``: the latest run was bad, not yet N.
A quiet day is not bad: a feed that lists only articles already stored still "found" them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

BAD_STATUSES = ("failed", "interrupted")
# How crawler.failures words the two failures that mean no connection was made at all: read
# here to tell a machine without network from sites that are down.
HOST_NOT_FOUND = "host name not found (DNS)"
CONNECTION_REFUSED = "connection refused"
OFFLINE_HINT = "is this machine offline? Try `newsmon demo` for a sample run without network."


class RunLike(Protocol):
    status: str
    articles_found: int
    articles_new: int


@dataclass(frozen=True)
class Health:
    verdict: str  # "ok", "degraded", "broken" or "new"
    consecutive_bad: int
    reason: str | None = None


def is_bad(run: RunLike) -> bool:
    return run.status in BAD_STATUSES or run.articles_found == 0


def assess(runs_newest_first: Sequence[RunLike], broken_after: int, ever_yielded: bool) -> Health:
    """Health from the source's finished runs (newest first; running ones left out)."""
    finished = [r for r in runs_newest_first if r.status != "running"]
    if not finished:
        return Health("new", 0)
    streak = 0
    for run in finished:
        if not is_bad(run):
            break
        streak += 1
    if streak == 0:
        return Health("ok", 0)
    window = finished[:streak]
    all_failed = all(r.status in BAD_STATUSES for r in window)
    what = "failed" if all_failed else "failed or found no articles"
    if streak >= broken_after and (ever_yielded or all_failed):
        return Health("broken", streak, f"the last {streak} runs {what}")
    return Health("degraded", streak, f"the last {streak} run(s) {what}")


class RunErrors(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def pages_fetched(self) -> int: ...
    @property
    def errors(self) -> Sequence[str] | None: ...


def unreachable_kind(run: RunErrors) -> str | None:
    """How a run that could not reach its site at all failed ("DNS lookup failed" or
    "connection refused"); None when it fetched a page or failed any other way."""
    errors = run.errors or []
    if run.status != "failed" or run.pages_fetched or not errors:
        return None
    if all(HOST_NOT_FOUND in error for error in errors):
        return "DNS lookup failed"
    if all(HOST_NOT_FOUND in error or CONNECTION_REFUSED in error for error in errors):
        return "connection refused"
    return None


def unreachable_detail(kinds: Sequence[str]) -> str:
    """``DNS lookup failed for all 3`` or ``of 3: DNS lookup failed for 2, connection refused
    for 1``."""
    counts = {kind: kinds.count(kind) for kind in dict.fromkeys(kinds)}
    if len(counts) == 1:
        return f"{kinds[0]} for all {len(kinds)}"
    return f"of {len(kinds)}: " + ", ".join(f"{kind} for {n}" for kind, n in counts.items())
