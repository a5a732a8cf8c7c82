"""Where a row is written and read: the schema (``models``, Alembic ``migrations``), the database
(``db``: SQLite or PostgreSQL), writes (``writes``: one transaction per batch of articles,
``dedup`` and ``stories`` for near-duplicates and stories), reads (``queries``, ``filters``,
``paging``, ``related``) and full-text search (``search``, ``search_query``, ``fts``,
``snippet``). It knows nothing of crawling: it imports only ``crawler.text`` and
``crawler.similarity`` of the rest of newsmon (a contract in pyproject.toml).
"""
