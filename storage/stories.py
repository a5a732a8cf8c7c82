"""Stories: reports of one event, in any language, share ``articles.cluster``.

At write time a new article joins the story of the earlier article it matches best within
``STORY_WINDOW`` (evidence from ``crawler.similarity``), else it starts its own story
(``cluster`` = its id). Doing it at write time, in the article's own transaction, keeps a
story current for readers during a crawl and costs two indexed queries per article; a
post-crawl pass would have to re-read every article of the window instead. Deterministic:
the same articles stored in the same order give the same stories.

A story never holds two articles of one language from one source: a site's follow-up reports
are separate stories. A near-duplicate takes the story of its first copy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import xxhash
from sqlalchemy import (
    Float,
    Text,
    bindparam,
    cast,
    delete,
    func,
    literal_column,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, joinedload

from crawler.similarity.evidence import Evidence, is_year
from crawler.similarity.parties import party_table
from crawler.similarity.scoring import (
    MAX_PARTIES_COUNTED,
    MIN_EVIDENCE,
    MIN_STORY_SCORE,
    STORY_WINDOW,
    WEIGHTS,
    StoryFacts,
    story_score,
)
from storage.bulk import insert_rows
from storage.models import Article, ArticleEvidence, ArticleParty, UTCDateTime, table_of

# Candidates scored per article, those sharing the most parties first.
MAX_CANDIDATES = 300
# ``article_evidence.term``: a kind letter, a colon and the value; the kind gives the weight
# (crawler.similarity.scoring.WEIGHTS), so changing a weight needs no data migration.
_KINDS = {"dates": "d", "numbers": "n", "acronyms": "a", "names": "x"}
_WEIGHTS = {
    "d": WEIGHTS["date"],
    "n": WEIGHTS["number"],
    "y": WEIGHTS["year"],
    "a": WEIGHTS["acronym"],
    "x": WEIGHTS["name"],
}
_TERM_LENGTH = 64
# Float sums of the weights: a hair of slack so a rounding error never drops a candidate
# (every candidate is scored exactly afterwards).
_SLACK = 1e-6


def _when() -> object:
    # type_coerce: SQLite's coalesce() returns text without the column type.
    return type_coerce(func.coalesce(Article.published_at, Article.fetched_at), UTCDateTime())


def evidence_terms(evidence: Evidence) -> set[str]:
    """The ``article_evidence`` terms of an article's evidence: "d:09-09", "n:45", "y:2030",
    "a:UNEP", "x:mombasa"; an overlong value is replaced by its hash."""
    terms = set()
    for field, kind in _KINDS.items():
        for value in getattr(evidence, field):
            letter = "y" if kind == "n" and is_year(value) else kind
            term = f"{letter}:{value}"
            if len(term) > _TERM_LENGTH:
                # xxhash 3 hashed a str as its UTF-8 bytes; xxhash 4 wants the bytes.
                term = f"{letter}#{xxhash.xxh3_64_hexdigest(value.encode('utf-8'))}"
            terms.add(term)
    return terms


@dataclass(frozen=True)
class StoryArticle:
    """What the story lookup needs of the article being stored: the values it is being
    stored with (its row may not be written yet)."""

    id: int
    source_id: int
    language: str | None
    when: datetime
    parties: tuple[str, ...]
    evidence: Evidence


_articles = table_of(Article)
_parties = table_of(ArticleParty)
_evidence = table_of(ArticleEvidence)
_DELETE_PARTIES = delete(_parties).where(_parties.c.article_id == bindparam("me"))
_DELETE_EVIDENCE = delete(_evidence).where(_evidence.c.article_id == bindparam("me"))
_DATE_EVIDENCE = (
    update(_evidence)
    .where(_evidence.c.article_id == bindparam("me"))
    .values(at=bindparam("when", type_=UTCDateTime()))
)
_STORY_OF = select(_articles.c.id, _articles.c.cluster).where(_articles.c.id == bindparam("me"))


def party_rows(article_id: int, parties: Sequence[str]) -> list[dict[str, Any]]:
    """The article's ``article_parties`` rows."""
    return [{"article_id": article_id, "party": p[:64]} for p in dict.fromkeys(parties)]


def evidence_rows(article_id: int, evidence: Evidence, at: datetime) -> list[dict[str, Any]]:
    """The article's ``article_evidence`` rows, dated ``at``."""
    return [
        {"article_id": article_id, "term": term, "at": at}
        for term in sorted(evidence_terms(evidence))
    ]


def set_parties(connection: Connection, article_id: int, parties: Sequence[str]) -> None:
    """Index the article's parties (``article_parties``; the caller stores the JSON column),
    replacing any earlier ones."""
    connection.execute(_DELETE_PARTIES, {"me": article_id})
    insert_rows(connection, _parties, party_rows(article_id, parties))


