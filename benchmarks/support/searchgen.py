"""A deterministic mixed-language news corpus for the search benchmark, and its bulk loader.

``generate_articles(count, seed)`` yields articles in English, French, German, Spanish,
Polish, Chinese and Japanese from 14 sources over eleven years. Each language has a Zipf
distributed vocabulary (s = 1.05) whose head is real words ("climate", "coopération",
"współpraca", 气候, 協力...) and whose tail is generated words (with the language's
diacritics), so a head word occurs in most articles of its language: "climate" in about 250k
of a million. Chinese and Japanese are written without spaces. Articles arrive the way a
crawler stores them: mostly in publication order, 8% backfilled with older dates.

``DUPLICATES`` (8%) of them are near-duplicates, as wire copies syndicated by several outlets
are: a recent original of the same language (one of the last ``RECENT``, so memory stays flat)
with a credit line first ("(Reuters) —") or one paragraph dropped, from the language's other
source and published within a day after it. Its ``copy_of`` is the original's position in the
stream. Which articles are copies is drawn from a random stream of its own, and a copy
replaces the article drawn at its position: the originals are those of corpus version 1.
``CORPUS_VERSION`` changes whenever the generated articles do, so cached databases are rebuilt.

``load_articles(db, articles)`` is the bulk load: plain executemany of the storage layer's
own statements in transactions of ``BATCH`` articles, with SQLite's ``synchronous = OFF`` or
PostgreSQL's ``synchronous_commit = off`` (a benchmark database is rebuilt after a crash).
Ids are consecutive from the first free one, so a copy's ``duplicate_of`` is that id plus its
``copy_of``: no lookup, nothing kept per article.
The rows are what ``store_article`` writes: a SQLAlchemy Core insert of the ``articles``
model (the ORM's column types), and ``storage.fts.write_search_rows``, the statement of
``write_search_documents``, with ``meta_terms`` and folded text. The generator folds each
vocabulary word once with ``search_terms`` and joins the folded words, which is what
``search_terms`` gives for the whole text; every ``FOLD_CHECK``-th article is checked
against it. The ``article_pages`` and ``article_urls`` rows ``store_article`` also writes
are left out (search never reads them, and page bodies would only make the database bigger).
"""

from __future__ import annotations

import dataclasses
import random
import time
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate, islice

import numpy as np
from sqlalchemy import insert, select, text

from crawler.text.folding import search_terms
from storage.db import Database
from storage.fts import SearchRow, meta_terms, write_search_rows
from storage.models import Article, Source, utcnow

ZIPF_S = 1.05
VOCABULARY = 30_000
START = datetime(2015, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)
BACKFILL = 0.08
# Share of articles that are near-duplicates of a recent original of their language, and how
# many recent originals per language they are copied from.
DUPLICATES = 0.08
RECENT = 64
# 1: no near-duplicates; 2: DUPLICATES of them. Stored with a cached benchmark database.
CORPUS_VERSION = 2
BATCH = 10_000
# Every this many articles, the generated folded text is checked against search_terms.
FOLD_CHECK = 97

# Share of articles per language, and two sources per language.
LANGUAGES = {"en": 0.32, "fr": 0.14, "de": 0.10, "es": 0.10, "pl": 0.09, "zh": 0.18, "ja": 0.07}

# Real words at the head of each language's distribution, most frequent first.
HEADS = {
    "en": "the of and to in a climate on for cooperation energy is with carbon agreement that "
    "emissions by countries as will from at green transition said new government renewable "
    "partnership wind power countries' development environmental project investment "
    "national support sustainable agreed minister technology",
    "fr": "de la le et les des à en climat coopération énergie accord carbone émissions pays "
    "pour du une transition verte gouvernement partenariat développement éolien "
    "environnement projet ministre durable",
    "de": "der die und in den von zu das mit Klima Zusammenarbeit Energie Abkommen "
    "Emissionen Länder für Übergang grüne Regierung Partnerschaft Entwicklung Windkraft "
    "Umwelt Projekt Ministerin nachhaltig",
    "es": "de la que el en y los del clima cooperación energía acuerdo emisiones países para "
    "transición verde gobierno asociación desarrollo eólica medio ambiente proyecto ministra "
    "sostenible",
    "pl": "i w na z się do że klimat współpraca energii porozumienie emisji węgla kraje dla "
    "transformacja zielona rząd partnerstwo rozwój wiatrowa środowisko projekt minister "
    "zrównoważony",
    "zh": "的 合作 气候 中国 能源 发展 碳 排放 国家 环境 绿色 减排 协议 项目 科学 技术 "
    "政府 伙伴 转型 可再生 风电 光伏 低碳 城市 企业 政策 全球 会议 部长 投资",
    "ja": "の は を に が 気候 協力 日本 エネルギー 政府 脱炭素 排出 協定 再生可能 技術 "
    "開発 環境 プロジェクト 投資 都市 企業 政策 世界 会議 大臣 水素",
}
# Real words placed at given ranks of the tail: mid-frequency and rare query words.
PLACED = {
    "en": {
        "hydrogen": 120,
        "offshore": 150,
        "methane": 300,
        "coal": 80,
        "geothermal": 18_000,
        "sport": 2_500,
    },
    "fr": {"hydrogène": 140, "charbon": 90, "géothermie": 15_000},
    "de": {"Wasserstoff": 130, "Kohle": 90, "Geothermie": 16_000},
    "es": {"hidrógeno": 130, "carbón": 95},
    "pl": {"wodór": 120, "węgiel": 85, "geotermia": 14_000},
    "zh": {"碳中和": 40, "碳市场": 200, "氢能": 150, "环境科学研究院": 2_500},
    "ja": {"カーボンニュートラル": 60, "洋上風力": 400},
}


