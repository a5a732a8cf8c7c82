"""Storing an article: CPU ms/doc of the insert, the search index, the near-duplicate lookup
and the story lookup, with the two lookups against a same-run baseline without them.

    .venv/bin/python -m benchmarks.store [--sizes 3000,30000] [--measure 3000] [--repeat 2]
        [--per-day 300] [--backend sqlite|postgresql|both] [--pg-url URL] [--keep DIR]
        [--batch 32] [--profile]

For each size S the database first holds S - measure articles, then the next ``measure``
articles go through ``storage.writes.store_articles``, ``--batch`` per transaction as a crawl
stores them (``--batch 1``: ``store_article`` one by one): once
with their signatures (duplicate and story lookups on) and once without (the baseline, on a
copy of the same database). At the smallest size the database starts empty, so that row is
"N articles into a fresh database"; larger ones are preloaded in bulk (Core inserts of the
rows ``store_article`` writes, each article its own story) to keep the run short.

Times are CPU seconds of this process (``time.process_time``): the machine is shared, and
wall time would measure the neighbours. The best of ``--repeat`` runs is reported. The
worker-side signature (``crawler.similarity.signature.text_signature``) is timed on the
measured articles.

The corpus (``generate``): seven languages with the vocabularies of
``benchmarks/support/searchgen``, Chinese and Japanese included; every article names two or
three parties of ``crawler/data/parties.yaml`` in its own language, a day and amounts;
``--per-day`` articles per day; 15% report an earlier event in another language (a story), 10%
are edited copies of a recent article from another source (near-duplicates), 0.5% are one
repeated boilerplate notice (a band key shared by ever more articles).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import shutil
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import insert, select, text

import storage.writes
from benchmarks.support.harness import MachineClock, at_least, workdir
from benchmarks.support.searchgen import Language
from crawler.extraction.page import content_hash
from crawler.similarity.parties import PARTIES_FILE, party_table
from crawler.similarity.signature import TextSignature, text_signature
from storage.db import Database, head_revision, open_database
from storage.fts import write_search_documents
from storage.models import (
    Article,
    ArticleBand,
    ArticleEvidence,
    ArticlePage,
    ArticleParty,
    ArticleShingles,
    ArticleUrl,
    Source,
    utcnow,
)
from storage.stories import evidence_terms
from storage.writes import ArticleData, store_article, store_articles

START = datetime(2025, 1, 6, tzinfo=UTC)
LANGUAGES = {"en": 0.30, "fr": 0.12, "de": 0.10, "es": 0.10, "pl": 0.08, "zh": 0.22, "ja": 0.08}
SOURCES_PER_LANGUAGE = 3
STORY_SHARE = 0.15
COPY_SHARE = 0.10
NOTICE_SHARE = 0.005
# Events and articles a story or a copy is taken from: the last few days' worth.
RECENT = 600
NOTICE = (
    "This content is available to subscribers only. Sign in or subscribe to read the "
    "full article, with unlimited access to our reporting, newsletters and archive. "
    "Subscriptions renew automatically and can be cancelled at any time."
)
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października "
    "listopada grudnia",
}
FACTS = {
    "en": "{p1} and {p2} signed a climate cooperation agreement on {date}, worth {money} "
    "dollars and covering {area} hectares. {p3} welcomed the deal.",
    "fr": "{p1} et {p2} ont signé le {date} un accord de coopération climatique de {money} "
    "de dollars couvrant {area} hectares. {p3} a salué l'accord.",
    "de": "{p1} und {p2} haben am {date} ein Klimaabkommen über {money} Dollar für {area} "
    "Hektar unterzeichnet. {p3} begrüßte die Einigung.",
    "es": "{p1} y {p2} firmaron el {date} un acuerdo climático de {money} de dólares para "
    "{area} hectáreas. {p3} celebró el acuerdo.",
    "pl": "{p1} i {p2} podpisały {date} porozumienie klimatyczne o wartości {money} dolarów "
    "na {area} hektarów. {p3} z zadowoleniem przyjęła porozumienie.",
    "zh": "{p1}与{p2}于{date}签署气候合作协议，金额{money}美元，覆盖{area}公顷。{p3}对此表示欢迎。",
    "ja": "{p1}と{p2}は{date}、{money}ドル規模の気候協力協定に署名し、"
    "{area}ヘクタールを対象とする。{p3}はこれを歓迎した。",
}
MILLIONS = {"en": "million", "fr": "millions", "de": "Millionen", "es": "millones", "pl": "mln"}
THOUSANDS = {"en": ",", "fr": " ", "de": ".", "es": ".", "pl": " "}


@dataclass(frozen=True)
class Event:
    """What a report says: the same facts in every language."""

    parties: tuple[str, str, str]
    day: datetime
    money: int  # millions
    area: int


@dataclass(frozen=True)
class Doc:
    source: str
    url: str
    title: str
    text: str
    language: str
    published_at: datetime


class Corpus:
    """Deterministic articles (the same ones for the same seed), generated in storing order."""

    def __init__(self, seed: int, per_day: int) -> None:
        self.rng = random.Random(seed)
        self.per_day = per_day
        self.languages = {code: Language(code, self.rng) for code in LANGUAGES}
        raw = yaml.safe_load(PARTIES_FILE.read_text(encoding="utf-8"))
        self.names: dict[str, dict[str, list[str]]] = {}
        weights: list[float] = []
        for rank, entry in enumerate(raw, start=1):
            plain = {
                lang: [n for n in names if "*" not in n] for lang, names in entry["names"].items()
            }
            if not plain.get("en"):
                continue
            self.names[entry["id"]] = plain
            # Countries fill the news; a city, agency or company is rarer.
            weights.append((4.0 if entry["kind"] == "country" else 1.0) / rank**0.5)
        self.party_ids = list(self.names)
        self.party_weights = weights
        self.events: list[Event] = []
        self.docs: list[Doc] = []

    def __iter__(self) -> Iterator[Doc]:
        index = 0
        while True:
            doc = self._next(index)
            self.docs.append(doc)
            del self.docs[:-RECENT]
            index += 1
            yield doc

    def _next(self, index: int) -> Doc:
        rng = self.rng
        code = rng.choices(list(LANGUAGES), weights=list(LANGUAGES.values()))[0]
        source = f"{code}-{rng.randint(1, SOURCES_PER_LANGUAGE)}"
        published = (
            START
            + timedelta(seconds=index * 86400 / self.per_day)
            - timedelta(seconds=rng.uniform(0, 6 * 3600))
        )
        url = f"https://{source}.example/{published:%Y/%m/%d}/{index}"
        roll = rng.random()
        if roll < NOTICE_SHARE:
            return Doc(source, url, "Subscribers only", NOTICE, "en", published)
        if roll < NOTICE_SHARE + COPY_SHARE and self.docs:
            return self._copy(rng.choice(self.docs), url, published)
        if roll < NOTICE_SHARE + COPY_SHARE + STORY_SHARE and self.events:
            event = rng.choice(self.events[-RECENT:])
        else:
            event = self._event(published)
        return self._report(event, code, source, url, published)

    def _event(self, published: datetime) -> Event:
        chosen: list[str] = []
        while len(chosen) < 3:
            party = self.rng.choices(self.party_ids, weights=self.party_weights)[0]
            if party not in chosen:
                chosen.append(party)
        day = published - timedelta(days=self.rng.randint(0, 2))
        event = Event(
            (chosen[0], chosen[1], chosen[2]),
            day,
            self.rng.randint(10, 900),
            self.rng.randint(1_000, 99_000),
        )
        self.events.append(event)
        del self.events[:-RECENT]
        return event

    def _name(self, party: str, code: str) -> str:
        names = self.names[party].get(code) or self.names[party]["en"]
        return names[0]

    def _report(self, event: Event, code: str, source: str, url: str, published: datetime) -> Doc:
        rng, language = self.rng, self.languages[code]
        if code in ("zh", "ja"):
            date = f"{event.day.month}月{event.day.day}日"
            money, area = f"{event.money * 100}万", str(event.area)
        else:
            month = MONTHS[code].split()[event.day.month - 1]
            date = f"{month} {event.day.day}" if code == "en" else f"{event.day.day} {month}"
            if code == "de":
                date = f"{event.day.day}. {month}"
            money = f"{event.money} {MILLIONS[code]}"
            area = f"{event.area // 1000}{THOUSANDS[code]}{event.area % 1000:03d}"
        p1, p2, p3 = (self._name(p, code) for p in event.parties)
        facts = FACTS[code].format(p1=p1, p2=p2, p3=p3, date=date, money=money, area=area)
        glue = "" if language.cjk else " "
        per_sentence = (8, 16) if language.cjk else (12, 24)
        paragraphs = [
            glue.join(
                language.sentence(rng, rng.randint(*per_sentence)) for _ in range(rng.randint(2, 5))
            )
            for _ in range(rng.randint(3, 6))
        ]
        paragraphs.insert(0, facts)
        title = f"{p1}{glue}{language.sentence(rng, rng.randint(4, 7)).rstrip('.。')}"
        return Doc(source, url, title, "\n\n".join(paragraphs), code, published)

    def _copy(self, original: Doc, url: str, published: datetime) -> Doc:
        """A syndicated copy: one paragraph rewritten, a credit line added."""
        rng, language = self.rng, self.languages[original.language]
        paragraphs = original.text.split("\n\n")
        changed = rng.randrange(len(paragraphs))
        paragraphs[changed] = language.sentence(rng, 20)
        others = [
            s for s in (f"{original.language}-{n}" for n in range(1, 4)) if s != original.source
        ] or [original.source]
        source = rng.choice(others)
        paragraphs.append(f"({source})")
        return Doc(
            source,
            url.replace(url.split("/")[2], f"{source}.example"),
            original.title,
            "\n\n".join(paragraphs),
            original.language,
            published,
        )


def article_data(doc: Doc, signature: TextSignature | None) -> ArticleData:
    return ArticleData(
        source=doc.source,
        url=doc.url,
        aliases=(),
        canonical_url=None,
        title=doc.title,
        text=doc.text,
        content_hash=content_hash(doc.text),
        published_at=doc.published_at,
        language=doc.language,
        authors=(),
        site_name=None,
        description=None,
        fetched_at=doc.published_at + timedelta(hours=1),
        response_url=doc.url,
        body_z=zlib.compress(doc.text.encode()),
        encoding="utf-8",
        content_type="text/html",
        signature=signature,
    )


def signed(docs: list[Doc]) -> tuple[list[ArticleData], float]:
    """The documents as ``ArticleData`` with signatures; CPU ms/doc of the signatures."""
    party_table()  # loaded once per worker process, not per article
    data, spent = [], 0.0
    for doc in docs:
        started = time.process_time()
        signature = text_signature(doc.title, doc.text, doc.language)
        spent += time.process_time() - started
        data.append(article_data(doc, signature))
    return data, spent * 1000 / max(1, len(docs))


# --- preloading -----------------------------------------------------------------------------


def preload(db: Database, data: list[ArticleData]) -> None:
    """Bulk-write the rows ``store_article`` would write for ``data`` (each article its own
    story and no copy's first copy: the lookups then see every article as a candidate)."""
    with db.write_session() as session, session.begin():
        names = sorted({d.source for d in data})
        known = set(session.scalars(select(Source.name)))
        new = [{"name": n, "created_at": utcnow()} for n in names if n not in known]
        if new:
            session.execute(insert(Source), new)
        sources = {name: id_ for name, id_ in session.execute(select(Source.name, Source.id))}
        first = (session.scalar(text("SELECT max(id) FROM articles")) or 0) + 1
    for offset in range(0, len(data), 2_000):
        batch = data[offset : offset + 2_000]
        ids = range(first + offset, first + offset + len(batch))
        with db.write_session() as session, session.begin():
            session.execute(
                insert(Article),
                [_article_row(i, d, sources[d.source]) for i, d in zip(ids, batch, strict=True)],
            )
            session.execute(
                insert(ArticlePage),
                [
                    {
                        "article_id": i,
                        "response_url": d.response_url,
                        "body_z": d.body_z,
                        "encoding": d.encoding,
                        "content_type": d.content_type,
                        "fetched_at": d.fetched_at,
                    }
                    for i, d in zip(ids, batch, strict=True)
                ],
            )
            session.execute(
                insert(ArticleUrl),
                [{"url": d.url, "article_id": i} for i, d in zip(ids, batch, strict=True)],
            )
            session.execute(
                insert(ArticleBand),
                [
                    {"article_id": i, "band": band, "key": key}
                    for i, d in zip(ids, batch, strict=True)
                    if d.signature
                    for band, key in enumerate(d.signature.bands)
                ],
            )
            shingles = [
                {"article_id": i, "shingles": d.signature.shingles}
                for i, d in zip(ids, batch, strict=True)
                if d.signature
            ]
            if shingles:
                session.execute(insert(ArticleShingles), shingles)
            evidence = [
                {"article_id": i, "term": term, "at": d.published_at or d.fetched_at}
                for i, d in zip(ids, batch, strict=True)
                if d.signature
                for term in evidence_terms(d.signature.evidence)
            ]
            if evidence:
                session.execute(insert(ArticleEvidence), evidence)
            parties = [
                {"article_id": i, "party": party}
                for i, d in zip(ids, batch, strict=True)
                if d.signature
                for party in dict.fromkeys(d.signature.parties)
            ]
            if parties:
                session.execute(insert(ArticleParty), parties)
            write_search_documents(
                session, [(i, d.title, d.text) for i, d in zip(ids, batch, strict=True)]
            )
    if db.engine.dialect.name == "postgresql":
        # The ids above were given explicitly: move the sequence past them, or the next
        # store_article would be handed an id already taken.
        with db.write_session() as session, session.begin():
            session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('articles', 'id'), "
                    "(SELECT max(id) FROM articles))"
                )
            )


