"""End to end: crawl the sample site, then the seed stories are one story each across
languages (WSSO: French + Chinese; Taicang: French + Polish) and `newsmon stories` shows them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.demo.server import SampleSite
from tests.conftest import RunNewsmon, write_sources

WSSO = (
    "/prwire/fr/2024/09/wsso-craes-cooperation-strategique.html",
    "/cnportal/news/2024/0914/371245.html",
)
TAICANG = (
    "/prwire/fr/2023/08/taicang-projet-pilote-neutralite-carbone.html",
    "/pap/mediaroom/2023/08/chiny-ue-taicang-neutralnosc-weglowa.html",
)


@pytest.fixture(scope="module")
def crawled(
    sample_site: SampleSite, run_newsmon: RunNewsmon, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, dict[str, Any]]]:
    workdir: Path = tmp_path_factory.mktemp("stories")
    db = f"sqlite:///{workdir / 'newsmon.db'}"
    config = write_sources(workdir, sample_site)
    result = run_newsmon("--config", str(config), "--db", db, "crawl")
    assert result.returncode == 0, result.stderr
    exported = run_newsmon("--db", db, "export", "--all")
    assert exported.returncode == 0, exported.stderr
    records = {urlsplit(r["url"]).path: r for r in map(json.loads, exported.stdout.splitlines())}
    return db, records


@pytest.mark.slow
def test_the_seed_stories_cluster_across_languages(
    crawled: tuple[str, dict[str, dict[str, Any]]],
) -> None:
    _, records = crawled
    wsso = [records[p] for p in WSSO]
    taicang = [records[p] for p in TAICANG]
    assert {r["language"] for r in wsso} == {"fr", "zh"}
    assert wsso[0]["cluster"] == wsso[1]["cluster"]
    assert {r["language"] for r in taicang} == {"fr", "pl"}
    assert taicang[0]["cluster"] == taicang[1]["cluster"]
    assert wsso[0]["cluster"] != taicang[0]["cluster"]
    others = [r for p, r in records.items() if p not in WSSO + TAICANG]
    assert all(r["cluster"] not in (wsso[0]["cluster"], taicang[0]["cluster"]) for r in others)
    assert {"id": "taicang", "name": "Taicang"} in taicang[1]["parties"]
    assert all(r["duplicate_of"] is None for r in records.values())
    for field in ("relevance", "relevant", "topics", "duplicate_of", "cluster", "parties"):
        assert all(field in r for r in records.values())


@pytest.mark.slow
def test_stories_lists_them(
    crawled: tuple[str, dict[str, dict[str, Any]]], run_newsmon: RunNewsmon
) -> None:
    db, records = crawled
    result = run_newsmon("--db", db, "stories", "--format", "json")
    assert result.returncode == 0, result.stderr
    stories = {s["cluster"]: s for s in json.loads(result.stdout)}
    wsso = stories[records[WSSO[0]]["cluster"]]
    assert sorted(wsso["languages"]) == ["fr", "zh"]
    assert {a["id"] for a in wsso["articles"]} == {records[p]["id"] for p in WSSO}
    assert any(p["id"] == "wsso" for p in wsso["parties"])
    recent = run_newsmon("--db", db, "stories", "--since", "2024-01-01", "--format", "jsonl")
    assert [json.loads(line)["cluster"] for line in recent.stdout.splitlines()] == [wsso["cluster"]]
    table = run_newsmon("--db", db, "stories", "--format", "table")
    assert "中国环境科学研究院" in table.stdout or "WSSO" in table.stdout
    bad = run_newsmon("--db", db, "export", "--party", "atlantis")
    assert bad.returncode == 2 and "unknown party 'atlantis'" in bad.stderr
    story = run_newsmon("--db", db, "export", "--cluster", str(wsso["cluster"]))
    assert len(story.stdout.splitlines()) == 2
