"""Shortcuts taken for speed give what the plain definitions give (see
``benchmarks/extraction_golden.py`` for the whole-page check): ASCII fast paths, substring
pre-checks before slow regexes, cached helpers."""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

import pytest

from crawler import cleanup, encoding, junk
from crawler.blocks import weight

# Strings that take every branch: ASCII with every white space \s knows, Unicode spaces,
# combining marks, characters whose lower case is ASCII (Kelvin sign, dotted I), full-width
# parentheses that NFKC turns into ASCII ones, pinyin annotations, watermarks, CJK.
SAMPLES = [
    "", " ", "plain ascii words, with punctuation_and_underscores!",
    "tabs\tnew\nlines\r\x0b\x0c\x1c\x1d\x1e\x1f end  ", "Ünïcödé   café\u00a0crème\u2003x",
    "e\u0301cole\u0300", "\u212aomentarz \u0130stanbul", "ＡＢＣ（１２）", "环(huán)境(jìng)保护",
    "書(shu)法(fa)家(jia)", "中`国`碳`排*放*交*易^网", "t a np ai fan g.com 新闻", "中文（注）",
    "Nous avons signé l'accord — « historique » …", "Współpraca klimatyczna 2024 r.",
    "Kontakt: press@example.org", "[email\u00a0protected] Contact", "English | Français | 中文",
    "Home / News / World / Climate / Energy", "© 2024 Example", "ß straße ǅ ﬁ",
]


def reference_comparison_key(text: str) -> str:
    folded = cleanup.strip_pinyin(unicodedata.normalize("NFKC", text)).casefold()
    return re.sub(r"[\W_]+", "", folded)


def reference_weight(text: str) -> int:
    cjk = re.findall(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]",
                     text)
    return len(text) - len(re.findall(r"\s", text)) + 2 * len(cjk)


def reference_fold(text: str) -> str:
    decomposed = re.sub(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]",
                        "", unicodedata.normalize("NFKD", text.casefold()))
    return re.sub(r"\s+", " ", decomposed).strip()


@pytest.mark.parametrize("text", SAMPLES)
def test_comparison_key(text: str) -> None:
    cleanup.comparison_key.cache_clear()
    assert cleanup.comparison_key(text) == reference_comparison_key(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_weight(text: str) -> None:
    assert weight(text) == reference_weight(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_fold(text: str) -> None:
    assert junk.fold(text) == reference_fold(text)


def test_every_ascii_character_weighs_and_keys_as_the_regexes_say() -> None:
    every = "".join(map(chr, range(128)))
    assert weight(every) == reference_weight(every)
    assert cleanup.comparison_key(every) == reference_comparison_key(every)
    assert junk.fold(every) == reference_fold(every)


@pytest.mark.parametrize("text", SAMPLES)
def test_watermarks_and_junk_lines(text: str) -> None:
    # the pre-checks skip the regexes only where they cannot match
    watermark = junk._WATERMARK.sub(junk._drop_watermark, text)
    cjk = bool(re.search(f"[{junk._CJK}]", text))
    expected = junk._SPLIT_DOMAIN.sub(lambda m: junk._drop_domain(m, cjk, text), watermark)
    if expected != text:
        expected = junk._SPACES.sub(" ", junk._AROUND_CUT.sub(junk._join_cut, expected)).strip()
    assert junk.strip_watermarks(text) == (expected if text else text)
    lists = junk._lists()
    folded = junk.fold(text)
    rest, found = lists.languages.subn(" ", folded)
    assert junk._is_language_menu(folded, lists) == (
        found >= 2 and not rest.strip(junk._TRIM + " "))


def test_known_junk_lines_are_still_found() -> None:
    assert junk.junk_kind("Kontakt: press@example.org") == "hotline"
    assert junk.junk_kind("Contact us at [email protected] today") == "hotline"
    assert junk.junk_kind("English | Français | Deutsch") == "language_menu"
    assert junk.junk_kind("业 界/ 互联网/ 行 业/ 通 信/ 数 码") == "navigation"
    assert junk.strip_watermarks("中`国`碳`排*放*交*易^网 报道") == "报道"


@pytest.mark.parametrize("text", [*SAMPLES, "MalmÃ¶", "prefix Ã© suffix", "â€™"])
def test_mojibake_precheck(text: str) -> None:
    assert encoding.might_have_mojibake(text) == (
        encoding._MOJIBAKE_SIGN.search(text) is not None)


def test_shingles_and_similarity() -> None:
    for text in SAMPLES:
        words = re.findall(r"\w+", text.casefold())
        cjk = re.findall(f"[{cleanup._CJK}]", text)
        pairs = {a + b for a, b in pairwise(cjk)}
        expected = frozenset([w[:cleanup.STEM_CHARS] for w in words
                              if not re.match(f"[{cleanup._CJK}]", w)] + sorted(pairs))
        assert cleanup._shingles(text) == expected, text
    a, b = frozenset("abcdef"), frozenset("abcxyz")
    for x, y in [(a, b), (a, a), (a, frozenset("ab")), (a, frozenset("abc")), (a, frozenset())]:
        expected = bool(x and y) and len(x & y) / len(x | y) >= cleanup.NEAR_DUPLICATE
        assert cleanup._similar(x, y) == expected
