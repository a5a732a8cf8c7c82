"""The bad-input audit: every command x every kind of bad input that applies to it.

Each case must end as exactly one non-empty stderr line, ``newsmon: error: ...``, naming the
thing at fault, exit status 2 and no traceback; with ``-v`` the same error comes with its
traceback. ``test_every_command_is_audited`` fails when a command without cases appears.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from crawler.cli import main
from storage.db import open_database

GOOD_CONFIG = "sources:\n  - name: real\n    feeds: ['http://127.0.0.1:9/rss']\n"
GOOD_OPML = (
    '<opml version="2.0"><body><outline text="News" xmlUrl="http://127.0.0.1:9/rss"/></body></opml>'
)
PAGE = (
    "<html><head><title>Accord</title></head><body><article><h1>Accord</h1>"
    + "".join(
        f"<p>On day {n}, the two cities signed a climate cooperation agreement on "
        f"carbon market number {n}.</p>"
        for n in range(5)
    )
    + "</article></body></html>"
)
# Not valid YAML: the flow sequence is never closed.
BAD_YAML = "sources: [\n  - name: x\n"


@dataclass(frozen=True)
class Case:
    """``args`` and ``needle`` may name the paths of the ``world`` fixture in braces."""

    command: str  # the command path under ``newsmon``, e.g. "sources list"
    problem: str
    args: tuple[str, ...]
    needle: str  # what the one stderr line must contain: the thing at fault

    @property
    def id(self) -> str:
        return f"{self.command}: {self.problem}"


def _config_cases(command: str, *args: str) -> list[Case]:
    """Missing, unreadable (a directory: chmod does not bite as root) and invalid sources files."""
    return [
        Case(
            command,
            "missing config",
            ("--config", "{missing}", "--db", "{db}", *args),
            "{missing}: sources file not found",
        ),
        Case(
            command,
            "unreadable config",
            ("--config", "{confdir}", "--db", "{db}", *args),
            "{confdir}: cannot read the sources file",
        ),
        Case(
            command,
            "invalid YAML",
            ("--config", "{badyaml}", "--db", "{db}", *args),
            "{badyaml}: not valid YAML at line 2",
        ),
        Case(
            command,
            "key given twice",
            ("--config", "{dupkey}", "--db", "{db}", *args),
            "{dupkey}:4: duplicate key 'feeds' (first at line 3)",
        ),
        Case(
            command,
            "empty sources mapping",
            ("--config", "{nosources}", "--db", "{db}", *args),
            "{nosources}: sources: the file lists no sources",
        ),
    ]


def _database_cases(
    command: str, *args: str, config: bool = True, creates: bool = False
) -> list[Case]:
    """A closed PostgreSQL port, an SQLite file no one can create, a newer schema; for
    commands that only read, an SQLite file that does not exist."""
    head = ("--config", "{config}") if config else ()
    cases = [
        Case(
            command,
            "unreachable PostgreSQL",
            (*head, "--db", "{pg_closed}", *args),
            "cannot open database postgresql+psycopg://newsmon:***@127.0.0.1:{pg_port}/x",
        ),
        Case(
            command,
            "SQLite file in a directory that cannot be created",
            (*head, "--db", "/proc/newsmon-nowhere/news.db", *args),
            "/proc/newsmon-nowhere",
        ),
        Case(
            command,
            "newer schema",
            (*head, "--db", "{newer}", *args),
            "schema revision ffffffffffff, which this version of newsmon does not know",
        ),
        Case(
            command,
            "unparsable URL",
            (*head, "--db", "postgresql://h:notaport/x", *args),
            "cannot parse the database URL",
        ),
        Case(
            command,
            "unparsable URL with a password",
            (*head, "--db", "postgresql://newsmon:secret/x@h:notaport/x", *args),
            "cannot parse the database URL 'postgresql://newsmon:***@h:notaport/x'",
        ),
    ]
    if not creates:
        cases.append(
            Case(
                command,
                "SQLite file that does not exist",
                (*head, "--db", "{nowhere}", *args),
                "database {nowhere} does not exist",
            )
        )
    return cases


def _source_cases(command: str, *args: str) -> list[Case]:
    """Known sources: the sources file's and the database's (here: none stored)."""
    return [
        Case(
            command,
            "unknown source",
            ("--config", "{config}", "--db", "{db}", *args, "--source", "imaginary"),
            "unknown source 'imaginary'; known: real",
        ),
        Case(
            command,
            "unknown source, no sources file",
            ("--db", "{db}", *args, "--source", "imaginary"),
            "unknown source 'imaginary'; no source is configured or stored yet",
        ),
    ]


def _date_cases(command: str, *args: str) -> list[Case]:
    return [
        Case(
            command,
            "unparsable --since",
            ("--db", "{db}", *args, "--since", "yesterday"),
            "'--since': 'yesterday' is not a date",
        ),
        Case(
            command,
            "unparsable --until",
            ("--db", "{db}", *args, "--until", "14/09/2024"),
            "'--until': '14/09/2024' is not a date",
        ),
        Case(
            command,
            "--since after --until",
            ("--db", "{db}", *args, "--since", "2024-05-01", "--until", "2024-01-01"),
            "--since 2024-05-01 is not before --until 2024-01-01",
        ),
    ]


def _language_cases(command: str, *args: str) -> list[Case]:
    """A code no article can have, and a language's name for its code."""
    return [
        Case(
            command,
            f"--lang {value}",
            ("--db", "{db}", *args, "--lang", "en", "--lang", value),
            f"'--lang': {value!r} is not a language code newsmon knows",
        )
        for value in ("xx", "english")
    ]


