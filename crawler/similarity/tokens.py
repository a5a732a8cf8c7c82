"""Tokens and shingles for comparing texts across sources: folded words, one CJK character
per token, traditional Chinese mapped to simplified so both scripts compare equal."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import xxhash

from crawler.hanzi import to_simplified

# Word shingles of this many tokens decide near-duplicates (Jaccard): long enough that two
# different texts on one topic share few, short enough that a small edit breaks few.
SHINGLE_WORDS = 3
# CJK text has one token per character; characters carry less than words, so more of them.
SHINGLE_CJK = 4


def fold_hanzi(text: str) -> str:
    """``text`` with traditional Chinese characters written in their simplified form."""
    return to_simplified(text)


# One token per character in the scripts written without spaces; words elsewhere.
_CJK = "\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_TOKEN = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")
# Diacritics of Latin, Greek and Cyrillic letters (as in storage.folding); and the letters
# without a decomposition that readers still see as a base letter plus a mark.
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ı": "i", "æ": "ae",
                          "œ": "oe", "þ": "th"})
# Folded forms of the words seen (cleared when full): a text repeats most of its words, and
# folding each occurrence anew was a fifth of the signature's cost.
_FOLDED: dict[str, str] = {}
FOLDED_CACHE_SIZE = 200_000


def _fold_word(raw: str) -> str:
    folded = raw.casefold().translate(_LETTERS)
    if len(_FOLDED) >= FOLDED_CACHE_SIZE:
        _FOLDED.clear()
    _FOLDED[raw] = folded
    return folded


def is_cjk(token: str) -> bool:
    """Whether a token is one CJK character (the only single-character tokens that are not
    letters or digits of a spaced script)."""
    return len(token) == 1 and ord(token) >= 0x3005


def raw_tokens(text: str) -> list[tuple[str, str]]:
    """Folded tokens with the text each came from (accents removed, Chinese simplified), for
    case-sensitive matches: ``[("unep", "UNEP"), ("环", "环"), ...]``.

    Written here rather than reusing ``storage.folding.tokenize``: that one keeps every
    token's span for search snippets and folds token by token, four times slower; this folds
    the whole text at once."""
    folded = unicodedata.normalize("NFKC", fold_hanzi(text))
    plain = unicodedata.normalize("NFC", _DIACRITICS.sub("", unicodedata.normalize("NFKD", folded)))
    known = _FOLDED.get  # a folded word is never empty, so ``or`` only misses unknown ones
    return [(known(raw) or _fold_word(raw), raw) for raw in _TOKEN.findall(plain)]


def tokens(text: str) -> list[str]:
    """Folded tokens: words in lower case without diacritics, CJK characters one by one."""
    return [term for term, _ in raw_tokens(text)]


def shingles(words: list[str]) -> set[int]:
    """64-bit hashes of the token n-grams: ``SHINGLE_CJK`` characters at a time in CJK runs,
    ``SHINGLE_WORDS`` words elsewhere (a mixed text gets both)."""
    # Each token encoded once and the grams joined as bytes: the same hashes as hashing
    # "\x1f".join(gram).encode(), for less (this runs on every stored text).
    encoded = [word.encode() for word in words]
    count = len(words)
    digest, join = xxhash.xxh3_64_intdigest, b"\x1f".join
    sizes = [SHINGLE_CJK if len(word) == 1 and word >= "\u3005" else SHINGLE_WORDS
             for word in words]  # is_cjk, inlined
    found = {digest(join(encoded[start : start + size]))
             for start, size in enumerate(sizes) if start + size <= count}
    if not found and words:
        found.add(digest(b"\x1f".join(encoded)))
    return found


def pack_shingles(hashes: set[int]) -> bytes:
    """Shingle hashes as stored for the near-duplicate check: their low 32 bits, sorted.

    Half the size of 64 bits; two texts of 2,000 shingles then share a false match once in
    a thousand comparisons, which moves their resemblance by 1/2000 at most."""
    values = np.fromiter(hashes, dtype=np.uint64, count=len(hashes)).astype("<u4")  # low bits
    return np.unique(values).tobytes()


def unpack_shingles(packed: bytes) -> np.ndarray:
    """The sorted, unique shingle hashes of ``pack_shingles``."""
    return np.frombuffer(packed, dtype="<u4")


def text_shingles(text: str) -> set[int]:
    """``shingles(tokens(text))``: what the near-duplicate check compares."""
    return shingles(tokens(text))
