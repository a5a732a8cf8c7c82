"""Near-duplicate detection on the fixture set: pairwise precision, recall, F1 and ms/doc.

    .venv/bin/python -m benchmarks.duplicates

Every pair of documents in ``tests/data/similarity/duplicates.json`` is judged the way
``storage.dedup`` judges a new article against a stored one: a candidate only when the two
share one of the MinHash band keys, then confirmed on shingles. The baseline, measured
in the same run, is exact-text matching (what a content hash finds).
"""

from __future__ import annotations

import json
import time
from itertools import combinations
from pathlib import Path

from benchmarks.support.harness import pair_scores
from crawler.similarity.minhash import band_keys
from crawler.similarity.scoring import is_near_duplicate, resemblance
from crawler.similarity.tokens import shingles
from crawler.text.folding import tokens

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "data" / "similarity" / "duplicates.json"


def load() -> list[dict[str, str]]:
    return json.loads(FIXTURES.read_text(encoding="utf-8"))["documents"]


def predicted_pairs(docs: list[dict[str, str]]) -> tuple[set[tuple[int, int]], float]:
    """Pairs judged duplicates, and milliseconds per document spent on fingerprints."""
    start = time.perf_counter()
    words = [tokens(d["text"]) for d in docs]
    grams = [shingles(w) for w in words]
    keys = [band_keys(g) for g in grams]
    per_doc = (time.perf_counter() - start) * 1000 / len(docs)
    found = set()
    for i, j in combinations(range(len(docs)), 2):
        if not set(enumerate(keys[i])) & set(enumerate(keys[j])):
            continue
        if is_near_duplicate(grams[i], grams[j]):
            found.add((i, j))
    return found, per_doc


def main() -> None:
    docs = load()
    truth = {
        (i, j) for i, j in combinations(range(len(docs)), 2) if docs[i]["group"] == docs[j]["group"]
    }
    found, per_doc = predicted_pairs(docs)
    exact = {
        (i, j) for i, j in combinations(range(len(docs)), 2) if docs[i]["text"] == docs[j]["text"]
    }
    print(
        f"{len(docs)} documents, {len(truth)} duplicate pairs, "
        f"{len(docs) * (len(docs) - 1) // 2 - len(truth)} other pairs"
    )
    for name, pairs in (("minhash bands + shingles", found), ("exact text (baseline)", exact)):
        p, r, f = pair_scores(pairs, truth)
        print(f"{name:26s} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    print(f"fingerprint time: {per_doc:.2f} ms/doc")
    for label, pairs in (("missed", truth - found), ("wrong", found - truth)):
        for i, j in sorted(pairs):
            jaccard, containment = resemblance(
                shingles(tokens(docs[i]["text"])), shingles(tokens(docs[j]["text"]))
            )
            print(
                f"  {label}: {docs[i]['id']} ~ {docs[j]['id']} "
                f"(Jaccard {jaccard:.2f}, containment {containment:.2f})"
            )


if __name__ == "__main__":
    main()
