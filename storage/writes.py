"""Writes: articles and crawl runs, each call one transaction, safe to repeat.

An article is found again by its key URL or by any URL it was seen under (``article_urls``);
the first key URL stays its identity and later ones become aliases. Its search row is written
in the same transaction, so the index never disagrees with the articles table.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeVar

from sqlalchemy import case, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crawler.similarity.signature import TextSignature
from crawler.similarity.tokens import pack_shingles, text_shingles
from storage.db import Database
from storage.dedup import has_bands, link_duplicate, set_bands, set_shingles
from storage.errors import StorageError
from storage.fts import write_search_document
from storage.models import (
    Article,
    ArticlePage,
    ArticleUrl,
    ArticleVersion,
    CrawlRun,
    PageValidator,
    Source,
    utcnow,
)
from storage.stories import assign_story, date_evidence, set_evidence, set_parties

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

StoreOutcome = Literal["new", "updated", "unchanged"]
FINISHED_STATUSES = ("ok", "failed", "interrupted")
MAX_RUN_ERRORS = 50
MAX_ERROR_CHARS = 500
# A write that loses a race on a unique URL is retried; it then finds the winner's row.
_ATTEMPTS = 3

_T = TypeVar("_T")
SessionSource = Database | sessionmaker[Session]

# Column widths from storage.models, checked here so both backends reject the same values.
_MAX_LENGTHS = {
    "source": 64,
    "url": 2048,
    "canonical_url": 2048,
    "response_url": 2048,
    "content_hash": 64,
    "language": 8,
    "script": 8,
    "encoding": 32,
}


@dataclass(frozen=True)
class ArticleData:
    """One extracted article, ready to store. URLs are already normalised; ``aliases`` are the
    other URLs it was seen under (requested URL, redirect target...); ``body_z`` is the raw
    response body, zlib-compressed. Invalid values raise ``ValueError`` naming the field."""

    source: str
    url: str
    aliases: tuple[str, ...]
    canonical_url: str | None
    title: str | None
    text: str
    content_hash: str
    published_at: datetime | None
    language: str | None
    authors: tuple[str, ...]
    site_name: str | None
    description: str | None
    fetched_at: datetime
    response_url: str
    body_z: bytes
    encoding: str
    content_type: str | None
    script: str | None = None
    # Relevance (crawler.relevance); None: not scored.
    relevance: float | None = None
    relevant: bool | None = None
    topics: tuple[str, ...] | None = None
    # For near-duplicates and stories (crawler.similarity); None: neither is looked for.
    signature: TextSignature | None = None

    def __post_init__(self) -> None:
        for name in ("source", "url", "content_hash", "response_url", "encoding"):
            if not getattr(self, name):
                raise ValueError(f"ArticleData.{name} must not be empty")
        for name, limit in _MAX_LENGTHS.items():
            value = getattr(self, name)
            if value is not None and len(value) > limit:
                raise ValueError(
                    f"ArticleData.{name} is {len(value)} characters long, more than {limit}"
                )
        for alias in self.aliases:
            if not alias or len(alias) > _MAX_LENGTHS["url"]:
                raise ValueError(f"ArticleData.aliases has an empty or too long URL: {alias!r}")
        for name in ("published_at", "fetched_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"ArticleData.{name} must be timezone-aware, got {value!r}")
        if not isinstance(self.body_z, bytes):
            raise ValueError("ArticleData.body_z must be bytes (the zlib-compressed body)")
        if self.relevance is not None and not 0.0 <= self.relevance <= 1.0:
            raise ValueError(f"ArticleData.relevance must be in [0, 1], got {self.relevance!r}")
        if self.topics is not None and any(not t or len(t) > 64 for t in self.topics):
            raise ValueError(f"ArticleData.topics has an empty or too long id: {self.topics!r}")

    @property
    def urls(self) -> tuple[str, ...]:
        """The key URL then every alias, without repeats."""
        return tuple(dict.fromkeys((self.url, *self.aliases)))


def _session_factory(target: SessionSource) -> Callable[[], Session]:
    return target.write_session if isinstance(target, Database) else target


def _in_transaction(target: SessionSource, work: Callable[[Session], _T]) -> _T:
    """Run ``work`` in its own transaction, retrying when it loses a race on a unique key."""
    new_session = _session_factory(target)
    attempt = 1
    while True:
        try:
            with new_session() as session, session.begin():
                return work(session)
        except IntegrityError:
            if attempt >= _ATTEMPTS:
                raise
            logger.debug("write lost a race on a unique key; retrying (%d)", attempt)
            attempt += 1


def _source(session: Session, name: str) -> Source:
    source = session.scalars(select(Source).where(Source.name == name)).one_or_none()
    if source is None:
        source = Source(name=name, created_at=utcnow())
        session.add(source)
        session.flush()  # a concurrent insert of the same name fails here, and is retried
    return source


def _find_article(session: Session, data: ArticleData) -> Article | None:
    """The stored article with this key URL, else one seen under any of ``data.urls``."""
    seen_under = select(ArticleUrl.article_id).where(ArticleUrl.url.in_(data.urls))
    return session.scalars(
        select(Article)
        .where(or_(Article.url.in_(data.urls), Article.id.in_(seen_under)))
        .order_by(case((Article.url == data.url, 0), else_=1), Article.id)
        .limit(1)
    ).one_or_none()


def _record_urls(session: Session, article_id: int, urls: tuple[str, ...]) -> None:
    """Add the URLs not yet known; one already belonging to another article stays there."""
    known = set(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(urls))))
    session.add_all(ArticleUrl(url=url, article_id=article_id) for url in urls if url not in known)
    session.flush()


def _apply(article: Article, data: ArticleData) -> None:
    """Copy the extracted content and its page onto ``article``."""
    article.canonical_url = data.canonical_url
    article.content_hash = data.content_hash
    article.title = data.title
    article.text = data.text
    article.published_at = data.published_at
    article.language = data.language
    article.script = data.script
    article.authors = list(data.authors)
    article.site_name = data.site_name
    article.description = data.description
    article.fetched_at = data.fetched_at
    page = article.page or ArticlePage()
    page.response_url = data.response_url
    page.body_z = data.body_z
    page.encoding = data.encoding
    # Informational only: a server's overlong header must not lose the article.
    page.content_type = data.content_type[:255] if data.content_type else None
    page.fetched_at = data.fetched_at
    article.page = page


def _apply_scores(article: Article, data: ArticleData) -> None:
    """Copy relevance when the data carries it (a write without it keeps what is stored)."""
    if data.relevance is None and data.relevant is None and data.topics is None:
        return
    article.relevance = data.relevance
    article.relevant = data.relevant
    article.topics = None if data.topics is None else list(data.topics)


def _apply_signature(session: Session, article: Article, signature: TextSignature,
                     *, text_changed: bool, new: bool = False) -> None:
    """Store the signature, then find the article's first copy and its story.

    A changed text is checked for copies again; it keeps its story unless it was alone in
    it. An unchanged one (re-extraction) only fills in what was never computed. ``new``: the
    article was just inserted, so it has nothing stored to replace."""
    known = not new and article.cluster is not None and has_bands(session, article)
    if known and not text_changed and article.parties == list(signature.parties):
        return
    packed = signature.shingles or pack_shingles(text_shingles(article.text))
    set_bands(session, article.id, signature.bands, replace=not new)
    set_shingles(session, article.id, packed, replace=not new)
    set_parties(session, article, signature.parties, replace=not new)
    set_evidence(session, article, signature.evidence, replace=not new)
    if text_changed or not known:
        link_duplicate(session, article, signature.bands, packed)
    if article.duplicate_of is not None or article.cluster is None or _alone(session, article):
        assign_story(session, article, signature.evidence)


def _alone(session: Session, article: Article) -> bool:
    others = select(Article.id).where(Article.cluster == article.cluster, Article.id != article.id)
    return session.scalar(others.limit(1)) is None


def _remember_version(session: Session, article: Article) -> None:
    """Keep the hash, title and fetch time of the text a re-crawl is about to replace."""
    session.add(ArticleVersion(article_id=article.id, content_hash=article.content_hash,
                               title=article.title, fetched_at=article.fetched_at,
                               replaced_at=utcnow()))


def _store(session: Session, data: ArticleData) -> StoreOutcome:
    article = _find_article(session, data)
    if article is None:
        article = Article(source=_source(session, data.source), url=data.url, created_at=utcnow())
        _apply(article, data)
        _apply_scores(article, data)
        if data.signature is not None:  # in the INSERT rather than in an UPDATE after it
            article.parties = list(data.signature.parties)
            article.evidence = data.signature.evidence.to_json()
        session.add(article)
        session.flush()  # a concurrent insert of the same URL fails here, and is retried
        _record_urls(session, article.id, data.urls)
        write_search_document(session, article.id, data.title, data.text)
        if data.signature is not None:
            _apply_signature(session, article, data.signature, text_changed=True, new=True)
        return "new"
    _record_urls(session, article.id, data.urls)
    _apply_scores(article, data)
    when = article.published_at or article.fetched_at
    if article.content_hash == data.content_hash:
        article.fetched_at = data.fetched_at
        outcome: StoreOutcome = "unchanged"
        if data.signature is not None:
            _apply_signature(session, article, data.signature, text_changed=False)
    else:
        _remember_version(session, article)
        _apply(article, data)
        article.updated_at = utcnow()
        write_search_document(session, article.id, data.title, data.text)
        outcome = "updated"
        if data.signature is not None:
            _apply_signature(session, article, data.signature, text_changed=True)
    if (article.published_at or article.fetched_at) != when:
        # The story window reads the article's date from its evidence rows.
        date_evidence(session, article.id, article.published_at or article.fetched_at)
    return outcome


def store_article(target: SessionSource, data: ArticleData) -> StoreOutcome:
    """Insert or update one article with its page, URLs and search row, in one transaction.

    Returns "new", "updated" (the content hash changed) or "unchanged" (only ``fetched_at``
    and any new aliases are recorded). Pass the ``Database`` rather than a bare sessionmaker
    where several processes write to one SQLite file: its write sessions take the lock first.
    """
    return _in_transaction(target, lambda session: _store(session, data))


def start_run(
    target: SessionSource, source: str, trigger: str = "manual", pid: int | None = None
) -> int:
    """Record a crawl of ``source`` as running (creating the source row if needed); its id.

    Pass the crawl's ``pid``: a running run without one is taken for a dead one by
    ``mark_interrupted_runs``.
    """
    if not source or len(source) > _MAX_LENGTHS["source"]:
        raise ValueError(f"source name must be 1 to 64 characters, got {source!r}")
    if not trigger or len(trigger) > 16:
        raise ValueError(f"trigger must be 1 to 16 characters, got {trigger!r}")

    def work(session: Session) -> int:
        run = CrawlRun(
            source=_source(session, source),
            trigger=trigger,
            status="running",
            started_at=utcnow(),
            pid=pid,
            pages_dropped={},
            errors=[],
        )
        session.add(run)
        session.flush()
        return run.id

    return _in_transaction(target, work)


def _capped_errors(errors: list[str]) -> list[str]:
    """At most ``MAX_RUN_ERRORS`` messages of at most ``MAX_ERROR_CHARS`` characters; the
    first ones are kept (the cause usually comes first), the last line counts the rest."""

    def cut(message: object) -> str:
        text = str(message)
        return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"

    if len(errors) <= MAX_RUN_ERRORS:
        return [cut(message) for message in errors]
    kept = [cut(message) for message in errors[: MAX_RUN_ERRORS - 1]]
    return [*kept, f"… and {len(errors) - len(kept)} more errors"]


def finish_run(
    target: SessionSource,
    run_id: int,
    *,
    status: str,
    pages_fetched: int,
    articles_new: int,
    articles_updated: int,
    articles_unchanged: int,
    articles_failed: int,
    pages_dropped: dict[str, int],
    errors: list[str],
    reason: str | None,
    articles_found: int = 0,
) -> None:
    """Record how a crawl run ended and what it did. Raises ``StorageError`` for an unknown
    run, ``ValueError`` for an unknown status or a negative count."""
    if status not in FINISHED_STATUSES:
        raise ValueError(
            f"run status must be one of {', '.join(FINISHED_STATUSES)}; got {status!r}"
        )
    counts = {
        "pages_fetched": pages_fetched,
        "articles_new": articles_new,
        "articles_updated": articles_updated,
        "articles_unchanged": articles_unchanged,
        "articles_failed": articles_failed,
        "articles_found": articles_found,
        **{f"pages_dropped[{name!r}]": count for name, count in pages_dropped.items()},
    }
    for name, count in counts.items():
        if not isinstance(count, int) or count < 0:
            raise ValueError(f"{name} must be a count (an int >= 0), got {count!r}")

    def work(session: Session) -> None:
        run = session.get(CrawlRun, run_id)
        if run is None:
            raise StorageError(f"crawl run {run_id} does not exist")
        run.status = status
        run.finished_at = utcnow()
        run.pages_fetched = pages_fetched
        run.articles_new = articles_new
        run.articles_updated = articles_updated
        run.articles_unchanged = articles_unchanged
        run.articles_failed = articles_failed
        run.articles_found = articles_found
        run.pages_dropped = dict(pages_dropped)
        run.errors = _capped_errors(errors)
        run.reason = reason

    _in_transaction(target, work)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (POSIX signal 0 probes only)."""
    if pid <= 0:
        return False
    if os.name == "nt":
        # On Windows os.kill terminates the process whatever the signal: never probe there.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is just someone else's
    return True


