"""MinHash band keys of a text, for near-duplicate candidates by equality lookups in SQL.

Written on numpy + xxhash rather than taken from datasketch: that pulls in SciPy (~143 MB)
and measured twice as slow here; the part needed is a dozen lines. Why not SimHash (the
usual first choice): on news-length texts a re-published copy with a sentence
changed lies 6 to 18 bits away from the original, far beyond the 3 bits four 16-bit bands
can find, so recall was 0.14 on the fixture set.

``BANDS`` bands of ``ROWS`` minhashes each: two texts become candidates when all the rows of
one band agree, which happens with probability 1 - (1 - J**ROWS)**BANDS for Jaccard
similarity J of their shingles: 0.97 at J = 0.45, 0.99 at J = 0.55, 0.04 at J = 0.05.
"""

from __future__ import annotations

import numpy as np
import xxhash

BANDS = 16
ROWS = 2
PERMUTATIONS = BANDS * ROWS
# Fixed multiply-shift hash functions (odd multipliers), so keys never change between runs.
_rng = np.random.default_rng(20240909)
_MULTIPLIERS = _rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(
    2
) + np.uint64(1)
_ADDENDS = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
# Band keys fit a signed 32-bit INTEGER column on every database.
_KEY_MASK = 0x7FFFFFFF


def band_keys(shingles: set[int]) -> tuple[int, ...]:
    """The ``BANDS`` keys of a text's shingle hashes (all 0 for an empty text)."""
    return band_keys_of(np.fromiter(shingles, dtype=np.uint64, count=len(shingles)))


def band_keys_of(values: np.ndarray) -> tuple[int, ...]:
    """``band_keys`` of the hashes in a uint64 array (a repeated hash changes no minimum)."""
    if not values.size:
        return (0,) * BANDS
    # One row per permutation, computed in place: no temporary arrays, and each minimum is
    # taken along a contiguous row (twice as fast as a column per permutation).
    with np.errstate(over="ignore"):  # multiply-shift hashing wraps around on purpose
        mixed = np.multiply.outer(_MULTIPLIERS, values)
        mixed += _ADDENDS[:, None]
    mixed >>= np.uint64(32)
    minimums = mixed.min(axis=1).astype(np.uint32)
    return tuple(
        xxhash.xxh3_64_intdigest(minimums[band * ROWS : (band + 1) * ROWS].tobytes()) & _KEY_MASK
        for band in range(BANDS)
    )
