"""The one folding of text: what a word is and what it folds to, for full-text search, for
near-duplicate and party matching (``crawler.similarity``), and for junk lines and month names.

A word folds to NFKC, case-folded (``ß`` -> ``ss``), without the diacritics of Latin, Greek
and Cyrillic letters, with the letters that have no decomposition mapped to their base
(``ħ`` -> ``h``, ``ł`` -> ``l``, ``æ`` -> ``ae``), and with Chinese characters in their
simplified form (``crawler.text.hanzi.to_simplified``), so 氣候 and 气候 find each other;
Japanese kanji go through the same table, which changes nothing for Japanese queries since the
query is folded alike. CJK text (written without spaces) is one token per character, so any
substring can be found as a phrase.

``search_terms`` is what the search index stores (documents and queries alike, so SQLite FTS5
and PostgreSQL tsvector agree), ``tokens`` / ``split_tokens`` the same terms as a list for
similarity, and ``fold_line`` a whole line folded the same way with its punctuation kept, for
matching word lists against lines. Changing what a word folds to changes stored search rows
(they need a migration that reindexes the rows it changes, as 0009 did for the Chinese
characters) and stored shingles and bands (old articles then compare a little less alike with
new ones until they are re-extracted).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import chain
from typing import NamedTuple

from crawler.text.hanzi import to_simplified


class Token(NamedTuple):
    """A searchable token and the span of the original text it came from."""

    term: str
    start: int
    end: int


def _mark_class() -> str:
    """A regex class body of every combining mark (categories Mn, Mc, Me).

    Python's ``\\w`` has no marks, but Indic and Thai words contain them, so a word run is
    letters, numbers and marks.
    """
    ranges: list[tuple[int, int]] = []
    planes = (range(0x30000), range(0xE0000, 0xE1000))
    for plane in planes:
        for cp in plane:
            if unicodedata.category(chr(cp))[0] != "M":
                continue
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


# Scripts written without spaces (plus Hangul, for substring search in Korean): each
# character becomes its own token. Half-width kana are included because NFKC widens them.
_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # kana repeat marks
    (0x3040, 0x30FF),  # Hiragana, Katakana (with ー)
    (0x3130, 0x318F),  # Hangul compatibility Jamo
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul Jamo extended A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9D),  # half-width Katakana
    (0xFFA0, 0xFFDC),  # half-width Hangul
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)
_CJK_CLASS = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in _CJK_RANGES)
_WORD_CHAR = f"(?:[^\\W_]|[{_mark_class()}])"
_RUN = re.compile(f"{_WORD_CHAR}+")
# What _RUN matches in text without combining marks. Python's re tests a character against
# the big mark class slowly (about 1 µs each), so text is only run through _RUN when it has a
# mark at all; this plain class is C-fast and gives the same runs otherwise.
_PLAIN_RUN = re.compile(r"[^\W_]+")
# One CJK character with any (half-width) voicing mark after it, which NFKC composes into it.
_CJK_CHAR = re.compile(f"[{_CJK_CLASS}][\uff9e\uff9f\u3099\u309a]?")
# Combining marks that are diacritics on Latin, Greek and Cyrillic letters. Marks of other
# scripts (Japanese voicing marks, Indic vowel signs) change the letter and are kept.
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters with no Unicode decomposition that readers still see as a base letter plus a mark.
_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ŧ": "t",
        "ı": "i",
        "ŀ": "l",
        "ƀ": "b",
        "ɨ": "i",
        "ʉ": "u",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
# Whether a text holds one of them: translate looks every character up, a search does not.
_HAS_LETTER = re.compile("[" + "".join(chr(cp) for cp in _LETTERS) + "]")


def _fold(word: str) -> str:
    """NFKC, case-fold (``ß`` -> ``ss``), strip Latin diacritics, map undecomposable letters."""
    folded = unicodedata.normalize("NFKC", word).casefold()
    folded = _DIACRITICS.sub("", unicodedata.normalize("NFKD", folded))
    folded = unicodedata.normalize("NFC", folded)
    return folded.translate(_LETTERS) if _HAS_LETTER.search(folded) else folded


def _pieces(run: str, offset: int) -> Iterator[tuple[str, int, int]]:
    """Split a word run into CJK characters and the non-CJK stretches between them."""
    position = 0
    for match in _CJK_CHAR.finditer(run):
        if match.start() > position:
            yield run[position : match.start()], offset + position, offset + match.start()
        yield match.group(), offset + match.start(), offset + match.end()
        position = match.end()
    if position < len(run):
        yield run[position:], offset + position, offset + len(run)


@lru_cache(maxsize=200_000)
def _piece_terms(piece: str) -> tuple[str, ...]:
    """The tokens of one folded piece: folding can split it ("½" -> "1⁄2") or, rarely, yield
    CJK characters, which must still be tokens of their own; Chinese ones in simplified form."""
    return tuple(
        to_simplified(part)
        for term in _RUN.findall(_fold(piece))
        for part, _, _ in _pieces(term, 0)
    )


def _has_mark(text: str) -> bool:
    """Whether ``text`` has a combining mark (checked per distinct character, not per char)."""
    return any(
        not c.isalnum() and unicodedata.category(c)[0] == "M" for c in set(text) if ord(c) > 0x2FF
    )


def _run_pattern(text: str) -> re.Pattern[str]:
    return _RUN if not text.isascii() and _has_mark(text) else _PLAIN_RUN


def tokenize(text: str) -> Iterator[Token]:
    """The searchable tokens of ``text`` in order, each with its span in the original text."""
    for match in _run_pattern(text).finditer(text):
        run = match.group()
        if run.isascii():
            yield Token(run.lower(), match.start(), match.end())
            continue
        for piece, start, end in _pieces(run, match.start()):
            for term in _piece_terms(piece):
                yield Token(term, start, end)


def search_terms(text: str) -> str:
    """``text`` as folded tokens separated by single spaces: what the search index stores.

    >>> search_terms("La coopération Współpraca: 碳中和, 氣候!")
    'la cooperation wspolpraca 碳 中 和 气 候'
    """
    # The terms of tokenize() without their spans: this runs over every stored article
    # (crawl, reindex), and building a Token per word costs more than the folding itself.
    if text.isascii():
        return " ".join(_PLAIN_RUN.findall(text.lower()))
    # map and chain rather than a generator expression: no Python frame per word (half the
    # time of the nested generator on non-English text).
    return " ".join(chain.from_iterable(map(_run_terms, _run_pattern(text).findall(text))))


@lru_cache(maxsize=100_000)
def _run_terms(run: str) -> tuple[str, ...]:
    """The terms of one word run, as ``tokenize`` yields them (cached: words repeat)."""
    if run.isascii():
        return (run.lower(),)
    return tuple(term for piece, _, _ in _pieces(run, 0) for term in _piece_terms(piece))


def tokens(text: str) -> list[str]:
    """The terms of ``search_terms`` as a list: what similarity compares and parties match."""
    if text.isascii():
        return _PLAIN_RUN.findall(text.lower())
    return list(chain.from_iterable(map(_run_terms, _run_pattern(text).findall(text))))


def split_tokens(text: str) -> tuple[list[str], list[str]]:
    """``tokens(text)`` and beside each the stretch of ``text`` it came from, for matches that
    care about case: ``(["unep", "环"], ["UNEP", "環"])``."""
    if text.isascii():
        return _PLAIN_RUN.findall(text.lower()), _PLAIN_RUN.findall(text)
    splits = list(map(_run_split, _run_pattern(text).findall(text)))
    if not splits:
        return [], []
    # zip and chain run in C: no Python frame per word run.
    terms, raws = zip(*splits, strict=True)
    return list(chain.from_iterable(terms)), list(chain.from_iterable(raws))


@lru_cache(maxsize=100_000)
def _run_split(run: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The terms of one word run and the piece of the run each came from."""
    if run.isascii():
        return (run.lower(),), (run,)
    terms: list[str] = []
    raws: list[str] = []
    for piece, _, _ in _pieces(run, 0):
        found = _piece_terms(piece)
        terms += found
        raws += [piece] * len(found)
    return tuple(terms), tuple(raws)


