"""Writes: articles and crawl runs, each call one transaction, safe to repeat.

An article is found again by its key URL or by any URL it was seen under (``article_urls``);
the first key URL stays its identity and later ones become aliases. Its search row is written
in the same transaction, so the index never disagrees with the articles table.
``store_articles`` writes many articles in one transaction (a crawl's batches), with the
results of writing them one after another.
"""

from __future__ import annotations

import bisect
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import BindParameter, Row, bindparam, case, insert, null, or_, select, union, update
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from crawler.similarity.signature import TextSignature
from crawler.similarity.tokens import pack_shingles, text_shingles
from storage.bulk import insert_rows
from storage.db import Database
from storage.dedup import (
    NO_BOUND,
    band_rows,
    has_bands,
    link_duplicate,
    set_bands,
    set_shingles,
)
from storage.errors import StorageError
from storage.fts import SearchRow, meta_terms, search_terms, write_search_rows
from storage.models import (
    Article,
    ArticleBand,
    ArticleEvidence,
    ArticlePage,
    ArticleParty,
    ArticleShingles,
    ArticleUrl,
    ArticleVersion,
    CrawlRun,
    PageValidator,
    Source,
    table_of,
    utcnow,
)
from storage.stories import (
    StoryArticle,
    assign_story,
    date_evidence,
    evidence_rows,
    lock_stories,
    party_rows,
    set_evidence,
    set_parties,
)

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
    # ``search_terms(title or "")`` and ``search_terms(text)`` when the caller folded them
    # already (the extraction worker does); None: folded here.
    search_terms: tuple[str, str] | None = None

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
            raise ValueError("ArticleData.body_z must be bytes (the compressed page)")
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
    """Run ``work`` in its own transaction, retrying when it loses a race on a unique key or
    PostgreSQL breaks a deadlock by cancelling it."""
    new_session = _session_factory(target)
    attempt = 1
    while True:
        try:
            with new_session() as session, session.begin():
                return work(session)
        except (IntegrityError, OperationalError) as exc:
            if attempt >= _ATTEMPTS or not _lost_a_race(exc):
                raise
            logger.debug("write lost a race (%s); retrying (%d)", type(exc.orig).__name__, attempt)
            attempt += 1


# SQLSTATEs of a transaction PostgreSQL cancelled so that another could go on: a deadlock
# (two crawls creating the same two sources in opposite order) and a serialization failure.
# Run again, the transaction finds the other's rows committed.
_RETRYABLE_STATES = frozenset({"40P01", "40001"})


def _lost_a_race(exc: IntegrityError | OperationalError) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_STATES


# The article writes run as Core statements built once, on the session's connection: the
# ORM unit of work and building statements per article cost more than running them.
_sources = table_of(Source)
_articles = table_of(Article)
_pages = table_of(ArticlePage)
_urls = table_of(ArticleUrl)
_versions = table_of(ArticleVersion)
_bands = table_of(ArticleBand)
_shingles = table_of(ArticleShingles)
_parties = table_of(ArticleParty)
_evidence = table_of(ArticleEvidence)
# A JSON column's None is stored as JSON null; the ORM leaves a column it was never given
# SQL NULL, and this says the same to Core.
_SQL_NULL = null()
_SOURCE_ID = select(_sources.c.id).where(_sources.c.name == bindparam("name"))
_INSERT_SOURCE = insert(_sources)
_INSERT_ARTICLE = insert(_articles)
_INSERT_VERSION = insert(_versions)
# No values: the SET clause is the keys of the parameters given.
_UPDATE_ARTICLE = update(_articles).where(_articles.c.id == bindparam("article_id_"))
_UPDATE_PAGE = update(_pages).where(_pages.c.article_id == bindparam("article_id_"))
_urls_param: BindParameter[list[str]] = bindparam("urls", expanding=True)
_KNOWN_URLS = select(_urls.c.url).where(_urls.c.url.in_(_urls_param))
# What _FIND looks at: an article's key URL and the URLs it was seen under.
_STORED_URLS = union(_KNOWN_URLS, select(_articles.c.url).where(_articles.c.url.in_(_urls_param)))
# URLs asked about per statement: far below SQLite's limit on parameters.
_URLS_PER_LOOKUP = 500
_FIND = (
    select(
        _articles.c.id,
        _articles.c.source_id,
        _articles.c.content_hash,
        _articles.c.title,
        _articles.c.published_at,
        _articles.c.fetched_at,
        _articles.c.language,
        _articles.c.script,
        _articles.c.authors,
        _articles.c.site_name,
        _articles.c.description,
        _articles.c.canonical_url,
        _articles.c.duplicate_of,
        _articles.c.cluster,
        _articles.c.parties,
    )
    .where(
        or_(
            _articles.c.url.in_(_urls_param),
            _articles.c.id.in_(select(_urls.c.article_id).where(_urls.c.url.in_(_urls_param))),
        )
    )
    .order_by(case((_articles.c.url == bindparam("key"), 0), else_=1), _articles.c.id)
    .limit(1)
)
# A row of _FIND: an article's columns, read by name.
StoredRow = Row[*tuple[Any, ...]]
# Those the search row holds (the title's words, the date and language as meta terms).
_INDEXED = frozenset({"title", "published_at", "language"})


