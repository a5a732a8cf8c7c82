"""Search meta terms: publication year and month, language and source in the search index.

The index can then apply search filters itself and find the newest matches month by month,
so a query matching hundreds of thousands of articles ranks a bounded set (storage.search).
SQLite's FTS5 table gains a ``meta`` column (rebuilt: FTS5 tables cannot gain columns);
PostgreSQL documents gain the meta lexemes. Existing rows are reindexed in SQL from the
stored folded text, so no article text is folded again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 20:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here, not imported from storage.fts: a migration records what it did. The
# terms must equal storage.fts.meta_terms (a test checks them against each other).
_TOKENIZE = "tokenize = \"unicode61 remove_diacritics 0 categories 'L* N* Co M*'\""
_SQLITE_META = """
    'és' || a.source_id
    || CASE WHEN coalesce(a.language, '') <> '' THEN ' él' || lower(hex(a.language)) ELSE '' END
    || CASE WHEN a.published_at IS NOT NULL
            THEN ' éy' || strftime('%Y', a.published_at)
                 || ' ém' || strftime('%Y%m', a.published_at)
            ELSE '' END
"""
_SQLITE_TRIGGER = """
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        DELETE FROM articles_fts WHERE rowid = old.id;
    END
"""
_POSTGRES_META = """
    array_to_tsvector(array_remove(ARRAY[
        'és' || a.source_id,
        CASE WHEN coalesce(a.language, '') <> ''
             THEN 'él' || encode(convert_to(a.language, 'UTF8'), 'hex') END,
        CASE WHEN a.published_at IS NOT NULL
             THEN 'éy' || to_char(a.published_at AT TIME ZONE 'UTC', 'YYYY') END,
        CASE WHEN a.published_at IS NOT NULL
             THEN 'ém' || to_char(a.published_at AT TIME ZONE 'UTC', 'YYYYMM') END
    ], NULL))
"""


def _rebuild_sqlite(columns: str, select: str) -> None:
    # The trigger names articles_fts: SQLite refuses to rename a table while a trigger
    # refers to a missing one, so it goes first and comes back last.
    op.execute("DROP TRIGGER IF EXISTS articles_fts_delete")
    op.execute(f"CREATE VIRTUAL TABLE articles_fts_new USING fts5({columns}, {_TOKENIZE})")
    op.execute(f"INSERT INTO articles_fts_new (rowid, {columns}) {select}")
    op.execute("DROP TABLE articles_fts")
    op.execute("ALTER TABLE articles_fts_new RENAME TO articles_fts")
    op.execute(_SQLITE_TRIGGER)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _rebuild_sqlite(
            "title, body, meta",
            f"SELECT f.rowid, f.title, f.body, {_SQLITE_META} "
            "FROM articles_fts AS f JOIN articles AS a ON a.id = f.rowid",
        )
    elif dialect == "postgresql":
        op.execute(
            f"UPDATE article_search AS s SET document = s.document || {_POSTGRES_META} "
            "FROM articles AS a WHERE a.id = s.article_id"
        )
    else:
        raise NotImplementedError(f"full-text search is not implemented for {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _rebuild_sqlite("title, body", "SELECT rowid, title, body FROM articles_fts")
    elif dialect == "postgresql":
        op.execute(
            "UPDATE article_search SET document = ts_delete(document, ARRAY("
            "SELECT lexeme FROM unnest(tsvector_to_array(document)) AS lexeme "
            "WHERE lexeme LIKE 'é_%'))"
        )
