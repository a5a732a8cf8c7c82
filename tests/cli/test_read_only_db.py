"""An SQLite database that cannot be written (its directory read-only, or a copy on read-only
media): the commands that only read work on it, the web app serves it, and the commands that
write refuse it with one line naming the file. Nothing is written beside it or into it.

Two ways to make it read-only:
- ``chmod``: the directory 0555 and the file 0444. Root ignores file permissions, so this
  one is skipped when the tests run as root.
- ``chattr``: ``chattr +i`` (immutable) on the directory and the file. The kernel refuses
  every write to an immutable inode, root's included (EPERM), exactly as a read-only mount
  refuses them (EROFS): SQLite can neither create the -wal and -shm files WAL mode needs nor
  write the file. It needs CAP_LINUX_IMMUTABLE and a filesystem with the attribute (ext4,
  xfs, btrfs), so it is skipped elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from crawler.cli import main
from crawler.web.app import create_app
from tests.conftest import REPO
from tests.web.conftest import ARTICLES, BULK, populate

STORED = len(ARTICLES) + BULK + 1
CONFIG = "sources:\n  - name: real\n    feeds: ['http://127.0.0.1:9/rss']\n"


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A populated database, checkpointed: the whole of it is in the one file."""
    path = tmp_path_factory.mktemp("original") / "news.db"
    populate(f"sqlite:///{path}")
    assert not Path(f"{path}-wal").exists()
    return path


def _chattr(flag: str, *paths: Path) -> None:
    result = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True, text=True)
    if result.returncode != 0:
        raise OSError(result.stderr.strip() or f"chattr {flag} failed")


def _make_read_only(mechanism: str, directory: Path) -> list[Path]:
    """Make ``directory`` and its files read-only; return what to undo."""
    files = sorted(p for p in directory.iterdir() if p.is_file())
    if mechanism == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root ignores file permissions (the chattr case covers root)")
        for path in files:
            path.chmod(0o444)
        directory.chmod(0o555)
        return []
    if shutil.which("chattr") is None:
        pytest.skip("no chattr")
    try:
        _chattr("+i", *files, directory)
    except OSError as exc:
        pytest.skip(f"chattr +i not permitted here: {exc}")
    return [*files, directory]


@pytest.fixture(params=["chmod", "chattr"])
def read_only_copy(
    request: pytest.FixtureRequest, original: Path, tmp_path: Path
) -> Iterator[Path]:
    """A copy of ``original`` in a directory that cannot be written."""
    directory = tmp_path / "media"
    directory.mkdir()
    copy = directory / "news.db"
    shutil.copyfile(original, copy)
    undo = _make_read_only(request.param, directory)
    try:
        yield copy
    finally:
        if undo:
            _chattr("-i", *undo)
        directory.chmod(0o755)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"NEWSMON_CONFIG": None, "NEWSMON_DB": None})
    return result.exit_code, result.stdout, result.stderr


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_read_commands_work_and_write_nothing(read_only_copy: Path) -> None:
    db, before = str(read_only_copy), _digest(read_only_copy)
    code, stdout, stderr = run("--db", db, "search", "mangrove", "--format", "jsonl")
    assert code == 0, stderr
    assert len(stdout.splitlines()) == 1
    code, stdout, stderr = run("--db", db, "export")
    assert code == 0 and stderr == f"exported {STORED} article(s)\n", stderr
    code, stdout, stderr = run("--db", db, "show", "1", "--format", "json")
    assert code == 0 and json.loads(stdout)["id"] == 1, stderr
    code, stdout, stderr = run("--db", db, "stories", "--format", "jsonl", "--min-articles", "3")
    assert code == 0 and len(stdout.splitlines()) == 1, stderr
    # exit status 1: the fixture's 'broken-feed' source is broken, as status must say
    code, stdout, stderr = run("--db", db, "status", "--format", "json")
    assert code == 1 and stderr == "", stderr
    assert {s["name"]: s["health"] for s in json.loads(stdout)}["broken-feed"] == "broken"
    assert sorted(p.name for p in read_only_copy.parent.iterdir()) == ["news.db"]
    assert _digest(read_only_copy) == before