def _source_id(connection: Connection, name: str) -> int:
    """The id of source ``name``, creating its row the first time it is stored."""
    found = connection.scalar(_SOURCE_ID, {"name": name})
    if found is None:
        # A concurrent insert of the same name fails here, and is retried.
        result = connection.execute(_INSERT_SOURCE, {"name": name, "created_at": utcnow()})
        found = _inserted_id(result)
    return int(found)


def _inserted_id(result: CursorResult[Any]) -> int:
    """The primary key a single-row INSERT gave its row."""
    key = result.inserted_primary_key
    assert key is not None, "not the result of a single-row INSERT"
    return int(key[0])


class _Batch:
    """One transaction's writes: rows read by no later lookup (pages, search rows) wait for
    the end of the transaction, to go in one statement each."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.source_ids: dict[str, int] = {}
        self.pages: dict[int, dict[str, Any]] = {}
        self.search: dict[int, SearchRow] = {}

    def source_id(self, name: str) -> int:
        found = self.source_ids.get(name)
        if found is None:
            found = self.source_ids[name] = _source_id(self.connection, name)
        return found

    def store_page(self, article_id: int, data: ArticleData, *, stored: bool) -> None:
        """Write the article's page (``stored``: it has one in the database)."""
        page = {
            "response_url": data.response_url,
            "body_z": data.body_z,
            "encoding": data.encoding,
            # Informational only: a server's overlong header must not lose the article.
            "content_type": data.content_type[:255] if data.content_type else None,
            "fetched_at": data.fetched_at,
        }
        if article_id in self.pages or not stored:
            self.pages[article_id] = {"article_id": article_id, **page}
            return
        result = self.connection.execute(_UPDATE_PAGE, {"article_id_": article_id, **page})
        if result.rowcount == 0:  # an article stored without one
            self.pages[article_id] = {"article_id": article_id, **page}

    def index(
        self,
        article_id: int,
        source_id: int,
        title: str | None,
        text: str,
        published_at: datetime | None,
        language: str | None,
        folded: tuple[str, str] | None = None,
    ) -> None:
        """Queue the article's search row; ``folded``: its title and text folded already."""
        folded_title, folded_text = folded or (search_terms(title or ""), search_terms(text))
        self.search[article_id] = SearchRow(
            article_id, folded_title, folded_text, meta_terms(published_at, language, source_id)
        )

    def finish(self) -> None:
        insert_rows(self.connection, _pages, list(self.pages.values()))
        write_search_rows(self.connection, list(self.search.values()))


def _find_article(connection: Connection, data: ArticleData) -> StoredRow | None:
    """The stored article with this key URL, else one seen under any of ``data.urls``."""
    return connection.execute(_FIND, {"urls": list(data.urls), "key": data.url}).first()


def _record_urls(connection: Connection, article_id: int, urls: tuple[str, ...]) -> None:
    """Add the URLs not yet known; one already belonging to another article stays there."""
    seen = set(connection.scalars(_KNOWN_URLS, {"urls": list(urls)}))
    insert_rows(
        connection,
        _urls,
        [{"url": url, "article_id": article_id} for url in urls if url not in seen],
    )


def _stored_urls(connection: Connection, urls: set[str]) -> set[str]:
    """Those of ``urls`` that an article is stored under (what ``_FIND`` matches)."""
    ordered = sorted(urls)
    found: set[str] = set()
    for start in range(0, len(ordered), _URLS_PER_LOOKUP):
        chunk = ordered[start : start + _URLS_PER_LOOKUP]
        found.update(connection.scalars(_STORED_URLS, {"urls": chunk}))
    return found


