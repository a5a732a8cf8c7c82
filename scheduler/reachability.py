"""Telling the daemon's log when the network, not the sites, is why crawls fail.

Each source crawls in its own process on its own schedule, so a machine without network shows
as one source after another failing with a DNS or connection error, and nothing in any one
crawl's line says the cause is shared. The daemon watches the outcomes: once several
different sources in a row could not reach their sites at all, it says so once, and says again
when a crawl gets through.
"""

from __future__ import annotations

import logging
import threading

from crawler.status.health import OFFLINE_HINT, RunErrors, unreachable_detail, unreachable_kind

logger = logging.getLogger(__name__)

# Different sources in a row that reached nothing before the daemon suspects the network: one
# dead site is common, three unrelated ones failing the same way rarely are.
SUSPECT_AFTER = 3


class ReachabilityWatch:
    """Follows crawl outcomes; logs one warning when the machine looks offline."""

    def __init__(self, suspect_after: int = SUSPECT_AFTER) -> None:
        self.suspect_after = suspect_after
        self._lock = threading.Lock()
        self._unreachable: dict[str, str] = {}  # source -> how it failed, since the last success
        self._warned = False

    def observe(self, source: str, run: RunErrors | None) -> None:
        """Take one finished crawl of ``source`` into account (None: no run was recorded)."""
        if run is None:
            return
        kind = unreachable_kind(run)
        with self._lock:
            if kind is None:
                if run.pages_fetched:
                    if self._warned:
                        logger.info("sources are reachable again (%s fetched pages)", source)
                    self._unreachable.clear()
                    self._warned = False
                return
            self._unreachable[source] = kind
            if self._warned or len(self._unreachable) < self.suspect_after:
                return
            self._warned = True
            detail = unreachable_detail(list(self._unreachable.values()))
        logger.warning(
            "no source could be reached in the last %d crawls (%s): %s The daemon keeps "
            "crawling on schedule.",
            len(self._unreachable),
            detail,
            OFFLINE_HINT,
        )
