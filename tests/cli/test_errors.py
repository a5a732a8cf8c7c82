"""Bad input from the people running newsmon: one clear stderr line, exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    # None unsets the variable for the run (an empty string would count as set).
    result = runner.invoke(
        main, list(args), env={"NEWSMON_CONFIG": None, "NEWSMON_DB": None, **(env or {})}
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def bad_configs(tmp_path: Path) -> dict[str, Path]:
    files = {
        "unknown_key": "sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n    feed: x\n",
        "bad_regex": "sources:\n  - name: b\n    start_urls: ['https://b.org/']\n"
        "    article_urls: ['[unclosed']\n",
        "duplicate": "sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n"
        "  - name: a\n    feeds: ['https://a.org/rss2']\n",
        "bad_url": "sources:\n  - name: c\n    sitemaps: ['example.org/sitemap.xml']\n",
        "empty_source": "sources:\n  - name: d\n",
        "no_sources": "sources: []\n",
    }
    paths = {}
    for name, text in files.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    return paths


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("unknown_key", "source 'a' (sources[0]): feed: unknown key"),
        ("bad_regex", "source 'b' (sources[0]): article_urls[0]: invalid regex '[unclosed'"),
        ("duplicate", "sources: duplicate source name 'a'"),
        ("bad_url", "source 'c' (sources[0]): sitemaps[0]: not an http(s) URL"),
        ("empty_source", "source 'd' (sources[0]): a source needs at least one of feeds"),
        ("no_sources", "sources: the file lists no sources"),
    ],
)
@pytest.mark.parametrize("command", [("crawl",), ("sources", "list")])
def test_bad_config_exits_2_naming_source_and_field(
    bad_configs: dict[str, Path],
    which: str,
    message: str,
    command: tuple[str, ...],
    tmp_path: Path,
) -> None:
    code, _, stderr = invoke(
        "--config", str(bad_configs[which]), "--db", str(tmp_path / "x.db"), *command
    )
    assert code == 2
    assert stderr.startswith(f"newsmon: error: {bad_configs[which]}: {message}")
    assert "Traceback" not in stderr
    assert not (tmp_path / "x.db").exists()  # validated before anything else happens


def test_missing_config_file(tmp_path: Path) -> None:
    code, _, stderr = invoke("--config", str(tmp_path / "nope.yaml"), "crawl")
    assert code == 2 and "sources file not found" in stderr


def test_config_from_environment(tmp_path: Path, bad_configs: dict[str, Path]) -> None:
    env = {"NEWSMON_CONFIG": str(bad_configs["duplicate"])}
    code, _, stderr = invoke("sources", "list", env=env)
    assert code == 2 and "duplicate source name" in stderr


def test_unknown_source_name(tmp_path: Path) -> None:
    config = tmp_path / "ok.yaml"
    config.write_text("sources:\n  - name: real\n    feeds: ['https://a.org/rss']\n")
    code, _, stderr = invoke(
        "--config", str(config), "--db", str(tmp_path / "x.db"), "crawl", "--source", "imaginary"
    )
    assert code == 2
    assert "unknown source 'imaginary'; known: real" in stderr


@pytest.mark.parametrize(
    "args", [("export", "--since", "yesterday"), ("search", "x", "--until", "14/09/2024")]
)
def test_unparsable_date(tmp_path: Path, args: tuple[str, ...]) -> None:
    code, _, stderr = invoke("--db", str(tmp_path / "x.db"), *args)
    assert code == 2 and "is not a date" in stderr


def test_unknown_format(tmp_path: Path) -> None:
    code, _, stderr = invoke("--db", str(tmp_path / "x.db"), "export", "--format", "xml")
    assert code == 2 and "'xml' is not one of" in stderr


def test_since_after_until(tmp_path: Path) -> None:
    code, _, stderr = invoke(
        "--db", str(tmp_path / "x.db"), "export", "--since", "2024-05-01", "--until", "2024-01-01"
    )
    assert code == 2 and "is not before --until" in stderr


def test_unreachable_database() -> None:
    code, _, stderr = invoke("--db", "postgresql://newsmon:secret@127.0.0.1:9/none", "status")
    assert code == 2
    assert stderr.startswith("newsmon: error:")
    assert "secret" not in stderr and "Traceback" not in stderr


def test_malformed_search_query(tmp_path: Path) -> None:
    assert invoke("--db", str(tmp_path / "x.db"), "db", "upgrade")[0] == 0
    code, _, stderr = invoke("--db", str(tmp_path / "x.db"), "search", '"unbalanced')
    assert code == 2 and "newsmon: error:" in stderr and "Traceback" not in stderr
    assert "unbalanced" in stderr


def test_verbose_shows_traceback(tmp_path: Path) -> None:
    code, _, stderr = invoke("-v", "--config", str(tmp_path / "nope.yaml"), "crawl")
    assert code == 2 and "Traceback" in stderr


def test_db_upgrade_and_empty_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./sources.yaml here: status reports the database alone
    db = tmp_path / "sub" / "fresh.db"
    code, _, stderr = invoke("--db", str(db), "db", "upgrade")
    assert code == 0 and "up to date" in stderr and db.exists()
    code, stdout, _ = invoke("--db", str(db), "status")
    assert code == 0 and "nothing crawled yet" in stdout
    code, _, stderr = invoke("--db", str(db), "--config", "missing.yaml", "status")
    assert code == 2 and "missing.yaml: sources file not found" in stderr
