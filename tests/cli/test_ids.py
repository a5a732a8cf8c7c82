"""Article ids on the command line, at and beyond the range of the ``articles.id`` column.

PostgreSQL's ``integer`` stops at 2147483647 and SQLite's driver at 2**63 - 1; an id past
either once reached the query and ended in a traceback with exit status 1. Every command that
takes an id must answer with one line and exit status 2 instead, on both backends, and the
largest id the column holds must still be looked up (and found missing) like any other.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from storage.models import ARTICLE_ID_MAX
from tests.web.conftest import WebDb

TOO_BIG = ARTICLE_ID_MAX + 1  # 2147483648: the first id PostgreSQL's integer cannot hold
HUGE = 10**23  # past what SQLite's driver can send


@pytest.fixture(scope="module")
def db_url(stored_db: WebDb) -> str:
    return stored_db.url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"NEWSMON_CONFIG": None, "NEWSMON_DB": None})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("show", str(TOO_BIG)), f"'ID': {TOO_BIG} is not an id"),
        (("show", str(HUGE)), f"'ID': {HUGE} is not an id"),
        (("show", "--", "-5"), "'ID': -5 is not an id"),
        (("export", "--cluster", str(TOO_BIG)), f"'--cluster': {TOO_BIG} is not an id"),
        (("export", "--cluster", str(HUGE)), f"'--cluster': {HUGE} is not an id"),
        (("search", "climate", "--cluster", str(TOO_BIG)), f"'--cluster': {TOO_BIG} is not an id"),
        (("search", "climate", "--cluster", str(HUGE)), f"'--cluster': {HUGE} is not an id"),
    ],
)
def test_an_id_out_of_range_is_one_line_exit_2(
    db_url: str, args: tuple[str, ...], named: str, tmp_path: Path
) -> None:
    code, stdout, stderr = run("--db", db_url, *args)
    assert code == 2, stderr
    assert stderr.splitlines() == [
        f"newsmon: error: Invalid value for {named}: ids run from 1 to {ARTICLE_ID_MAX}"
    ]
    assert stdout == ""


def test_the_largest_id_is_looked_up(db_url: str) -> None:
    """The range is the column's own: its last value reaches the database without error."""
    code, _stdout, stderr = run("--db", db_url, "show", str(ARTICLE_ID_MAX))
    assert code == 2 and stderr.startswith(f"newsmon: error: no article with id {ARTICLE_ID_MAX} ")
    code, _stdout, stderr = run("--db", db_url, "export", "--cluster", str(ARTICLE_ID_MAX))
    assert code == 0 and stderr == "exported 0 article(s)\n"


def test_ids_in_range_still_work(db_url: str) -> None:
    code, stdout, stderr = run("--db", db_url, "show", "1", "--format", "json")
    assert code == 0 and '"id": 1,' in stdout, stderr
