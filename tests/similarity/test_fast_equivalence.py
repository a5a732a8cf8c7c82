"""The faster forms in similarity and relevance give what the plain forms give: regexes
rewritten to open with a character class, the reversed month-first date pattern, tokens and
shingles without a Python step per token, the lead cut by one regex, and the name pairs
found from their pair words."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest
import xxhash

from crawler.relevance import load_topics
from crawler.relevance.matching import _phrases, name_pair
from crawler.relevance.model import _split_lead_words, split_lead
from crawler.similarity import evidence
from crawler.similarity.parties import PartyTable, _matches, party_table
from crawler.similarity.tokens import shingles
from crawler.text.folding import split_tokens, tokenize

# Pieces the random texts are made of: numbers, dates, names, capitals, CJK, marks, spaces.
PIECES = [
    "UNEP",
    "ONZ",
    "9 września",
    "Sept. 12",
    "12th of March",
    "March 3",
    "mar.  4",
    "2024-03-05",
    "5.3.2024",
    "05.03.2024",
    ".2019",
    "3,5 mln",
    "3.5 million",
    "1 000 000",
    "45%",
    "350万",
    "十二个国家",
    "9月9日",
    "3 월 4 일",
    "l'Allemagne",
    "Kenya and Norway",
    "Kenya  and\nNorway",
    "and",
    "And",
    "et",
    "e",
    "ed",
    "y",
    "i",
    "и",
    "Baden-Württemberg",
    "x-Ray",
    "(Berlin",
    "Paris,",
    "ß",
    "İstanbul",
    "ﬁ",
    "½",
    "é",
    "Ⅻ",
    "気候変動",
    "氣候",
    "co2-neutral",
    "_x_",
    "USA",
    "EU-27",
    "A1",
    "MMXX",
    "\u00a0",
    "\u202f",
    "\u3000",
    "—",
    ",",
    ";",
    ".",
    "'",
    "’",
    "Ελλάδα",
    "Россия и Китай",
    "ООН",
    "7",
    "19",
    "20",
    "2020",
    "31",
    "45",
    "123",
    "de",
    "of",
    "le",
    "1er",
    "2nd",
    "1.",
    "junio",
    "ıi",
    "\t",
    "\n",
    "  ",
]


def random_texts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    joins = [" ", "", " ", "  ", "\n", "-"]
    return [
        "".join(rng.choice(PIECES) + rng.choice(joins) for _ in range(rng.randint(0, 40)))
        for _ in range(count)
    ]


TEXTS = random_texts(600)

# The patterns as first written, opening with a look-ahead or a look-behind.
PLAIN_PATTERNS = {
    "_NUMBER": re.compile(
        r"(?=\d)(?<![\w.,])(?P<int>\d{1,3}(?:(?P<sep>[ ,.\u00a0\u202f'])\d{3})(?:(?P=sep)\d{3})*"
        r"|\d+)(?:[.,](?P<frac>\d+))?(?![\d])"
        rf"(?:\s?(?P<scale>{evidence._WORDS})(?![^\W\d_])|\s?(?P<sign>{evidence._SIGNS}))?",
        re.IGNORECASE,
    ),
    "_CJK_NUMBER": re.compile("[零〇一二两三四五六七八九十百千万亿]{2,}"),
    "_ISO_DATE": re.compile(
        r"(?=\d)(?<!\d)(?:19|20)\d\d[-/.](?P<month>[01]?\d)[-/.](?P<day>[0-3]?\d)(?!\d)"
    ),
    "_DMY_DATE": re.compile(
        r"(?=\d)(?<![\d.])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?:19|20)\d\d(?!\d)"
    ),
    "_ACRONYM": re.compile(r"(?=[A-Z])(?<![\w-])[A-Z][A-Z0-9]{1,7}(?![\w-])"),
    "_NAME": re.compile(
        r"(?=[A-ZÀ-ÖØ-ÞĀ-ſ])(?:(?<=[^\W\d_] )|(?<=[^\W\d_][,;] ))"
        r"[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿā-ſ]{3,}"
    ),
}


def _found(pattern: re.Pattern[str], text: str) -> list[tuple[object, ...]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", sorted(PLAIN_PATTERNS))
def test_evidence_patterns_match_as_written_plainly(name: str) -> None:
    fast, plain = getattr(evidence, name), PLAIN_PATTERNS[name]
    for text in TEXTS:
        assert _found(fast, text) == _found(plain, text), text


def test_textual_dates_match_as_written_plainly() -> None:
    names, day_first, month_first_reversed = evidence._textual_dates()
    month = evidence._longest_first(names)
    plain_day_first = re.compile(
        rf"(?=\d)(?<!\d)(?P<day>[0-3]?\d)(?:\.|er|st|nd|rd|th)?\s+"
        rf"(?:de\s+|of\s+)?(?P<month>{month})(?![^\W\d_])"
    )
    month_first = re.compile(rf"(?<![^\W\d_])(?P<month>{month})\.?\s+(?P<day>[0-3]?\d)(?!\d)")
    for text in TEXTS:
        folded = evidence.fold_line(text)
        assert _found(day_first, folded) == _found(plain_day_first, folded)
        forwards = {(m["month"], m["day"]) for m in month_first.finditer(folded)}
        backwards = {
            (m["month"][::-1], m["day"][::-1]) for m in month_first_reversed.finditer(folded[::-1])
        }
        assert backwards == forwards, folded


def test_tokens_and_shingles_as_folded_word_by_word() -> None:
    for text in TEXTS:
        # tokenize: each token found and folded one by one, with its span in the text
        expected = [(token.term, text[token.start : token.end]) for token in tokenize(text)]
        assert list(zip(*split_tokens(text), strict=True)) == expected
        words = [term for term, _ in expected]
        sizes = [4 if len(w) == 1 and w >= "\u3005" else 3 for w in words]
        grams = {
            xxhash.xxh3_64_intdigest("\x1f".join(words[i : i + n]).encode())
            for i, n in enumerate(sizes)
            if i + n <= len(words)
        }
        if not grams and words:
            grams = {xxhash.xxh3_64_intdigest("\x1f".join(words).encode())}
        assert shingles(words) == grams


def _counts_token_by_token(table: PartyTable, text: str) -> Counter[str]:
    """``PartyTable.find`` as a plain loop: every token's candidates, longest name first."""
    terms, raws = split_tokens(text)
    counts: Counter[str] = Counter()
    after = 0
    for position, term in enumerate(terms):
        if position < after:
            continue
        for pattern in sorted(table._candidates(term), key=lambda p: -len(p.words)):
            if _matches(pattern, terms, raws, position):
                counts[pattern.party] += 1
                after = position + len(pattern.words)
                break
    return counts


def test_party_counts_as_token_by_token() -> None:
    table = party_table()
    longest_first = "UNEP and the European Union met China Three Gorges, Chiny and UE in Taicang"
    for text in [*TEXTS, longest_first]:
        assert table.find(text) == _counts_token_by_token(table, text)


@pytest.mark.parametrize("budget", [0, 1, 5, 6, 7, 30, 700])
def test_lead_cut_as_word_by_word(budget: int) -> None:
    for text in [*TEXTS, "碳中和合作 and more", "one two 碳中和", "  lead  "]:
        assert split_lead(text, budget) == _split_lead_words(text, budget), text


@pytest.mark.parametrize("language", ["en", "fr", "es", "pl", "ru", "zh", None])
def test_name_pairs_as_finditer(language: str | None) -> None:
    for _, pair in load_topics(None).pairs(language):
        for text in TEXTS:
            expected = [(m.span(), m.groups()) for m in pair.regex.finditer(text)]
            assert [(m.span(), m.groups()) for m in _phrases(pair, text)] == expected, text


def test_name_pairs_without_words_find_nothing() -> None:
    pair = name_pair([])
    assert pair.joint is None
    assert list(_phrases(pair, "Kenya and Norway")) == []
