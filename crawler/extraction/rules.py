"""A source's own extraction rules (``extraction:`` in the sources file), applied to one page.

Generic cleaning cannot know that one site's article body is ``div.TRS_Editor`` or that another
puts an advert in ``p.lead-promo``; these rules say so. ``drop`` selectors are removed from
the parsed page first, then ``keep`` selectors, when one matches, narrow the page to what they
match; ``drop_lines`` regexes remove whole paragraphs from the extracted text (see
``crawler.extraction.cleanup``). Selectors and regexes are validated when the sources file is
loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement, document_fromstring

from crawler.config import ExtractionRules


@cache
def _selector(css: str) -> CSSSelector:
    return CSSSelector(css, translator="html")


@cache
def _line_patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def select(tree: HtmlElement, selectors: Iterable[str]) -> list[HtmlElement]:
    """Elements matching any of ``selectors``, in document order, none inside another."""
    matched: set[HtmlElement] = set()
    for css in selectors:
        matched.update(_selector(css)(tree))
    found = []
    for element in tree.iter():
        if element in matched and not any(a in matched for a in element.iterancestors()):
            found.append(element)
    return found


def apply_tree_rules(tree: HtmlElement, rules: ExtractionRules) -> HtmlElement:
    """Remove what ``rules.drop`` matches, then keep only what ``rules.keep`` matches (when it
    matches anything); return the tree to extract from (``tree`` itself, or a new one)."""
    for element in select(tree, rules.drop):
        element.drop_tree()
    kept = select(tree, rules.keep) if rules.keep else []
    if not kept:
        return tree
    narrowed = document_fromstring("<html><body></body></html>")
    body = narrowed.find("body")
    for element in kept:
        element.tail = None
        body.append(element)  # moved, not copied: the old tree is not used again
    return narrowed


def drop_line(line: str, rules: ExtractionRules | None) -> bool:
    """True when one of the source's ``drop_lines`` regexes is found in ``line``."""
    if rules is None or not rules.drop_lines:
        return False
    return any(p.search(line) for p in _line_patterns(rules.drop_lines))
