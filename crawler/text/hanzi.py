"""Simplified and traditional Chinese characters: the one reader of ``hanzi_pairs.txt``
and of OpenCC's character table.

Language detection tells the scripts apart with our pairs (``pairs``): characters both
scripts write alike are left out of them, or they would count for the wrong side. Relevance
and near-duplicate matching map traditional characters to simplified ones (``to_simplified``)
so that ``氣候`` and ``气候`` compare equal; for that, the pairs are completed by OpenCC's
table (``TSCharacters.txt`` of the opencc-python-reimplemented package, its first choice for
each character), which covers 4,000+ characters against our 548. A mapping only has to be the
same on both sides of a comparison, so a character both scripts use may be mapped too. Kept
apart from ``crawler.extraction.language`` so that mapping text does not load the language
model, and light enough for ``crawler.text.folding``, which maps every folded word this way.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

HANZI_FILE = Path(__file__).parent / "hanzi_pairs.txt"
# Package and path of OpenCC's traditional-to-simplified character table: lines of
# "traditional<TAB>simplified [other simplified forms]".
OPENCC_PACKAGE = "opencc"
OPENCC_TABLE = ("dictionary", "TSCharacters.txt")


@cache
def pairs() -> tuple[tuple[str, str], ...]:
    """(simplified, traditional) for every character whose two forms differ."""
    found: list[tuple[str, str]] = []
    for line in HANZI_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        for pair in line.split():
            if len(pair) != 2:
                raise ValueError(f"{HANZI_FILE}: {pair!r} is not a simplified/traditional pair")
            found.append((pair[0], pair[1]))
    return tuple(found)


def opencc_pairs() -> dict[str, str]:
    """traditional -> simplified, from OpenCC's table (single characters only)."""
    table = files(OPENCC_PACKAGE).joinpath(*OPENCC_TABLE)
    found: dict[str, str] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        traditional, _, simplified = line.partition("\t")
        choices = simplified.split()
        if len(traditional) == 1 and choices and len(choices[0]) == 1:
            found[traditional] = choices[0]
    return found


@cache
def _to_simplified() -> dict[int, str]:
    table = {
        ord(traditional): simplified
        for traditional, simplified in opencc_pairs().items()
        if traditional != simplified
    }
    # Ours win where both have a character: they were checked against newsmon's texts.
    table.update((ord(traditional), simplified) for simplified, traditional in pairs())
    # A character mapped to one that is mapped again (薴 -> 苧 -> 苎) goes to the last, so
    # mapping mapped text changes nothing: search folds queries and text already folded.
    resolved: dict[int, str] = {}
    for traditional, simplified in table.items():
        seen = {traditional}
        while ord(simplified) in table and ord(simplified) not in seen:
            seen.add(ord(simplified))
            simplified = table[ord(simplified)]
        if ord(simplified) != traditional:
            resolved[traditional] = simplified
    return resolved


@cache
def traditional_characters() -> frozenset[str]:
    """Every character ``to_simplified`` changes."""
    return frozenset(map(chr, _to_simplified()))


@cache
def _first_traditional() -> str:
    """The lowest character the table maps: text below it needs no mapping."""
    return chr(min(_to_simplified(), default=0x10FFFF))


def to_simplified(text: str) -> str:
    """``text`` with traditional Chinese characters written in their simplified form."""
    # str.translate looks every character up in the table; max() finds in one C pass that
    # most texts (no CJK) cannot hold a traditional character, and skips it.
    if not text or max(text) < _first_traditional():
        return text
    return text.translate(_to_simplified())
