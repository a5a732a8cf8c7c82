"""Simplified and traditional Chinese characters: the one reader of ``data/hanzi_pairs.txt``.

Language detection tells the scripts apart with it; relevance and near-duplicate matching map
traditional characters to simplified ones with it, so ``氣候`` and ``气候`` compare equal. Kept
apart from ``crawler.language`` so that mapping text does not load the language model.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

HANZI_FILE = Path(__file__).parent / "data" / "hanzi_pairs.txt"


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


@cache
def _to_simplified() -> dict[int, str]:
    return {ord(traditional): simplified for simplified, traditional in pairs()}


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