def mark_interrupted_runs(target: SessionSource) -> int:
    """Mark "running" runs whose process is gone (or was never recorded) as "interrupted";
    how many were marked. Process ids are checked on this machine only."""

    def work(session: Session) -> int:
        running = session.scalars(select(CrawlRun).where(CrawlRun.status == "running"))
        marked = 0
        for run in running:
            if run.pid is not None and pid_alive(run.pid):
                continue
            run.status = "interrupted"
            run.finished_at = utcnow()
            run.reason = (
                "the crawl recorded no process id and is not known to be running"
                if run.pid is None
                else f"the crawl process (pid {run.pid}) ended without finishing the run"
            )
            marked += 1
        return marked

    return _in_transaction(target, work)


def fail_process_runs(target: SessionSource, pid: int, reason: str) -> int:
    """Mark the runs of crawl process ``pid`` that did not finish well (still running, or
    interrupted by the signal that stopped it) as failed with ``reason``; how many.

    The scheduler calls it after killing a crawl past its time limit or seeing it die."""

    def work(session: Session) -> int:
        runs = session.scalars(
            select(CrawlRun).where(CrawlRun.pid == pid,
                                   CrawlRun.status.in_(("running", "interrupted")))
        )
        marked = 0
        for run in runs:
            run.status = "failed"
            run.finished_at = run.finished_at or utcnow()
            run.reason = reason
            marked += 1
        return marked

    return _in_transaction(target, work)


def record_failed_run(target: SessionSource, source: str, trigger: str, reason: str,
                      pid: int | None = None, status: str = "failed") -> int:
    """A run that ended before it could record itself (its process never got that far):
    ``failed``, or ``interrupted`` when it was stopped on purpose."""

    def work(session: Session) -> int:
        now = utcnow()
        run = CrawlRun(source=_source(session, source), trigger=trigger, status=status,
                       started_at=now, finished_at=now, pid=pid, pages_dropped={},
                       errors=[reason[:500]], reason=reason[:500])
        session.add(run)
        session.flush()
        return run.id

    return _in_transaction(target, work)


def save_validators(target: SessionSource, url: str, *, etag: str | None,
                    last_modified: str | None, article_links: int) -> None:
    """Remember a discovery page's ETag / Last-Modified and how many article links it had."""

    def work(session: Session) -> None:
        session.merge(PageValidator(url=url[:2048], etag=(etag or None) and etag[:512],
                                    last_modified=(last_modified or None) and last_modified[:64],
                                    article_links=max(0, article_links), updated_at=utcnow()))

    _in_transaction(target, work)
