"""Where on the page the article is: the best-scoring run of text blocks after the headline.

Prose blocks (long, few links) score their weight; link lines, furniture lines and short labels
score against, and so does moving between blocks far apart in the page's tree (an article's
paragraphs are siblings or cousins; the footer is not). The article is the run of consecutive
blocks with the highest total (a maximum-subarray search) that starts after the headline when
the page shows one, holds the lead (the page's description, when the body repeats it) and never
crosses a copyright notice. This finds bodies split by inline adverts, and stops where menus,
link lists and footers take over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from lxml.html import HtmlElement

from crawler.extraction.blocks import Block, common_ancestor
from crawler.extraction.cleanup import comparison_key
from crawler.extraction.junk import junk_kind

# Blocks at least this heavy are prose; between MEDIUM and PROSE only with punctuation.
PROSE_WEIGHT = 70
MEDIUM_WEIGHT = 25
MAX_LINK_DENSITY = 0.5
SHORT_PENALTY = 5.0
JUNK_PENALTY = 20.0
# Furniture lines that end an article (a "Related" heading does not: articles link to related
# stories mid-text).
STOP_KINDS = frozenset(("copyright",))
# Moving between blocks further apart in the page's tree than FREE_DISTANCE (siblings are 2
# apart) costs GAP_COST per extra level: an article's paragraphs sit together.
FREE_DISTANCE = 4
GAP_COST = 4.0
# Characters of the description that must reappear in a block for it to be the lead.
LEAD_KEY_CHARS = 30
_SENTENCE = re.compile(r"[.!?;:,。！？；：，、…»”\"')]")


@dataclass(frozen=True)
class Region:
    """A run of blocks holding the article, and the smallest element containing its prose."""

    blocks: tuple[Block, ...]
    container: HtmlElement
    score: float

    @property
    def prose_weight(self) -> int:
        return sum(b.weight - b.link_weight for b in self.blocks if block_score(b) > 0)

    def text(self, with_links: bool = False) -> str:
        """The region's blocks, one per line; link lines only when asked."""
        return "\n".join(
            b.text
            for b in self.blocks
            if with_links or not (b.links and b.link_density >= MAX_LINK_DENSITY)
        )


def block_score(block: Block) -> float:
    """How much a block speaks for being article text (negative: against): its text outside
    links minus its link text, for prose; a small penalty for short labels. Memoised on the
    block."""
    if block.score is None:
        block.score = _score(block)
    return block.score


def _score(block: Block) -> float:
    if junk_kind(block.text):
        return -float(block.weight) - JUNK_PENALTY
    unlinked = block.weight - block.link_weight
    if block.links and block.link_density >= MAX_LINK_DENSITY:
        return -float(block.link_weight - unlinked) - SHORT_PENALTY
    if unlinked >= PROSE_WEIGHT or (unlinked >= MEDIUM_WEIGHT and _SENTENCE.search(block.text)):
        return float(unlinked - block.link_weight)
    return -SHORT_PENALTY


def find_region(
    blocks: list[Block],
    headline: HtmlElement | None = None,
    title: str | None = None,
    lead: str | None = None,
) -> Region | None:
    """The article's run of blocks (see the module docstring); None when no block is prose."""
    if not blocks:
        return None
    start = _after_headline(blocks, headline, title)
    scores = [block_score(b) for b in blocks]
    gaps = _gaps(blocks)
    for block in blocks:
        if junk_kind(block.text) in STOP_KINDS:
            gaps[block.index] = float("inf")  # a run never continues into or past it
    lead_at = _lead_index(blocks, start, lead)
    if lead_at is not None:
        first, last, total = _best_run_through(scores, gaps, start, lead_at)
    else:
        first, last, total = _best_run(scores, gaps, start)
    if total <= 0 and start:
        first, last, total = _best_run(scores, gaps, 0)
    if total <= 0:
        return None
    run = blocks[first : last + 1]
    prose = [b for b in run if block_score(b) > 0] or run
    return Region(tuple(run), common_ancestor([b.element for b in prose]), total)


def _after_headline(blocks: list[Block], headline: HtmlElement | None, title: str | None) -> int:
    """Index of the first block after the headline's block, or 0 when it is not found."""
    if headline is not None:
        inside = set(headline.iter())
        for block in blocks:
            if block.element in inside:
                return block.index + 1
    if title:
        wanted = comparison_key(title)
        for block in blocks:
            if wanted and comparison_key(block.text) == wanted:
                return block.index + 1
    return 0


def _lead_index(blocks: list[Block], start: int, lead: str | None) -> int | None:
    if not lead:
        return None
    wanted = comparison_key(lead)[:LEAD_KEY_CHARS]
    if len(wanted) < LEAD_KEY_CHARS:
        return None
    for block in blocks[start:]:
        if wanted in comparison_key(block.text):
            return block.index
    return None


def _gaps(blocks: list[Block]) -> list[float]:
    """Cost of joining each block to the one before it (see GAP_COST)."""
    # Element objects, not ids: lxml makes a new proxy object per access unless one is alive.
    paths = [[*reversed([b.element, *b.element.iterancestors()])] for b in blocks]
    gaps = [0.0]
    for before, after in pairwise(paths):
        common = 0
        for x, y in zip(before, after, strict=False):
            if x is not y:
                break
            common += 1
        distance = len(before) + len(after) - 2 * common
        gaps.append(GAP_COST * max(0, distance - FREE_DISTANCE))
    return gaps


def _best_run(scores: list[float], gaps: list[float], start: int) -> tuple[int, int, float]:
    """Maximum-sum run of ``scores[start:]``, joins costing ``gaps``: (first, last, total)."""
    best = (start, start, float("-inf"))
    total, first = 0.0, start
    for index in range(start, len(scores)):
        if index == start or total - gaps[index] <= 0:
            total, first = 0.0, index
        else:
            total -= gaps[index]
        total += scores[index]
        if total > best[2]:
            best = (first, index, total)
    return best


def _best_run_through(
    scores: list[float], gaps: list[float], start: int, through: int
) -> tuple[int, int, float]:
    """Maximum-sum run of ``scores[start:]`` that contains index ``through``."""
    total, best_left, first = 0.0, float("-inf"), through
    for index in range(through, start - 1, -1):
        total += scores[index] - (gaps[index + 1] if index < through else 0.0)
        if total > best_left:
            best_left, first = total, index
    total, best_right, last = 0.0, 0.0, through
    for index in range(through + 1, len(scores)):
        total += scores[index] - gaps[index]
        if total > best_right:
            best_right, last = total, index
    return first, last, best_left + best_right
