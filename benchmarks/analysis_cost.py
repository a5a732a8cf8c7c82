"""Benchmark: the extraction worker's cost of relevance scoring and text signatures, per text.

Texts: ``--pages`` generated article pages (``benchmarks/support/sitegen.py``, extracted once by
``extract_page`` and cached in ``--cache`` outside the repository, since extraction is not what
is measured) plus the labelled sets ``tests/data/relevance/*.jsonl`` and
``tests/data/similarity/*.json``. Prints milliseconds of CPU time per text for ``assess`` and
``text_signature`` (best of ``--repeat`` passes, after a warm-up pass that loads every table).

``--record FILE`` writes every output; ``--compare FILE`` checks the outputs are identical to
a recording and exits 1 naming the first texts that differ. An optimisation must keep them so.

    .venv/bin/python -m benchmarks.analysis_cost [--pages 200] [--repeat 3]
        [--record /tmp/h11_golden.json | --compare /tmp/h11_golden.json] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.support.sitegen import plan_pages, render_page
from crawler.extraction.page import ExtractedArticle, PageInput, extract_page
from crawler.relevance import assess, load_topics
from crawler.similarity.signature import text_signature

REPO = Path(__file__).resolve().parents[1]

DATA = REPO / "tests" / "data"
SEED = 2024
# (id, title, text, language)
Text = tuple[str, str | None, str, str | None]


def generated_texts(pages: int, cache: Path) -> list[Text]:
    """The extracted texts of the first ``pages`` generated pages (cached: extraction is slow)."""
    if cache.exists():
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached["pages"] == pages:
            return [tuple(t) for t in cached["texts"]]  # type: ignore[misc]
    plans = plan_pages(pages, random.Random(SEED))
    texts: list[Text] = []
    for plan in plans:
        html = render_page(plan, plans, random.Random(f"{SEED}:{plan.index}")).encode("utf-8")
        found = extract_page(
            PageInput(
                url=f"http://127.0.0.1{plan.path}",
                body=html,
                content_type="text/html",
                encoding="utf-8",
            )
        )
        if isinstance(found, ExtractedArticle):
            texts.append((f"page-{plan.index}", found.title, found.text, found.language))
    cache.write_text(json.dumps({"pages": pages, "texts": texts}), encoding="utf-8")
    return texts


def labelled_texts() -> list[Text]:
    """The relevance and similarity fixture articles."""
    texts: list[Text] = []
    for file in sorted((DATA / "relevance").glob("*.jsonl")):
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append((row["id"], row.get("title"), row["text"], row.get("language")))
    for file in sorted((DATA / "similarity").glob("*.json")):
        for doc in json.loads(file.read_text(encoding="utf-8"))["documents"]:
            texts.append(
                (f"{file.stem}-{doc['id']}", doc.get("title"), doc["text"], doc.get("language"))
            )
    return texts


def outputs(texts: list[Text]) -> dict[str, Any]:
    """Every assessment and signature, as JSON-comparable values."""
    topics = load_topics(None)
    result: dict[str, Any] = {}
    for key, title, text, language in texts:
        signature = text_signature(title, text, language)
        result[key] = {
            "assess": asdict(assess(title, text, language, topics)),
            "signature": {
                "bands": list(signature.bands),
                "parties": list(signature.parties),
                "evidence": signature.evidence.to_json(),
                "shingles": signature.shingles.hex(),
            },
        }
    return json.loads(json.dumps(result))


def cpu_ms_per_text(run: Callable[[Text], object], texts: list[Text], repeat: int) -> float:
    """Best-of-``repeat`` process CPU time per text, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for item in texts:
            run(item)
        best = min(best, time.process_time() - start)
    return 1000 * best / max(len(texts), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsmon_analysis_pages.json"))
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--record", type=Path, help="write every output to this file")
    mode.add_argument("--compare", type=Path, help="check outputs against this recording")
    parser.add_argument("--profile", action="store_true", help="print the top cProfile entries")
    args = parser.parse_args(argv)

    pages = generated_texts(args.pages, args.cache)
    labelled = labelled_texts()
    everything = pages + labelled
    found = outputs(everything)  # also the warm-up: every language's matcher compiled
    if args.record:
        args.record.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
        print(f"recorded {len(found)} texts to {args.record}")
    if args.compare:
        golden = json.loads(args.compare.read_text(encoding="utf-8"))
        differing = sorted(k for k in golden.keys() | found.keys() if golden.get(k) != found.get(k))
        if differing:
            print(f"{len(differing)} of {len(golden)} texts differ, e.g. {differing[:5]}")
            return 1
        print(f"identical: {len(found)} texts")

    topics = load_topics(None)

    def relevance(item: Text) -> object:
        return assess(item[1], item[2], item[3], topics)

    def signature(item: Text) -> object:
        return text_signature(item[1], item[2], item[3])

    for name, texts in (("generated pages", pages), ("labelled sets", labelled)):
        chars = sum(len(t[2]) for t in texts) / max(len(texts), 1)
        print(f"{name}: {len(texts)} texts, {chars:.0f} characters each on average")
        for label, run in (("relevance", relevance), ("signature", signature)):
            print(f"  {label:10s} {cpu_ms_per_text(run, texts, args.repeat):7.3f} ms/doc")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for item in pages:
            relevance(item)
            signature(item)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(18)
    return 0


if __name__ == "__main__":
    sys.exit(main())