def _format_case(command: str, *args: str) -> Case:
    return Case(
        command,
        "unknown format",
        ("--db", "{db}", *args, "--format", "xml"),
        "'--format': 'xml' is not one of",
    )


CASES: list[Case] = [
    *_config_cases("crawl", "crawl"),
    _source_cases("crawl", "crawl")[0],
    *_database_cases("crawl", "crawl", creates=True),
    *_config_cases("schedule", "schedule", "--once"),
    *_database_cases("schedule", "schedule", "--once", creates=True),
    *[
        Case("schedule", f"daemon: {c.problem}", c.args[:-1], c.needle)
        for c in _config_cases("schedule", "schedule", "--once")
        + _database_cases("schedule", "schedule", "--once", creates=True)
    ],
    *_config_cases("sources list", "sources", "list"),
    Case(
        "sources list",
        "unknown format",
        ("--config", "{config}", "sources", "list", "--format", "xml"),
        "'--format': 'xml' is not one of",
    ),
    Case(
        "status",
        "missing config named",
        ("--config", "{missing}", "--db", "{db}", "status"),
        "{missing}: sources file not found",
    ),
    *_config_cases("status", "status")[1:],
    *_database_cases("status", "status"),
    Case(
        "status",
        "unknown format",
        ("--db", "{db}", "status", "--format", "xml"),
        "'--format': 'xml' is not one of",
    ),
    *_date_cases("export", "export"),
    _format_case("export", "export"),
    *_language_cases("export", "export"),
    *_source_cases("export", "export"),
    *_database_cases("export", "export", config=False),
    Case(
        "export",
        "output in a missing directory",
        ("--db", "{db}", "export", "-o", "{nowhere_dir}/out.jsonl"),
        "{nowhere_dir}/out.jsonl: cannot write: No such file or directory",
    ),
    Case(
        "export",
        "output is a directory",
        ("--db", "{db}", "export", "-o", "{confdir}"),
        "{confdir}: cannot write: Is a directory",
    ),
    *_date_cases("search", "search", "carbon"),
    _format_case("search", "search", "carbon"),
    *_language_cases("search", "search", "carbon"),
    *_source_cases("search", "search", "carbon"),
    *_database_cases("search", "search", "carbon", config=False),
    Case("search", "unbalanced quote", ("--db", "{db}", "search", '"carbon market'), "unbalanced"),
    Case("search", "only exclusions", ("--db", "{db}", "search", "--", "-sport"), "exclu"),
    Case("search", "empty query", ("--db", "{db}", "search", "  "), "empty"),
    Case(
        "search",
        "unknown sort",
        ("--db", "{db}", "search", "x", "--sort", "age"),
        "'--sort': 'age' is not one of",
    ),
    Case(
        "search",
        "limit out of range",
        ("--db", "{db}", "search", "x", "--limit", "0"),
        "'--limit': 0 is not in the range",
    ),
    *_config_cases("reextract", "reextract"),
    *_source_cases("reextract", "reextract"),
    *_database_cases("reextract", "reextract"),
    *_database_cases("db upgrade", "db", "upgrade", config=False, creates=True),
    Case(
        "extract",
        "missing file",
        ("extract", "{missing}"),
        "{missing}: cannot read: No such file or directory",
    ),
    Case(
        "extract", "a directory", ("extract", "{confdir}"), "{confdir}: cannot read: Is a directory"
    ),
    Case(
        "extract",
        "--lang hint unknown",
        ("extract", "--lang", "english", "{page}"),
        "'--lang': 'english' is not a language code newsmon knows",
    ),
    Case("extract", "empty file", ("extract", "{empty}"), "{empty}: the file is empty"),
    Case("extract", "empty standard input", ("extract", "-"), "standard input: empty"),
    Case(
        "extract",
        "binary file",
        ("extract", "--json", "{page}", "{binary}"),
        "{binary}: binary data, not an HTML page",
    ),
    Case("demo", "--keep is a file", ("demo", "--keep", "{config}"), "{config}"),
    Case(
        "demo",
        "--keep cannot be created",
        ("demo", "--keep", "/proc/newsmon-nowhere"),
        "/proc/newsmon-nowhere",
    ),
    Case(
        "demo",
        "port out of range",
        ("demo", "--port", "70000"),
        "'--port': 70000 is not in the range",
    ),
    Case(
        "demo",
        "port in use",
        ("demo", "--port", "{busy_port}"),
        "--port {busy_port}: already in use on 127.0.0.1 (is another server running?",
    ),
    *_config_cases("sources check", "sources", "check", "real"),
    Case(
        "sources check",
        "unknown source",
        ("--config", "{config}", "sources", "check", "imaginary"),
        "unknown source 'imaginary'; known: real",
    ),
    Case(
        "sources check",
        "--url not a URL",
        ("--config", "{config}", "sources", "check", "real", "--url", "notaurl"),
        "--url 'notaurl': not an http(s) URL",
    ),
    Case(
        "sources check",
        "unknown format",
        ("--config", "{config}", "sources", "check", "real", "--format", "xml"),
        "'--format': 'xml' is not one of",
    ),
    # (a missing sources file is no error here: add creates it)
    *[
        Case("sources add", c.problem, (*c.args, "new", "{closed_url}", "-y"), c.needle)
        for c in _config_cases("sources add", "sources", "add")[1:]
    ],
    Case(
        "sources add",
        "existing name",
        ("--config", "{config}", "sources", "add", "real", "{closed_url}", "-y"),
        "source 'real' already exists in {config}",
    ),
    Case(
        "sources add",
        "name not a slug",
        ("--config", "{config}", "sources", "add", "Real News", "{closed_url}", "-y"),
        "source name 'Real News'",
    ),
    Case(
        "sources add",
        "not a URL",
        ("--config", "{config}", "sources", "add", "new", "notaurl", "-y"),
        "URL 'notaurl': not an http(s) URL",
    ),
    # (a missing sources file is no error here either: import creates it)
    *[
        Case("sources import", c.problem, (*c.args, "{opml}", "-y"), c.needle)
        for c in _config_cases("sources import", "sources", "import")[1:]
    ],
    Case(
        "sources import",
        "OPML file missing",
        ("--config", "{config}", "sources", "import", "{missing_opml}", "-y"),
        "'FILE': File '{missing_opml}' does not exist",
    ),
    Case(
        "sources import",
        "OPML file is a directory",
        ("--config", "{config}", "sources", "import", "{confdir}", "-y"),
        "'FILE': File '{confdir}' is a directory",
    ),
    Case(
        "sources import",
        "not XML",
        ("--config", "{config}", "sources", "import", "{config}", "-y"),
        "{config}: not well-formed XML: Start tag expected",
    ),
    *_database_cases("show", "show", "1", config=False),
    Case(
        "show", "ID not a number", ("--db", "{db}", "show", "abc"), "'abc' is not a valid integer"
    ),
    Case("show", "unknown ID", ("--db", "{db}", "show", "999"), "no article with id 999"),
    Case(
        "show",
        "unknown format",
        ("--db", "{db}", "show", "1", "--format", "xml"),
        "'--format': 'xml' is not one of",
    ),
    *_date_cases("stories", "stories"),
    _format_case("stories", "stories"),
    *_database_cases("stories", "stories", config=False),
    *_database_cases("serve", "serve", "--port", "0", config=False),
    Case(
        "serve",
        "port in use",
        ("--db", "{db}", "serve", "--port", "{busy_port}"),
        "--port {busy_port}: already in use",
    ),
    Case(
        "serve",
        "port out of range",
        ("--db", "{db}", "serve", "--port", "70000"),
        "'--port': 70000 is not in the range",
    ),
    Case("newsmon", "unknown command", ("frobnicate",), "No such command 'frobnicate'"),
    Case("newsmon", "unknown option", ("--colour", "status"), "No such option '--colour' (see "),
]


