"""An article's headline, without the site name that ``<title>`` wraps around it.

Sources, in order of trust: a heading on the page that the ``<title>``, ``og:title`` or JSON-LD
``headline`` confirms; then ``og:title`` / ``headline``; then ``<title>`` with the site's name
cut off its start or end; then the first ``<h1>``. The page's own heading wins because it is
what readers see; meta titles are often SEO variants with a channel name glued on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.extraction.cleanup import comparison_key, strip_pinyin

# Separators between a headline and a site or channel name in <title>.
_SEPARATOR = re.compile(
    r"\s+[|\-–—·:•»«/\\]+\s+|\s*[|_｜·•»]+\s*|\s*[-–—]{2,}\s*|\s*::\s*"
    # Chinese titles glue the site name with a bare hyphen: 标题-网站名
    r"|(?<=[\u4e00-\u9fff\u3400-\u4dbf])[-–—](?=[\u4e00-\u9fff\u3400-\u4dbf])"
)
_SPACES = re.compile(r"\s+")
MAX_TITLE_CHARS = 400
# A title segment this short next to a long one is a site or channel name, not a headline.
MIN_HEADLINE_SHARE = 0.5
# Without a known site name, at most this many segments are cut from the end, each at most
# MAX_SUFFIX_CHARS long (a leading one at most MAX_PREFIX_CHARS).
MAX_BLIND_CUTS = 2
MAX_SUFFIX_CHARS = 40
MAX_PREFIX_CHARS = 30
# A heading is the headline when it covers this share of a meta title without the site name.
CONFIRMED_SHARE = 0.6


def normalize_title(value: str | None) -> str | None:
    """NFC, one space between words, pinyin glued after Chinese characters removed (as in the
    body: ``生態(tài)環(huán)境部`` -> ``生態環境部``); None when empty."""
    if not value:
        return None
    value = strip_pinyin(_SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip())
    return value or None


def element_text(element: HtmlElement) -> str:
    return _SPACES.sub(" ", "".join(element.itertext())).strip()


def strip_site_name(
    title: str, site_names: Iterable[str | None] = (), url: str | None = None
) -> str:
    """``Headline - Site`` / ``Site | Headline`` / ``Headline_Channel_Site`` -> ``Headline``.

    Segments at either end are cut while they match a known site name, the URL's domain, or
    are much shorter than the longest segment; a separator inside the headline itself (``Chiny
    – UE``) stays, because only end segments are ever cut."""
    title = normalize_title(title) or ""
    names = {comparison_key(n) for n in site_names if n and comparison_key(n)}
    if url:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        names.update(comparison_key(label) for label in host.split(".") if len(label) > 2)
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    seps = _SEPARATOR.findall(title)
    longest = max(len(p) for p in parts)

    def is_site(part: str) -> bool:
        key = comparison_key(part)
        return not key or any(
            key == n
            or (len(n) > 3 and (key.startswith(n) or key.endswith(n)))
            or (len(key) > 3 and key in n)
            for n in names
        )

    start, end = 0, len(parts)
    while end - start > 1 and is_site(parts[end - 1]):
        end -= 1
    while end - start > 1 and is_site(parts[start]):
        start += 1
    if (start, end) == (0, len(parts)) and not names:
        # No site name known: cut short end segments ("_Channel_Site") while the rest is
        # clearly the headline, then at most one short leading segment ("Site | ").
        while (
            end - start > 1
            and end > len(parts) - MAX_BLIND_CUTS
            and _short(parts[end - 1], longest, MAX_SUFFIX_CHARS)
        ):
            end -= 1
        if end == len(parts) and end - start > 1 and _short(parts[0], longest, MAX_PREFIX_CHARS):
            start += 1
    pieces = [parts[start]]
    for index in range(start + 1, end):
        pieces.append(seps[index - 1] + parts[index])
    result = "".join(pieces).strip()
    return result if len(result) >= 2 else title


def _short(part: str, longest: int, limit: int) -> bool:
    return len(part) <= MIN_HEADLINE_SHARE * longest and len(part) <= limit


def choose_title(
    tree: HtmlElement,
    meta_titles: Iterable[str | None],
    html_title: str | None,
    site_names: Iterable[str | None],
    url: str | None,
) -> str | None:
    """The article's headline (see the module docstring), or None when the page has none."""
    site_names = [n for n in site_names if n]
    metas = [t for t in (normalize_title(m) for m in meta_titles) if t]
    page_title = normalize_title(html_title)
    confirmations = [
        (comparison_key(t), comparison_key(strip_site_name(t, site_names, url)))
        for t in [*metas, page_title or ""]
        if t
    ]
    for tag in ("h1", "h2"):
        for heading in (element_text(e) for e in tree.iter(tag)):
            key = comparison_key(heading)
            if len(heading) > MAX_TITLE_CHARS or len(key) < 2:
                continue
            if any(
                key == stripped or (key in full and len(key) >= CONFIRMED_SHARE * len(stripped))
                for full, stripped in confirmations
            ):
                return strip_pinyin(heading)
    for meta in metas:
        stripped = strip_site_name(meta, site_names, url)
        if stripped:
            return stripped
    if page_title:
        return strip_site_name(page_title, site_names, url)
    first_h1 = strip_pinyin(next((element_text(e) for e in tree.iter("h1")), ""))
    return first_h1[:MAX_TITLE_CHARS] or None


def find_headline(tree: HtmlElement, title: str | None) -> HtmlElement | None:
    """The ``<h1>`` (else ``<h2>`` / ``<h3>``) showing ``title`` on the page, or None."""
    if not title:
        return None
    wanted = comparison_key(title)
    if not wanted:
        return None
    for tags in (("h1",), ("h2", "h3")):
        for element in tree.iter(*tags):
            if comparison_key(element_text(element)) == wanted:
                return element
    return None
