"""The database schema as typed SQLAlchemy 2 models: the one place a table's shape is written.

Alembic migrations in ``storage/migrations`` must match these models; a test compares them.
Timestamps are timezone-aware UTC (``*_at``); formatting to ISO 8601 happens at the edges.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """The current time, aware and in UTC (the only clock the storage layer uses)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend.

    SQLite has no time zones: it hands back naive values, which this type re-labels as UTC,
    so code never compares naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        dict[str, int]: JSON(),
        list[str]: JSON(),
    }


def table_of(model: type[Base]) -> Table:
    """A model's table, for the Core statements of the hot write paths (typed as a
    ``FromClause`` on the class, where those statements need its ``Table``)."""
    return cast(Table, model.__table__)


class Source(Base):
    """A configured news source, by its slug; rows appear the first time a source is crawled."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="source")


class Article(Base):
    """One news article: clean text and metadata, unique by its normalised URL."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_source_published", "source_id", "published_at"),
        Index("ix_articles_published_at", "published_at"),
        Index("ix_articles_language", "language"),
        # Only the near-duplicates: what search's anti-join hides (migration 0008).
        Index(
            "ix_articles_is_duplicate",
            "id",
            postgresql_where=text("duplicate_of IS NOT NULL"),
            sqlite_where=text("duplicate_of IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    # The article's identity: the normalised canonical URL when the page names a trustworthy
    # one, else the normalised URL it was fetched from. Other forms live in article_urls.
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    canonical_url: Mapped[str | None] = mapped_column(String(2048))
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(8))
    # ISO 15924 script where a language has several: "Hans" / "Hant" for Chinese.
    script: Mapped[str | None] = mapped_column(String(8))
    authors: Mapped[list[str]] = mapped_column(default=list)
    site_name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the stored text last changed after the first fetch; None while it never has.
    updated_at: Mapped[datetime | None]
    # Set by crawler.relevance and crawler.similarity; NULL: not computed (a row stored before
    # they ran, until `newsmon reextract`). relevance in [0, 1]; topics are topic ids.
    relevance: Mapped[float | None] = mapped_column(Float)
    relevant: Mapped[bool | None] = mapped_column(index=True)
    topics: Mapped[list[str] | None] = mapped_column(JSON)
    # The first stored copy of this near-duplicate (never itself a duplicate); None: original.
    # No foreign key: SQLite adds one to an existing table only by copying the table, and
    # that copy would cascade-delete pages and URLs; storage.dedup keeps the link valid.
    duplicate_of: Mapped[int | None] = mapped_column(index=True)
    # The story: the id of its first article (its own id when it starts one).
    cluster: Mapped[int | None] = mapped_column(index=True)
    # Party ids, most named first (crawler/data/parties.yaml); article_parties indexes them.
    parties: Mapped[list[str] | None] = mapped_column(JSON)
    # crawler.similarity.evidence.Evidence.to_json(): what story clustering compares.
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    source: Mapped[Source] = relationship(back_populates="articles")
    page: Mapped[ArticlePage | None] = relationship(
        back_populates="article", cascade="all, delete-orphan", uselist=False
    )


class ArticleParty(Base):
    """A party an article names: the index behind story candidates and ``--party``."""

    __tablename__ = "article_parties"
    __table_args__ = (Index("ix_article_parties_party", "party", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    party: Mapped[str] = mapped_column(String(64), primary_key=True)


class ArticleBand(Base):
    """One MinHash band key of an article's text: equal keys make near-duplicate candidates
    (storage.dedup, crawler.similarity.minhash)."""

    __tablename__ = "article_bands"
    # article_id last: a bucket's oldest members are read in index order (storage.dedup).
    __table_args__ = (Index("ix_article_bands_band_key", "band", "key", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[int]


class ArticleShingles(Base):
    """An article's text shingles (crawler.similarity.tokens.pack_shingles): what confirms a
    near-duplicate candidate, stored so a lookup does not re-read and re-tokenise its text."""

    __tablename__ = "article_shingles"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    shingles: Mapped[bytes] = mapped_column(LargeBinary)


class ArticleEvidence(Base):
    """One item of an article's story evidence (a day, a number, an acronym, a name) and the
    article's date: story candidates are found by an index range scan over the
    items shared within the story window (storage.stories) instead of reading every article
    of the window that names a common party."""

    __tablename__ = "article_evidence"
    __table_args__ = (Index("ix_article_evidence_term_at", "term", "at"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    # Kind letter, colon, value ("d:09-09", "n:3.5e+06"); the kind gives the weight.
    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    # coalesce(published_at, fetched_at) of the article, kept in step by storage.writes.
    at: Mapped[datetime]


class ArticleVersion(Base):
    """A text an article had before a re-crawl changed it: its hash, title and when it was
    last fetched and replaced (the article row holds only the newest text)."""

    __tablename__ = "article_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime]
    replaced_at: Mapped[datetime]


class ArticlePage(Base):
    """The fetched HTML of an article, compressed, so extraction can be re-run without fetching."""

    __tablename__ = "article_pages"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    response_url: Mapped[str] = mapped_column(String(2048))
    # zlib-compressed raw response body, exactly as received (bytes, before decoding).
    body_z: Mapped[bytes] = mapped_column(LargeBinary)
    # The encoding the body was decoded with, so re-extraction decodes it the same way.
    encoding: Mapped[str] = mapped_column(String(32))
    content_type: Mapped[str | None] = mapped_column(String(255))
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="page")


class ArticleUrl(Base):
    """Every normalised URL under which an article was seen: fetched, redirected to, canonical.

    The crawler skips these on later crawls, so a stored article is never fetched again.
    """

    __tablename__ = "article_urls"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )


class CrawlRun(Base):
    """One crawl of one source: when, how it ended, and what it fetched and stored."""

    __tablename__ = "crawl_runs"
    __table_args__ = (Index("ix_crawl_runs_source_started", "source_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    trigger: Mapped[str] = mapped_column(String(16), default="manual")
    # running, then ok, failed or interrupted
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    pid: Mapped[int | None] = mapped_column(Integer)
    pages_fetched: Mapped[int] = mapped_column(default=0)
    articles_new: Mapped[int] = mapped_column(default=0)
    articles_updated: Mapped[int] = mapped_column(default=0)
    articles_unchanged: Mapped[int] = mapped_column(default=0)
    articles_failed: Mapped[int] = mapped_column(default=0)
    # Article links discovery found (stored ones included): zero means the source yielded
    # nothing, the signal `newsmon status` uses to call a source broken.
    articles_found: Mapped[int] = mapped_column(default=0, server_default="0")
    # Pages not stored as articles, counted by named reason (e.g. {"NoArticleBody": 3}).
    pages_dropped: Mapped[dict[str, int]] = mapped_column(default=dict)
    # Readable messages of what went wrong (capped in length by the writer).
    errors: Mapped[list[str]] = mapped_column(default=list)
    # Why the run failed, when it did: one line.
    reason: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship()


class PageValidator(Base):
    """HTTP validators of a feed, sitemap or listing page, for conditional re-fetching: the
    next crawl asks "changed since?" and a 304 answer is not parsed again."""

    __tablename__ = "page_validators"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    # Article links the page had when last parsed: a 304 counts them as found again.
    article_links: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def integer_range(column: Column[Any]) -> tuple[int, int]:
    """The values an integer column holds on every backend: its SQL type's range (SQLite's
    INTEGER is always 64-bit, PostgreSQL's ``integer`` 32), so that ids can be checked at the
    edges instead of reaching a query as a value the driver cannot send."""
    kind = column.type
    bits = (
        64
        if isinstance(kind, BigInteger)
        else 16
        if isinstance(kind, SmallInteger)
        else 32
        if isinstance(kind, Integer)
        else None
    )
    if bits is None:
        raise TypeError(f"{column} is not an integer column")
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


# Article ids, and the columns holding them (``duplicate_of``, ``cluster``): assigned from 1
# up to the ``articles.id`` column type's largest value. Outside this range, no article.
ARTICLE_ID_MIN = 1
ARTICLE_ID_MAX = integer_range(table_of(Article).c.id)[1]


def is_article_id(value: int) -> bool:
    """Whether ``value`` can be an article's id (else no query needs to look for it)."""
    return ARTICLE_ID_MIN <= value <= ARTICLE_ID_MAX