def _leaf_commands(group: click.Group, prefix: str = "") -> Iterator[str]:
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            yield from _leaf_commands(command, path + " ")
        elif not command.hidden:
            yield path


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, busy_port: int) -> dict[str, str]:
    """Paths and URLs the cases name: a good config and database, and bad ones. Nothing
    outside 127.0.0.1 is named: a case that wrongly got past its check stays off the net."""
    monkeypatch.chdir(tmp_path)  # no ./sources.yaml, no ./newsmon.db from elsewhere
    config = tmp_path / "ok.yaml"
    config.write_text(GOOD_CONFIG, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(BAD_YAML, encoding="utf-8")
    (tmp_path / "dup.yaml").write_text(
        GOOD_CONFIG + "    feeds: ['http://127.0.0.1:9/atom']\n", encoding="utf-8"
    )
    (tmp_path / "nosources.yaml").write_text("sources: {}\n", encoding="utf-8")
    (tmp_path / "confdir").mkdir()
    (tmp_path / "feeds.opml").write_text(GOOD_OPML, encoding="utf-8")
    db, newer = tmp_path / "ok.db", tmp_path / "newer.db"
    for path in (db, newer):
        open_database(f"sqlite:///{path}").dispose()
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "binary.html").write_bytes(bytes(range(256)) * 8)
    port = _closed_port()
    return {
        "page": str(tmp_path / "page.html"),
        "empty": str(tmp_path / "empty.html"),
        "binary": str(tmp_path / "binary.html"),
        "config": str(config),
        "missing": str(tmp_path / "missing.yaml"),
        "badyaml": str(tmp_path / "bad.yaml"),
        "dupkey": str(tmp_path / "dup.yaml"),
        "nosources": str(tmp_path / "nosources.yaml"),
        "confdir": str(tmp_path / "confdir"),
        "db": str(db),
        "newer": str(newer),
        "nowhere": str(tmp_path / "nowhere" / "news.db"),
        "nowhere_dir": str(tmp_path / "nowhere"),
        "pg_port": str(port),
        "pg_closed": f"postgresql://newsmon:secret@127.0.0.1:{port}/x",
        "closed_url": f"http://127.0.0.1:{port}/",
        "busy_port": str(busy_port),
        "opml": str(tmp_path / "feeds.opml"),
        "missing_opml": str(tmp_path / "missing.opml"),
    }


