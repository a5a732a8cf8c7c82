"""Scheduled crawls run with the configuration the daemon validated: a sources or topics file
broken by an edit is refused on SIGHUP and reaches no crawl until a valid edit replaces it."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.errors import ConfigError
from crawler.relevance.topics import DEFAULT_TOPICS
from scheduler.snapshot import ConfigSnapshots
from tests.scheduler.test_daemon import Env, env, finished, log, newsmon, stop, wait_for

__all__ = ["env"]  # the fixture, shared with test_daemon

SOURCES = """\
topics: topics/mine.yaml
sources:
  - name: pap
    feeds: ['http://127.0.0.1:1/feed.xml']
    schedule: {every: 2h}
    max_pages: 30
"""


@pytest.fixture
def snapshots(tmp_path: Path) -> ConfigSnapshots:
    found = ConfigSnapshots(tmp_path / "snapshots")
    yield found
    found.close()


def write_files(directory: Path) -> Path:
    (directory / "topics").mkdir()
    shutil.copy(DEFAULT_TOPICS, directory / "topics" / "mine.yaml")
    path = directory / "sources.yaml"
    path.write_text(SOURCES, encoding="utf-8")
    return path


def test_a_crawl_reads_the_validated_copy_after_a_broken_edit(
    tmp_path: Path, snapshots: ConfigSnapshots
) -> None:
    path = write_files(tmp_path)
    validated = snapshots.take(path)
    topics_text = (tmp_path / "topics" / "mine.yaml").read_text(encoding="utf-8")
    path.write_text(SOURCES.replace("max_pages: 30", "max_pages: -1"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sources\.yaml: source 'pap'.*max_pages"):
        snapshots.take(path)
    (tmp_path / "topics" / "mine.yaml").write_text("name: [broken\n", encoding="utf-8")
    path.write_text(SOURCES, encoding="utf-8")  # the sources file is fine again, its topics not
    with pytest.raises(ConfigError, match=r"topics: .*mine\.yaml: not valid YAML"):
        snapshots.take(path)
    with snapshots.use() as copy:
        assert not copy.is_relative_to(tmp_path / "sources.yaml")
        read = load_config(copy)  # as the crawl process reads it
        assert read == validated and read.sources[0].max_pages == 30
        # the relative topics path points at a byte-for-byte copy of what was validated
        assert read.topics is not None and Path(read.topics).parent == copy.parent
        assert Path(read.topics).read_text(encoding="utf-8") == topics_text


def test_a_valid_edit_replaces_the_copy_once_no_crawl_uses_the_old_one(
    tmp_path: Path, snapshots: ConfigSnapshots
) -> None:
    path = write_files(tmp_path)
    snapshots.take(path)
    with snapshots.use() as old:
        path.write_text(SOURCES.replace("max_pages: 30", "max_pages: 7"), encoding="utf-8")
        assert snapshots.take(path).sources[0].max_pages == 7
        assert old.exists()  # a crawl running with it still reads its topics file
        with snapshots.use() as new:
            assert new != old and load_config(new).sources[0].max_pages == 7
    assert not old.parent.exists() and new.exists()
    assert [p.name for p in snapshots.root.iterdir()] == [new.parent.name]


def test_the_copy_is_written_again_when_a_tmp_cleaner_removed_it(
    tmp_path: Path, snapshots: ConfigSnapshots
) -> None:
    path = write_files(tmp_path)
    snapshots.take(path)
    shutil.rmtree(snapshots.root)
    with snapshots.use() as copy:
        assert load_config(copy).sources[0].max_pages == 30
    snapshots.close()
    assert not snapshots.root.exists()


@pytest.mark.slow
def test_crawls_after_a_refused_reload_run_with_the_validated_config(env: Env) -> None:
    sources = "  - name: pap\n    feeds: ['{BASE}/pap/rdf.xml']\n    schedule: {every: 1s}\n"
    config = env.write_config(sources, "  broken_after: 2\n")
    daemon = newsmon(env, config, "schedule")
    try:
        wait_for(lambda: len(finished(env.runs("pap"))) >= 1, 60, "the first crawl")
        # An edit that breaks the file: an unknown key, as a typo makes it.
        config.write_text(
            config.read_text(encoding="utf-8").replace("feeds:", "feedz:"), encoding="utf-8"
        )
        daemon.send_signal(signal.SIGHUP)
        wait_for(lambda: "reload failed" in log(env), 30, "the refused reload")
        before = len(finished(env.runs("pap")))
        wait_for(
            lambda: len(finished(env.runs("pap"))) >= before + 3,
            90,
            "three crawls after the refused reload",
        )
        runs = finished(env.runs("pap"))
        assert [r["status"] for r in runs] == ["ok"] * len(runs), [r["reason"] for r in runs]
        # A valid edit replaces it: the next crawls read the feed it names (one that is gone).
        config.write_text(
            config.read_text(encoding="utf-8")
            .replace("feedz:", "feeds:")
            .replace("/pap/rdf.xml", "/pap/moved.xml"),
            encoding="utf-8",
        )
        daemon.send_signal(signal.SIGHUP)
        wait_for(
            lambda: any("moved.xml" in str(r["reason"]) for r in env.runs("pap")),
            90,
            "a crawl of the edited feed",
        )
    finally:
        assert stop(daemon) == 0
    text = log(env)
    assert "reload failed, keeping the current schedule and configuration" in text
    assert "feedz" in text and "unknown key" in text
