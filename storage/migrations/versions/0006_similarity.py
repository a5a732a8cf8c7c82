"""Relevance, near-duplicates, stories across languages, earlier versions.

articles gains relevance / relevant / topics (scored in the extraction worker), duplicate_of
(the first copy of a near-duplicate), cluster (the story: the id of its first article),
parties and evidence (what the story clustering compares). article_bands holds MinHash band
keys (equality lookups find near-duplicate candidates on any SQL database); article_parties
indexes the parties for candidate lookup and ``--party``; article_versions keeps the hash and
time of every text an article had before a re-crawl changed it. Existing rows get NULLs;
``newsmon reextract`` fills them in.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXED = ["relevant", "duplicate_of", "cluster"]


def upgrade() -> None:
    # Plain ADD COLUMN on both backends: a batch table copy would drop SQLite's full-text
    # delete trigger, and with foreign keys on, cascade-delete pages and URLs. That is also
    # why duplicate_of has no foreign key (storage.dedup keeps it valid).
    op.add_column("articles", sa.Column("relevance", sa.Float(), nullable=True))
    op.add_column("articles", sa.Column("relevant", sa.Boolean(), nullable=True))
    op.add_column("articles", sa.Column("topics", sa.JSON(), nullable=True))
    op.add_column("articles", sa.Column("duplicate_of", sa.Integer(), nullable=True))
    op.add_column("articles", sa.Column("cluster", sa.Integer(), nullable=True))
    op.add_column("articles", sa.Column("parties", sa.JSON(), nullable=True))
    op.add_column("articles", sa.Column("evidence", sa.JSON(), nullable=True))
    for column in _INDEXED:
        op.create_index(f"ix_articles_{column}", "articles", [column])
    op.create_table(
        "article_bands",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("key", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "band"),
    )
    op.create_index("ix_article_bands_band_key", "article_bands", ["band", "key"])
    op.create_table(
        "article_parties",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "party"),
    )
    op.create_index("ix_article_parties_party", "article_parties", ["party", "article_id"])
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_article_versions_article_id", "article_versions", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_article_versions_article_id", table_name="article_versions")
    op.drop_table("article_versions")
    op.drop_index("ix_article_parties_party", table_name="article_parties")
    op.drop_table("article_parties")
    op.drop_index("ix_article_bands_band_key", table_name="article_bands")
    op.drop_table("article_bands")
    for column in _INDEXED:
        op.drop_index(f"ix_articles_{column}", table_name="articles")
    # SQLite (3.35+) drops an unindexed column with ALTER TABLE DROP COLUMN, no table copy.
    for column in (
        "relevance",
        "relevant",
        "topics",
        "duplicate_of",
        "cluster",
        "parties",
        "evidence",
    ):
        op.drop_column("articles", column)
