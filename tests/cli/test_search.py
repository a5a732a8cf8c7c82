"""``newsmon search`` takes its query as one argument or as several words, so an exclusion
typed as a word of its own (``newsmon search climate -coal``) is a query word, not an
unknown option; a mistyped ``--option`` is still an error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from crawler.cli import main
from storage.db import Database
from storage.writes import store_article


@pytest.fixture
def stored(db: Database, make_article: Any) -> dict[str, str]:
    texts = {
        "coal": "Climate cooperation on phasing out coal power between Poland and Germany.",
        "wind": "Climate cooperation on offshore wind between Denmark and Poland.",
    }
    for name, text in texts.items():
        store_article(db, make_article(url=f"https://news.example/{name}", title=name, text=text))
    return {name: f"https://news.example/{name}" for name in texts}


def _search(database_url: str, *words: str) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(
        main,
        ["--db", database_url, "search", "--format", "json", *words],
        env={"NEWSMON_CONFIG": None},
    )
    urls = [hit["url"] for hit in json.loads(result.stdout)] if result.exit_code == 0 else []
    return result.exit_code, sorted(urls), result.stderr


@pytest.mark.parametrize(
    "words",
    [
        ("climate", "-coal"),
        ("-coal", "climate"),
        ("climate -coal",),
        ("cooperation", '"offshore wind"'),
        ("climate", "--", "-coal"),
    ],
    ids=["exclusion-last", "exclusion-first", "one-argument", "phrase-word", "after-dashes"],
)
def test_query_words_as_separate_arguments(
    database_url: str, stored: dict[str, str], words: tuple[str, ...]
) -> None:
    code, urls, stderr = _search(database_url, *words)
    assert code == 0, stderr
    assert urls == [stored["wind"]]


def test_words_and_options_mix(database_url: str, stored: dict[str, str]) -> None:
    code, urls, _ = _search(database_url, "climate", "--limit", "1", "cooperation")
    assert code == 0 and len(urls) == 1


def test_a_mistyped_option_is_still_an_error(database_url: str, stored: dict[str, str]) -> None:
    code, _, stderr = _search(database_url, "climate", "--limt", "5")
    assert code == 2 and "no such option: --limt" in stderr
