"""What the storage layer raises, so callers can catch one base class.

``StorageError``            base of every storage failure; its message is one readable line.
 +- ``DatabaseUnavailable``  the database cannot be reached or opened (server down, bad path,
 |                           unwritable file, unsupported URL).
 +- ``SchemaError``          the schema cannot be brought to, or is not at, the version this
 |                           code expects.
 +- ``QuerySyntaxError``     a full-text search query is malformed (unbalanced quote, dangling
                             OR, only exclusions, empty).

Messages never contain a database password: URLs are shown masked.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class of every error the storage layer raises on purpose."""


class DatabaseUnavailable(StorageError):
    """The database cannot be opened or reached."""


class SchemaError(StorageError):
    """The database schema is missing, unknown or could not be migrated."""


class QuerySyntaxError(StorageError):
    """A search query that the small query language cannot parse."""
