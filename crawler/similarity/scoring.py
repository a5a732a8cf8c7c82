"""The two decisions, on plain data: are two texts copies of one article, and are two
articles reports of one story. The thresholds are set on the fixture sets in
``tests/data/similarity`` (``benchmarks/duplicates.py``, ``benchmarks/clusters.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from crawler.similarity.evidence import Evidence, is_year
from crawler.similarity.parties import party_table

# --- near-duplicates -----------------------------------------------------------------------
# Copies share most of their shingles (Jaccard); a copy cut short or padded with a paragraph
# is contained in the other.
MIN_JACCARD = 0.5
MIN_CONTAINMENT = 0.7
# Containment of a short text proves little: this many shingles at least.
MIN_CONTAINED_SHINGLES = 40


def _resemblance(shared: int, size_a: int, size_b: int) -> tuple[float, float]:
    if not size_a or not size_b:
        return 0.0, 0.0
    return shared / (size_a + size_b - shared), shared / min(size_a, size_b)


def _is_copy(shared: int, size_a: int, size_b: int) -> bool:
    jaccard, containment = _resemblance(shared, size_a, size_b)
    return jaccard >= MIN_JACCARD or (
        containment >= MIN_CONTAINMENT and min(size_a, size_b) >= MIN_CONTAINED_SHINGLES
    )


def resemblance(a: set[int], b: set[int]) -> tuple[float, float]:
    """(Jaccard similarity, containment of the smaller set) of two shingle sets."""
    return _resemblance(len(a & b), len(a), len(b))


def is_near_duplicate(a: set[int], b: set[int]) -> bool:
    """Whether two texts (their ``tokens.shingles``) are copies of one article."""
    return _is_copy(len(a & b), len(a), len(b))


def is_near_duplicate_packed(a: np.ndarray, b: np.ndarray) -> bool:
    """``is_near_duplicate`` on ``tokens.unpack_shingles`` arrays (sorted and unique), as
    stored: no set is built, so checking a stored candidate costs microseconds."""
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return _is_copy(shared, len(a), len(b))


# --- stories -------------------------------------------------------------------------------
# Reports of one event appear within this time of each other.
STORY_WINDOW = timedelta(days=7)
# Weights of shared evidence besides parties: a shared day is strong, a shared year weak.
WEIGHTS = {"date": 2.0, "number": 1.0, "year": 0.25, "acronym": 1.5, "name": 1.0}
# A story needs evidence beyond the parties (two reports on China and the EU are not one
# story), and enough evidence in all.
MIN_EVIDENCE = 2.0
MIN_STORY_SCORE = 4.0
# One party mentioned in passing is not shared evidence: at most this many shared parties
# count, the most specific first.
MAX_PARTIES_COUNTED = 4


@dataclass(frozen=True)
class StoryFacts:
    """What story clustering knows of one article."""

    parties: tuple[str, ...]
    evidence: Evidence = field(default_factory=Evidence)


def evidence_score(a: Evidence, b: Evidence) -> float:
    """Weighted count of the evidence two articles share, parties aside."""
    score = WEIGHTS["date"] * len(set(a.dates) & set(b.dates))
    score += sum(
        WEIGHTS["year"] if is_year(n) else WEIGHTS["number"]
        for n in set(a.numbers) & set(b.numbers)
    )
    score += WEIGHTS["acronym"] * len(set(a.acronyms) & set(b.acronyms))
    score += WEIGHTS["name"] * len(set(a.names) & set(b.names))
    return score


def party_score(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Weighted count of shared parties (rare kinds weigh more), at most ``MAX_PARTIES_COUNTED``."""
    parties = party_table().parties
    weights = sorted((parties[p].weight for p in set(a) & set(b) if p in parties), reverse=True)
    return sum(weights[:MAX_PARTIES_COUNTED])


def story_score(a: StoryFacts, b: StoryFacts) -> float:
    """How strongly two articles are one story; 0 when they are not."""
    parties = party_score(a.parties, b.parties)
    if parties == 0:
        return 0.0
    evidence = evidence_score(a.evidence, b.evidence)
    if evidence < MIN_EVIDENCE or parties + evidence < MIN_STORY_SCORE:
        return 0.0
    return parties + evidence
