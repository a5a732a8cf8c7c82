"""What a crawl starts besides fetching: no Scrapy remote-control server, no job files."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.conftest import FAST_CRAWL, RunNewsmon


def test_a_crawl_starts_no_remote_control_server_and_leaves_no_job_files(
    tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: a dead site
    config = tmp_path / "sources.yaml"
    config.write_text(
        FAST_CRAWL + f"sources:\n  - name: dead\n    feeds: ['http://127.0.0.1:{port}/feed.xml']\n",
        encoding="utf-8",
    )
    state = tmp_path / "state"
    result = run_newsmon(
        "-v",
        "--config",
        str(config),
        "--db",
        str(tmp_path / "news.db"),
        "crawl",
        env={"HOME": str(state), "XDG_STATE_HOME": str(state)},
    )
    assert "dead: nothing could be fetched" in result.stdout
    assert "RemoteControl" not in result.stderr  # not among the enabled extensions
    assert not (state / "scrapy" / "job_files").exists()