def test_the_web_app_serves_it(read_only_copy: Path) -> None:
    with TestClient(create_app(f"sqlite:///{read_only_copy}")) as client:
        assert client.get("/api/search", params={"q": "mangrove"}).json()["total"] == 1
        for path in ("/", "/?q=climate", "/articles/1", "/sources", "/feed.atom"):
            assert client.get(path).status_code == 200, path
    assert sorted(p.name for p in read_only_copy.parent.iterdir()) == ["news.db"]


def test_serve_starts_on_it(read_only_copy: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crawler",
            "-q",
            "--db",
            str(read_only_copy),
            "serve",
            "--port",
            "0",
        ],
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line.startswith("newsmon: serving http://127.0.0.1:"), line
        url = line.split()[2]
        with urllib.request.urlopen(url + "api/search?q=mangrove", timeout=30) as response:
            assert json.load(response)["total"] == 1
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


@pytest.mark.parametrize("command", [("crawl",), ("reextract",), ("db", "upgrade")])
def test_write_commands_refuse_it_in_one_line(
    read_only_copy: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    before = _digest(read_only_copy)
    code, _stdout, stderr = run("--config", str(config), "--db", str(read_only_copy), *command)
    assert code == 2, stderr
    assert stderr.splitlines() == [
        f"newsmon: error: cannot write to database {read_only_copy}: its directory "
        f"{read_only_copy.parent} is read-only"
    ]
    assert _digest(read_only_copy) == before


def test_an_old_schema_is_one_line(original: Path, tmp_path: Path) -> None:
    """It cannot be upgraded where it is: the message says so."""
    directory = tmp_path / "media"
    directory.mkdir()
    copy = directory / "news.db"
    shutil.copyfile(original, copy)
    with sqlite3.connect(copy) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0008'")
    connection.close()
    undo = _make_read_only("chattr", directory)
    try:
        code, _stdout, stderr = run("--db", str(copy), "export")
    finally:
        _chattr("-i", *undo)
    assert code == 2
    assert stderr.splitlines() == [
        f"newsmon: error: database sqlite:///{copy} is read-only and at schema revision 0008, "
        "not 0009: run `newsmon db upgrade` where it can be written"
    ]


def _copy_with_pending_wal(original: Path, directory: Path, *, shm: bool) -> Path:
    """A copy taken while a writer had changes in its -wal file, not yet checkpointed."""
    work = directory.parent / "work"
    work.mkdir()
    source = work / "news.db"
    shutil.copyfile(original, source)
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE articles SET title = 'Changed in the WAL' WHERE id = 1")
    writer.commit()
    directory.mkdir()
    for suffix in ("", "-wal", *(("-shm",) if shm else ())):
        shutil.copyfile(f"{source}{suffix}", directory / f"news.db{suffix}")
    writer.close()
    return directory / "news.db"


def test_a_copy_with_changes_in_its_wal_is_read_whole(original: Path, tmp_path: Path) -> None:
    copy = _copy_with_pending_wal(original, tmp_path / "media", shm=True)
    undo = _make_read_only("chattr", copy.parent)
    try:
        code, stdout, stderr = run("--db", str(copy), "show", "1", "--format", "json")
    finally:
        _chattr("-i", *undo)
    assert code == 0, stderr
    assert json.loads(stdout)["title"] == "Changed in the WAL"


def test_a_copy_whose_wal_cannot_be_read_is_one_line(original: Path, tmp_path: Path) -> None:
    """Without its -shm file SQLite cannot read the -wal file from a read-only directory;
    reading the database file alone would silently miss the changes."""
    copy = _copy_with_pending_wal(original, tmp_path / "media", shm=False)
    undo = _make_read_only("chattr", copy.parent)
    try:
        code, stdout, stderr = run("--db", str(copy), "show", "1", "--format", "json")
    finally:
        _chattr("-i", *undo)
    assert code == 2 and stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"newsmon: error: cannot open database sqlite:///{copy}: unable to open database file"
    )
    assert "its -wal file holds changes" in lines[0]
