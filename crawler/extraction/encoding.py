"""Turn a fetched page's bytes into text, getting legacy Chinese and European encodings right,
and repair mojibake the publisher baked into the page (UTF-8 once read as windows-1252).

Order, as browsers do (w3lib's ``html_to_unicode``): byte-order mark, HTTP ``Content-Type``
charset, ``<meta>`` charset, valid UTF-8, then detection from the bytes and the URL's top-level
domain, as Firefox does (a GBK page without any declaration is common on Chinese portals). Labels
map to the Encoding Standard's encodings and decode as browsers decode them (gb2312 -> GBK, read
with GB18030's four-byte characters; big5 -> Big5-HKSCS). trafilatura ignores all of this, so it
is always handed text, never bytes.
"""

from __future__ import annotations

import re

import ftfy
from charset_normalizer import from_bytes
from ftfy.badness import is_bad
from lxml.html import HtmlElement
from w3lib.encoding import html_to_unicode, resolve_encoding, to_unicode

# UTF-8 lead bytes read as windows-1252 (Ã, Â, â, Ð, Ñ, Å) followed by a continuation byte read
# the same way: the telltale of mojibake. A cheap scan decides whether ftfy looks closer.
_MOJIBAKE_SIGN = re.compile(
    "[\u00c2\u00c3\u00c5\u00e2\u00d0\u00d1][\u0080-\u00bf\u0152\u0153\u0160\u0161"
    "\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018\u2019\u201a\u201c\u201d"
    "\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


# A page declared UTF-8 is re-detected when at least this many characters, and this share of
# its non-ASCII characters, did not decode.
MIN_UNDECODABLE = 8
UNDECODABLE_SHARE = 0.2


def detect_encoding(body: bytes) -> str | None:
    """Best guess for undeclared bytes: UTF-8 if it decodes, else charset-normalizer's pick."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    match = from_bytes(body[:200_000]).best()
    if match is None:
        return None
    return resolve_encoding(match.encoding) or match.encoding


def decode_html(
    body: bytes, content_type: str | None = None, url: str | None = None
) -> tuple[str, str]:
    """Return ``(text, encoding)`` for an HTML body, its HTTP Content-Type header and its URL
    (whose top-level domain guides detection of undeclared legacy encodings, as in Firefox)."""
    encoding, text = html_to_unicode(content_type, body, url=url)
    if encoding == "utf-8" and _mostly_undecodable(text):
        # Declared UTF-8 (by the header or <meta>) but written in GBK, windows-1252...: a
        # CMS template that says UTF-8 over legacy content. Browsers show replacement
        # characters; the bytes themselves say what they are, so detect instead.
        detected = detect_encoding(body)
        if detected and detected != "utf-8":
            return body.decode(detected, errors="replace"), detected
    return text, encoding


def decode_as(
    body: bytes, encoding: str, content_type: str | None = None, url: str | None = None
) -> tuple[str, str]:
    """Decode a stored page with the encoding found when it was fetched, as browsers decode
    it (a page labelled GBK may hold GB18030's four-byte characters); an encoding name that
    no codec knows is ignored and the page decoded afresh."""
    try:
        return to_unicode(body, encoding), encoding
    except LookupError:
        return decode_html(body, content_type, url)


def _mostly_undecodable(text: str) -> bool:
    """True when U+FFFD makes up a real share of the non-ASCII text: a wrong declaration,
    not a stray broken byte in a page that is otherwise UTF-8."""
    bad = text.count("\ufffd")
    if bad < MIN_UNDECODABLE:
        return False
    non_ascii = sum(1 for char in text if char > "\x7f")
    return bad >= UNDECODABLE_SHARE * non_ascii


# The lead characters of _MOJIBAKE_SIGN: six substring scans of a page take a twentieth of the
# time of one regex scan, and most pages hold none of them.
_MOJIBAKE_LEADS = "\u00c2\u00c3\u00c5\u00e2\u00d0\u00d1"


def might_have_mojibake(text: str) -> bool:
    """True when ``text`` shows the byte patterns of UTF-8 read as windows-1252."""
    if not any(lead in text for lead in _MOJIBAKE_LEADS):
        return False
    return _MOJIBAKE_SIGN.search(text) is not None


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as a single-byte encoding (``MalmÃ¶`` -> ``Malmö``) where ftfy can tell
    it happened; other text is returned unchanged."""
    if not text or text.isascii() or not is_bad(text):
        return text
    return ftfy.fix_encoding(text)


def repair_tree(tree: HtmlElement) -> int:
    """Repair mojibake in every text node of a parsed page, before anything reads it (the
    HTML parser keeps the C1 control characters ftfy needs; text extraction drops them).
    Return how many text nodes changed."""
    changed = 0
    for element in tree.iter():
        for attribute in ("text", "tail"):
            value = getattr(element, attribute)
            if value and might_have_mojibake(value):
                fixed = repair_mojibake(value)
                if fixed != value:
                    setattr(element, attribute, fixed)
                    changed += 1
    return changed
