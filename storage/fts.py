"""Full-text search structures, identical in behaviour on SQLite and PostgreSQL.

Both backends index the folded tokens of ``crawler.text.folding.search_terms``, never raw text:

* SQLite: the FTS5 table ``articles_fts(title, body, meta)``, rowid = ``articles.id``; a
  trigger removes the row when its article is deleted.
* PostgreSQL: ``article_search(article_id, document tsvector)`` built with
  ``to_tsvector('simple', ...)``, title weighted A and body B, plus the meta lexemes, with a
  GIN index; rows go when their article does (``ON DELETE CASCADE``).

*Meta terms* index what searches filter on: the publication year and month, the language and
the source (``meta_terms``). They all begin with "é", which folded text never contains, so no
user word can match one. They let the index itself restrict a query to a language, a source or
a span of months, and find the newest matches month by month (``storage.search``) without
reading every match. On SQLite they sit in a column of weight 0, so they never change a score;
PostgreSQL ranks with a query of the user's words only.

The storage layer writes the index row in the same transaction as the article
(``write_search_document``), after the article row, from which it reads the meta terms.
Scores are "higher is better" on both backends: negated bm25 on SQLite, ts_rank on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
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
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause

from crawler.text.folding import search_terms, tokenize
from storage.errors import QuerySyntaxError, StorageError
from storage.models import Article
from storage.search_query import SearchQuery, parse_query, to_fts5_match, to_tsquery_text
from storage.snippet import make_snippet

__all__ = [
    "QuerySyntaxError",
    "SearchQuery",
    "SearchRow",
    "is_search_table",
    "make_snippet",
    "match_articles",
    "match_params",
    "match_template",
    "meta_terms",
    "parse_query",
    "search_terms",
    "tokenize",
    "write_search_document",
    "write_search_documents",
    "write_search_rows",
]

SQLITE_TABLE = "articles_fts"
POSTGRES_TABLE = "article_search"
# How much more a match in the title counts than one in the body.
TITLE_WEIGHT = 5.0
BODY_WEIGHT = 1.0
META_PREFIX = "é"
# A group of meta terms of which an article must have one (an OR), e.g. two languages.
MetaGroup = Sequence[str]

_articles_fts = table(SQLITE_TABLE, column("rowid", Integer), column("title"), column("body"))
_article_search = table(POSTGRES_TABLE, column("article_id", Integer), column("document", TSVECTOR))

# "é" can never occur in folded text (diacritics are stripped), so it is a safe placeholder
# between title and body: it keeps the last title word and the first body word one position
# apart, as FTS5's separate columns do, and is deleted from the vector again. Meta terms are
# added as lexemes without positions: no phrase can run into them. The rows come as four
# arrays: one statement for any number of them (a statement per row costs a round trip each).
_POSTGRES_UPSERT = text(
    """
    INSERT INTO article_search (article_id, document)
    SELECT
        r.article_id,
        ts_delete(
            setweight(to_tsvector('simple', r.title || ' é'), 'A')
            || setweight(to_tsvector('simple', r.body), 'B'),
            'é'
        ) || array_to_tsvector(string_to_array(r.meta, ' '))
    FROM unnest(
        CAST(:article_ids AS integer[]), CAST(:titles AS text[]),
        CAST(:bodies AS text[]), CAST(:metas AS text[])
    ) AS r(article_id, title, body, meta)
    ON CONFLICT (article_id) DO UPDATE SET document = excluded.document
    """
)
_SQLITE_DELETE = text("DELETE FROM articles_fts WHERE rowid = :article_id")
_SQLITE_INSERT = text(
    "INSERT INTO articles_fts (rowid, title, body, meta) VALUES (:article_id, :title, :body, :meta)"
)


def is_search_table(name: str) -> bool:
    """Whether a table belongs to full-text search (and so is absent from the ORM models)."""
    return name in (SQLITE_TABLE, POSTGRES_TABLE) or name.startswith(SQLITE_TABLE + "_")


def dialect_of(session: Session) -> str:
    """``sqlite`` or ``postgresql``; ``StorageError`` for any database without search."""
    return _dialect(session)


def _dialect(connection: Session | Connection) -> str:
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    name = bind.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise StorageError(f"full-text search is not available on {name!r} databases")
    return name


def year_term(year: int) -> str:
    return f"{META_PREFIX}y{year:04d}"


def month_term(year: int, month: int) -> str:
    return f"{META_PREFIX}m{year:04d}{month:02d}"


def language_term(language: str) -> str:
    # Hex: a language value is free text (String(8)); hex keeps it one alphanumeric token.
    return f"{META_PREFIX}l{language.encode().hex()}"


def source_term(source_id: int) -> str:
    return f"{META_PREFIX}s{source_id}"


def meta_terms(published_at: datetime | None, language: str | None, source_id: int) -> str:
    """The meta terms of an article, space-separated (see the module docstring).

    Migration 0005 computes the same terms in SQL; a test keeps the two in agreement.
    """
    terms = [source_term(source_id)]
    if language:
        terms.append(language_term(language))
    if published_at is not None:
        utc = published_at.astimezone(UTC)
        terms += [year_term(utc.year), month_term(utc.year, utc.month)]
    return " ".join(terms)


def write_search_document(session: Session, article_id: int, title: str | None, body: str) -> None:
    """Insert or replace the search row of an article, inside the caller's transaction."""
    write_search_documents(session, [(article_id, title, body)])


