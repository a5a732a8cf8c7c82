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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import xxhash
from sqlalchemy import bindparam, case, delete, func, insert, select, type_coerce, update
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
from storage.models import Article, ArticleEvidence, ArticleParty, UTCDateTime

# Candidates scored per article, those sharing the most parties first.
MAX_CANDIDATES = 300
# ``article_evidence.term``: a kind letter, a colon and the value; the kind gives the weight
# (crawler.similarity.scoring.WEIGHTS), so changing a weight needs no data migration.
_KINDS = {"dates": "d", "numbers": "n", "acronyms": "a", "names": "x"}
_WEIGHTS = {"d": WEIGHTS["date"], "n": WEIGHTS["number"], "y": WEIGHTS["year"],
            "a": WEIGHTS["acronym"], "x": WEIGHTS["name"]}
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
                term = f"{letter}#{xxhash.xxh3_64_hexdigest(value)}"
            terms.add(term)
    return terms


def set_parties(session: Session, article: Article, parties: Sequence[str], *,
                replace: bool = True) -> None:
    """Store the article's parties (the JSON column and the ``article_parties`` index);
    ``replace=False``: it has none stored yet."""
    if article.parties != list(parties):
        article.parties = list(parties)
    connection = session.connection()
    if replace:
        connection.execute(delete(ArticleParty).where(ArticleParty.article_id == article.id))
    rows = [{"article_id": article.id, "party": p[:64]} for p in dict.fromkeys(parties)]
    if rows:
        connection.execute(insert(ArticleParty), rows)


def set_evidence(session: Session, article: Article, evidence: Evidence, *,
                 replace: bool = True) -> None:
    """Store the article's evidence (the JSON column and the ``article_evidence`` index)."""
    if article.evidence != evidence.to_json():
        article.evidence = evidence.to_json()
    connection = session.connection()
    if replace:
        connection.execute(delete(ArticleEvidence)
                           .where(ArticleEvidence.article_id == article.id))
    at = article.published_at or article.fetched_at
    rows = [{"article_id": article.id, "term": term, "at": at}
            for term in sorted(evidence_terms(evidence))]
    if rows:
        connection.execute(insert(ArticleEvidence), rows)


def date_evidence(session: Session, article_id: int, when: datetime) -> None:
    """Move the article's evidence to its new date (a re-crawl changed it)."""
    session.execute(update(ArticleEvidence).where(ArticleEvidence.article_id == article_id)
                    .values(at=when))


def assign_story(session: Session, article: Article, evidence: Evidence | None = None) -> None:
    """Set ``article.cluster``: the story of its best match, else a story of its own.
    ``evidence``: the article's, when the caller has it decoded already."""
    if article.duplicate_of is not None:
        first = session.connection().execute(select(Article.id, Article.cluster)
                                .where(Article.id == article.duplicate_of)).one_or_none()
        article.cluster = (first.cluster or first.id) if first is not None else article.id
        return
    if evidence is None:
        evidence = Evidence.from_json(article.evidence)
    article.cluster = _best_story(session, article, evidence) or article.id


_weight = case(_WEIGHTS, value=func.substr(ArticleEvidence.term, 1, 1), else_=0.0)
# Built once, with parameters: the statement is the same for every article.
_shared_evidence = (
    select(ArticleEvidence.article_id)
    .where(ArticleEvidence.term.in_(bindparam("terms", expanding=True)),
           ArticleEvidence.at >= bindparam("since", type_=UTCDateTime()),
           ArticleEvidence.at <= bindparam("until", type_=UTCDateTime()))
    .group_by(ArticleEvidence.article_id)
    .having(func.sum(_weight) >= bindparam("evidence"))
    .subquery()
)
_shared_parties = (
    select(func.count()).select_from(ArticleParty)
    .where(ArticleParty.article_id == Article.id,
           ArticleParty.party.in_(bindparam("parties", expanding=True)))
    .scalar_subquery()
)
_CANDIDATES = (
    select(Article.id, Article.source_id, Article.language, Article.parties, Article.evidence,
           Article.cluster)
    .join(_shared_evidence, _shared_evidence.c.article_id == Article.id)
    .where(Article.id != bindparam("me"), Article.duplicate_of.is_(None),
           Article.cluster.is_not(None), _shared_parties > 0)
    .order_by(_shared_parties.desc(), Article.id)
    .limit(MAX_CANDIDATES)
)


def _party_weight(party_id: str) -> float:
    party = party_table().parties.get(party_id)
    return party.weight if party is not None else 0.0


def _best_story(session: Session, article: Article, evidence: Evidence) -> int | None:
    """The story of the best-scoring earlier report, if any.

    A story needs ``MIN_EVIDENCE`` of shared evidence besides a shared party, so only the
    articles of the window that share that much evidence are read (``article_evidence``),
    not every article naming one of the parties: that would read a growing share of the
    window for the common ones (China, the EU) and score each in Python."""
    parties = list(article.parties or ())
    terms = sorted(evidence_terms(evidence))
    if not parties or not terms:
        return None
    when = article.published_at or article.fetched_at
    # A story needs MIN_STORY_SCORE in all, and the shared parties give at most the weight
    # of this article's heaviest ones: the rest must come from the evidence.
    most = sum(sorted((_party_weight(p) for p in set(parties)), reverse=True)
               [:MAX_PARTIES_COUNTED])
    rows = session.connection().execute(_CANDIDATES, {
        "terms": terms, "parties": parties, "me": article.id,
        "since": when - STORY_WINDOW, "until": when + STORY_WINDOW,
        "evidence": max(MIN_EVIDENCE, MIN_STORY_SCORE - most) - _SLACK,
    }).all()
    mine = StoryFacts(tuple(parties), evidence)
    scored = []
    for row in rows:
        if row.source_id == article.source_id and row.language == article.language:
            continue
        score = story_score(mine, StoryFacts(tuple(row.parties or ()),
                                             Evidence.from_json(row.evidence)))
        if score > 0:
            scored.append((-score, row.id, row.cluster))
    if not scored:
        return None
    taken = _stories_with_member_like(session, {cluster for _, _, cluster in scored}, article)
    for _, _, cluster in sorted(scored):
        if cluster not in taken:
            return int(cluster)
    return None


def _stories_with_member_like(session: Session, clusters: set[int],
                              article: Article) -> set[int]:
    """Those of ``clusters`` that already have an article of this source in this language."""
    return set(session.connection().scalars(
        select(Article.cluster).distinct()
        .where(Article.cluster.in_(clusters), Article.id != article.id,
               Article.source_id == article.source_id,
               Article.language.is_not_distinct_from(article.language))
    ))


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


def list_stories(session: Session, *, since: datetime | None = None,
                 until: datetime | None = None, min_articles: int = 2,
                 limit: int = 100) -> list[Story]:
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
    clusters = [(cluster, date) for cluster, date in session.execute(statement)]
    members = _members(session, [cluster for cluster, _ in clusters])
    return [_story(cluster, date, members.get(cluster, [])) for cluster, date in clusters]


def _members(session: Session, clusters: Iterable[int]) -> dict[int, list[Article]]:
    found: dict[int, list[Article]] = {}
    wanted = list(clusters)
    if not wanted:
        return found
    rows = session.scalars(
        select(Article).where(Article.cluster.in_(wanted), Article.duplicate_of.is_(None))
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
        cluster=cluster, date=date, parties=parties, languages=languages,
        members=tuple(StoryMember(a.id, a.title, a.source.name, a.language, a.published_at,
                                  a.url) for a in articles),
    )