def set_evidence(connection: Connection, article_id: int, evidence: Evidence, at: datetime) -> None:
    """Index the article's evidence (``article_evidence``) at its date ``at``, replacing any
    earlier; the caller stores the JSON column."""
    connection.execute(_DELETE_EVIDENCE, {"me": article_id})
    insert_rows(connection, _evidence, evidence_rows(article_id, evidence, at))


def date_evidence(connection: Connection, article_id: int, when: datetime) -> None:
    """Move the article's evidence to its new date (a re-crawl changed it)."""
    connection.execute(_DATE_EVIDENCE, {"me": article_id, "when": when})


# pg_advisory_xact_lock key serialising story assignment ("stories"; storage.db's migration
# lock uses another).
_STORY_LOCK_KEY = 0x73746F72696573
_LOCK_STORIES = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=_STORY_LOCK_KEY)


def lock_stories(connection: Connection) -> None:
    """Make concurrent PostgreSQL writers look up stories and first copies one at a time,
    until this transaction ends; call it before the transaction writes anything.

    Two crawls storing reports of one story at once would otherwise each miss the other's
    uncommitted row and start two stories. The later writer waits here for the earlier
    one's commit, and READ COMMITTED shows it the committed rows. Taken first, before any
    unique-URL insert or row update, so that no writer holds a row lock while waiting for
    this one (a deadlock). SQLite needs none: its write transactions already take the
    database's write lock."""
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK_STORIES)


def assign_story(
    connection: Connection, article: StoryArticle, duplicate_of: int | None = None
) -> int:
    """The article's ``cluster``: the story of its first copy when it is a near-duplicate,
    else that of its best match, else a story of its own (its id)."""
    if duplicate_of is not None:
        first = connection.execute(_STORY_OF, {"me": duplicate_of}).one_or_none()
        return (first.cluster or first.id) if first is not None else article.id
    return _best_story(connection, article) or article.id


# Literal weights: psycopg parses a statement with more than 50 parameters again on every
# execution, and the terms and parties already take many.
_weight = literal_column(
    "CASE substr(article_evidence.term, 1, 1) "
    + " ".join(f"WHEN '{kind}' THEN {weight!r}" for kind, weight in _WEIGHTS.items())
    + " ELSE 0.0 END",
    Float(),
)
# Built once, with parameters: the statement is the same for every article.
_shared_evidence = (
    select(ArticleEvidence.article_id)
    .where(
        ArticleEvidence.term.in_(bindparam("terms", expanding=True)),
        ArticleEvidence.at >= bindparam("since", type_=UTCDateTime()),
        ArticleEvidence.at <= bindparam("until", type_=UTCDateTime()),
    )
    .group_by(ArticleEvidence.article_id)
    .having(func.sum(_weight) >= bindparam("evidence"))
    .subquery()
)
_shared_parties = (
    select(func.count())
    .select_from(ArticleParty)
    .where(
        ArticleParty.article_id == Article.id,
        ArticleParty.party.in_(bindparam("parties", expanding=True)),
    )
    .scalar_subquery()
)
# parties and evidence as their JSON text: decoded through _facts' cache, since the same
# recent articles are candidates of article after article.
_CANDIDATES = (
    select(
        Article.id,
        Article.source_id,
        Article.language,
        cast(Article.parties, Text).label("parties"),
        cast(Article.evidence, Text).label("evidence"),
        Article.cluster,
    )
    .join(_shared_evidence, _shared_evidence.c.article_id == Article.id)
    .where(
        Article.id != bindparam("me"),
        Article.duplicate_of.is_(None),
        Article.cluster.is_not(None),
        _shared_parties > 0,
    )
    .order_by(_shared_parties.desc(), Article.id)
    .limit(MAX_CANDIDATES)
)
# "source_id + 0": without statistics SQLite would otherwise walk the source's index (every
# article of the source) rather than the cluster index (a few articles per story).
_MEMBERS_LIKE = (
    select(_articles.c.cluster)
    .distinct()
    .where(
        _articles.c.cluster.in_(bindparam("clusters", expanding=True)),
        _articles.c.id != bindparam("me"),
        _articles.c.source_id + 0 == bindparam("source"),
        _articles.c.language.is_not_distinct_from(bindparam("language")),
    )
)


@lru_cache(maxsize=8192)
def _facts(parties: str | None, evidence: str | None) -> StoryFacts:
    """A candidate's parties and evidence, from their stored JSON text."""
    decoded: list[str] = json.loads(parties) if parties else []
    raw: dict[str, Any] | None = json.loads(evidence) if evidence else None
    return StoryFacts(tuple(decoded or ()), Evidence.from_json(raw))


def _party_weight(party_id: str) -> float:
    party = party_table().parties.get(party_id)
    return party.weight if party is not None else 0.0


