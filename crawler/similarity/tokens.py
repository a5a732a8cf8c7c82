"""Tokens and shingles for comparing texts across sources: folded words, one CJK character
per token, traditional Chinese mapped to simplified so both scripts compare equal."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import xxhash

from crawler.hanzi import to_simplified
from crawler.tokencache import TokenCache

# Word shingles of this many tokens decide near-duplicates (Jaccard): long enough that two
# different texts on one topic share few, short enough that a small edit breaks few.
SHINGLE_WORDS = 3
# CJK text has one token per character; characters carry less than words, so more of them.
SHINGLE_CJK = 4


# Any character from the first CJK one up: most texts have none, which one regex search (a
# C loop over the text) tells five times faster than ``max(text)``.
_CJK_OR_ABOVE = re.compile("[\u3005-\U0010ffff]")


def fold_hanzi(text: str) -> str:
    """``text`` with traditional Chinese characters written in their simplified form."""
    # to_simplified changes nothing in a text without CJK (its table starts above U+3005)
    return to_simplified(text) if _CJK_OR_ABOVE.search(text) else text


# One token per character in the scripts written without spaces; words elsewhere.
_CJK = "\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_TOKEN = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")
# What _TOKEN matches in a text without CJK characters, found faster (no alternation).
_WORD = re.compile(r"[^\W_]+")
# Diacritics of Latin, Greek and Cyrillic letters (as in storage.folding); and the letters
# without a decomposition that readers still see as a base letter plus a mark.
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ı": "i", "æ": "ae",
                          "œ": "oe", "þ": "th"})
FOLDED_CACHE_SIZE = 200_000


def _fold_word(raw: str) -> str:
    return raw.casefold().translate(_LETTERS)


# Folded forms of the words seen: a text repeats most of its words, and folding each
# occurrence anew was a fifth of the signature's cost.
_FOLDED = TokenCache(_fold_word, FOLDED_CACHE_SIZE)


def is_cjk(token: str) -> bool:
    """Whether a token is one CJK character (the only single-character tokens that are not
    letters or digits of a spaced script)."""
    return len(token) == 1 and ord(token) >= 0x3005


def _plain(text: str) -> str:
    """``text`` in NFKC, Chinese simplified, Latin, Greek and Cyrillic diacritics removed."""
    if text.isascii():  # its own NFKC, NFKD and NFC, without diacritics or Chinese
        return text
    folded = unicodedata.normalize("NFKC", fold_hanzi(text))
    return unicodedata.normalize("NFC", _DIACRITICS.sub("", unicodedata.normalize("NFKD", folded)))


def split_tokens(text: str) -> tuple[list[str], list[str]]:
    """Folded tokens (accents removed, Chinese simplified), and beside them the text each
    came from, for case-sensitive matches: ``(["unep", "环"], ["UNEP", "环"])``.

    Written here rather than reusing ``storage.folding.tokenize``: that one keeps every
    token's span for search snippets and folds token by token, four times slower; this folds
    the whole text at once."""
    plain = _plain(text)
    raws = (_TOKEN if _CJK_OR_ABOVE.search(plain) else _WORD).findall(plain)
    return list(map(_FOLDED.__getitem__, raws)), raws


def tokens(text: str) -> list[str]:
    """Folded tokens: words in lower case without diacritics, CJK characters one by one."""
    return split_tokens(text)[0]


def shingles(words: list[str]) -> set[int]:
    """64-bit hashes of the token n-grams: ``SHINGLE_CJK`` characters at a time in CJK runs,
    ``SHINGLE_WORDS`` words elsewhere (a mixed text gets both)."""
    return set(_shingle_hashes(words))


def shingle_array(words: list[str]) -> np.ndarray:
    """``shingles`` as an unsorted uint64 array, possibly holding a hash twice (a repeated
    gram): enough for ``minhash.band_keys_of`` and ``pack_shingle_array``."""
    found = _shingle_hashes(words)
    return np.fromiter(found, dtype=np.uint64, count=len(found))


def _shingle_hashes(words: list[str]) -> list[int]:
    """The hash of every gram of ``shingles``: xxh3 of its words joined by "\\x1f"."""
    if not words:
        return []
    # All the words encoded in one call (a token never holds "\x1f"; checked all the same)
    encoded = "\x1f".join(words).encode().split(b"\x1f")
    if len(encoded) != len(words):
        encoded = [word.encode() for word in words]
    digest, join = xxhash.xxh3_64_intdigest, b"\x1f".join
    if max(words) < "\u3005":  # no CJK token (``is_cjk``): every gram is SHINGLE_WORDS words
        # zip and map run the loop over the grams in C, with no Python code per gram
        grams = zip(*(encoded[offset:] for offset in range(SHINGLE_WORDS)), strict=False)
        found = list(map(digest, map(join, grams)))
    else:
        count = len(words)
        sizes = [SHINGLE_CJK if len(word) == 1 and word >= "\u3005" else SHINGLE_WORDS
                 for word in words]  # is_cjk, inlined
        found = [digest(join(encoded[start : start + size]))
                 for start, size in enumerate(sizes) if start + size <= count]
    return found or [digest(join(encoded))]


def pack_shingles(hashes: set[int]) -> bytes:
    """Shingle hashes as stored for the near-duplicate check: their low 32 bits, sorted.

    Half the size of 64 bits; two texts of 2,000 shingles then share a false match once in
    a thousand comparisons, which moves their resemblance by 1/2000 at most."""
    return pack_shingle_array(np.fromiter(hashes, dtype=np.uint64, count=len(hashes)))


def pack_shingle_array(values: np.ndarray) -> bytes:
    """``pack_shingles`` of the hashes in a uint64 array (repeats allowed)."""
    return np.unique(values.astype("<u4")).tobytes()  # the low bits


def unpack_shingles(packed: bytes) -> np.ndarray:
    """The sorted, unique shingle hashes of ``pack_shingles``."""
    return np.frombuffer(packed, dtype="<u4")


def text_shingles(text: str) -> set[int]:
    """``shingles(tokens(text))``: what the near-duplicate check compares."""
    return shingles(tokens(text))
