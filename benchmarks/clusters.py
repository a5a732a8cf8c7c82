"""Story clustering on the fixture set: pairwise precision, recall, F1 and ms/doc.

    .venv/bin/python -m benchmarks.clusters

Stores every document of ``tests/data/similarity/stories.json`` (in order of publication)
through ``storage.writes.store_article`` into a fresh SQLite database, exactly as a crawl
does, then compares the ``cluster`` column with the labelled stories. The baseline, measured
in the same run, joins an article to the story of any earlier article within the window
that names a party it names (parties alone, no other evidence).
"""

from __future__ import annotations

import json
import tempfile
import time
import zlib
from dataclasses import replace
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from sqlalchemy import select

from benchmarks.support.harness import pair_scores
from crawler.extraction.page import content_hash
from crawler.similarity.parties import party_table
from crawler.similarity.scoring import STORY_WINDOW
from crawler.similarity.signature import text_signature
from storage.db import open_database
from storage.models import Article
from storage.writes import ArticleData, store_article

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "data" / "similarity" / "stories.json"


def load() -> list[dict[str, Any]]:
    docs = json.loads(FIXTURES.read_text(encoding="utf-8"))["documents"]
    return sorted(docs, key=lambda d: (d["published_at"], d["id"]))


def article_data(doc: dict[str, Any]) -> ArticleData:
    when = datetime.fromisoformat(doc["published_at"])
    url = f"https://{doc['source']}.example/{doc['id']}"
    return ArticleData(
        source=doc["source"],
        url=url,
        aliases=(),
        canonical_url=None,
        title=doc["title"],
        text=doc["text"],
        content_hash=content_hash(doc["text"]),
        published_at=when,
        language=doc["language"],
        authors=(),
        site_name=None,
        description=None,
        fetched_at=when,
        response_url=url,
        body_z=zlib.compress(doc["text"].encode()),
        encoding="utf-8",
        content_type="text/html",
        signature=text_signature(doc["title"], doc["text"], doc["language"]),
    )


def store_all(data: list[ArticleData]) -> tuple[dict[str, int | None], float]:
    """Store ``data`` in a fresh SQLite database: url -> cluster, and ms/doc."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_database(f"sqlite:///{tmp}/clusters.db") as db,
    ):
        start = time.perf_counter()
        for item in data:
            store_article(db, item)
        elapsed = time.perf_counter() - start
        with db.session() as session:
            by_url = dict(session.execute(select(Article.url, Article.cluster)).all())
    return by_url, elapsed * 1000 / len(data)


def stored_clusters(docs: list[dict[str, Any]]) -> tuple[dict[str, int], float, float, float]:
    """doc id -> cluster; ms/doc for signatures, for storing with duplicate and story lookup,
    and for storing without them (the baseline, same run)."""
    party_table()  # loaded once per worker process, not per article
    start = time.perf_counter()
    data = [article_data(d) for d in docs]
    sign_ms = (time.perf_counter() - start) * 1000 / len(docs)
    _, plain_ms = store_all([replace(item, signature=None) for item in data])
    by_url, store_ms = store_all(data)
    clusters = {d["id"]: int(by_url[item.url] or 0) for d, item in zip(docs, data, strict=True)}
    return clusters, sign_ms, store_ms, plain_ms


def parties_only(docs: list[dict[str, Any]]) -> dict[str, int]:
    clusters: dict[str, int] = {}
    signatures = {
        d["id"]: set(text_signature(d["title"], d["text"], d["language"]).parties) for d in docs
    }
    for index, doc in enumerate(docs):
        when = datetime.fromisoformat(doc["published_at"])
        clusters[doc["id"]] = index
        for earlier in docs[:index]:
            close = abs(datetime.fromisoformat(earlier["published_at"]) - when) <= STORY_WINDOW
            if close and signatures[doc["id"]] & signatures[earlier["id"]]:
                clusters[doc["id"]] = clusters[earlier["id"]]
                break
    return clusters


def pairwise(clusters: dict[str, int], docs: list[dict[str, Any]]) -> tuple[float, float, float]:
    truth, found = set(), set()
    for a, b in combinations(docs, 2):
        pair = (a["id"], b["id"])
        if a["story"] is not None and a["story"] == b["story"]:
            truth.add(pair)
        if clusters[a["id"]] == clusters[b["id"]]:
            found.add(pair)
    return pair_scores(found, truth)


def main() -> None:
    docs = load()
    stories = {d["story"] for d in docs if d["story"]}
    print(
        f"{len(docs)} documents: {len(stories)} stories in 2-4 languages, "
        f"{sum(d['story'] is None for d in docs)} unrelated articles about the same parties"
    )
    clusters, sign_ms, store_ms, plain_ms = stored_clusters(docs)
    for name, found in (
        ("evidence (newsmon)", clusters),
        ("parties only (baseline)", parties_only(docs)),
    ):
        p, r, f = pairwise(found, docs)
        print(f"{name:24s} pairwise precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    print(f"signature (extraction worker): {sign_ms:.2f} ms/doc")
    print(
        f"store on SQLite: {store_ms:.2f} ms/doc with duplicate and story lookup, "
        f"{plain_ms:.2f} without ({store_ms / plain_ms:.2f}x)"
    )
    groups: dict[int, list[str]] = {}
    for doc_id, cluster in clusters.items():
        groups.setdefault(cluster, []).append(doc_id)
    for members in groups.values():
        if len(members) > 1 or any(d["id"] == members[0] and d["story"] for d in docs):
            print("  ", " + ".join(members))


if __name__ == "__main__":
    main()