def _words(spaced: str) -> list[str]:
    return spaced.split()


SYLLABLES = {
    "en": _words("ba be ca co de di fa ge ha in ka lo ma mi na no pa pe ra re sa se ta ti to un"),
    "fr": _words("ba bé ca cé co de dé fa ge la lè ma mé na no pa pé qu ra ré sa se ta té ti vé"),
    "de": _words("ba be ch de ei en ge ha he ke la le ma me na ne ra re sch st te tü ul ve wa zu"),
    "es": _words("ba ca ce da de do es fa ga la lo ma me na ña no pa pe ra re sa se ta te to ví"),
    "pl": _words("ba bo cz da dz go ja ka ko ła le ma mi na no po pr ra rz sa sz ta to wa wi ść ż"),
}
# Phrases put into some titles so phrase queries have title and body matches.
TITLE_PHRASES = {
    "en": ["climate cooperation", "green hydrogen", "offshore wind"],
    "fr": ["coopération climatique", "hydrogène vert"],
    "de": ["Zusammenarbeit beim Klimaschutz"],
    "es": ["cooperación climática"],
    "pl": ["współpraca klimatyczna"],
    "zh": ["碳中和", "气候合作"],
    "ja": ["脱炭素", "気候協力"],
}
# Credit lines a wire copy starts with.
CREDITS = {
    "en": ["(Reuters) —", "LONDON (Reuters) —", "(AP) —", "WASHINGTON (AP) —"],
    "fr": ["(AFP) —", "PARIS (AFP) —"],
    "de": ["(dpa) —", "BERLIN (dpa) —"],
    "es": ["(EFE) —", "MADRID (EFE) —"],
    "pl": ["(PAP) —", "WARSZAWA (PAP) —"],
    "zh": ["新华社北京电——", "中新社北京电——"],
    "ja": ["【共同通信】", "【時事通信】"],
}
_CJK_POOL = [chr(c) for c in range(0x4E00, 0x4E00 + 6_000, 3)]
_KANA_POOL = [chr(c) for c in range(0x30A1, 0x30F6)]


@dataclass(frozen=True)
class GeneratedArticle:
    """One article as the benchmark stores it, with its title and text already folded."""

    source: str
    url: str
    title: str
    text: str
    language: str
    published_at: datetime
    # search_terms(title) and search_terms(text), built from the folded vocabulary.
    folded_title: str
    folded_text: str
    # A near-duplicate: the position in the generated stream of its original; None: original.
    copy_of: int | None = None


@dataclass(frozen=True)
class _Original:
    """A recent original that a near-duplicate may copy, with its paragraphs folded."""

    position: int
    article: GeneratedArticle
    paragraphs: tuple[str, ...]
    folded: tuple[str, ...]
    glue: str  # between sentences: "" in Chinese and Japanese, else a space


