"""``export`` is a dump: near-duplicates are in it, with ``duplicate_of`` naming the first
copy, unless ``--no-duplicates`` leaves them out; ``search`` still hides them unless ``--all``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from crawler.cli import main
from tests.web.conftest import ARTICLES, BULK, WebDb

STORED = len(ARTICLES) + BULK + 1  # the articles, the bulk notes, and the one near-duplicate


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"NEWSMON_CONFIG": None, "NEWSMON_DB": None})
    return result.exit_code, result.stdout, result.stderr


def exported(db: WebDb, *args: str) -> dict[int, dict[str, object]]:
    code, stdout, stderr = run("--db", db.url, "export", *args)
    assert code == 0, stderr
    records = [json.loads(line) for line in stdout.splitlines()]
    assert stderr == f"exported {len(records)} article(s)\n"
    return {record["id"]: record for record in records}


@pytest.mark.parametrize("flag", [(), ("--duplicates",), ("--all",)])
def test_export_includes_near_duplicates_with_duplicate_of(
    stored_db: WebDb, flag: tuple[str, ...]
) -> None:
    records = exported(stored_db, *flag)
    assert len(records) == STORED
    copy, original = stored_db.ids["en-mangrove-copy"], stored_db.ids["en-mangrove"]
    assert records[copy]["duplicate_of"] == original
    assert records[original]["duplicate_of"] is None


def test_export_no_duplicates_leaves_them_out(stored_db: WebDb) -> None:
    records = exported(stored_db, "--no-duplicates")
    assert len(records) == STORED - 1
    assert stored_db.ids["en-mangrove-copy"] not in records
    assert all(record["duplicate_of"] is None for record in records.values())


def test_export_filters_keep_the_duplicates(stored_db: WebDb) -> None:
    """A story's export lists every report of it, copies included."""
    records = exported(
        stored_db, "--cluster", str(stored_db.ids["en-mangrove"]), "--format", "jsonl"
    )
    assert set(records) == {stored_db.ids["en-mangrove-copy"]}  # the original has no cluster


def test_all_and_no_duplicates_together_are_one_line_exit_2(stored_db: WebDb) -> None:
    code, stdout, stderr = run("--db", stored_db.url, "export", "--all", "--no-duplicates")
    assert code == 2 and stdout == ""
    assert stderr.splitlines() == [
        "newsmon: error: --all and --no-duplicates contradict each other: near-duplicates "
        "are exported unless --no-duplicates is given"
    ]


def test_search_still_hides_them_unless_all(stored_db: WebDb) -> None:
    copy = stored_db.ids["en-mangrove-copy"]

    def found(*args: str) -> set[int]:
        code, stdout, stderr = run(
            "--db", stored_db.url, "search", "mangrove", "--format", "jsonl", *args
        )
        assert code == 0, stderr
        return {json.loads(line)["id"] for line in stdout.splitlines()}

    assert copy not in found()
    assert copy in found("--all")
