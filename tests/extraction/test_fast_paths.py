"""Shortcuts taken for speed give what the plain definitions give (see
``benchmarks/extraction_golden.py`` for the whole-page check): ASCII fast paths, substring
pre-checks before slow regexes, look-aheads opening regexes, cached helpers, tree walks
standing in for XPath queries."""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
from trafilatura import load_html

from crawler.demo.server import BUNDLED_SITE_ROOT
from crawler.extraction import cleanup, encoding, junk
from crawler.extraction import page as extraction
from crawler.extraction.blocks import weight, with_attributes
from crawler.extraction.consensus import MIN_CONTAINED, SHINGLE, TextIndex
from crawler.text import folding
from crawler.text.hanzi import to_simplified

# Strings that take every branch: ASCII with every white space \s knows, Unicode spaces,
# combining marks, characters whose lower case is ASCII (Kelvin sign, dotted I), full-width
# parentheses that NFKC turns into ASCII ones, pinyin annotations, watermarks, CJK.
SAMPLES = [
    "",
    " ",
    "plain ascii words, with punctuation_and_underscores!",
    "tabs\tnew\nlines\r\x0b\x0c\x1c\x1d\x1e\x1f end  ",
    "Ünïcödé   café\u00a0crème\u2003x",
    "e\u0301cole\u0300",
    "\u212aomentarz \u0130stanbul",
    "ＡＢＣ（１２）",
    "环(huán)境(jìng)保护",
    "書(shu)法(fa)家(jia)",
    "中`国`碳`排*放*交*易^网",
    "t a np ai fan g.com 新闻",
    "中文（注）",
    "Nous avons signé l'accord — « historique » …",
    "Współpraca klimatyczna 2024 r.",
    "Kontakt: press@example.org",
    "[email\u00a0protected] Contact",
    "English | Français | 中文",
    "Home / News / World / Climate / Energy",
    "© 2024 Example",
    "ß straße ǅ ﬁ",
]


def reference_comparison_key(text: str) -> str:
    folded = cleanup.strip_pinyin(unicodedata.normalize("NFKC", text)).casefold()
    return re.sub(r"[\W_]+", "", folded)


def reference_weight(text: str) -> int:
    cjk = re.findall(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]", text)
    return len(text) - len(re.findall(r"\s", text)) + 2 * len(cjk)


def reference_fold(text: str) -> str:
    # fold_line without its ASCII shortcut
    folded = to_simplified(folding._fold(text.translate(folding._separators())))
    return re.sub(r"\s+", " ", folded).strip()


