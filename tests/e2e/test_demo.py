"""``newsmon demo``: the whole pipeline on the bundled site, for someone without internet."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crawler.demo.expected import load_expected
from tests.conftest import RunNewsmon


@pytest.mark.slow
def test_demo_crawls_the_sample_site_and_searches_it(
    tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    keep = tmp_path / "demo"
    result = run_newsmon("demo", "--keep", str(keep))
    assert result.returncode == 0, result.stderr
    assert "crawl summary" in result.stdout
    for query in ("碳中和", "cooperation", "wspolpracy", "Partnerschaft"):
        assert f"for '{query}'" in result.stdout  # a result table for every language shown
    assert "no articles match" not in result.stdout
    exported = run_newsmon("--db", f"sqlite:///{keep / 'demo.db'}", "export")
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(records) == len(load_expected().articles)


@pytest.mark.slow
def test_demo_keep_leaves_sources_that_can_be_crawled_again(
    tmp_path: Path, run_newsmon: RunNewsmon
) -> None:
    """The kept sources file says where the site was served and how to serve it again, and
    a second ``demo --keep`` into the same directory re-serves it on the same port: the
    same URLs are crawled again, so no article is stored twice."""
    keep = tmp_path / "demo"
    first = run_newsmon("-q", "demo", "--keep", str(keep))
    assert first.returncode == 0, first.stderr
    kept = (keep / "sources.yaml").read_text(encoding="utf-8")
    port = re.search(r"^# sample site: http://127\.0\.0\.1:(\d+)$", kept, re.MULTILINE)
    assert port, kept
    assert "placeholder" not in kept.lower() and "{BASE}" not in kept
    assert f"python -m crawler.demo.server --port {port.group(1)}" in kept
    assert f"newsmon demo --keep {keep}" in kept
    assert "no longer served" in first.stderr

    again = run_newsmon("-q", "demo", "--keep", str(keep))
    assert again.returncode == 0, again.stderr
    assert f"sample site: http://127.0.0.1:{port.group(1)} " in again.stderr
    exported = run_newsmon("--db", f"sqlite:///{keep / 'demo.db'}", "export", "--all")
    assert len(exported.stdout.splitlines()) == len(load_expected().articles)
