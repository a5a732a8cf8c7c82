"""Near-duplicates at write time: link an article to the first stored copy of its text.

Candidates are the articles sharing a MinHash band key (``article_bands``, indexed), those
sharing the most keys first; each is confirmed on the shingles of both texts
(``crawler.similarity.scoring``), so a key collision never links unrelated texts, except
that a group of copies already matched is not read again.
``duplicate_of`` always names the first copy, never another duplicate: groups that a text
bridges are merged into the oldest.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import bindparam, delete, insert, or_, select, text, update
from sqlalchemy.engine import Connection

from crawler.similarity.minhash import BANDS
from crawler.similarity.scoring import is_near_duplicate_packed
from crawler.similarity.tokens import pack_shingles, text_shingles, unpack_shingles
from storage.bulk import insert_rows
from storage.models import Article, ArticleBand, ArticleShingles, table_of

# Texts confirmed per article at most, most shared keys first.
MAX_CANDIDATES = 50
# Members of one band bucket read per lookup, oldest first. A key shared by thousands of
# articles (a boilerplate notice, a templated report) would otherwise make every lookup of
# such a text read the whole bucket, a cost growing with the database. The oldest members
# are enough: a group's first copy is its oldest member, and every later one points at it.
MAX_BUCKET = 50
# Above every article id: the lookup's bound when no article is to be left out.
NO_BOUND = 2**62


def _bucket(band: int) -> str:
    return (
        f"SELECT * FROM (SELECT article_id FROM article_bands WHERE band = {band} "
        f'AND "key" = :key{band} AND article_id != :me AND article_id < :before '
        f"ORDER BY article_id "
        f"LIMIT {MAX_BUCKET}) AS b{band}"
    )


# Plain SQL, built once and kept short: psycopg parses a statement of more than 4 kB or 50
# parameters again on every execution, and SQLAlchemy's rendering of this one (5.5 kB, 66
# parameters) cost more CPU than the query took to run.
_CANDIDATES = text(
    "SELECT article_id FROM ("
    + " UNION ALL ".join(_bucket(band) for band in range(BANDS))
    + ") AS members GROUP BY article_id ORDER BY count(*) DESC, article_id "
    f"LIMIT {MAX_CANDIDATES}"
)
# Core statements on the write's connection, built once: the ORM execution layer and
# building a statement per article cost more than these indexed queries.
_articles = table_of(Article)
_bands = table_of(ArticleBand)
_shingles = table_of(ArticleShingles)
_DELETE_BANDS = delete(_bands).where(_bands.c.article_id == bindparam("me"))
_HAS_BANDS = select(_bands.c.band).where(_bands.c.article_id == bindparam("me")).limit(1)
_INSERT_SHINGLES = insert(_shingles)
_DELETE_SHINGLES = delete(_shingles).where(_shingles.c.article_id == bindparam("me"))
_CONFIRM = (
    select(_articles.c.id, _articles.c.duplicate_of, _shingles.c.shingles)
    .outerjoin(_shingles, _shingles.c.article_id == _articles.c.id)
    .where(_articles.c.id.in_(bindparam("ids", expanding=True)))
)
_MERGE = (
    update(_articles)
    .where(
        or_(
            _articles.c.id.in_(bindparam("merged", expanding=True)),
            _articles.c.duplicate_of.in_(bindparam("merged", expanding=True)),
        )
    )
    .values(duplicate_of=bindparam("first"))
)
_TEXT = select(_articles.c.text).where(_articles.c.id == bindparam("me"))
_COPIES = (
    select(_articles.c.id)
    .where(_articles.c.duplicate_of == bindparam("me"))
    .order_by(_articles.c.id)
)
_POINT = (
    update(_articles)
    .where(_articles.c.id.in_(bindparam("ids", expanding=True)))
    .values(duplicate_of=bindparam("first"))
)


def band_rows(article_id: int, keys: Sequence[int]) -> list[dict[str, int]]:
    """The article's ``article_bands`` rows."""
    return [{"article_id": article_id, "band": band, "key": key} for band, key in enumerate(keys)]


def set_bands(connection: Connection, article_id: int, keys: Sequence[int]) -> None:
    """Store the article's band keys, replacing any earlier ones."""
    connection.execute(_DELETE_BANDS, {"me": article_id})
    insert_rows(connection, _bands, band_rows(article_id, keys))


def set_shingles(connection: Connection, article_id: int, packed: bytes) -> None:
    """Store the article's packed shingles (``tokens.pack_shingles``), replacing any earlier
    ones."""
    connection.execute(_DELETE_SHINGLES, {"me": article_id})
    connection.execute(_INSERT_SHINGLES, {"article_id": article_id, "shingles": packed})


def has_bands(connection: Connection, article_id: int) -> bool:
    return connection.scalar(_HAS_BANDS, {"me": article_id}) is not None


def link_duplicate(
    connection: Connection,
    article_id: int,
    keys: Sequence[int],
    packed: bytes,
    *,
    new: bool = False,
    before: int = NO_BOUND,
) -> int | None:
    """The first stored copy of the article's text (None: it is one), re-pointing copies
    stored earlier when the article itself is older (re-extraction). ``packed``: its
    shingles; ``new``: it was just inserted, so no copy points at it yet; ``before``: only
    articles with a smaller id are looked at (a batch's later articles, already inserted,
    are not there yet as far as this one is concerned). Rows of other articles are updated
    here; the caller stores the result."""
    params: dict[str, int] = {f"key{band}": key for band, key in enumerate(keys)}
    candidates = list(
        connection.scalars(_CANDIDATES, {**params, "me": article_id, "before": before})
    )
    if not candidates:
        if not new:
            _make_original(connection, article_id)
        return None
    rank = {candidate: index for index, candidate in enumerate(candidates)}
    rows = sorted(
        connection.execute(_CONFIRM, {"ids": candidates}).all(), key=lambda row: rank[row.id]
    )
    mine = unpack_shingles(packed)
    roots: set[int] = set()
    for row in rows:
        root = row.duplicate_of or row.id
        if root in roots:
            continue  # its group is matched already: this text cannot change the outcome
        if is_near_duplicate_packed(mine, _shingles_of(connection, row.id, row.shingles)):
            roots.add(root)
    if not roots:
        if not new:
            _make_original(connection, article_id)
        return None
    first = min(roots | {article_id})
    # Everything in the bridged groups (and whatever pointed at this article) now points
    # at the first copy: one level, never a chain.
    merged = sorted((roots | {article_id}) - {first})
    connection.execute(_MERGE, {"merged": merged, "first": first})
    return None if first == article_id else first


def _shingles_of(connection: Connection, article_id: int, packed: bytes | None) -> np.ndarray:
    """A candidate's stored shingles; those of an article stored before they were kept are
    computed from its text."""
    if packed is None:
        text = connection.scalar(_TEXT, {"me": article_id}) or ""
        packed = pack_shingles(text_shingles(text))
    return unpack_shingles(packed)


def _make_original(connection: Connection, article_id: int) -> None:
    """The article matches no other text: copies of its old text no longer are copies of
    it (the oldest of them becomes their first copy)."""
    copies = list(connection.scalars(_COPIES, {"me": article_id}))
    if copies:
        first, rest = copies[0], copies[1:]
        connection.execute(_POINT, {"ids": [first], "first": None})
        if rest:
            connection.execute(_POINT, {"ids": rest, "first": first})