@pytest.mark.parametrize("text", SAMPLES)
def test_comparison_key(text: str) -> None:
    cleanup.comparison_key.cache_clear()
    assert cleanup.comparison_key(text) == reference_comparison_key(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_weight(text: str) -> None:
    assert weight(text) == reference_weight(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_fold(text: str) -> None:
    assert folding.fold_line(text) == reference_fold(text)


def test_every_ascii_character_weighs_and_keys_as_the_regexes_say() -> None:
    every = "".join(map(chr, range(128)))
    assert weight(every) == reference_weight(every)
    assert cleanup.comparison_key(every) == reference_comparison_key(every)
    assert folding.fold_line(every) == reference_fold(every)


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
    folded = folding.fold_line(text)
    rest, found = lists.languages.subn(" ", folded)
    assert junk._is_language_menu(folded, lists) == (
        found >= 2 and not rest.strip(junk._TRIM + " ")
    )


def test_known_junk_lines_are_still_found() -> None:
    assert junk.junk_kind("Kontakt: press@example.org") == "hotline"
    assert junk.junk_kind("Contact us at [email protected] today") == "hotline"
    assert junk.junk_kind("English | Français | Deutsch") == "language_menu"
    assert junk.junk_kind("业 界/ 互联网/ 行 业/ 通 信/ 数 码") == "navigation"
    assert junk.strip_watermarks("中`国`碳`排*放*交*易^网 报道") == "报道"


@pytest.mark.parametrize("text", [*SAMPLES, "MalmÃ¶", "prefix Ã© suffix", "â€™"])
def test_mojibake_precheck(text: str) -> None:
    assert encoding.might_have_mojibake(text) == (encoding._MOJIBAKE_SIGN.search(text) is not None)


def test_shingles_and_similarity() -> None:
    for text in SAMPLES:
        words = re.findall(r"\w+", text.casefold())
        cjk = re.findall(f"[{cleanup._CJK}]", text)
        pairs = {a + b for a, b in pairwise(cjk)}
        expected = frozenset(
            [w[: cleanup.STEM_CHARS] for w in words if not re.match(f"[{cleanup._CJK}]", w)]
            + sorted(pairs)
        )
        assert cleanup._shingles(text) == expected, text
    a, b = frozenset("abcdef"), frozenset("abcxyz")
    for x, y in [(a, b), (a, a), (a, frozenset("ab")), (a, frozenset("abc")), (a, frozenset())]:
        expected = bool(x and y) and len(x & y) / len(x | y) >= cleanup.NEAR_DUPLICATE
        assert cleanup._similar(x, y) == expected


def test_with_attributes_selects_what_the_xpath_query_does() -> None:
    # a second <html> after the first one's end lands beside the root: still in the document
    page = (
        '<html><body><div class="a" id="b">x<p id="c">y</p><span hidden>z</span></div>'
        '</body></html><html><div class="zt" rel="author">w</div></html>'
    )
    tree = load_html(page)
    for names in [("class", "id"), ("class", "id", "itemprop", "rel"), ("hidden", "style")]:
        query = "//*[" + " or ".join(f"@{name}" for name in names) + "]"
        assert with_attributes(tree, names) == tree.xpath(query), names
        inner = tree.find(".//p")
        assert with_attributes(inner, names) == inner.xpath(query), names


def reference_contains(text: str, paragraph: str) -> bool:
    key, mine = cleanup.comparison_key(text), cleanup.comparison_key(paragraph)
    if not mine:
        return False
    if mine in key:
        return True
    if len(mine) < SHINGLE:
        return False
    theirs = {key[i : i + SHINGLE] for i in range(max(1, len(key) - SHINGLE + 1))}
    shingles = {mine[i : i + SHINGLE] for i in range(len(mine) - SHINGLE + 1)}
    return len(shingles & theirs) >= MIN_CONTAINED * len(shingles)


def test_text_index_contains_as_the_shingle_sets_say() -> None:
    text = "The ministers signed the climate agreement in Paris. 双方将发展合作，应对气候变化。"
    paragraphs = [
        *SAMPLES,
        text,
        "the climate agreement in Paris",
        "ministers signed XYZ",
        "The ministers signed the climate agreement in Berlin, not Paris.",
        "signed the climate agreement in Rome",
        "双方将发展合作",
        "短",
        "abcdefgh",
    ]
    # around the 70% threshold: a paragraph with a growing share of foreign words
    words = ["ministers", "signed", "the", "climate", "agreement", "in", "paris"]
    paragraphs += [" ".join(words[:k] + ["zzzz"] * (len(words) - k)) for k in range(8)]
    index = TextIndex(text)
    for paragraph in paragraphs:
        assert index.contains(paragraph) == reference_contains(text, paragraph), paragraph
    assert not TextIndex("").contains("some paragraph of text")
    assert TextIndex("short").contains("short")


@pytest.mark.parametrize("text", [*SAMPLES, "Agreed by UNEP and China, said Maria Lopez: 3,5 mln"])
def test_evidence_patterns_match_as_without_their_look_ahead(text: str) -> None:
    # the look-ahead opening each pattern only restates its first character (the evidence
    # patterns open with a character class now: tests/similarity/test_fast_equivalence.py)
    for pattern in (junk._WATERMARK,):
        plain = re.compile(re.sub(r"^\(\?=\[?[^)]*\)", "", pattern.pattern), pattern.flags)
        assert plain.pattern != pattern.pattern
        assert [m.span() for m in pattern.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]


@pytest.mark.parametrize(
    "text",
    [*SAMPLES, "a  b", " \tx", "c\u00a0d", "e\u200b \u00adf ", "\u3000g\u2003 h", "é  \u200c"],
)
def test_normalize_paragraph(text: str) -> None:
    expected = re.sub(r"[\u200c-\u200f\u2060\u00ad]", "", unicodedata.normalize("NFC", text))
    expected = re.sub(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+", " ", expected)
    assert cleanup.normalize_paragraph(text) == expected.strip()


# Every page the tests know: the fixture pages and the bundled sample site's HTML pages.
_PAGE_FILES = sorted(
    [*(Path(__file__).parent / "pages").glob("*.html"), *BUNDLED_SITE_ROOT.rglob("*.html")]
)


def _extract_all() -> list[object]:
    return [
        extraction.extract_page(
            extraction.PageInput(
                url=f"http://127.0.0.1/{path.name}",
                body=path.read_bytes(),
                content_type="text/html",
            )
        )
        for path in _PAGE_FILES
    ]


def test_skipping_trafilaturas_fallbacks_changes_no_article(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """trafilatura without readability/jusText, taken where it agrees with the region finder,
    gives what runs with the fallbacks give; and the shortcut is taken on most of these pages.
    (Taking it everywhere would pass here: on the corpora it loses 0.03 of F1, which
    ``test_corpus_scores`` catches.)"""
    real = extraction._options
    with monkeypatch.context() as patch:  # the reference: never without the fallbacks
        patch.setattr(extraction, "_options", lambda url, fast: real(url, False))
        full = _extract_all()
    calls: list[bool] = []

    def counting(url: str, fast: bool) -> object:
        calls.append(fast)
        return real(url, fast)

    monkeypatch.setattr(extraction, "_options", counting)
    assert _extract_all() == full
    skipped = calls.count(True) - calls.count(False)  # pages that never ran the fallbacks
    assert len(_PAGE_FILES) >= 20 and skipped >= len(_PAGE_FILES) // 2, calls
