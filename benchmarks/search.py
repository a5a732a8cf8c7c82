"""Benchmark: full-text search latency at 100k and 1M articles, SQLite and PostgreSQL.

Claim measured: p95 latency of ``search_articles`` under 50 ms at 100k articles and under
200 ms at 1M, on both backends, over 20 representative queries (one-word common and rare,
two-word, phrase, OR, exclusion, CJK two-character and long, filtered by date, language and
source, sorted by date). Each query runs ``--repeat`` times; p50/p95 are printed per class
and overall, for the current engine (``storage.search``) and, in the same run, for the
baseline it replaced: one SQL query that ranks every match (bm25 / ts_rank) and joins the
filters, as ``search_articles`` did before. The baseline's top 20 are compared with the new
ones (overlap per class) to show what bounded ranking changes.

Corpus: ``support/searchgen.py`` (seven languages, Zipf vocabularies, 14 sources, 2015-2025, 8%
near-duplicates with ``duplicate_of`` set, which search hides), stored through the storage
layer's own statements. Databases are cached in ``benchmarks/results/search/`` (gitignored),
so a rerun only measures; ``--rebuild`` starts over, and so does a database cached for
another ``searchgen.CORPUS_VERSION`` (its reference top 20 is kept aside as
``...-reference-corpus<version>.json``). Build time, index time, database size and the share
of near-duplicates are printed (and cached with the database). Each measurement also counts,
per query class, the near-duplicates that showing them would put in the top 20, i.e. what
the hiding path hid, and checks that none is shown.

    .venv/bin/python -m benchmarks.search [--sizes 100000,1000000] [--repeat 5] [--rebuild]
        [--backend sqlite|postgresql|both] [--pg-url URL (default $NEWSMON_TEST_PG_URL)]
        [--build-only] [--reference]

Each run writes the new engine's top 20 ids per query to ``top20-<backend>-<size>.json`` in
the cache; ``--reference`` compares them with the ``-reference.json`` file there (written by
the first ``--reference`` run), so a change to the engine is shown to keep every result.
The machine's load average is printed with each measurement: the numbers are only
comparable between runs on an equally loaded machine. Each backend's and size's latest
results, dated, are kept in ``latest.json`` there; a run adds its own to the others'.

PostgreSQL databases are named ``newsmon_bench_search_<size>`` on the server of ``--pg-url``.
Exit status 0 when it measured (targets met or not), 1 when it could not.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, joinedload

from benchmarks.support.searchgen import CORPUS_VERSION, generate_articles, load_articles
from storage.db import Database, open_database
from storage.filters import ArticleFilter
from storage.fts import make_snippet, match_articles, parse_query
from storage.models import Article
from storage.queries import search_articles

CACHE = Path(__file__).resolve().parent / "results" / "search"
TARGET_MS = {100_000: 50.0, 1_000_000: 200.0}


def _d(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    flt: ArticleFilter = field(default_factory=ArticleFilter)
    sort: str = "relevance"


QUERIES = [
    Query("one word, common", "climate"),
    Query("one word, common", "cooperation"),
    Query("one word, rare", "geothermal"),
    Query("one word, rare", "geotermia"),
    Query("two words", "climate agreement"),
    Query("two words", "offshore wind"),
    Query("phrase", '"climate cooperation"'),
    Query("phrase", '"hydrogène vert"'),
    Query("OR", "hydrogen OR wodór OR Wasserstoff"),
    Query("exclusion", "climate -coal"),
    Query("CJK 2 chars", "合作"),
    Query("CJK 2 chars", "気候"),
    Query("CJK long", "环境科学研究院"),
    Query("CJK long", "カーボンニュートラル"),
    Query("date range", "climate", ArticleFilter(since=_d("2025-06-01"))),
    Query("date range", "energy", ArticleFilter(since=_d("2019-03-10"), until=_d("2019-04-20"))),
    Query("language", "energii OR energy", ArticleFilter(languages=("pl",))),
    Query("source", "climate", ArticleFilter(sources=("en-2",))),
    Query("sort=date", "climate", sort="date"),
    Query("sort=date", "methane", sort="date"),
]


def baseline_search(
    session: Session, query: str, flt: ArticleFilter, *, limit: int, sort: str
) -> list[Any]:
    """search_articles before storage.search: rank every match in one query."""
    parsed = parse_query(query)
    matches = match_articles(session, parsed).subquery()
    statement = flt.apply(
        select(Article, matches.c.score).join(matches, matches.c.article_id == Article.id)
    )
    if sort == "relevance":
        statement = statement.order_by(matches.c.score.desc(), Article.id)
    else:
        statement = statement.order_by(Article.published_at.desc().nulls_last(), Article.id)
    statement = statement.options(joinedload(Article.source)).limit(limit)
    terms = parsed.positive_terms
    return [
        (article, make_snippet(article.text, terms)) for article, _ in session.execute(statement)
    ]


def _database_url(backend: str, size: int, pg_url: str | None, rebuild: bool) -> str:
    if backend == "sqlite":
        return f"sqlite:///{CACHE / f'sqlite-{size}.db'}"
    assert pg_url is not None
    name = f"newsmon_bench_search_{size}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if rebuild:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        )
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def _size_bytes(db: Database) -> int:
    with db.session() as session:
        if db.engine.dialect.name == "sqlite":
            pages = session.scalar(text("PRAGMA page_count")) or 0
            return int(pages) * int(session.scalar(text("PRAGMA page_size")) or 0)
        return int(session.scalar(text("SELECT pg_database_size(current_database())")) or 0)


def _corpus_changed(backend: str, size: int, facts_file: Path) -> bool:
    """Whether the cached database was generated by another corpus version (none stored:
    version 1); if so, its reference top 20 is renamed so it is not compared with the new."""
    if not facts_file.exists():
        return False
    cached = json.loads(facts_file.read_text()).get("corpus", 1)
    if cached == CORPUS_VERSION:
        return False
    print(
        f"{backend} {size:,}: cached database is of corpus version {cached}, the generator's "
        f"is {CORPUS_VERSION}: rebuilding",
        file=sys.stderr,
    )
    reference = CACHE / f"top20-{backend}-{size}-reference.json"
    if reference.exists():
        reference.rename(reference.with_name(f"{reference.stem}-corpus{cached}.json"))
    return True


def _duplicate_count(session: Session, ids: list[int] | None = None) -> int:
    """How many near-duplicates (``duplicate_of`` set) among ``ids`` (None: in the database)."""
    statement = select(func.count()).select_from(Article).where(Article.duplicate_of.is_not(None))
    if ids is not None:
        statement = statement.where(Article.id.in_(ids))
    return int(session.scalar(statement) or 0)


def build(backend: str, size: int, pg_url: str | None, rebuild: bool) -> tuple[Database, dict]:
    """The cached database of ``size`` articles, built when missing or of another corpus
    version; with its build facts."""
    CACHE.mkdir(parents=True, exist_ok=True)
    facts_file = CACHE / f"{backend}-{size}.json"
    rebuild = _corpus_changed(backend, size, facts_file) or rebuild
    url = _database_url(backend, size, pg_url, rebuild)
    if rebuild:
        facts_file.unlink(missing_ok=True)
        if backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(str(CACHE / f"sqlite-{size}.db") + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    db = open_database(url)  # migrates a cached database to this code's schema
    migrate_s = time.perf_counter() - started
    with db.session() as session:
        stored = session.scalar(text("SELECT count(*) FROM articles")) or 0
    if facts_file.exists() and stored == size:
        facts = json.loads(facts_file.read_text())
        facts["last_migration_s"] = round(migrate_s, 1)
        return db, facts
    if stored:
        raise SystemExit(f"{url}: has {stored} articles, not {size}: rerun with --rebuild")
    print(f"building {backend} {size:,} articles ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    count, index_s = load_articles(db, generate_articles(size))
    if backend == "postgresql":
        # VACUUM as autovacuum would after such a load (and might, mid-measurement): it sets
        # the visibility map that index-only and bitmap scans consult.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE)")
    else:
        with db.session() as session:
            session.execute(text("ANALYZE"))
            session.commit()
    with db.session() as session:
        duplicates = _duplicate_count(session)
    facts = {
        "corpus": CORPUS_VERSION,
        "articles": count,
        "duplicates": duplicates,
        "duplicate_share": round(duplicates / max(1, count), 4),
        "build_s": round(time.perf_counter() - started, 1),
        "index_s": round(index_s, 1),
        "size_mb": round(_size_bytes(db) / 1e6, 1),
    }
    facts_file.write_text(json.dumps(facts))
    return db, facts


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(db: Database, repeat: int) -> dict[str, Any]:
    """Latencies (ms) per query class for both engines, top-20 overlap per class, the new
    engine's top 20 per query, the load average (1 min) before and after, and the hidden
    near-duplicates (``hidden_duplicates``)."""
    times: dict[str, dict[str, list[float]]] = {
        "baseline": defaultdict(list),
        "new": defaultdict(list),
    }
    overlap: dict[str, list[float]] = defaultdict(list)
    top20: dict[str, list[int]] = {}
    load_before = os.getloadavg()[0]
    with db.session() as session:
        for q in QUERIES:  # warm the caches once, as a running system has them
            search_articles(session, q.text, q.flt, sort=q.sort)  # type: ignore[arg-type]
        for q in QUERIES:
            for engine in ("baseline", "new"):
                for _ in range(repeat):
                    started = time.perf_counter()
                    if engine == "new":
                        ids = [
                            h.article.id
                            for h in search_articles(session, q.text, q.flt, sort=q.sort)
                        ]  # type: ignore[arg-type]
                    else:
                        ids = [
                            a.id
                            for a, _ in baseline_search(
                                session, q.text, q.flt, limit=20, sort=q.sort
                            )
                        ]
                    times[engine][q.kind].append((time.perf_counter() - started) * 1000)
                    session.expunge_all()
                if engine == "baseline":
                    reference = ids
                else:
                    overlap[q.kind].append(len(set(ids) & set(reference)) / max(1, len(reference)))
                    top20[_query_key(q)] = ids
        load_after = os.getloadavg()[0]
        hidden, shown = hidden_duplicates(session, top20)
    return {
        "times": times,
        "overlap": overlap,
        "top20": top20,
        "load": (load_before, load_after),
        "hidden": hidden,
        "shown": shown,
    }


def hidden_duplicates(session: Session, top20: dict[str, list[int]]) -> tuple[dict[str, int], int]:
    """Per query class, the near-duplicates in the top 20s when they are included (what
    hiding them hid); and how many the new engine's ``top20`` shows (should be none)."""
    hidden: dict[str, int] = defaultdict(int)
    shown = 0
    for q in QUERIES:
        shown += _duplicate_count(session, top20[_query_key(q)])
        everything = dataclasses.replace(q.flt, include_duplicates=True)
        ids = [h.article.id for h in search_articles(session, q.text, everything, sort=q.sort)]  # type: ignore[arg-type]
        hidden[q.kind] += _duplicate_count(session, ids)
        session.expunge_all()
    return hidden, shown