def _scores(data: ArticleData) -> dict[str, Any]:
    """The relevance columns when the data carries them (a write without them keeps what
    is stored)."""
    if data.relevance is None and data.relevant is None and data.topics is None:
        return {}
    return {
        "relevance": data.relevance,
        "relevant": data.relevant,
        "topics": None if data.topics is None else list(data.topics),
    }


def _metadata(data: ArticleData) -> dict[str, Any]:
    """What a re-extraction may correct without the text changing."""
    return {
        "title": data.title,
        "published_at": data.published_at,
        "authors": list(data.authors),
        "language": data.language,
        "script": data.script,
        "site_name": data.site_name,
        "description": data.description,
        "canonical_url": data.canonical_url,
    }


@dataclass(frozen=True)
class _NewArticle:
    """An article inserted by ``_insert_row``, its duplicate and story not yet looked up."""

    article_id: int
    source_id: int
    data: ArticleData
    # Its packed shingles (``tokens.pack_shingles``); None: it has no signature.
    packed: bytes | None


def _insert_row(batch: _Batch, data: ArticleData) -> _NewArticle:
    """Insert the article's row, without ``duplicate_of`` and ``cluster`` (``_link_new``
    sets them), and queue its page and search row."""
    source_id = batch.source_id(data.source)
    signature = data.signature
    scores = _scores(data)
    result = batch.connection.execute(
        _INSERT_ARTICLE,
        {
            **_metadata(data),
            "source_id": source_id,
            "url": data.url,
            "content_hash": data.content_hash,
            "text": data.text,
            "created_at": utcnow(),
            "fetched_at": data.fetched_at,
            "updated_at": None,
            "relevance": scores.get("relevance"),
            "relevant": scores.get("relevant"),
            "topics": scores["topics"] if scores else _SQL_NULL,
            "duplicate_of": None,
            "cluster": None,
            "parties": list(signature.parties) if signature is not None else _SQL_NULL,
            "evidence": signature.evidence.to_json() if signature is not None else _SQL_NULL,
        },
    )
    article_id = _inserted_id(result)
    batch.store_page(article_id, data, stored=False)
    batch.index(
        article_id,
        source_id,
        data.title,
        data.text,
        data.published_at,
        data.language,
        data.search_terms,
    )
    packed = _packed_shingles(data) if signature is not None else None
    return _NewArticle(article_id, source_id, data, packed)


def _index_new(connection: Connection, new: Sequence[_NewArticle]) -> None:
    """Store the URLs, band keys, shingles, parties and evidence of just inserted articles:
    one statement per table for all of them (none of their URLs is known yet)."""
    insert_rows(
        connection,
        _urls,
        [{"url": url, "article_id": n.article_id} for n in new for url in n.data.urls],
    )
    signed = [(n, n.data.signature) for n in new if n.data.signature is not None]
    insert_rows(
        connection,
        _bands,
        [row for n, signature in signed for row in band_rows(n.article_id, signature.bands)],
    )
    insert_rows(
        connection,
        _shingles,
        [{"article_id": n.article_id, "shingles": n.packed} for n, _ in signed],
    )
    insert_rows(
        connection,
        _parties,
        [row for n, signature in signed for row in party_rows(n.article_id, signature.parties)],
    )
    insert_rows(
        connection,
        _evidence,
        [
            row
            for n, signature in signed
            for row in evidence_rows(n.article_id, signature.evidence, _dated(n.data))
        ],
    )


def _link_new(batch: _Batch, new: _NewArticle, before: int) -> StoreOutcome:
    """Find the new article's first copy and story (among articles with ids below
    ``before``) and store them."""
    signature = new.data.signature
    if signature is None or new.packed is None:
        return "new"
    connection = batch.connection
    duplicate_of = link_duplicate(
        connection, new.article_id, signature.bands, new.packed, new=True, before=before
    )
    cluster = _story(
        connection,
        new.article_id,
        new.source_id,
        new.data.language,
        _dated(new.data),
        signature,
        duplicate_of,
    )
    connection.execute(
        _UPDATE_ARTICLE,
        {"article_id_": new.article_id, "duplicate_of": duplicate_of, "cluster": cluster},
    )
    return "new"


def _dated(data: ArticleData) -> datetime:
    """The date an article's evidence is filed under for the story window."""
    return data.published_at or data.fetched_at


def _packed_shingles(data: ArticleData) -> bytes:
    assert data.signature is not None
    return data.signature.shingles or pack_shingles(text_shingles(data.text))


