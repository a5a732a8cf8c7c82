"""Full-text search structures, identical in behaviour on SQLite and PostgreSQL.

Both backends index the folded tokens of ``storage.folding.search_terms``, never raw text:

* SQLite: the FTS5 table ``articles_fts(title, body)``, rowid = ``articles.id``; a trigger
  removes the row when its article is deleted.
* PostgreSQL: ``article_search(article_id, document tsvector)`` built with
  ``to_tsvector('simple', ...)``, title weighted A and body B, with a GIN index; rows go
  when their article does (``ON DELETE CASCADE``).

The storage layer writes the index row in the same transaction as the article
(``write_search_document``). Queries use the small language of ``storage.search_query``.
Scores are "higher is better" on both backends: negated bm25 on SQLite, ts_rank on PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    Float,
    Integer,
    Select,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSVECTOR
from sqlalchemy.orm import Session

from storage.errors import QuerySyntaxError, StorageError
from storage.folding import search_terms, tokenize
from storage.search_query import SearchQuery, parse_query, to_fts5_match, to_tsquery_text
from storage.snippet import make_snippet

__all__ = [
    "QuerySyntaxError",
    "SearchQuery",
    "is_search_table",
    "make_snippet",
    "match_articles",
    "parse_query",
    "search_terms",
    "tokenize",
    "write_search_document",
]

SQLITE_TABLE = "articles_fts"
POSTGRES_TABLE = "article_search"
# How much more a match in the title counts than one in the body.
TITLE_WEIGHT = 5.0
BODY_WEIGHT = 1.0

_articles_fts = table(SQLITE_TABLE, column("rowid", Integer), column("title"), column("body"))
_article_search = table(POSTGRES_TABLE, column("article_id", Integer), column("document", TSVECTOR))

# "é" can never occur in folded text (diacritics are stripped), so it is a safe placeholder
# between title and body: it keeps the last title word and the first body word one position
# apart, as FTS5's separate columns do, and is deleted from the vector again.
_POSTGRES_UPSERT = text(
    """
    INSERT INTO article_search (article_id, document)
    VALUES (
        :article_id,
        ts_delete(
            setweight(to_tsvector('simple', :title || ' é'), 'A')
            || setweight(to_tsvector('simple', :body), 'B'),
            'é'
        )
    )
    ON CONFLICT (article_id) DO UPDATE SET document = excluded.document
    """
)
_SQLITE_DELETE = text("DELETE FROM articles_fts WHERE rowid = :article_id")
_SQLITE_INSERT = text(
    "INSERT INTO articles_fts (rowid, title, body) VALUES (:article_id, :title, :body)"
)


def is_search_table(name: str) -> bool:
    """Whether a table belongs to full-text search (and so is absent from the ORM models)."""
    return name in (SQLITE_TABLE, POSTGRES_TABLE) or name.startswith(SQLITE_TABLE + "_")


def _dialect(session: Session) -> str:
    name = session.get_bind().dialect.name
    if name not in ("sqlite", "postgresql"):
        raise StorageError(f"full-text search is not available on {name!r} databases")
    return name


def write_search_document(session: Session, article_id: int, title: str | None, body: str) -> None:
    """Insert or replace the search row of an article, inside the caller's transaction."""
    params = {
        "article_id": article_id,
        "title": search_terms(title or ""),
        "body": search_terms(body),
    }
    if _dialect(session) == "sqlite":
        session.execute(_SQLITE_DELETE, {"article_id": article_id})
        session.execute(_SQLITE_INSERT, params)
    else:
        session.execute(_POSTGRES_UPSERT, params)


def match_articles(session: Session, query: SearchQuery) -> Select[tuple[int, float]]:
    """A select of ``(article_id, score)`` for every article matching ``query``."""
    if _dialect(session) == "sqlite":
        fts = literal_column(SQLITE_TABLE)
        rank = func.bm25(fts, TITLE_WEIGHT, BODY_WEIGHT, type_=Float)
        return select(_articles_fts.c.rowid.label("article_id"), (-rank).label("score")).where(
            fts.op("MATCH")(bindparam("fts_match", to_fts5_match(query)))
        )
    tsquery = func.to_tsquery(
        literal_column("'simple'", REGCONFIG),
        bindparam("ts_query", to_tsquery_text(query)),
    )
    document = _article_search.c.document
    # Normalisation 1 divides by 1 + log(length), so long articles do not win by size alone.
    rank = func.ts_rank(document, tsquery, 1, type_=Float)
    return select(_article_search.c.article_id.label("article_id"), rank.label("score")).where(
        document.op("@@")(tsquery)
    )
