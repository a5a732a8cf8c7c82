"""A PostgreSQL server for tests: fresh, uniquely named databases, dropped at the end."""

from __future__ import annotations

import os
import uuid

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

PG_URL_ENV = "NEWSMON_TEST_PG_URL"


class PostgresServer:
    """Creates uniquely named databases on the test server; drops them all at the end."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin: Engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create_database(self) -> str:
        name = f"newsmon_test_{os.getpid()}_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()