class Language:
    """A language's Zipf vocabulary and how its words are joined into text."""

    def __init__(self, code: str, rng: random.Random) -> None:
        self.code = code
        self.cjk = code in ("zh", "ja")
        words = HEADS[code].split()
        seen = set(words) | set(PLACED[code])
        while len(words) < VOCABULARY:
            word = self._tail_word(rng)
            if word not in seen:
                seen.add(word)
                words.append(word)
        for word, rank in sorted(PLACED[code].items(), key=lambda item: item[1]):
            words.insert(rank - 1, word)
        self.words = words[:VOCABULARY]
        self.cumulative = list(accumulate(1 / (rank**ZIPF_S) for rank in range(1, VOCABULARY + 1)))
        # For bulk generation: numpy draws word ranks, and each word is folded once here by
        # the index's own function, so an article's folded text is a join, not a refold.
        self._probability_edges = np.array(self.cumulative) / self.cumulative[-1]
        self._word_array = np.array(self.words, dtype=object)
        self._folded_array = np.array([search_terms(w) for w in self.words], dtype=object)

    def _tail_word(self, rng: random.Random) -> str:
        if self.code == "zh":
            return "".join(rng.choices(_CJK_POOL, k=rng.choice((2, 2, 2, 3))))
        if self.code == "ja":
            pool = _KANA_POOL if rng.random() < 0.4 else _CJK_POOL
            return "".join(rng.choices(pool, k=rng.choice((2, 3, 4))))
        return "".join(rng.choices(SYLLABLES[self.code], k=rng.choice((2, 3, 3, 4))))

    def sentence(self, rng: random.Random, words: int) -> str:
        chosen = rng.choices(self.words, cum_weights=self.cumulative, k=words)
        if self.cjk:
            return "".join(chosen) + "。"
        return " ".join(chosen).capitalize() + "."

    def sentences(
        self, draws: np.random.Generator, lengths: list[int]
    ) -> tuple[list[str], list[str]]:
        """Sentences of the given word counts, and the folded form of each."""
        ranks = np.searchsorted(
            self._probability_edges, draws.random(sum(lengths)), side="right"
        ).clip(max=VOCABULARY - 1)
        words, folded = self._word_array[ranks].tolist(), self._folded_array[ranks].tolist()
        texts, terms, start = [], [], 0
        for length in lengths:
            chunk, end = words[start : start + length], start + length
            texts.append("".join(chunk) + "。" if self.cjk else " ".join(chunk).capitalize() + ".")
            terms.append(" ".join(folded[start:end]))
            start = end
        return texts, terms


def generate_articles(
    count: int, seed: int = 2025, duplicates: float = DUPLICATES
) -> Iterator[GeneratedArticle]:
    """``count`` articles, the same ones for the same ``seed``; about ``duplicates`` of them
    near-duplicates of an earlier original."""
    rng = random.Random(seed)
    draws = np.random.default_rng(seed)
    # Its own stream, so the originals stay what the generator drew before copies existed.
    copies = random.Random(f"duplicates-{seed}")
    recent: dict[str, deque[_Original]] = {code: deque(maxlen=RECENT) for code in LANGUAGES}
    languages = {code: Language(code, rng) for code in LANGUAGES}
    folded_phrases = {
        code: [search_terms(p) for p in phrases] for code, phrases in TITLE_PHRASES.items()
    }
    codes, shares = list(LANGUAGES), list(accumulate(LANGUAGES.values()))
    span = (END - START).total_seconds()
    for i in range(count):
        code = rng.choices(codes, cum_weights=shares)[0]
        language = languages[code]
        position = (i / count) * span
        if rng.random() < BACKFILL:
            position = rng.random() * position
        published = START + timedelta(seconds=position + rng.uniform(-3 * 86400, 0))
        # Chinese and Japanese words are two or three characters: fewer words, similar length.
        per_sentence = (8, 16) if language.cjk else (12, 24)
        shape = [rng.randint(2, 4) for _ in range(rng.randint(2, 4))]
        lengths = [rng.randint(5, 9)] + [rng.randint(*per_sentence) for _ in range(sum(shape))]
        texts, terms = language.sentences(draws, lengths)
        title, folded_title = texts[0].rstrip(".。"), terms[0]
        if rng.random() < 0.1:
            phrase = rng.randrange(len(TITLE_PHRASES[code]))
            title = f"{TITLE_PHRASES[code][phrase]}{'' if language.cjk else ': '}{title}"
            folded_title = f"{folded_phrases[code][phrase]} {folded_title}"
        glue, paragraphs, folded, start = "" if language.cjk else " ", [], [], 1
        for sentences in shape:
            paragraphs.append(glue.join(texts[start : start + sentences]))
            folded.append(" ".join(terms[start : start + sentences]))
            start += sentences
        article = GeneratedArticle(
            source=f"{code}-{i % 2 + 1}",
            url=f"https://{code}{i % 2 + 1}.example/{published:%Y/%m}/{i}",
            title=title,
            text="\n\n".join(paragraphs),
            language=code,
            published_at=max(START, published),
            folded_title=folded_title,
            folded_text=" ".join(folded),
        )
        pool = recent[code]
        if copies.random() < duplicates and pool:
            yield _near_duplicate(copies.choice(pool), i, copies)
        else:
            pool.append(_Original(i, article, tuple(paragraphs), tuple(folded), glue))
            yield article