def _best_story(connection: Connection, article: StoryArticle) -> int | None:
    """The story of the best-scoring earlier report, if any.

    A story needs ``MIN_EVIDENCE`` of shared evidence besides a shared party, so only the
    articles of the window that share that much evidence are read (``article_evidence``),
    not every article naming one of the parties: that would read a growing share of the
    window for the common ones (China, the EU) and score each in Python."""
    parties = list(article.parties)
    terms = sorted(evidence_terms(article.evidence))
    if not parties or not terms:
        return None
    when = article.when
    # A story needs MIN_STORY_SCORE in all, and the shared parties give at most the weight
    # of this article's heaviest ones: the rest must come from the evidence.
    most = sum(sorted((_party_weight(p) for p in set(parties)), reverse=True)[:MAX_PARTIES_COUNTED])
    rows = connection.execute(
        _CANDIDATES,
        {
            "terms": terms,
            "parties": parties,
            "me": article.id,
            "since": _shifted(when, -STORY_WINDOW),
            "until": _shifted(when, STORY_WINDOW),
            "evidence": max(MIN_EVIDENCE, MIN_STORY_SCORE - most) - _SLACK,
        },
    ).all()
    mine = StoryFacts(tuple(parties), article.evidence)
    scored = []
    for row in rows:
        if row.source_id == article.source_id and row.language == article.language:
            continue
        score = story_score(mine, _facts(row.parties, row.evidence))
        if score > 0:
            scored.append((-score, row.id, row.cluster))
    if not scored:
        return None
    taken = set(
        connection.scalars(
            _MEMBERS_LIKE,
            {
                "clusters": sorted({cluster for _, _, cluster in scored}),
                "me": article.id,
                "source": article.source_id,
                "language": article.language,
            },
        )
    )
    for _, _, cluster in sorted(scored):
        if cluster not in taken:
            return int(cluster)
    return None


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryMember:
    """One report of a story."""

    id: int
    title: str | None
    source: str
    language: str | None
    published_at: datetime | None
    url: str


@dataclass(frozen=True)
class Story:
    """A story: its id, first date, parties (most named first), languages and reports."""

    cluster: int
    date: datetime | None
    parties: tuple[str, ...]
    languages: tuple[str, ...]
    members: tuple[StoryMember, ...]


def list_stories(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    min_articles: int = 2,
    limit: int = 100,
) -> list[Story]:
    """Stories with at least ``min_articles`` reports (near-duplicates not counted), newest
    first; ``since``/``until`` bound the story's first date."""
    if min_articles < 1 or limit < 1:
        raise ValueError("min_articles and limit must be at least 1")
    first = type_coerce(func.min(_when()), UTCDateTime()).label("first")
    statement = (
        select(Article.cluster, first)
        .where(Article.cluster.is_not(None), Article.duplicate_of.is_(None))
        .group_by(Article.cluster)
        .having(func.count() >= min_articles)
    )
    if since is not None:
        statement = statement.having(func.min(_when()) >= since)
    if until is not None:
        statement = statement.having(func.min(_when()) < until)
    statement = statement.order_by(first.desc(), Article.cluster.desc()).limit(limit)
    clusters = [
        (cluster, date) for cluster, date in session.execute(statement) if cluster is not None
    ]  # the WHERE clause's promise, told to the type checker
    members = _members(session, [cluster for cluster, _ in clusters])
    return [_story(cluster, date, members.get(cluster, [])) for cluster, date in clusters]


def _members(session: Session, clusters: Iterable[int]) -> dict[int, list[Article]]:
    found: dict[int, list[Article]] = {}
    wanted = list(clusters)
    if not wanted:
        return found
    rows = session.scalars(
        select(Article)
        .where(Article.cluster.in_(wanted), Article.duplicate_of.is_(None))
        .options(joinedload(Article.source))
        .order_by(Article.published_at.asc().nulls_last(), Article.id)
    )
    for article in rows:
        found.setdefault(int(article.cluster or 0), []).append(article)
    return found


def _story(cluster: int, date: datetime | None, articles: list[Article]) -> Story:
    counts: dict[str, int] = {}
    for article in articles:
        for rank, party in enumerate(article.parties or ()):
            counts[party] = counts.get(party, 0) + max(1, 10 - rank)
    shared = [p for p in counts if sum(p in (a.parties or ()) for a in articles) > 1]
    parties = tuple(sorted(shared or counts, key=lambda p: (-counts[p], p)))
    languages = tuple(dict.fromkeys(a.language or "?" for a in articles))
    return Story(
        cluster=cluster,
        date=date,
        parties=parties,
        languages=languages,
        members=tuple(
            StoryMember(a.id, a.title, a.source.name, a.language, a.published_at, a.url)
            for a in articles
        ),
    )


def _shifted(when: datetime, by: timedelta) -> datetime:
    """``when + by``, held at the ends of the calendar: an article dated within a week of
    year 1 or 9999 (a writer other than extraction may store such a date) still gets its
    story looked up instead of failing its whole batch with OverflowError."""
    try:
        return when + by
    except OverflowError:
        extreme = datetime.min if by < timedelta(0) else datetime.max
        return extreme.replace(tzinfo=when.tzinfo)
