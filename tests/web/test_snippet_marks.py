"""Article text holding brackets (and the characters other tools use as marks) is shown as
published everywhere a snippet goes: ``search_articles`` on each backend, the CLI table and
JSON, the web page and the API. Only the words the query matched are highlighted."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from crawler.cli import main
from crawler.web.app import create_app
from storage.db import open_database
from storage.queries import search_articles
from storage.writes import store_article
from tests.pg import PG_URL_ENV, PostgresServer
from tests.web.conftest import article_data

TEXT = (
    "Wiki markup [italic]x[/italic] and [climate] notes, \ue000private\ue001 marks, "
    "«guillemets» and a [[link]] about climate cooperation."
)
# The parts a search for "climate" gives TEXT: each "climate" matched, the rest as written.
PARTS = [
    {"text": "Wiki markup [italic]x[/italic] and [", "match": False},
    {"text": "climate", "match": True},
    {
        "text": "] notes, \ue000private\ue001 marks, «guillemets» and a [[link]] about ",
        "match": False,
    },
    {"text": "climate", "match": True},
    {"text": " cooperation.", "match": False},
]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_server: PostgresServer | None,
) -> str:
    if request.param == "postgresql":
        if postgres_server is None:
            pytest.skip(f"{PG_URL_ENV} not set")
        url = postgres_server.create_database()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('marks') / 'newsmon.db'}"
    with open_database(url) as db:
        store_article(
            db,
            article_data(
                "marks",
                "wiki",
                "en",
                "Brackets in the text",
                TEXT,
                datetime(2024, 5, 1, tzinfo=UTC),
            ),
        )
    return url


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), env={"NEWSMON_CONFIG": None, "NEWSMON_DB": None})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_search_articles_gives_the_matches_as_parts(database_url: str) -> None:
    with open_database(database_url) as db, db.session() as session:
        (hit,) = search_articles(session, "climate")
    assert hit.snippet.as_json() == PARTS
    assert hit.snippet.text == TEXT


def test_cli_json_has_the_plain_snippet_and_its_parts(database_url: str) -> None:
    (record,) = json.loads(_cli("--db", database_url, "search", "climate", "--format", "json"))
    assert record["snippet"] == TEXT
    assert record["snippet_parts"] == PARTS


def test_cli_table_keeps_the_brackets(database_url: str) -> None:
    out = _cli("--db", database_url, "search", "climate", "--format", "table")
    flat = " ".join(out.replace("│", " ").split())
    for piece in ("[italic]x[/italic]", "[climate]", "[[link]]", "«guillemets»"):
        assert piece in flat, out


def test_web_page_marks_only_the_matches(database_url: str) -> None:
    with TestClient(create_app(database_url)) as client:
        html = client.get("/", params={"q": "climate"}).text
    assert (
        "Wiki markup [italic]x[/italic] and [<mark>climate</mark>] notes, "
        "\ue000private\ue001 marks, «guillemets» and a [[link]] about "
        "<mark>climate</mark> cooperation."
    ) in html
    assert "<mark>italic</mark>" not in html


def test_api_gives_the_plain_snippet_and_its_parts(database_url: str) -> None:
    with TestClient(create_app(database_url)) as client:
        (result,) = client.get("/api/search", params={"q": "climate"}).json()["results"]
    assert result["snippet"] == TEXT
    assert result["snippet_parts"] == PARTS
