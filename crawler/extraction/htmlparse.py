"""A page's HTML parsed into the lxml tree every extraction step walks.

``trafilatura.load_html`` would do, and is what runs whenever a page needs one of its repairs.
Written here because of what it costs on every page: it scans the whole decoded page with a
regex for characters XML forbids (0.47 ms of a 100 KB page, a third of the parse) and hands
lxml a ``str`` (0.2 ms slower to parse than the same page's UTF-8 bytes). Here the page is
encoded once, the forbidden characters are looked for by C loops (``bytes.translate``,
``in``), and lxml parses the bytes with trafilatura's own parser, as trafilatura's
``fromstring_bytes`` does. A page that holds a forbidden character, a doctype or ``<html/>``
that trafilatura would repair, or that parses to nothing goes through ``load_html`` itself,
so every page gets the tree trafilatura would give it.
"""

from __future__ import annotations

from lxml.html import HtmlElement, fromstring
from trafilatura import load_html
from trafilatura.utils import DOCTYPE_TAG, HTML_PARSER

# The C0 controls trafilatura removes (utils.INVALID_XML_CHARS); in UTF-8 these bytes stand
# only for themselves. Deleting every other byte leaves nothing when the page has none.
_FORBIDDEN_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_OTHER_BYTES = bytes(b for b in range(256) if b not in _FORBIDDEN_CONTROLS)
# The other characters it removes (looked for in the text: one character is found faster
# than their three UTF-8 bytes).
_FORBIDDEN_NONCHARACTERS = ("\ufffe", "\uffff")
# load_html looks at the first lines for a self-closing <html/> (utils.repair_faulty_html).
_HEAD_CHARS = 4096
_HEAD_LINES = 4


def parse_html(html: str) -> HtmlElement | None:
    """The page's tree, as ``trafilatura.load_html(html)`` gives it; None when the text is
    not HTML."""
    beginning = html[:50].lower()
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: trafilatura's path copes with it
        return load_html(html)
    if _needs_repair(html, beginning, data):
        return load_html(html)
    try:
        tree = fromstring(data, parser=HTML_PARSER)
    except Exception:  # what load_html would catch and retry: let it
        return load_html(html)
    if tree is None or len(tree) < 1:
        return load_html(html)
    if "html" not in beginning and len(tree) < 2:  # load_html's test for a dubious page
        return None
    return tree


def _needs_repair(html: str, beginning: str, data: bytes) -> bool:
    """Whether ``trafilatura.utils.repair_faulty_html`` would change the page."""
    if data.translate(None, _OTHER_BYTES):
        return True
    if any(character in html for character in _FORBIDDEN_NONCHARACTERS):
        return True
    if "doctype" in beginning and DOCTYPE_TAG.search(html.partition("\n")[0]):
        return True
    return any(
        "<html" in line and line.endswith("/>")
        for line in html[:_HEAD_CHARS].splitlines()[:_HEAD_LINES]
    )