def run(*args: str) -> tuple[int, str]:
    # None unsets the variable for the run (an empty string would count as set).
    result = CliRunner().invoke(main, list(args), env={"NEWSMON_CONFIG": None, "NEWSMON_DB": None})
    return result.exit_code, result.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_exit_2(case: Case, world: dict[str, str]) -> None:
    args = [a.format(**world) for a in case.args]
    needle = case.needle.format(**world)
    code, stderr = run(*args)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2, stderr
    assert len(lines) == 1, stderr
    assert lines[0].startswith("newsmon: error: "), stderr
    assert needle in lines[0]
    assert "secret" not in stderr
    if case.command in ("newsmon",):
        return  # parsed before -v is known: no traceback to give
    code, stderr = run("-v", *args)
    assert code == 2 and "Traceback (most recent call last)" in stderr, stderr
    assert needle in stderr


def test_every_command_is_audited() -> None:
    audited = {c.command for c in CASES}
    missing = sorted(set(_leaf_commands(main)) - audited)
    assert not missing, f"commands without bad-input cases: {missing}"


@pytest.mark.postgres
@pytest.mark.parametrize("command", [("status",), ("export",), ("db", "upgrade")])
def test_postgresql_database_that_does_not_exist(
    postgres_server: object, command: tuple[str, ...]
) -> None:
    if postgres_server is None:
        pytest.skip("NEWSMON_TEST_PG_URL not set")
    from sqlalchemy.engine import make_url

    url = (
        make_url(postgres_server.url)
        .set(  # type: ignore[attr-defined]
            database="newsmon_no_such_database"
        )
        .render_as_string(hide_password=False)
    )
    code, stderr = run("--db", url, *command)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1, stderr
    assert 'database "newsmon_no_such_database" does not exist' in lines[0]


@pytest.mark.parametrize("args", [(), ("sources",), ("db",)])
def test_a_group_without_command_shows_its_help(args: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, list(args))
    assert result.output.startswith("Usage: ") and "newsmon: error" not in result.output
    assert "Commands:" in result.output


def test_extract_reports_every_file_and_fails_on_the_one_that_is_not_html(
    world: dict[str, str],
) -> None:
    # The good page's result still comes out; the exit status and the one error line tell a
    # script that one of its inputs was not a page at all.
    result = CliRunner().invoke(
        main, ["extract", "--json", world["binary"], world["page"], world["empty"]]
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in records] == [world["binary"], world["page"], world["empty"]]
    assert "climate cooperation agreement" in records[1]["text"]
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"newsmon: error: {world['binary']}: binary data, not an "
        f"HTML page; {world['empty']}: the file is empty"
    )
