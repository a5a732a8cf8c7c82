"""Authors named on the page itself, for pages whose metadata names none.

Two places: elements marked as the byline (``itemprop="author"``, ``rel="author"``, a class or
id saying author / byline / reporter), and "作者:" / "记者" / "文/" labels in the lines around
the headline. An element inside a figure is its caption, which credits the picture, not the
article. Editor-in-charge lines ("责任编辑:kj005") are never bylines, and a "name" with
digits in it is a staff code, not a person.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from lxml.html import HtmlElement

from crawler.extraction.authors import clean_authors, split_coauthors
from crawler.extraction.blocks import capped_text, with_attributes

MAX_BYLINE_CHARS = 120
MAX_NAME_CHARS = 40
_BYLINE_WORDS = re.compile(
    r"^(?:author|authors|byline|byl|writer|reporter|journalist|zuozhe|jizhe|autor|autorzy|"
    r"auteur|autore|autores|avtor|author-name|authorname)$"
)
_SPLIT_WORDS = re.compile(r"[\s_\-:.]+|(?<=[a-z])(?=[A-Z])")
# A Chinese byline label and the name after it.
_CJK_BYLINE = re.compile(
    r"(?<![责編编辑\u4e00-\u9fff])(?:作者|记者|本报记者|本網記者|本网记者|記者|文)"
    r"(?:\s*[:：/／]\s*|\s+)"
    r"([\u4e00-\u9fff]{2,4}(?:[、，,\s]+[\u4e00-\u9fff]{2,4})*)"
)
_NOT_A_NAME = re.compile(r"\d|https?:|编辑|編輯|责任|責任|来源|來源|editor|redakc", re.IGNORECASE)
_DATE_LIKE = re.compile(r"\d{1,4}[-./年]\d{1,2}[-./月]\d{1,4}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
# Separators of the names in a byline; "and", "&" and the like join co-authors only between
# two full names, which ``split_coauthors`` tells.
_SEPARATORS = re.compile(r"\s*[,;、|·•/／]\s*")
# A class on the page's wrapper ("single-author") describes the page, not a byline.
_PAGE_TAGS = frozenset(("html", "body"))
# A figure's caption credits the picture, not the article.
_CAPTION_TAGS = frozenset(("figure", "figcaption"))


def visible_authors(
    tree: HtmlElement, snippets: Sequence[str] = (), site_names: Sequence[str] = ()
) -> tuple[str, ...]:
    """Author names from the page's byline elements, else from Chinese byline labels in
    ``snippets`` (the text around the headline); () when the page names nobody. The site's own
    ``site_names`` are never an author."""
    names: list[str] = []
    for element in with_attributes(tree, ("class", "id", "itemprop", "rel")):
        if not _is_byline(element):
            continue
        text = capped_text(element, MAX_BYLINE_CHARS)
        if 1 < len(text) <= MAX_BYLINE_CHARS:
            names.extend(_names(text))
        if names:
            break
    if not names:
        for snippet in snippets:
            for match in _CJK_BYLINE.finditer(snippet):
                names.extend(re.split(r"[、，,\s]+", match.group(1)))
            if names:
                break
    return clean_authors([n for n in names if n and not _NOT_A_NAME.search(n)], site_names)


def _is_byline(element: HtmlElement) -> bool:
    if element.tag in _PAGE_TAGS:
        return False
    if element.get("itemprop") == "author" or element.get("rel") == "author":
        marked = True
    else:
        marked = _byline_words(f"{element.get('class') or ''} {element.get('id') or ''}")
    return marked and not any(a.tag in _CAPTION_TAGS for a in element.iterancestors())


@lru_cache(maxsize=4096)
def _byline_words(words: str) -> bool:
    return any(_BYLINE_WORDS.match(w.lower()) for w in _SPLIT_WORDS.split(words) if w)


def _names(text: str) -> list[str]:
    if _CJK_BYLINE.search(text):
        return [n for m in _CJK_BYLINE.finditer(text) for n in re.split(r"[、，,\s]+", m.group(1))]
    text = _DATE_LIKE.sub(" ", text)
    parts = [n.strip() for p in _SEPARATORS.split(text) for n in split_coauthors(p.strip())]
    return [p for p in parts if p and len(p) <= MAX_NAME_CHARS and not _NOT_A_NAME.search(p)]