@cache
def _separator_chars() -> frozenset[str]:
    """The characters of ``_separators``: most texts hold none, which a set finds in one C
    pass, where ``str.translate`` looks up every character of the text."""
    return frozenset(map(chr, _separators()))


@cache
def _separators() -> dict[int, str]:
    """Characters that are not part of a word but whose compatibility form holds one (™ ->
    "TM", № -> "No", ㍻ -> "平成"), each mapped to a space: tokenizing finds words before
    folding and leaves these out, so folding a whole text must too."""
    table: dict[int, str] = {}
    for cp in range(0x80, 0x20000):  # no compatibility decomposition lies above plane 1
        char = chr(cp)
        decomposes = unicodedata.decomposition(char) != ""
        if decomposes and not _RUN.fullmatch(char) and _RUN.search(_fold(char)):
            table[cp] = " "
    return table


def fold(text: str) -> str:
    """``text`` folded as a whole, white space and punctuation kept: its words are the terms
    of ``search_terms(text)``. One pass over the text, for callers that match word lists
    against whole lines rather than word by word."""
    if text.isascii():
        return text.lower()
    if not _separator_chars().isdisjoint(text):
        text = text.translate(_separators())
    return to_simplified(_fold(text))


def fold_line(text: str) -> str:
    """``fold(text)`` with runs of white space made single spaces and the ends stripped: the
    form junk-line word lists and month names are matched in."""
    return " ".join(fold(text).split())
