"""Cheaper story and near-duplicate lookups at write time.

article_evidence indexes each article's story evidence by (term, date), so the story lookup
reads only the articles of the window that share a day, a number, an acronym or a name,
instead of every article of the window naming a common party; it is filled from the stored
``articles.evidence``. article_shingles keeps each text's shingles, so a near-duplicate
candidate is confirmed without re-tokenising its text (rows stored before are shingled from
their text when needed). The band index gains article_id, so the oldest members of a band
bucket are read straight from the index (storage.dedup caps what it reads of a bucket).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 09:00:00
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
import xxhash
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 2_000
# The term format of storage.stories.evidence_terms as of this revision (a migration must
# not change when that code does).
_KINDS = {"dates": "d", "numbers": "n", "acronyms": "a", "names": "x"}
_TERM_LENGTH = 64


def _term(kind: str, value: str) -> str:
    term = f"{kind}:{value}"
    if len(term) <= _TERM_LENGTH:
        return term
    return f"{kind}#{xxhash.xxh3_64_hexdigest(value.encode('utf-8'))}"


def _terms(evidence: Any) -> set[str]:
    if not isinstance(evidence, dict):
        return set()
    found = set()
    for field, kind in _KINDS.items():
        for value in evidence.get(field) or ():
            value = str(value)
            if kind == "n" and value.isdigit() and 1900 <= int(value) <= 2100:
                kind_here = "y"  # a year: weak evidence
            else:
                kind_here = kind
            found.add(_term(kind_here, value))
    return found


def _rows(connection: sa.Connection) -> Iterator[list[dict[str, Any]]]:
    articles = sa.table(
        "articles",
        sa.column("id", sa.Integer),
        sa.column("published_at", sa.DateTime(timezone=True)),
        sa.column("fetched_at", sa.DateTime(timezone=True)),
        sa.column("evidence", sa.JSON),
    )
    last = 0
    while True:
        chunk = connection.execute(
            sa.select(
                articles.c.id, articles.c.published_at, articles.c.fetched_at, articles.c.evidence
            )
            .where(articles.c.id > last, articles.c.evidence.is_not(None))
            .order_by(articles.c.id)
            .limit(_BATCH)
        ).all()
        if not chunk:
            return
        last = chunk[-1].id
        yield [
            {"article_id": row.id, "term": term, "at": row.published_at or row.fetched_at}
            for row in chunk
            for term in sorted(_terms(row.evidence))
        ]


def upgrade() -> None:
    evidence = op.create_table(
        "article_evidence",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "term"),
    )
    for rows in _rows(op.get_bind()):
        if rows:
            op.bulk_insert(evidence, rows)
    op.create_index("ix_article_evidence_term_at", "article_evidence", ["term", "at"])
    op.drop_index("ix_article_bands_band_key", table_name="article_bands")
    op.create_index("ix_article_bands_band_key", "article_bands", ["band", "key", "article_id"])
    op.create_table(
        "article_shingles",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("shingles", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )


def downgrade() -> None:
    op.drop_table("article_shingles")
    op.drop_index("ix_article_bands_band_key", table_name="article_bands")
    op.create_index("ix_article_bands_band_key", "article_bands", ["band", "key"])
    op.drop_index("ix_article_evidence_term_at", table_name="article_evidence")
    op.drop_table("article_evidence")
