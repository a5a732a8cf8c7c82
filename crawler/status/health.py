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
