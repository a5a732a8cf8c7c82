"""Many rows in one INSERT, on both backends: what storing an article writes to its index
tables (band keys, evidence, parties, URLs) and what a batch writes to ``article_pages``.

SQLite's ``executemany`` is one loop in C. psycopg's sends one statement per row, whose
client-side cost was most of an article's CPU on PostgreSQL; there the rows go as one
array per column through ``unnest`` instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Insert, Table, TextClause, insert, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (each with the same keys, plain column values) into ``table``."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(_insert(table), list(rows))
        return
    names = tuple(rows[0])
    connection.execute(
        _unnest_insert(table, names), {name: [row[name] for row in rows] for name in names}
    )


@cache
def _insert(table: Table) -> Insert:
    return insert(table)


@cache
def _unnest_insert(table: Table, names: tuple[str, ...]) -> TextClause:
    dialect = postgresql.dialect()
    arrays = ", ".join(
        f"CAST(:{name} AS {table.c[name].type.compile(dialect=dialect)}[])" for name in names
    )
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    return text(f"INSERT INTO {table.name} ({columns}) SELECT * FROM unnest({arrays})")
