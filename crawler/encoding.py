"""Turn a fetched page's bytes into text, getting legacy Chinese and European encodings right.

Order, as browsers do: byte-order mark, HTTP ``Content-Type`` charset, ``<meta>`` charset, then
detection. w3lib maps declared names to their supersets (gb2312 -> gb18030, big5 -> big5hkscs);
when nothing is declared and the bytes are not UTF-8, charset-normalizer guesses (a GBK page
without any declaration is common on Chinese portals). trafilatura ignores all of this, so it is
always handed text, never bytes.
"""

from __future__ import annotations

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode, resolve_encoding


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


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` for an HTML body and its HTTP Content-Type header."""
    encoding, text = html_to_unicode(
        content_type or "", body, default_encoding="utf-8", auto_detect_fun=detect_encoding
    )
    return text, encoding
