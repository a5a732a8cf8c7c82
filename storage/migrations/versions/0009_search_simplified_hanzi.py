"""Search folds traditional Chinese characters to simplified ones, so 氣候 and 气候 match.

``crawler.text.folding`` now maps each CJK token through ``hanzi.to_simplified``. Index
rows holding a character that mapping changes are rewritten from their article's title and
text; the others already hold what the new folding gives. The rows are found by reading the
index in batches of ``_BATCH`` (SQLite: the folded text FTS5 stores; PostgreSQL: each
document's lexemes), so memory stays flat. On 10,000 articles of
benchmarks/support/searchgen.py (a quarter of them Chinese or Japanese, all rewritten) the
upgrade took 1.4 s on SQLite and 2.5 s on PostgreSQL.

Unlike 0005, this uses the storage layer's folding and statements, not a copy: the index
must hold what queries fold to, which is what the code does now. The meta terms are kept
from each row.

Downgrade changes nothing: the schema is the same, and rebuilding the rows would need the
old folding, which only the old code has. The old code then finds the rewritten articles by
their simplified form only; upgrading again rewrites whatever it stored meanwhile.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

from crawler.text.folding import search_terms
from crawler.text.hanzi import traditional_characters
from storage.fts import META_PREFIX, SearchRow, write_search_rows

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 2_000
_SQLITE_ROWS = sa.text(
    "SELECT rowid, title, body, meta FROM articles_fts WHERE rowid > :last "
    "ORDER BY rowid LIMIT :limit"
)
_POSTGRES_ROWS = sa.text(
    "SELECT article_id, tsvector_to_array(document) FROM article_search "
    "WHERE article_id > :last ORDER BY article_id LIMIT :limit"
)
_articles = sa.table(
    "articles", sa.column("id", sa.Integer), sa.column("title", sa.Text), sa.column("text", sa.Text)
)


def _stale_rows(connection: sa.Connection) -> Iterator[list[tuple[int, str]]]:
    """``(article_id, meta terms)`` of the index rows holding a character the folding now
    changes, a batch of the index at a time."""
    changed = traditional_characters()
    sqlite = connection.dialect.name == "sqlite"
    last = 0
    while True:
        rows = connection.execute(
            _SQLITE_ROWS if sqlite else _POSTGRES_ROWS, {"last": last, "limit": _BATCH}
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        if sqlite:
            yield [
                (article_id, meta)
                for article_id, title, body, meta in rows
                if not (changed.isdisjoint(title) and changed.isdisjoint(body))
            ]
        else:
            yield [
                (article_id, " ".join(t for t in lexemes if t.startswith(META_PREFIX)))
                for article_id, lexemes in rows
                if not changed.isdisjoint(lexemes)
            ]


def upgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"full-text search is not implemented for {dialect}")
    for stale in _stale_rows(connection):
        if not stale:
            continue
        texts = {
            article_id: (title, text)
            for article_id, title, text in connection.execute(
                sa.select(_articles.c.id, _articles.c.title, _articles.c.text).where(
                    _articles.c.id.in_([article_id for article_id, _ in stale])
                )
            )
        }
        write_search_rows(
            connection,
            [
                SearchRow(
                    article_id,
                    search_terms(texts[article_id][0] or ""),
                    search_terms(texts[article_id][1]),
                    meta,
                )
                for article_id, meta in stale
                if article_id in texts
            ],
        )


def downgrade() -> None:
    """Nothing to undo in the schema (see the module docstring)."""