def _article_row(article_id: int, d: ArticleData, source_id: int) -> dict[str, Any]:
    signature = d.signature
    return {
        "id": article_id,
        "source_id": source_id,
        "url": d.url,
        "canonical_url": None,
        "content_hash": d.content_hash,
        "title": d.title,
        "text": d.text,
        "published_at": d.published_at,
        "language": d.language,
        "script": None,
        "authors": [],
        "site_name": None,
        "description": None,
        "created_at": d.fetched_at,
        "fetched_at": d.fetched_at,
        "updated_at": None,
        "duplicate_of": None,
        "cluster": article_id,
        "parties": list(signature.parties) if signature else None,
        "evidence": signature.evidence.to_json() if signature else None,
    }


# --- measuring ------------------------------------------------------------------------------

# Where store_article spends its time, by the names storage.writes calls.
PARTS = {
    "search index": ("write_search_rows", "search_terms", "meta_terms"),
    "dedup lookup": ("set_bands", "set_shingles", "has_bands", "link_duplicate"),
    "story lookup": ("set_parties", "set_evidence", "date_evidence", "assign_story", "_alone"),
}


@contextmanager
def timed_parts(spent: dict[str, float]) -> Iterator[None]:
    """Count the CPU time of each part of ``PARTS`` into ``spent`` while inside."""
    saved: dict[str, Callable[..., Any]] = {}

    def wrap(part: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[part] += time.process_time() - started

        return timed

    for part, names in PARTS.items():
        spent.setdefault(part, 0.0)
        for name in names:
            if hasattr(storage.writes, name):
                saved[name] = getattr(storage.writes, name)
                setattr(storage.writes, name, wrap(part, saved[name]))
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(storage.writes, name, function)


def store_batch(
    db: Database, batch: list[ArticleData], profile: cProfile.Profile | None, size: int = 1
) -> dict[str, float]:
    """Store ``batch``, ``size`` articles per transaction (``store_articles``; 1:
    ``store_article`` one by one); CPU ms/doc in all and per part."""
    spent: dict[str, float] = {}
    with timed_parts(spent):
        if profile is not None:
            profile.enable()
        started = time.process_time()
        if size == 1:
            for item in batch:
                store_article(db, item)
        else:
            for offset in range(0, len(batch), size):
                store_articles(db, batch[offset : offset + size])
        total = time.process_time() - started
        if profile is not None:
            profile.disable()
    per_doc = {part: seconds * 1000 / len(batch) for part, seconds in spent.items()}
    per_doc["total"] = total * 1000 / len(batch)
    per_doc["plain insert"] = per_doc["total"] - sum(per_doc[p] for p in PARTS)
    return per_doc


class Backend:
    """Fresh copies of a database holding a given preload, on SQLite or PostgreSQL."""

    def __init__(self, name: str, root: Path, pg_url: str | None) -> None:
        self.name, self.root, self.pg_url = name, root, pg_url
        self._created: list[str] = []

    def database(self, preloaded: list[ArticleData], tag: str) -> Database:
        if self.name == "sqlite":
            # Built once per preload (kept with --keep), copied for every run.
            template = self.root / f"store-{tag}-{head_revision()}.db"
            if not template.exists():
                with open_database(f"sqlite:///{template}.tmp") as db:
                    preload(db, preloaded)
                os.replace(f"{template}.tmp", template)
            target = self.root / f"run-{os.getpid()}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(template, target)
            return open_database(f"sqlite:///{target}")
        from tests.pg import PostgresServer

        server = PostgresServer(self.pg_url or "")
        url = server.create_database()
        self._created.append(url)
        server.admin.dispose()
        db = open_database(url)
        preload(db, preloaded)
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
        return db

    def drop(self, db: Database) -> None:
        db.dispose()
        if self.name == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.root / f'run-{os.getpid()}.db'}{suffix}").unlink(missing_ok=True)
        if self.name == "postgresql":
            from sqlalchemy import create_engine
            from sqlalchemy.engine import make_url

            url = make_url(str(db.engine.url.render_as_string(hide_password=False)))
            admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
            admin.dispose()


