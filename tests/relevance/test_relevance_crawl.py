"""End to end on the sample site: `irrelevant: drop` keeps irrelevant articles out of the
database, each one counted as ``Irrelevant`` in crawl_runs.pages_dropped, while a source
saying `irrelevant: keep` stores them; and `newsmon extract --json` shows the verdict."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.demo.expected import load_expected
from crawler.demo.server import SampleSite
from storage.db import open_database
from storage.queries import recent_runs
from tests.conftest import FAST_CRAWL, REPO, RunNewsmon, write_sources

# A monitor on geothermal cooperation: of the sample site's articles only two are about it.
GEOTHERMAL = """
name: geothermal-cooperation
concepts:
  geothermal:
    group: subject
    terms:
      en: [geothermal]
      pl: ["geoterm*"]
  cooperation:
    group: cooperation
    terms:
      en: [agree*, memorandum, partner*]
      pl: ["wspóln*", "list intencyjny", "porozumieni*"]
"""
GEOTHERMAL_PATHS = {
    "/prwire/en/2024/03/baltic-rift-valley-grid-data-exchange.html",
    "/pap/mediaroom/2024/02/gminy-polska-czechy-geotermia.html",
}
ARTICLES = load_expected().articles


@pytest.fixture(scope="module")
def crawled(
    sample_site: SampleSite, run_newsmon: RunNewsmon, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Counter[str]], dict[str, str]]:
    workdir = tmp_path_factory.mktemp("relevance")
    (workdir / "geothermal.yaml").write_text(GEOTHERMAL, encoding="utf-8")
    config = write_sources(workdir, sample_site, FAST_CRAWL + "  irrelevant: drop\n")
    text = config.read_text(encoding="utf-8").replace(
        "  - name: jsonwire\n", "  - name: jsonwire\n    irrelevant: keep\n"
    )
    config.write_text("topics: geothermal.yaml\n" + text, encoding="utf-8")
    db = f"sqlite:///{workdir / 'news.db'}"
    result = run_newsmon("--config", str(config), "--db", db, "crawl")
    assert result.returncode == 0, result.stderr
    with open_database(db, upgrade=False) as database, database.session() as session:
        dropped = {
            name: Counter(recent_runs(session, name, limit=1)[0].pages_dropped)
            for name in {a.source for a in ARTICLES}
        }
    exported = run_newsmon("--db", db, "export", "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    stored = {
        urlsplit(r["url"]).path: r["source"] for r in map(json.loads, exported.stdout.splitlines())
    }
    return dropped, stored


def test_irrelevant_articles_are_dropped_and_counted_by_name(
    crawled: tuple[dict[str, Counter[str]], dict[str, str]],
) -> None:
    dropped, stored = crawled
    for source in ("prwire", "cnportal", "carbontrade", "pap"):
        irrelevant = [a for a in ARTICLES if a.source == source and a.path not in GEOTHERMAL_PATHS]
        assert dropped[source]["Irrelevant"] == len(irrelevant), (source, dropped[source])
        assert not any(a.path in stored for a in irrelevant)
    assert set(stored) >= GEOTHERMAL_PATHS


def test_a_source_saying_keep_stores_its_irrelevant_articles(
    crawled: tuple[dict[str, Counter[str]], dict[str, str]],
) -> None:
    dropped, stored = crawled
    assert dropped["jsonwire"]["Irrelevant"] == 0
    assert {a.path for a in ARTICLES if a.source == "jsonwire"} <= set(stored)


def test_extract_json_shows_relevance(run_newsmon: RunNewsmon, tmp_path: Path) -> None:
    page = (
        REPO
        / "crawler"
        / "demo"
        / "site"
        / "pap"
        / "mediaroom"
        / "2024"
        / "02"
        / ("gminy-polska-czechy-geotermia.html")
    )
    shipped = run_newsmon("extract", "--json", str(page))
    assert shipped.returncode == 0, shipped.stderr
    record = json.loads(shipped.stdout)
    assert record["relevant"] is True and record["relevance"] >= 0.4
    assert "renewables" in record["topics"]
    (tmp_path / "ocean.yaml").write_text(
        "name: ocean\nconcepts:\n  ocean: {group: subject, terms: {pl: [ocean*]}}\n"
        "  deal: {group: cooperation, terms: {pl: [umow*]}}\n",
        encoding="utf-8",
    )
    other = run_newsmon("extract", "--json", "--topics", str(tmp_path / "ocean.yaml"), str(page))
    assert json.loads(other.stdout)["relevant"] is False
    broken = run_newsmon("extract", "--topics", str(tmp_path / "none.yaml"), str(page))
    assert broken.returncode == 2
    assert broken.stderr.strip().endswith("none.yaml: topics file not found")
    assert broken.stderr.count("\n") == 1


def test_reextract_judges_each_source_with_its_own_topics(
    sample_site: SampleSite, run_newsmon: RunNewsmon, tmp_path: Path
) -> None:
    """A source's `topics:` applies on re-extraction as in a crawl; a source without one gets
    the file's top-level topics."""
    (tmp_path / "geothermal.yaml").write_text(GEOTHERMAL, encoding="utf-8")
    config = write_sources(tmp_path, sample_site)
    db = f"sqlite:///{tmp_path / 'news.db'}"
    crawl = run_newsmon(
        "--config", str(config), "--db", db, "crawl", "--source", "pap", "--source", "prwire"
    )
    assert crawl.returncode == 0, crawl.stderr

    def relevant() -> dict[str, bool]:
        exported = run_newsmon("--db", db, "export", "--format", "jsonl")
        assert exported.returncode == 0, exported.stderr
        return {
            urlsplit(r["url"]).path: r["relevant"]
            for r in map(json.loads, exported.stdout.splitlines())
        }

    shipped = relevant()
    assert sum(shipped.values()) > len(GEOTHERMAL_PATHS)  # climate cooperation: many
    # pap judged by its own geothermal topics; prwire by the file's (shipped) ones.
    text = config.read_text(encoding="utf-8").replace(
        "  - name: pap\n", "  - name: pap\n    topics: geothermal.yaml\n"
    )
    config.write_text(text, encoding="utf-8")
    result = run_newsmon("--config", str(config), "--db", db, "reextract")
    assert result.returncode == 0, result.stderr
    after = relevant()
    for path, verdict in after.items():
        if path.startswith("/pap/"):
            assert verdict is (path in GEOTHERMAL_PATHS), path
        else:
            assert verdict is shipped[path], path
    assert any(shipped[p] != after[p] for p in after if p.startswith("/pap/"))
