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
from sqlalchemy import bindparam, delete, func, insert, or_, select, union_all, update
from sqlalchemy.orm import Session

from crawler.similarity.minhash import BANDS
from crawler.similarity.scoring import is_near_duplicate_packed
from crawler.similarity.tokens import pack_shingles, text_shingles, unpack_shingles
from storage.models import Article, ArticleBand, ArticleShingles

# Texts confirmed per article at most, most shared keys first.
MAX_CANDIDATES = 50
# Members of one band bucket read per lookup, oldest first. A key shared by thousands of
# articles (a boilerplate notice, a templated report) would otherwise make every lookup of
# such a text read the whole bucket, a cost growing with the database. The oldest members
# are enough: a group's first copy is its oldest member, and every later one points at it.
MAX_BUCKET = 50


def _bucket(band: int) -> object:
    return select(
        select(ArticleBand.article_id)
        .where(ArticleBand.band == band, ArticleBand.key == bindparam(f"key{band}"),
               ArticleBand.article_id != bindparam("me"))
        .order_by(ArticleBand.article_id)
        .limit(MAX_BUCKET)
        .subquery()
    )


# Built once: constructing the 16-band statement per article cost more than running it.
_members = union_all(*(_bucket(band) for band in range(BANDS))).subquery()  # type: ignore[arg-type]
_CANDIDATES = (
    select(_members.c.article_id)
    .group_by(_members.c.article_id)
    .order_by(func.count().desc(), _members.c.article_id)
    .limit(MAX_CANDIDATES)
)
_INSERT = insert(ArticleBand)


def set_bands(session: Session, article_id: int, keys: Sequence[int], *,
              replace: bool = True) -> None:
    """Store the article's band keys, replacing any earlier ones (``replace=False``: it has
    none, it was just inserted)."""
    connection = session.connection()
    if replace:
        connection.execute(delete(ArticleBand).where(ArticleBand.article_id == article_id))
    connection.execute(_INSERT, [{"article_id": article_id, "band": band, "key": key}
                                 for band, key in enumerate(keys)])


def set_shingles(session: Session, article_id: int, packed: bytes, *,
                 replace: bool = True) -> None:
    """Store the article's packed shingles (``tokens.pack_shingles``)."""
    connection = session.connection()
    if replace:
        connection.execute(delete(ArticleShingles)
                           .where(ArticleShingles.article_id == article_id))
    connection.execute(insert(ArticleShingles), {"article_id": article_id, "shingles": packed})


def has_bands(session: Session, article: Article) -> bool:
    return session.scalar(select(ArticleBand.band).where(ArticleBand.article_id == article.id)
                          .limit(1)) is not None


def link_duplicate(session: Session, article: Article, keys: Sequence[int],
                   packed: bytes = b"") -> None:
    """Set ``article.duplicate_of`` to the first stored copy of its text (None: it is one),
    re-pointing copies stored earlier when ``article`` itself is older (re-extraction).
    ``packed``: the article's shingles, when the caller has them."""
    # Core statements on the session's connection: the ORM execution layer cost more than
    # these indexed queries; nothing they read is pending in the session.
    connection = session.connection()
    params: dict[str, int] = {f"key{band}": key for band, key in enumerate(keys)}
    candidates = list(connection.scalars(_CANDIDATES, {**params, "me": article.id}))
    if not candidates:
        _make_original(session, article)
        return
    rank = {article_id: index for index, article_id in enumerate(candidates)}
    rows = sorted(connection.execute(
        select(Article.id, Article.duplicate_of, ArticleShingles.shingles)
        .outerjoin(ArticleShingles, ArticleShingles.article_id == Article.id)
        .where(Article.id.in_(candidates))).all(), key=lambda row: rank[row.id])
    mine = unpack_shingles(packed or pack_shingles(text_shingles(article.text)))
    roots: set[int] = set()
    for row in rows:
        root = row.duplicate_of or row.id
        if root in roots:
            continue  # its group is matched already: this text cannot change the outcome
        if is_near_duplicate_packed(mine, _shingles_of(session, row.id, row.shingles)):
            roots.add(root)
    if not roots:
        _make_original(session, article)
        return
    first = min(roots | {article.id})
    # Everything in the bridged groups (and whatever pointed at this article) now points
    # at the first copy: one level, never a chain.
    merged = (roots | {article.id}) - {first}
    session.execute(
        update(Article)
        .where(or_(Article.id.in_(merged), Article.duplicate_of.in_(merged)))
        .values(duplicate_of=first)
        .execution_options(synchronize_session=False)
    )
    article.duplicate_of = None if first == article.id else first


def _shingles_of(session: Session, article_id: int, packed: bytes | None) -> np.ndarray:
    """A candidate's stored shingles; those of an article stored before they were kept are
    computed from its text."""
    if packed is None:
        text = session.scalar(select(Article.text).where(Article.id == article_id)) or ""
        packed = pack_shingles(text_shingles(text))
    return unpack_shingles(packed)


def _make_original(session: Session, article: Article) -> None:
    """``article`` matches no other text: it is not a copy, and copies of its old text no
    longer are copies of it (the oldest of them becomes their first copy)."""
    article.duplicate_of = None
    copies = list(session.connection().scalars(
        select(Article.id).where(Article.duplicate_of == article.id).order_by(Article.id)))
    if copies:
        first, rest = copies[0], copies[1:]
        session.execute(update(Article).where(Article.id == first).values(duplicate_of=None)
                        .execution_options(synchronize_session=False))
        if rest:
            session.execute(update(Article).where(Article.id.in_(rest))
                            .values(duplicate_of=first)
                            .execution_options(synchronize_session=False))