def measure(
    backend: Backend,
    size: int,
    count: int,
    per_day: int,
    repeat: int,
    profile: bool,
    seed: int,
    batch_size: int = 1,
) -> None:
    corpus = iter(Corpus(seed, per_day))
    docs = list(islice(corpus, size))
    preloaded_docs, measured_docs = docs[: size - count], docs[size - count :]
    measured, sign_ms = signed(measured_docs)
    preloaded = signed(preloaded_docs)[0] if preloaded_docs else []
    plain = [replace(item, signature=None) for item in measured]
    best: dict[str, dict[str, float]] = {}
    # CPU time, as the totals: waiting on a PostgreSQL server costs this process nothing.
    profiler = cProfile.Profile(time.process_time) if profile else None
    tag = f"{seed}-{per_day}-{size - count}"
    for run in range(repeat):
        for label, batch in (("without", plain), ("with", measured)):
            db = backend.database(preloaded, tag)
            try:
                got = store_batch(
                    db, batch, profiler if label == "with" and run == 0 else None, batch_size
                )
            finally:
                backend.drop(db)
            kept = best.setdefault(label, got)
            if got["total"] < kept["total"]:
                best[label] = got
    with_, without = best["with"], best["without"]
    how = (
        "store_article, one transaction each"
        if batch_size == 1
        else f"store_articles, {batch_size} per transaction"
    )
    print(
        f"{backend.name}, {size:,} articles ({size - count:,} preloaded, {count:,} stored "
        f"through {how}, {per_day}/day):"
    )
    print(
        f"  without the lookups (baseline): {without['total']:6.2f} ms/doc "
        f"(search index {without['search index']:.2f})"
    )
    print(
        f"  with duplicate and story lookups: {with_['total']:6.2f} ms/doc = plain insert "
        f"{with_['plain insert']:.2f} + search index {with_['search index']:.2f} + dedup "
        f"{with_['dedup lookup']:.2f} + story {with_['story lookup']:.2f}"
    )
    print(
        f"  the lookups add {with_['total'] - without['total']:.2f} ms/doc "
        f"({with_['total'] / without['total']:.2f}x the baseline)"
    )
    print(f"  signature in the extraction worker: {sign_ms:.2f} ms/doc")
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(r"newsmon|work/main/(storage|crawler)", 30)
        stats.sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="3000,30000", help="database sizes to measure at, comma-separated"
    )
    parser.add_argument(
        "--measure",
        type=at_least(10),
        default=3_000,
        help="articles stored through store_article at each size",
    )
    parser.add_argument("--repeat", type=at_least(1), default=2)
    parser.add_argument("--per-day", type=at_least(1), default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", default=os.environ.get("NEWSMON_TEST_PG_URL"))
    parser.add_argument("--keep", type=Path, help="keep the preloaded databases here")
    parser.add_argument(
        "--batch",
        type=at_least(1),
        default=32,
        help="articles per transaction, as the crawl's storage pipeline "
        "batches them (1: store_article one by one)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of the first run with the lookups"
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if sizes[0] < args.measure:
        parser.error(f"--sizes must be at least --measure ({args.measure})")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not args.pg_url:
        if args.backend == "postgresql":
            parser.error("--pg-url or $NEWSMON_TEST_PG_URL is needed for PostgreSQL")
        print("skipping PostgreSQL: no --pg-url or $NEWSMON_TEST_PG_URL", file=sys.stderr)
        backends.remove("postgresql")
    started = MachineClock.now()
    with workdir(args.keep, "newsmon-store-") as root:
        for name in backends:
            backend = Backend(name, root, args.pg_url)
            for size in sizes:
                measure(
                    backend,
                    size,
                    args.measure,
                    args.per_day,
                    args.repeat,
                    args.profile,
                    args.seed,
                    args.batch,
                )
    ended = MachineClock.now()
    wall = ended.at - started.at
    others = max(0.0, (ended.machine_busy - started.machine_busy) - (ended.own - started.own))
    print(
        f"machine: {others / wall:.1f} CPU cores busy with other work during the run "
        f"({os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
