"""``--source NAME`` checked against what exists, so that a mistyped name is an error rather
than a silently empty export, search or re-extraction."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from crawler.config import NewsmonConfig
from crawler.errors import UsageError
from storage.queries import source_names


def check_source_names(
    names: Iterable[str], session: Session, config: NewsmonConfig | None
) -> None:
    """Raise ``UsageError`` unless every name is a source of the database or of ``config``
    (a configured source not crawled yet has nothing stored, which is no error)."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return
    known = source_names(session) | ({s.name for s in config.sources} if config else set())
    unknown = [name for name in wanted if name not in known]
    if not unknown:
        return
    listed = (
        f"known: {', '.join(sorted(known))}" if known else ("no source is configured or stored yet")
    )
    raise UsageError(f"unknown source {', '.join(map(repr, unknown))}; {listed}")
