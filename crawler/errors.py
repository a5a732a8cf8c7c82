"""newsmon's exceptions, in one place.

    NewsmonError            base: the CLI prints its message on one line and exits 2
    ├── ConfigError         the sources file is missing, unreadable or invalid
    ├── UsageError          a CLI argument is wrong (unknown source, bad date, bad format)
    ├── OutputError         an output file (``export -o``) cannot be written
    └── CrawlError          a crawl could not run at all (not: a page failed, that is recorded)
        ├── DatabaseLost    the database failed mid-crawl (disk full, server gone): the CLI
        │                   exits 1, not 2, after the summary of what was crawled
        └── WorkersUnavailable  the extraction worker processes could not be started: the
                            crawl records a failed run per source and the CLI exits 1

Storage errors live in ``storage.errors`` (``StorageError`` and subclasses); the CLI treats them
the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.models import CrawlRun


class NewsmonError(Exception):
    """An error the user can fix; its message names the thing at fault."""


class ConfigError(NewsmonError):
    """The sources file is missing, unreadable or invalid."""


class UsageError(NewsmonError):
    """A command-line argument is wrong."""


class OutputError(NewsmonError):
    """An output file cannot be created or written."""


class CrawlError(NewsmonError):
    """A crawl could not be started or could not finish."""


class DatabaseLost(CrawlError):
    """The database failed mid-crawl; ``runs`` are the crawl_runs rows that could be read
    back afterwards (empty when the database cannot be read either)."""

    def __init__(self, message: str, runs: Sequence[CrawlRun] = ()) -> None:
        super().__init__(message)
        self.runs = list(runs)


class WorkersUnavailable(CrawlError):
    """The extraction worker processes could not be started (no process or semaphore could
    be created, the fork server could not listen): no page could be extracted."""