def _query_key(q: Query) -> str:
    return f"{q.text} | sort={q.sort} | {q.flt}"


def compare_top20(backend: str, size: int, top20: dict[str, list[int]], reference: bool) -> None:
    """Keep this run's top 20 per query; with ``reference``, report the queries whose top 20
    (ids in order) differ from the reference file, which the first such run writes."""
    (CACHE / f"top20-{backend}-{size}.json").write_text(json.dumps(top20, indent=0))
    if not reference:
        return
    reference_file = CACHE / f"top20-{backend}-{size}-reference.json"
    if not reference_file.exists():
        reference_file.write_text(json.dumps(top20, indent=0))
        print(f"top 20 of every query written to {reference_file.name} as the reference")
        return
    expected = json.loads(reference_file.read_text())
    differ = [key for key in expected if top20.get(key) != expected[key]]
    print(
        f"top 20 identical to {reference_file.name}: {len(expected) - len(differ)} of "
        f"{len(expected)} queries" + "".join(f"\n  differs: {key}" for key in differ)
    )


def report(label: str, facts: dict, result: dict, size: int) -> dict[str, Any]:
    times, overlap = result["times"], result["overlap"]
    print(
        f"\n== {label}: {facts['articles']:,} articles, {facts['duplicates']:,} of them "
        f"near-duplicates ({facts['duplicate_share']:.1%}); build {facts['build_s']} s "
        f"(search index {facts['index_s']} s), database {facts['size_mb']} MB; "
        f"migration at open {facts.get('last_migration_s', 0)} s; load average "
        f"{result['load'][0]:.2f} before, {result['load'][1]:.2f} after, on "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{'query class':22} {'baseline p50':>12} {'p95':>8} {'new p50':>9} {'p95':>8}"
        f" {'speed-up p95':>12} {'top-20 overlap':>14} {'dups hidden':>11}"
    )
    summary: dict[str, Any] = {}
    for kind in dict.fromkeys(q.kind for q in QUERIES):
        b, n = times["baseline"][kind], times["new"][kind]
        row = {
            "baseline_p50": _percentile(b, 0.5),
            "baseline_p95": _percentile(b, 0.95),
            "new_p50": _percentile(n, 0.5),
            "new_p95": _percentile(n, 0.95),
            "overlap": statistics.mean(overlap[kind]),
            "hidden": result["hidden"][kind],
        }
        summary[kind] = row
        print(
            f"{kind:22} {row['baseline_p50']:12.1f} {row['baseline_p95']:8.1f}"
            f" {row['new_p50']:9.1f} {row['new_p95']:8.1f}"
            f" {row['baseline_p95'] / row['new_p95']:11.1f}x {row['overlap']:14.2f}"
            f" {row['hidden']:11}"
        )
    all_b = [v for values in times["baseline"].values() for v in values]
    all_n = [v for values in times["new"].values() for v in values]
    overall = {
        "baseline_p50": _percentile(all_b, 0.5),
        "baseline_p95": _percentile(all_b, 0.95),
        "new_p50": _percentile(all_n, 0.5),
        "new_p95": _percentile(all_n, 0.95),
    }
    target = TARGET_MS.get(size)
    verdict = (
        ""
        if target is None
        else (
            f"  target p95 < {target:.0f} ms: {'met' if overall['new_p95'] < target else 'NOT met'}"
        )
    )
    print(
        f"{'overall':22} {overall['baseline_p50']:12.1f} {overall['baseline_p95']:8.1f}"
        f" {overall['new_p50']:9.1f} {overall['new_p95']:8.1f}"
        f" {overall['baseline_p95'] / overall['new_p95']:11.1f}x{verdict}"
    )
    hidden = sum(result["hidden"].values())
    print(
        f"near-duplicates hidden: {hidden} would be in the top 20s of the {len(QUERIES)} "
        "queries if included (dups hidden); "
        + ("none is shown" if not result["shown"] else f"{result['shown']} SHOWN: a bug")
    )
    return {
        "facts": facts,
        "classes": summary,
        "overall": overall,
        "load": result["load"],
        "duplicates_hidden": hidden,
        "duplicates_shown": result["shown"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="100000,1000000", type=lambda v: [int(x) for x in v.split(",")]
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", default=os.environ.get("NEWSMON_TEST_PG_URL"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--build-only", action="store_true", help="build the missing databases, measure nothing"
    )
    parser.add_argument(
        "--reference",
        action="store_true",
        help="compare each query's top 20 with the cached reference run",
    )
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not args.pg_url:
        if args.backend == "postgresql":
            print("--pg-url or $NEWSMON_TEST_PG_URL is needed for PostgreSQL", file=sys.stderr)
            return 1
        print("skipping PostgreSQL: no --pg-url or $NEWSMON_TEST_PG_URL", file=sys.stderr)
        backends.remove("postgresql")
    results = {}
    for backend in backends:
        for size in args.sizes:
            db, facts = build(backend, size, args.pg_url, args.rebuild)
            with db:
                if args.build_only:
                    print(f"{backend}, {size:,}: {facts}")
                    continue
                measured = measure(db, args.repeat)
                results[f"{backend}-{size}"] = report(f"{backend}, {size:,}", facts, measured, size)
                compare_top20(backend, size, measured["top20"], args.reference)
    if not args.build_only:
        save_latest(CACHE / "latest.json", results)
    return 0


def save_latest(path: Path, results: dict[str, Any]) -> None:
    """Add this run's results to ``path``, each dated, keeping those of the backends and
    sizes this run did not measure (a run of one size leaves the others' in place)."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or not ours to keep
        kept = {}
    if not isinstance(kept, dict):
        kept = {}
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    kept.update({key: {**value, "measured_at": stamp} for key, value in results.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(kept, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
