"""Text normalisation applied to every extracted body: one paragraph per block, no furniture,
no repeats.

In order, per line: Unicode NFC and white space folded; pinyin glued after Chinese characters
removed (``環(huán)境`` -> ``環境``); anti-scraping watermarks cut out; furniture lines
(``crawler.extraction.junk``) and the source's ``drop_lines`` dropped. Then, over the whole
text: exact and near-duplicate paragraphs kept once (with the "1. New version" / "2. New
version" labels that introduce them), and a first paragraph that only repeats the title dropped.

Mojibake is repaired earlier, on the parsed page (``crawler.extraction.encoding.repair_tree``).
Kept apart from the page's extraction so the same rules apply to fresh crawls and to
``reextract``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from operator import add

from crawler.config import ExtractionRules
from crawler.extraction.blocks import weight
from crawler.extraction.junk import junk_kind, strip_watermarks
from crawler.extraction.rules import drop_line

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
# What _SPACES.sub would change: a run of two, or one white space other than " ".
_ODD_SPACE = re.compile(r"[\t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]|  ")
_ZERO_WIDTH = re.compile(r"[\u200c-\u200f\u2060\u00ad]")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A pinyin syllable in parentheses right after a Chinese character: 態(tài), 書(shū).
_PINYIN = re.compile(rf"(?<=[{_CJK}])\(([a-z{_TONED}ü]{{1,6}})\)")
_SYLLABLE = re.compile(
    r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|"
    r"iu|ua|uo|ui|ve|ue|er|a|o|e|i|u|v)$"
)
# Toneless annotations are only trusted when a text carries this many of them.
MIN_TONELESS_PINYIN = 3
_LETTER = re.compile(r"[^\W_]")
# Paragraphs sharing this share of their word-stem (or CJK character pair) set are one
# paragraph in two versions; stems are word beginnings, so inflected forms still match.
NEAR_DUPLICATE = 0.5
STEM_CHARS = 5
# Only whole paragraphs are compared: short lines of a list (a recipe, a court roll) share
# their words without being repeats. Weight: characters, CJK counted thrice.
MIN_NEAR_DUPLICATE_WEIGHT = 150
NEAR_DUPLICATE_DISTANCE = 3
# Exact repeats are dropped from about a sentence up when close to their twin, from a long
# paragraph up anywhere.
MIN_REPEAT_WEIGHT = 40
LONG_REPEAT_WEIGHT = 300
MAX_LABEL_CHARS = 40


_NOT_ALNUM = re.compile(r"[\W_]+")
# The ASCII characters _NOT_ALNUM matches: deleting them from bytes is ten times faster than
# the regex, and most keys of English pages are ASCII.
_ASCII_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())


# Half the keys asked for on a page were asked for before: a block is compared with the
# title, the lead and trafilatura's text in turn.
@lru_cache(maxsize=1024)
def comparison_key(text: str) -> str:
    """How texts are compared (a heading with a title, a block with a description, a paragraph
    with another extraction): NFKC, case-folded, pinyin annotations dropped, letters and digits
    only."""
    if not text.isascii():  # ASCII is NFKC already, and pinyin follows a Chinese character
        text = strip_pinyin(unicodedata.normalize("NFKC", text))
    text = text.casefold()
    if text.isascii():
        return text.encode("ascii").translate(None, _ASCII_NOT_ALNUM).decode("ascii")
    # White space is never a letter or digit; split() drops it in C, leaving the regex a
    # third fewer runs to cut out.
    return _NOT_ALNUM.sub("", "".join(text.split()))


def normalize_paragraph(line: str) -> str:
    """NFC, zero-width characters removed, runs of white space as one space, trimmed."""
    # Most lines need neither regex: both replace every match, even a single " " with " ".
    if line.isascii():  # NFC already, and no zero-width or Unicode spaces
        if "  " in line or "\t" in line:
            line = _SPACES.sub(" ", line)
        return line.strip()
    line = _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", line))
    if _ODD_SPACE.search(line):
        line = _SPACES.sub(" ", line)
    return line.strip()


def strip_pinyin(text: str) -> str:
    """Remove pinyin annotations glued after Chinese characters (``態(tài)`` -> ``態``).

    A syllable with a tone mark always goes; toneless ones (``(ma)``) only when the text
    has several, so ``公斤(kg)`` or a lone ``(a)`` stay."""
    if "(" not in text:  # the regex scans every position; most texts have no parenthesis
        return text
    found = [m for m in _PINYIN.finditer(text) if _is_syllable(m.group(1))]
    if not found:
        return text
    toned = [m for m in found if any(c in _TONED for c in m.group(1))]
    drop = found if len(found) >= MIN_TONELESS_PINYIN else toned
    if not drop:
        return text
    spans = {m.span() for m in drop}
    return _PINYIN.sub(lambda m: "" if m.span() in spans else m.group(0), text)


def _is_syllable(value: str) -> bool:
    plain = "".join(c for c in unicodedata.normalize("NFD", value) if not unicodedata.combining(c))
    return bool(_SYLLABLE.match(plain.replace("ü", "v")))


def clean_line(line: str) -> str:
    """One paragraph normalised, pinyin and watermarks removed."""
    return strip_watermarks(strip_pinyin(normalize_paragraph(line)))


def clean_text(text: str, title: str | None = None, rules: ExtractionRules | None = None) -> str:
    """The cleaned body (see the module docstring), paragraphs separated by a blank line."""
    paragraphs: list[str] = []
    for raw in text.splitlines():
        line = clean_line(raw)
        if not _LETTER.search(line) or junk_kind(line) or drop_line(line, rules):
            continue
        paragraphs.append(line)
    paragraphs = drop_repeats(paragraphs)
    if paragraphs and title and _same(paragraphs[0], clean_line(title)):
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs)


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def drop_repeats(paragraphs: list[str]) -> list[str]:
    """Keep each paragraph once: an exact repeat (ignoring case) within NEAR_DUPLICATE_DISTANCE
    paragraphs of its twin, or a long one anywhere; a near-duplicate (an edited second version
    of the same paragraph) as close, or anywhere when labels that differ only by their numbers
    introduce the two versions ("1. Nowa wersja" / "2. Nowa wersja"; the labels go too).
    Short lines of lists (a menu planned day by day, subheadings) may repeat, and so may the
    first paragraph: a summary that the article body repeats is not a copy-paste accident."""
    kept: list[int] = []
    first_seen: dict[str, int] = {}
    shingles: list[tuple[int, frozenset[str]]] = []
    dropped_labels: set[int] = set()
    for index, paragraph in enumerate(paragraphs):
        heavy = weight(paragraph)
        twin = first_seen.setdefault(paragraph.casefold(), index)
        if twin != index:
            close = index - twin <= NEAR_DUPLICATE_DISTANCE and twin > 0
            if heavy < MIN_REPEAT_WEIGHT or not (close or heavy >= LONG_REPEAT_WEIGHT):
                kept.append(index)
            continue
        if heavy >= MIN_NEAR_DUPLICATE_WEIGHT:
            mine = _shingles(paragraph)
            twin = next((i for i, other in shingles if _similar(mine, other)), index)
            if twin != index:
                labelled = _version_labels(paragraphs, twin - 1, index - 1)
                if labelled or index - twin <= NEAR_DUPLICATE_DISTANCE:
                    if labelled:
                        dropped_labels.update((twin - 1, index - 1))
                    continue
            shingles.append((index, mine))
        kept.append(index)
    return [paragraphs[i] for i in kept if i not in dropped_labels]


# Words (runs of \w) that do not start with a CJK character, found in one scan.
_STEM_WORD = re.compile(rf"(?<!\w)(?![{_CJK}])\w+")
_WORD = re.compile(r"\w+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
# ASCII bytes other than \w ([A-Za-z0-9_]) become spaces: then split() cuts out the words,
# twice as fast as the regex.
_ASCII_NOT_WORD = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))
_ASCII_WORD_GAPS = bytes.maketrans(_ASCII_NOT_WORD, b" " * len(_ASCII_NOT_WORD))


def _shingles(text: str) -> frozenset[str]:
    if text.isascii():  # no CJK; casefold() is lower()
        words = text.lower().encode("ascii").translate(_ASCII_WORD_GAPS).decode("ascii").split()
        return frozenset([w[:STEM_CHARS] for w in words])
    folded = text.casefold()
    chars = _CJK_CHAR.findall(text)
    if not chars:  # no word starts with CJK: every run of \w is a word
        return frozenset([w[:STEM_CHARS] for w in _WORD.findall(folded)])
    stems = [w[:STEM_CHARS] for w in _STEM_WORD.findall(folded)]
    return frozenset(stems + list(map(add, chars, chars[1:])))  # pairs of CJK characters


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    small, large = sorted((len(a), len(b)))
    if small < NEAR_DUPLICATE * large:
        return False  # the overlap is at most ``small``, the union at least ``large``
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) >= NEAR_DUPLICATE


def _version_labels(paragraphs: list[str], first: int, second: int) -> bool:
    """True when the lines before two versions of a paragraph are labels that differ only by
    their numbers."""
    if first < 0 or second <= first:
        return False
    a, b = paragraphs[first], paragraphs[second]
    if len(a) > MAX_LABEL_CHARS or len(b) > MAX_LABEL_CHARS or a == b:
        return False

    def bare(label: str) -> str:
        return re.sub(r"[\d\W_]+", " ", label.casefold()).strip()

    return bool(bare(a)) and bare(a) == bare(b)
