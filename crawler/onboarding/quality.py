"""Warnings about sampled articles: what a person adding a source should look at before
trusting it (no date, a cut-off body, page furniture in the text, a wrong encoding, an
unexpected language). Plain functions on extracted text and the page's bytes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

import ftfy
from ftfy.badness import is_bad
from lxml.etree import ParserError
from lxml.html import document_fromstring
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from crawler.extraction.blocks import weight
from crawler.onboarding.findings import SampledArticle

# Below this weight (characters other than white space, CJK thrice: about 90 English words)
# a body is probably a teaser or an extraction cut short; extraction rejects pages under 120.
SHORT_BODY_WEIGHT = 500
# Lines lighter than this are menu items, tags or captions rather than prose.
SHORT_LINE_WEIGHT = 40
SHORT_LINE_SHARE = 0.5
MIN_LINES_FOR_SHAPE = 6
# Share of the text's weight made of lines that are a link's whole text on the page.
LINK_TEXT_SHARE = 0.3
# A line this heavy found in two sampled articles is furniture, not news.
REPEATED_LINE_WEIGHT = 20
_MENU_SEPARATORS = re.compile(r"\s*[|·•»]\s*")
EXAMPLE_CHARS = 60


def assess(samples: Sequence[SampledArticle], language_hint: str | None) -> None:
    """Fill in the warnings of every sample; lines repeated across them count against all."""
    repeated = repeated_lines([s.text for s in samples])
    for sample in samples:
        sample.warnings = article_warnings(sample, language_hint, repeated)


def repeated_lines(texts: Sequence[str]) -> set[str]:
    """Lines (of some weight) that occur in more than one of ``texts``."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({line for line in _lines(text) if weight(line) >= REPEATED_LINE_WEIGHT})
    return {line for line, n in counts.items() if n > 1}


def article_warnings(
    sample: SampledArticle, language_hint: str | None, repeated: AbstractSet[str] = frozenset()
) -> list[str]:
    """Readable warnings about one extracted article, most important first."""
    warnings: list[str] = []
    if sample.published_at is None:
        warnings.append(
            "no date: none in the page's metadata, its feed or sitemap entry, "
            "or a visible date line"
        )
    if not sample.title:
        warnings.append("no title")
    body_weight = weight(sample.text)
    if body_weight < SHORT_BODY_WEIGHT:
        warnings.append(
            f"short body: {len(sample.text)} characters (a teaser, or the "
            "extraction stopped early?)"
        )
    warnings.extend(boilerplate_warnings(sample, repeated))
    warnings.extend(encoding_warnings(sample))
    if language_hint and sample.language and sample.language != language_hint:
        warnings.append(
            f"language {sample.language!r} differs from the source's hint {language_hint!r}"
        )
    return warnings


def boilerplate_warnings(sample: SampledArticle, repeated: AbstractSet[str]) -> list[str]:
    """Signs that page furniture got into the text: lines shared with other articles, a text
    made of short lines, menu-like lines, a text made of the page's link texts."""
    lines = _lines(sample.text)
    found = []
    shared = [line for line in lines if line in repeated]
    if shared:
        found.append(
            f"boilerplate suspected: {len(shared)} line(s) also in other sampled "
            f"articles, e.g. {_example(shared[0])}"
        )
    short = [line for line in lines if weight(line) < SHORT_LINE_WEIGHT]
    if len(lines) >= MIN_LINES_FOR_SHAPE and len(short) >= SHORT_LINE_SHARE * len(lines):
        found.append(
            f"boilerplate suspected: {len(short)} of {len(lines)} lines are very "
            f"short (menus, tags, captions?), e.g. {_example(short[0])}"
        )
    menus = [line for line in lines if _menu_like(line)]
    if menus:
        found.append(f"boilerplate suspected: menu-like line {_example(menus[0])}")
    share = link_text_share(lines, sample.body, sample.encoding)
    if share >= LINK_TEXT_SHARE:
        found.append(
            f"boilerplate suspected: {share:.0%} of the text is the text of links "
            "on the page (link lists, related articles?)"
        )
    return found


def encoding_warnings(sample: SampledArticle) -> list[str]:
    """Signs of a wrong encoding: replacement characters, mojibake left in the text, and an
    HTTP charset that contradicts the page's own declaration."""
    found = []
    text = f"{sample.title or ''}\n{sample.text}"
    replaced = text.count("\ufffd")
    if replaced:
        found.append(
            f"encoding suspicious: {replaced} replacement character(s) (\ufffd) in "
            f"the text, decoded as {sample.encoding}"
        )
    if is_bad(text) and ftfy.fix_encoding(text) != text:
        found.append(
            "encoding suspicious: the text looks like UTF-8 read as a single-byte "
            "encoding (mojibake)"
        )
    header = http_content_type_encoding(sample.content_type or "")
    declared = html_body_declared_encoding(sample.body)
    if header and declared and header != declared:
        found.append(
            f"encoding suspicious: the HTTP header says {header} but the page "
            f"declares {declared} (decoded as {sample.encoding})"
        )
    return found


def link_text_share(lines: Sequence[str], body: bytes, encoding: str) -> float:
    """Share of the text's weight in lines that are, whole, the text of a link on the page."""
    total = sum(weight(line) for line in lines)
    if not total or not body:
        return 0.0
    try:
        tree = document_fromstring(body.decode(encoding, errors="replace"))
    except (ParserError, ValueError, LookupError):
        return 0.0
    anchors = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    anchors.discard("")
    linked = sum(weight(line) for line in lines if line in anchors)
    return linked / total


def _menu_like(line: str) -> bool:
    parts = _MENU_SEPARATORS.split(line)
    return len(parts) >= 4 and all(0 < weight(p) < SHORT_LINE_WEIGHT for p in parts)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _example(line: str) -> str:
    return repr(line if len(line) <= EXAMPLE_CHARS else line[:EXAMPLE_CHARS] + "…")
