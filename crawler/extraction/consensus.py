"""One article body from two opinions: trafilatura's and the region finder's.

trafilatura filters paragraphs finely (captions, bylines, share prompts, inline promos) but
on portal layouts it sometimes takes the wrong block (reader comments, the footer, a teaser) or
runs on past the article into related news. The region finder (``crawler.extraction.region``) is
coarse but anchored: it starts after the headline, holds the lead, and stops where link lists
and furniture take over. So:

- where they agree, the body is trafilatura's paragraphs that lie inside the region: its fine
  filtering, without what it picked up outside the article;
- where trafilatura found only a scrap somewhere else, the region's text is the body;
- where they disagree on a full article, trafilatura is trusted.

Paragraphs are matched by their letters and digits (case, spaces and punctuation ignored), by
shared 8-character shingles, so a paragraph that one side split in two still matches.
"""

from __future__ import annotations

import math

from crawler.extraction.blocks import weight
from crawler.extraction.cleanup import comparison_key

SHINGLE = 8
# A paragraph is inside the other text when this share of its shingles is.
MIN_CONTAINED = 0.7
# They agree when this share of trafilatura's text lies inside the region.
MIN_AGREEMENT = 0.3
# trafilatura found a scrap when its text weighs less than this share of the region's prose.
SCRAP_SHARE = 0.3
# trafilatura's text without its fallbacks is trusted when this share of it lies inside the
# region and it holds this share of the region's prose (``agrees_closely``).
FAST_INSIDE = 0.9
FAST_COVERS = 0.8


def _shingles(key: str) -> set[str]:
    return {key[i : i + SHINGLE] for i in range(max(1, len(key) - SHINGLE + 1))}


class TextIndex:
    """A text to test paragraphs against: ``contains`` says whether a paragraph is in it."""

    def __init__(self, text: str) -> None:
        self.key = comparison_key(text)

    def contains(self, paragraph: str) -> bool:
        key = comparison_key(paragraph)
        if not key:
            return False
        if key in self.key:
            return True
        if len(key) < SHINGLE:
            return False
        # Each shingle looked for in the text, stopping once the answer is known: a page asks
        # this of a few paragraphs, and the set of the whole text's shingles cost more.
        mine = _shingles(key)
        allowed = len(mine) - math.ceil(MIN_CONTAINED * len(mine))  # misses that still pass
        misses = 0
        for shingle in mine:
            if shingle not in self.key:
                misses += 1
                if misses > allowed:
                    return False
        return True


def agreed_paragraphs(found: str, region: str) -> list[str]:
    """trafilatura's paragraphs (of ``found``) that lie inside the region's text."""
    inside = TextIndex(region)
    return [p for p in found.splitlines() if p.strip() and inside.contains(p)]


def agrees_closely(
    found: str, region_all: str, region_prose: int, agreed: list[str] | None = None
) -> bool:
    """Whether trafilatura's text and the region's (``region_all``, with its link lines) are
    nearly the same article: nearly all of the one inside the other, most of the region's
    prose found. trafilatura's fallback extractors could then not change the outcome.
    ``agreed``: ``agreed_paragraphs(found, region_all)`` when the caller has it."""
    total = weight(found)
    if not total:
        return False
    if agreed is None:
        agreed = agreed_paragraphs(found, region_all)
    inside = weight("".join(agreed))
    return inside >= FAST_INSIDE * total and inside >= FAST_COVERS * region_prose


def combine(
    found: str,
    region: str,
    region_prose: int,
    region_all: str | None = None,
    agreed: list[str] | None = None,
) -> str:
    """The article body from trafilatura's text ``found`` and the region's text ``region``
    (``region_prose``: the weight of its prose; ``region_all``: its text with link lines,
    which trafilatura may rightly keep), one paragraph per line. ``agreed``:
    ``agreed_paragraphs(found, region_all or region)`` when the caller has it."""
    if not region.strip():
        return found
    if not found.strip():
        return region
    if agreed is None:
        agreed = agreed_paragraphs(found, region_all or region)
    if weight("".join(agreed)) >= MIN_AGREEMENT * weight(found):
        return "\n".join(agreed)
    if weight(found) < SCRAP_SHARE * region_prose:
        return region
    return found
