"""newsmon's exceptions, in one place.

    NewsmonError            base: the CLI prints its message on one line and exits 2
    ├── ConfigError         the sources file is missing, unreadable or invalid
    ├── UsageError          a CLI argument is wrong (unknown source, bad date, bad format)
    └── CrawlError          a crawl could not run at all (not: a page failed, that is recorded)

Storage errors live in ``storage.errors`` (``StorageError`` and subclasses); the CLI treats them
the same way.
"""

from __future__ import annotations


class NewsmonError(Exception):
    """An error the user can fix; its message names the thing at fault."""


class ConfigError(NewsmonError):
    """The sources file is missing, unreadable or invalid."""


class UsageError(NewsmonError):
    """A command-line argument is wrong."""


class CrawlError(NewsmonError):
    """A crawl could not be started or could not finish."""
