"""Pruning of page furniture that trafilatura keeps on portal layouts, before it runs.

trafilatura judges link density per paragraph inside the block it picked as the article; on
div-soup portals (Chinese regional sites especially) it picks a wrapper that also holds province
link lists, related-news lists and channel bars. Blocks made mostly of links are never article
prose, so they are removed from the tree first.
"""

from __future__ import annotations

from lxml.html import HtmlElement

BLOCKS = ("p", "li", "dd", "td", "div", "ul", "ol", "section", "aside", "nav", "table", "dl")
MIN_LINKS = 3
MAX_LINK_DENSITY = 0.5
# A block holding this much text outside links holds prose: never removed as a whole.
MAX_UNLINKED_CHARS = 300


def _chars(element: HtmlElement) -> int:
    """Non-space characters of an element's text."""
    return sum(len(part) for part in "".join(element.itertext()).split())


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    while element is not None:
        if element is root:
            return True
        element = element.getparent()
    return False


def prune_link_blocks(tree: HtmlElement) -> int:
    """Remove blocks of at least MIN_LINKS links whose text is mostly link text; return how
    many were removed. Outer blocks are judged first, so a link list goes with its heading,
    while a block with real prose in it is kept and only its inner lists are removed."""
    removed = 0
    for element in list(tree.iter(*BLOCKS)):
        if not _attached(element, tree):
            continue  # inside a block already removed
        links = element.findall(".//a")
        if len(links) < MIN_LINKS:
            continue
        total = _chars(element)
        linked = sum(_chars(a) for a in links)
        if total and linked / total >= MAX_LINK_DENSITY and total - linked < MAX_UNLINKED_CHARS:
            element.drop_tree()
            removed += 1
    return removed