def _update(batch: _Batch, row: StoredRow, data: ArticleData, before: int) -> StoreOutcome:
    """Store ``data`` over the stored article ``row``: its new text, or the metadata a
    re-extraction corrected, or only that it was fetched again."""
    connection = batch.connection
    _record_urls(connection, row.id, data.urls)
    changes = _scores(data)
    metadata = _metadata(data)
    text_changed = row.content_hash != data.content_hash
    if text_changed:
        _remember_version(connection, row)
        changed = set(metadata)
        changes.update(metadata, content_hash=data.content_hash, text=data.text)
    else:
        changed = {name for name, value in metadata.items() if getattr(row, name) != value}
        changes.update((name, metadata[name]) for name in changed)
    changes["fetched_at"] = data.fetched_at
    state = {**row._asdict(), **changes}
    if changed:
        changes["updated_at"] = utcnow()
        # The page the new values came from: a later re-extraction must find them again.
        batch.store_page(row.id, data, stored=True)
        if text_changed or changed & _INDEXED:
            batch.index(
                row.id,
                row.source_id,
                data.title,
                data.text,  # state's title too
                state["published_at"],
                state["language"],
                data.search_terms,
            )
    when = state["published_at"] or state["fetched_at"]
    if data.signature is not None:
        changes.update(
            _apply_signature(
                connection,
                row,
                data,
                when,
                state["language"],
                text_changed=text_changed,
                before=before,
            )
        )
    connection.execute(_UPDATE_ARTICLE, {"article_id_": row.id, **changes})
    if when != (row.published_at or row.fetched_at):
        # The story window reads the article's date from its evidence rows.
        date_evidence(connection, row.id, when)
    return "updated" if changed else "unchanged"


def _apply_signature(
    connection: Connection,
    row: StoredRow,
    data: ArticleData,
    when: datetime,
    language: str | None,
    *,
    text_changed: bool,
    before: int,
) -> dict[str, Any]:
    """Store the signature, then find the article's first copy and its story; the article
    columns to update.

    A changed text is checked for copies again; it keeps its story unless it was alone in
    it. An unchanged one (re-extraction) only fills in what was never computed."""
    signature = data.signature
    assert signature is not None
    known = row.cluster is not None and has_bands(connection, row.id)
    if known and not text_changed and row.parties == list(signature.parties):
        return {}
    packed = _index_signature(connection, row.id, data, when)
    duplicate_of, cluster = row.duplicate_of, row.cluster
    if text_changed or not known:
        duplicate_of = link_duplicate(connection, row.id, signature.bands, packed, before=before)
    if duplicate_of is not None or cluster is None or _alone(connection, row.id, cluster):
        cluster = _story(connection, row.id, row.source_id, language, when, signature, duplicate_of)
    return {
        "parties": list(signature.parties),
        "evidence": signature.evidence.to_json(),
        "duplicate_of": duplicate_of,
        "cluster": cluster,
    }


def _index_signature(
    connection: Connection, article_id: int, data: ArticleData, when: datetime
) -> bytes:
    """Replace the stored article's band keys, shingles, parties and evidence (dated
    ``when``) with its signature's; its packed shingles."""
    signature = data.signature
    assert signature is not None
    packed = _packed_shingles(data)
    set_bands(connection, article_id, signature.bands)
    set_shingles(connection, article_id, packed)
    set_parties(connection, article_id, signature.parties)
    set_evidence(connection, article_id, signature.evidence, when)
    return packed


def _story(
    connection: Connection,
    article_id: int,
    source_id: int,
    language: str | None,
    when: datetime,
    signature: TextSignature,
    duplicate_of: int | None,
) -> int:
    """The article's ``cluster`` (``storage.stories.assign_story``)."""
    return assign_story(
        connection,
        StoryArticle(article_id, source_id, language, when, signature.parties, signature.evidence),
        duplicate_of,
    )


_OTHER_MEMBER = (
    select(_articles.c.id)
    .where(_articles.c.cluster == bindparam("cluster"), _articles.c.id != bindparam("me"))
    .limit(1)
)


def _alone(connection: Connection, article_id: int, cluster: int) -> bool:
    return connection.scalar(_OTHER_MEMBER, {"cluster": cluster, "me": article_id}) is None


def _remember_version(connection: Connection, row: StoredRow) -> None:
    """Keep the hash, title and fetch time of the text a re-crawl is about to replace."""
    connection.execute(
        _INSERT_VERSION,
        {
            "article_id": row.id,
            "content_hash": row.content_hash,
            "title": row.title,
            "fetched_at": row.fetched_at,
            "replaced_at": utcnow(),
        },
    )


