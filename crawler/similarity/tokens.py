"""Shingles for comparing texts across sources: n-grams of the text's folded words
(``crawler.text.folding.tokens``, the terms search indexes: one token per CJK character,
traditional Chinese mapped to simplified so both scripts compare equal), hashed and packed
as the near-duplicate check stores them."""

from __future__ import annotations

import numpy as np
import xxhash

from crawler.text.folding import tokens

# Word shingles of this many tokens decide near-duplicates (Jaccard): long enough that two
# different texts on one topic share few, short enough that a small edit breaks few.
SHINGLE_WORDS = 3
# CJK text has one token per character; characters carry less than words, so more of them.
SHINGLE_CJK = 4


def is_cjk(token: str) -> bool:
    """Whether a token is one CJK character (the only single-character tokens that are not
    letters or digits of a spaced script)."""
    return len(token) == 1 and ord(token) >= 0x3005


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
        sizes = [
            SHINGLE_CJK if len(word) == 1 and word >= "\u3005" else SHINGLE_WORDS for word in words
        ]  # is_cjk, inlined
        found = [
            digest(join(encoded[start : start + size]))
            for start, size in enumerate(sizes)
            if start + size <= count
        ]
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
