"""Text normalisation applied to every extracted body: one paragraph per block, no repeats.

Kept apart from extraction so the same rules apply to fresh crawls and to ``reextract``.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000\ufeff]+")


def normalize_paragraph(line: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", line)).strip()


def clean_text(text: str, title: str | None = None) -> str:
    """NFC, white space folded, empty and repeated paragraphs dropped, paragraphs split by a
    blank line; a first paragraph that only repeats the title is dropped too."""
    paragraphs: list[str] = []
    seen: set[str] = set()
    norm_title = normalize_paragraph(title).casefold() if title else None
    for raw in text.splitlines():
        line = normalize_paragraph(raw)
        if not line:
            continue
        key = line.casefold()
        if not paragraphs and key == norm_title:
            continue
        if key in seen:
            continue
        seen.add(key)
        paragraphs.append(line)
    return "\n\n".join(paragraphs)


def strip_site_name(title: str, site_name: str | None) -> str:
    """``Headline - Site`` / ``Site | Headline`` / ``Headline_Site`` -> ``Headline``."""
    title = normalize_paragraph(title)
    if not site_name:
        return title
    site = re.escape(normalize_paragraph(site_name))
    sep = r"\s*[-|–—_·:：|]\s*"
    for pattern in (rf"^(.+?){sep}{site}$", rf"^{site}{sep}(.+)$"):
        m = re.match(pattern, title, flags=re.IGNORECASE)
        if m and len(m.group(1)) >= 5:
            return m.group(1).strip()
    return title