def _insert_new(batch: _Batch, items: Sequence[ArticleData]) -> dict[int, _NewArticle]:
    """Insert the rows of the batch's new articles, by position: those with no URL that a
    stored article or an earlier item has. Inserted in order, they get the ids that storing
    the items one by one would give them."""
    known = _stored_urls(batch.connection, {url for data in items for url in data.urls})
    new: dict[int, _NewArticle] = {}
    for position, data in enumerate(items):
        if known.isdisjoint(data.urls):
            new[position] = _insert_row(batch, data)
        known.update(data.urls)
    _index_new(batch.connection, list(new.values()))
    return new


def _store_known(batch: _Batch, data: ArticleData, before: int) -> StoreOutcome:
    """Store an item whose article is stored already (or was inserted earlier in the batch)."""
    row = _find_article(batch.connection, data)
    if row is None:  # not found after all (nothing deletes articles): store it as new
        new = _insert_row(batch, data)
        _index_new(batch.connection, [new])
        return _link_new(batch, new, before)
    return _update(batch, row, data, before)


def store_articles(target: SessionSource, items: Sequence[ArticleData]) -> list[StoreOutcome]:
    """Store ``items`` in one transaction, each as ``store_article`` would one after
    another (two items may be the same article); their outcomes, in order.

    One failing item fails them all and nothing is written: a caller that must not lose
    the others stores them again one by one."""

    def work(session: Session) -> list[StoreOutcome]:
        connection = session.connection()
        if any(data.signature is not None for data in items):
            # Before any write: two crawls storing one story at once would otherwise each
            # start it (PostgreSQL; the lock's docstring says why it comes first).
            lock_stories(connection)
        batch = _Batch(connection)
        # The new articles' rows and index rows go in first, a statement per table rather
        # than per article; then every item is looked up in order. An item's duplicate
        # lookup is bounded to ids below the next new article's, so it sees the batch's
        # earlier articles and not its later ones, as one-by-one writes would. (The story
        # lookup needs no bound: it only reads articles whose story is set.)
        new = _insert_new(batch, items)
        positions = sorted(new)
        outcomes: list[StoreOutcome] = []
        for position, data in enumerate(items):
            following = bisect.bisect_right(positions, position)
            before = (
                new[positions[following]].article_id if following < len(positions) else NO_BOUND
            )
            found = new.get(position)
            outcomes.append(
                _link_new(batch, found, before)
                if found is not None
                else _store_known(batch, data, before)
            )
        batch.finish()
        return outcomes

    return _in_transaction(target, work) if items else []


def store_article(target: SessionSource, data: ArticleData) -> StoreOutcome:
    """Insert or update one article with its page, URLs and search row, in one transaction.

    Returns "new", "updated" (the text, or metadata such as the title or date, changed) or
    "unchanged" (only ``fetched_at``, relevance and any new aliases are recorded). Pass the
    ``Database`` rather than a bare sessionmaker where several processes write to one
    SQLite file: its write sessions take the lock first.
    """
    return store_articles(target, [data])[0]


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
            source_id=_source_id(session.connection(), source),
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
            select(CrawlRun).where(
                CrawlRun.pid == pid, CrawlRun.status.in_(("running", "interrupted"))
            )
        )
        marked = 0
        for run in runs:
            run.status = "failed"
            run.finished_at = run.finished_at or utcnow()
            run.reason = reason
            marked += 1
        return marked

    return _in_transaction(target, work)


def record_failed_run(
    target: SessionSource,
    source: str,
    trigger: str,
    reason: str,
    pid: int | None = None,
    status: str = "failed",
) -> int:
    """A run that ended before it could record itself (its process never got that far):
    ``failed``, or ``interrupted`` when it was stopped on purpose."""

    def work(session: Session) -> int:
        now = utcnow()
        run = CrawlRun(
            source_id=_source_id(session.connection(), source),
            trigger=trigger,
            status=status,
            started_at=now,
            finished_at=now,
            pid=pid,
            pages_dropped={},
            errors=[reason[:500]],
            reason=reason[:500],
        )
        session.add(run)
        session.flush()
        return run.id

    return _in_transaction(target, work)


def save_validators(
    target: SessionSource,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    article_links: int,
) -> None:
    """Remember a discovery page's ETag / Last-Modified and how many article links it had."""

    def work(session: Session) -> None:
        session.merge(
            PageValidator(
                url=url[:2048],
                etag=(etag or None) and etag[:512],
                last_modified=(last_modified or None) and last_modified[:64],
                article_links=max(0, article_links),
                updated_at=utcnow(),
            )
        )

    _in_transaction(target, work)
