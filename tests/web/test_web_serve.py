"""``newsmon serve``: it starts, answers and stops on SIGINT; a port in use, an address that
is not this machine's or a missing database is one error line and exit status 2."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from tests.conftest import REPO
from tests.web.conftest import WebDb


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"NEWSMON_CONFIG": None, "NEWSMON_DB": None})
    return result.exit_code, result.stderr


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_port_in_use_is_one_line_and_exit_2(sqlite_web_db: WebDb, busy_port: int) -> None:
    code, stderr = _invoke("--db", sqlite_web_db.url, "serve", "--port", str(busy_port))
    assert code == 2
    assert stderr == (
        f"newsmon: error: --port {busy_port}: already in use on 127.0.0.1 (is "
        "another server running? choose another port with --port)\n"
    )


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("192.0.2.1", "--host '192.0.2.1': not an address of this machine"),  # TEST-NET-1
        ("300.1.2.3.", "--host '300.1.2.3.': not a valid host name or address"),
    ],
)
def test_bad_host_is_one_line_and_exit_2(sqlite_web_db: WebDb, host: str, message: str) -> None:
    code, stderr = _invoke("--db", sqlite_web_db.url, "serve", "--host", host, "--port", "0")
    assert code == 2
    assert stderr.startswith(f"newsmon: error: {message}") and stderr.count("\n") == 1


def test_missing_database_is_an_error_not_an_empty_site(tmp_path: Path) -> None:
    code, stderr = _invoke("--db", str(tmp_path / "typo.db"), "serve", "--port", "0")
    assert code == 2
    assert stderr.startswith("newsmon: error: database ") and "does not exist" in stderr
    assert not (tmp_path / "typo.db").exists()


def test_serve_answers_on_127_0_0_1_and_stops_on_sigint(sqlite_web_db: WebDb) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler", "-q", "--db", sqlite_web_db.url, "serve", "--port", "0"],
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.fullmatch(
            r"newsmon: serving (http://127\.0\.0\.1:\d+/) \(read-only; "
            r"Ctrl-C stops\)\n",
            line,
        )
        assert match, line
        with urllib.request.urlopen(match.group(1) + "api/search?q=coastal", timeout=30) as r:
            assert json.load(r)["total"] == 1
        # Uptime monitors send HEAD: the GET's status and headers, no body.
        for path in ("", "feed.atom", "api/search?q=coastal"):
            head = urllib.request.Request(match.group(1) + path, method="HEAD")
            with urllib.request.urlopen(head, timeout=30) as r:
                assert r.status == 200 and r.read() == b"", path
                assert int(r.headers["content-length"]) > 0, path
                assert r.headers["content-security-policy"], path
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
