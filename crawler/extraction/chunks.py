"""Articles whose body is split over look-alike sibling containers.

Some publishers cut a story into several ``<div class="article-body">`` blocks, with adverts or
newsletter boxes between them. trafilatura keeps the first block it recognises and loses the
rest. When the prose trafilatura returned sits in one such block and its look-alike siblings
(same tag and class) hold more of the region's prose, the article is all of them, and
trafilatura reads each of them in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lxml.html import HtmlElement

from crawler.extraction.blocks import Block, opens_with_link, weight

# How many ancestors above the first paragraph found to look for look-alike siblings.
MAX_CLIMB = 5
# Prose (weight) the siblings must add before they count as the rest of the article.
MIN_MISSING_PROSE = 200
# A continuation of the article is mostly text outside links.
MAX_LINK_SHARE = 0.3


def _signature(element: HtmlElement) -> tuple[str, str]:
    return element.tag, " ".join(sorted((element.get("class") or "").split()))


def _continues(element: HtmlElement) -> bool:
    """True when ``element`` reads like more of an article: it does not open with a link (a
    teaser's title) and little of its text is link text."""
    if opens_with_link(element):
        return False
    total = weight("".join(element.itertext()))
    linked = sum(weight("".join(a.itertext())) for a in element.iter("a"))
    return total > 0 and linked <= MAX_LINK_SHARE * total


def sibling_chunks(
    blocks: Sequence[Block], covered: Callable[[Block], bool], is_prose: Callable[[Block], bool]
) -> list[HtmlElement] | None:
    """The chunks of a split article, in page order, or None when it is not split.

    ``blocks`` are the region's blocks, ``covered`` tells which ones the extracted text holds
    and ``is_prose`` which ones are article prose."""
    # ``covered`` is asked once per prose block: it compares the block with the whole text
    found: list[Block] = []
    missing: list[Block] = []
    for block in blocks:
        if is_prose(block):
            (found if covered(block) else missing).append(block)
    if not found or sum(b.weight for b in missing) < MIN_MISSING_PROSE:
        return None
    # From the first paragraph found: a pull quote repeating a later paragraph must not make
    # the whole article the starting point.
    chunk = found[0].element
    for _ in range(MAX_CLIMB + 1):
        parent = chunk.getparent()
        if parent is None or chunk.tag in ("body", "html"):
            return None
        signature = _signature(chunk)
        twins = [
            c
            for c in parent
            if isinstance(c.tag, str)
            and _signature(c) == signature
            and (c is chunk or _continues(c))
        ]
        if len(twins) > 1 and signature[1]:
            inside = {e for twin in twins for e in twin.iter()}
            added = sum(b.weight for b in missing if b.element in inside)
            if added >= MIN_MISSING_PROSE:
                return twins
        chunk = parent
    return None