def write_search_documents(
    session: Session, documents: Iterable[tuple[int, str | None, str]]
) -> None:
    """Insert or replace the search rows of ``(article_id, title, body)`` documents, inside
    the caller's transaction, one statement per kind (bulk loads and reindexing).

    The articles must already be flushed: their date, language and source give the meta terms.
    """
    documents = list(documents)
    if not documents:
        return
    ids = [article_id for article_id, _, _ in documents]
    meta = {
        article_id: meta_terms(published_at, language, source_id)
        for article_id, published_at, language, source_id in session.execute(
            select(Article.id, Article.published_at, Article.language, Article.source_id).where(
                Article.id.in_(ids)
            )
        )
    }
    missing = sorted(set(ids) - set(meta))
    if missing:
        raise StorageError(f"cannot index articles {missing[:5]}: no such article rows")
    write_search_rows(
        session,
        [
            SearchRow(article_id, search_terms(title or ""), search_terms(body), meta[article_id])
            for article_id, title, body in documents
        ],
    )


class SearchRow(NamedTuple):
    """One article's search row: folded title and body (``search_terms``), ``meta_terms``."""

    article_id: int
    title: str
    body: str
    meta: str


def write_search_rows(connection: Session | Connection, rows: Sequence[SearchRow]) -> None:
    """Insert or replace search rows, one statement per kind: the statements of
    ``write_search_documents``, for callers that already hold folded text (bulk loads)."""
    if not rows:
        return
    if _dialect(connection) == "sqlite":
        params = [row._asdict() for row in rows]
        connection.execute(_SQLITE_DELETE, params)
        connection.execute(_SQLITE_INSERT, params)
        return
    # One upsert may not touch a row twice: the last row of an article wins, as it would
    # row by row.
    last = list({row.article_id: row for row in rows}.values())
    connection.execute(
        _POSTGRES_UPSERT,
        {
            "article_ids": [row.article_id for row in last],
            "titles": [row.title for row in last],
            "bodies": [row.body for row in last],
            "metas": [row.meta for row in last],
        },
    )


def match_articles(
    session: Session, query: SearchQuery, required: Sequence[MetaGroup] = ()
) -> Select[tuple[int, float]]:
    """A select of ``(article_id, score)`` for every article matching ``query`` that also
    has one meta term of each ``required`` group."""
    dialect = dialect_of(session)
    # unique: one statement can hold several queries.
    params: dict[str, BindParameter[str]] = {
        key: bindparam(key, value, unique=True)
        for key, value in match_params(dialect, "fts_match", query, required).items()
    }
    return _select_matches(dialect, *params.values())


def match_template(dialect: str, name: str) -> Select[tuple[int, float]]:
    """``match_articles`` with the query left as bind parameters named after ``name``, whose
    values ``match_params`` gives: a statement built once and run for many queries, since
    building one costs more than SQLite takes to count a thousand matches."""
    return _select_matches(dialect, *(bindparam(key) for key in _param_names(dialect, name)))


def match_params(
    dialect: str, name: str, query: SearchQuery, required: Sequence[MetaGroup] = ()
) -> dict[str, str]:
    """The values of ``match_template(dialect, name)``'s parameters for ``query``."""
    if dialect == "sqlite":
        values = [to_fts5_match(query, required)]
    else:
        # Ranked by the user's words only: meta lexemes in the rank query would add to scores.
        values = [to_tsquery_text(query, required), to_tsquery_text(query, ())]
    return dict(zip(_param_names(dialect, name), values, strict=True))


def _param_names(dialect: str, name: str) -> tuple[str, ...]:
    return (name,) if dialect == "sqlite" else (name, f"{name}_rank")


def _select_matches(
    dialect: str, match: BindParameter[str], rank_query: BindParameter[str] | None = None
) -> Select[tuple[int, float]]:
    if dialect == "sqlite":
        fts: ColumnClause[Any] = literal_column(SQLITE_TABLE)
        # Weight 0 for meta: filter terms must not change a score.
        rank = func.bm25(fts, TITLE_WEIGHT, BODY_WEIGHT, 0.0, type_=Float)
        return select(_articles_fts.c.rowid.label("article_id"), (-rank).label("score")).where(
            fts.op("MATCH")(match)
        )
    document = _article_search.c.document
    # Normalisation 1 divides by 1 + log(length), so long articles do not win by size alone.
    rank = func.ts_rank(document, _tsquery(rank_query), 1, type_=Float)
    return select(_article_search.c.article_id.label("article_id"), rank.label("score")).where(
        document.op("@@")(_tsquery(match))
    )


def _tsquery(text_query: object) -> object:
    return func.to_tsquery(literal_column("'simple'", REGCONFIG), text_query)
