"""A page as readers see it: a sequence of text blocks (paragraphs, lines, list items, cells),
each with how much of its text is link text and which element holds it.

Block boundaries are block-level elements and ``<br>``, as in a browser. CJK characters weigh
three times a Latin letter in ``weight``: a Chinese sentence carries as much as an English one
three times longer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.etree import Element
from lxml.html import HtmlElement

BLOCK_TAGS = frozenset(
    (
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "form",
        "fieldset",
        "figure",
        "figcaption",
        "address",
        "center",
        "hr",
        "br",
        "details",
        "summary",
        "body",
        "html",
        "menu",
        "legend",
        "hgroup",
        "dialog",
    )
)
SILENT_TAGS = frozenset(
    (
        "script",
        "style",
        "noscript",
        "template",
        "select",
        "option",
        "textarea",
        "button",
        "input",
        "svg",
        "iframe",
        "head",
        "title",
        "meta",
        "link",
        "object",
        "embed",
        "map",
        "canvas",
        "video",
        "audio",
        "math",
    )
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WHITE = re.compile(r"\s")


def capped_text(element: HtmlElement, limit: int) -> str:
    """The element's text, spaces collapsed, read only until ``limit`` characters (a date
    line or a byline is short; the page wrapper that merely has a "meta" class is not)."""
    parts: list[str] = []
    size = 0
    for piece in element.itertext():
        parts.append(piece)
        size += len(piece)
        if size > limit:
            break
    return " ".join("".join(parts).split())


def with_attributes(
    tree: HtmlElement, attributes: tuple[str, ...] = ("class", "id")
) -> list[HtmlElement]:
    """Elements of ``tree``'s document carrying any of ``attributes``, in document order
    (what ``//*[@class or @id]`` selects). A walk asking each element: half the time of the
    XPath query, whose result elements lxml wraps one by one."""
    root = tree.getroottree().getroot()
    # A page closing </html> early can leave more elements beside the root.
    tops = [
        *reversed(list(root.itersiblings(Element, preceding=True))),
        root,
        *root.itersiblings(Element),
    ]
    found = []
    for top in tops:
        for element in top.iter(Element):
            get = element.get
            for name in attributes:
                if get(name) is not None:
                    found.append(element)
                    break
    return found


def opens_with_link(element: HtmlElement) -> bool:
    """True when ``element`` opens with a link standing on its own: the first text inside it,
    in reading order, is link text, and no text follows that link on the same line. That is
    how a teaser or a comment card starts (its title or author), and how a paragraph whose
    first words are linked does not."""
    link = _first_link(element)
    if link is None:
        return False
    node: HtmlElement | None = link
    while node is not None and node is not element and node.tag not in BLOCK_TAGS:
        if node.tail and node.tail.strip():
            return False
        node = node.getparent()
    return True


def _first_link(element: HtmlElement) -> HtmlElement | None:
    """The link holding the first text inside ``element``; None when that text is not in a
    link (or there is none)."""
    result = _first_text(element, None)
    return result if isinstance(result, HtmlElement) else None


def _first_text(element: HtmlElement, link: HtmlElement | None) -> HtmlElement | bool | None:
    # HtmlElement: the first text is in this link; False: it is outside links; None: no text
    if not isinstance(element.tag, str) or element.tag in SILENT_TAGS:
        return None
    if element.tag == "a" and link is None:
        link = element
    if element.text and element.text.strip():
        return link if link is not None else False
    for child in element:
        found = _first_text(child, link)
        if found is not None:
            return found
        if child.tail and child.tail.strip():
            return link if link is not None else False
    return None


def common_ancestor(elements: list[HtmlElement]) -> HtmlElement:
    """The deepest element containing all of ``elements`` (of one tree; at least one)."""
    path = [elements[0], *elements[0].iterancestors()]
    position = {e: i for i, e in enumerate(path)}
    deepest = 0
    for element in elements[1:]:
        for ancestor in (element, *element.iterancestors()):
            if ancestor in position:
                deepest = max(deepest, position[ancestor])
                break
    return path[deepest]


# The ASCII characters _WHITE matches. ASCII text has no CJK and its white space can be
# deleted from bytes, seven times faster than the regexes.
_ASCII_WHITE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def weight(text: str) -> int:
    """Characters other than white space, CJK counted thrice."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_WHITE))
    # str.split() cuts at the characters _WHITE matches (both are str.isspace), without a
    # string per match: twice as fast on a page's text.
    return sum(map(len, text.split())) + 2 * len(_CJK.findall(text))


@dataclass
class Block:
    """One paragraph-like run of text and where it sits in the page."""

    index: int
    text: str
    element: HtmlElement  # the nearest block-level element holding the text
    weight: int
    link_weight: int
    links: int
    score: float | None = None  # set by crawler.extraction.region

    @property
    def link_density(self) -> float:
        return self.link_weight / self.weight if self.weight else 0.0


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_parts: list[str] = []
        self.links = 0
        self.owner: HtmlElement | None = None

    def text(self, value: str | None, owner: HtmlElement, in_link: bool) -> None:
        if not value or not value.strip():
            if value and self.parts:
                self.parts.append(" ")
            return
        if self.owner is None:
            self.owner = owner
        self.parts.append(value)
        if in_link:
            self.link_parts.append(value)

    def flush(self) -> None:
        if self.parts and self.owner is not None:
            # split/join folds white space as a \s+ regex and strip() would, faster
            text = " ".join("".join(self.parts).split())
            if text:
                heavy = weight(text)
                # white space does not weigh, so the link text needs no folding
                linked = weight("".join(self.link_parts))
                self.blocks.append(
                    Block(len(self.blocks), text, self.owner, heavy, min(linked, heavy), self.links)
                )
        self.parts, self.link_parts, self.links, self.owner = [], [], 0, None


def page_blocks(root: HtmlElement) -> list[Block]:
    """The text blocks of ``root`` in document order."""
    builder = _Builder()
    _walk(root, builder, root, False)
    builder.flush()
    return builder.blocks


def _walk(element: HtmlElement, builder: _Builder, owner: HtmlElement, in_link: bool) -> None:
    """Add ``element``'s text (not its tail: that belongs to the parent) to the blocks."""
    # Recursion depth is the page's nesting depth, which lxml's parser caps well below
    # Python's recursion limit.
    tag = element.tag
    if not isinstance(tag, str) or tag in SILENT_TAGS:
        return
    is_block = tag in BLOCK_TAGS
    if is_block:
        builder.flush()
        owner = element
    if tag == "a":
        if not in_link and "".join(element.itertext()).strip():
            builder.links += 1
        in_link = True
    builder.text(element.text, owner, in_link)
    for child in element:
        _walk(child, builder, owner, in_link)
        builder.text(child.tail, owner, in_link)
    if is_block:
        builder.flush()
