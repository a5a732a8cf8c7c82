"""``newsmon demo``: the whole pipeline on the bundled site, for someone without internet."""

from __future__ import annotations

import json
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