def _near_duplicate(original: _Original, position: int, rng: random.Random) -> GeneratedArticle:
    """A wire copy of ``original`` at ``position`` in the stream: the other source of its
    language, within a day after it, with a credit line first or a paragraph (not the first)
    dropped."""
    article, code = original.article, original.article.language
    paragraphs, folded = list(original.paragraphs), list(original.folded)
    if len(paragraphs) >= 3 and rng.random() < 0.5:
        drop = rng.randrange(1, len(paragraphs))
        del paragraphs[drop], folded[drop]
    else:
        credit = rng.choice(CREDITS[code])
        paragraphs[0] = f"{credit}{original.glue}{paragraphs[0]}"
        folded[0] = f"{search_terms(credit)} {folded[0]}"
    source = f"{code}-{2 if article.source.endswith('-1') else 1}"
    published = min(
        article.published_at + timedelta(seconds=rng.uniform(600, 86_400)),
        END - timedelta(seconds=1),
    )
    return dataclasses.replace(
        article,
        source=source,
        url=f"https://{source.replace('-', '')}.example/{published:%Y/%m}/{position}",
        text="\n\n".join(paragraphs),
        published_at=published,
        folded_text=" ".join(folded),
        copy_of=original.position,
    )


def _source_ids(db: Database, names: Iterable[str]) -> dict[str, int]:
    with db.write_session() as session, session.begin():
        known = {name: id_ for name, id_ in session.execute(select(Source.name, Source.id))}
        for name in sorted(set(names) - set(known)):
            session.add(Source(name=name, created_at=utcnow()))
        session.flush()
        return {name: id_ for name, id_ in session.execute(select(Source.name, Source.id))}


def load_articles(db: Database, articles: Iterable[GeneratedArticle]) -> tuple[int, float]:
    """Store ``articles`` (a whole stream of ``generate_articles``: ``copy_of`` counts from its
    start); return how many and the seconds spent writing the search index."""
    sources = _source_ids(db, [f"{code}-{n}" for code in LANGUAGES for n in (1, 2)])
    with db.session() as session:
        next_id = (session.scalar(text("SELECT max(id) FROM articles")) or 0) + 1
    first_id = next_id  # the id of the stream's position 0, for duplicate_of
    stored, index_seconds = 0, 0.0
    iterator = iter(articles)
    with db.engine.connect() as connection:
        # A benchmark database is rebuilt after a crash, so it need not survive one. Set on
        # the driver's connection: SQLite refuses it inside the transaction SQLAlchemy opens.
        connection.connection.driver_connection.execute(  # type: ignore[union-attr]
            "PRAGMA synchronous = OFF"
            if connection.dialect.name == "sqlite"
            else "SET synchronous_commit = off"
        )
        while batch := list(islice(iterator, BATCH)):
            now = utcnow()
            rows, search_rows = [], []
            for offset, a in enumerate(batch):
                article_id = next_id + offset
                if article_id % FOLD_CHECK == 0:
                    _check_folding(a)
                duplicate_of = None
                if a.copy_of is not None:
                    if not 0 <= a.copy_of < article_id - first_id:
                        raise ValueError(f"{a.url}: copies position {a.copy_of}, not earlier")
                    duplicate_of = first_id + a.copy_of
                rows.append(
                    {
                        "id": article_id,
                        "source_id": sources[a.source],
                        "url": a.url,
                        "canonical_url": a.url,
                        "content_hash": f"{zlib.crc32(a.text.encode()):08x}",
                        "title": a.title,
                        "text": a.text,
                        "published_at": a.published_at,
                        "language": a.language,
                        "script": None,
                        "authors": [],
                        "site_name": None,
                        "description": None,
                        "created_at": now,
                        "fetched_at": a.published_at,
                        "updated_at": None,
                        "duplicate_of": duplicate_of,
                    }
                )
                search_rows.append(
                    SearchRow(
                        article_id,
                        a.folded_title,
                        a.folded_text,
                        meta_terms(a.published_at, a.language, sources[a.source]),
                    )
                )
            with connection.begin():
                connection.execute(insert(Article), rows)
                started = time.perf_counter()
                write_search_rows(connection, search_rows)
                index_seconds += time.perf_counter() - started
            next_id += len(batch)
            stored += len(batch)
        connection.invalidate()  # the pool must not hand out a connection with those settings
    return stored, index_seconds


def _check_folding(article: GeneratedArticle) -> None:
    """Fail the build if the generator's folded text differs from what the storage layer
    would index (``search_terms``): the benchmark must search what a crawl would store."""
    for original, folded in (
        (article.title, article.folded_title),
        (article.text, article.folded_text),
    ):
        if search_terms(original) != folded:
            raise SystemExit(f"{article.url}: generated folded text differs from search_terms")
