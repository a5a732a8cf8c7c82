"""Removal of page furniture from the parsed page, before the article body is looked for.

trafilatura judges link density per paragraph inside the block it picked as the article; on
div-soup and table-layout portals (Chinese, Russian and Polish regional sites especially) it
picks a wrapper that also holds province link lists, related-news lists, channel bars and reader
comments, and it renders layout tables as ``| cell | cell |`` lines. So, in this order:

1. hidden elements go (``display:none``, ``hidden``): readers never see them;
2. comment threads, cookie banners, share bars, language menus and promo boxes go, recognised
   by their class or id (in the languages these sites are written in);
3. comment threads go, recognised by their "reply" buttons, whatever their classes;
4. layout tables become plain blocks, so their cells read as paragraphs;
5. lists of look-alike items that each open with a link (teasers, related news) go;
6. blocks made mostly of links go: they are never article prose.

The first ``<h1>`` and its ancestors are never removed: a ``<body class="has-comments">`` must
not take the article with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from lxml.etree import Element
from lxml.html import HtmlElement

from crawler.blocks import capped_text, common_ancestor, opens_with_link, with_attributes
from crawler.junk import is_reply_label

LINK_BLOCKS = ("p", "li", "dd", "td", "div", "ul", "ol", "section", "aside", "nav", "table",
               "dl", "span", "font", "center", "form")
MIN_LINKS = 3
MAX_LINK_DENSITY = 0.5
# A block holding this much text outside links holds prose: never removed as a whole.
MAX_UNLINKED_CHARS = 300
# Tables whose cells hold more text than this on average, or prose blocks, lay out a page.
MAX_DATA_CELL_CHARS = 120
# Furniture named by its class (share bar, cookie banner, promo box) is never longer than this.
MAX_FURNITURE_CHARS = 1500
# A comment's own text is at least this long, beside its reply link.
MIN_COMMENT_CHARS = 15
# Most of a comment thread's text is in its comments (the rest: names, dates, votes).
MIN_THREAD_SHARE = 0.5
# Teaser lists: at least MIN_ITEMS look-alike children carrying MIN_ITEMS_SHARE of the list's
# text, MIN_LINKED_ITEMS of them opening with a link, none longer than MAX_ITEM_UNLINKED_CHARS
# outside links (longer items are more likely sections of the article itself).
MIN_ITEMS = 3
MIN_ITEMS_SHARE = 0.7
MIN_LINKED_ITEMS = 0.8
MAX_ITEM_UNLINKED_CHARS = 500

# Class / id words of containers that never hold article text. Matched on whole words of the
# lower-cased attribute split at "-", "_", ".", ":", spaces and camelCase humps.
_COMMENT_WORD = re.compile(
    # comment threads (en, pl, de, fr, es/pt, it, ru translit., zh pinyin)
    r"^(?:comments?|commentlist|commenting|comm|koment\w*|kommentar\w*|commentaires?|"
    r"comentarios?|commenti|kommentarii|pinglun|disqus|talkback|opinia|opinie)$"
)
_JUNK_WORD = re.compile(
    r"^(?:"
    # cookie and consent banners
    r"cookies?|cookiebar|consent|gdpr|cmp|"
    # share and social bars
    r"share|sharing|sharebar|social|sociable|addthis|jiathis|bshare|fenxiang|"
    # promotion inside or beside the article
    r"promo|promos|promotion|promoted|advert\w*|sponsor\w*|adsense|guanggao|reklama|werbung|"
    r"publicidad|"
    # language switchers
    r"langs|languages|langmenu|langswitch|langselect|"
    # breadcrumbs
    r"breadcrumbs?|crumbs?|"
    # newsletter prompts
    r"newsletter|subscribe|subscription"
    r")$"
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPLIT = re.compile(r"[\s_\-:.]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Elements never removed for their class: the page skeleton.
_SKELETON = frozenset(("html", "body", "main", "article", "h1"))
# Block-level elements whose presence inside a cell means the table lays out a page.
_PROSE_BLOCKS = ("p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "blockquote", "br")
_TEXTLESS = frozenset(("script", "style", "noscript", "template", "textarea", "select"))
# Containers whose children are items (teasers, related news, comment cards).
_LIST_CONTAINERS = ("div", "ul", "ol", "section", "dl", "tbody", "table", "td", "aside")
_ITEM_TAGS = frozenset(("li", "div", "article", "section", "dl", "dd", "dt", "tr", "table",
                        "ul"))


def is_junk_container(element: HtmlElement) -> bool:
    """True when the element's class or id names furniture (comments, cookies, share bars,
    promotion, language menus, breadcrumbs, newsletter prompts)."""
    return _furniture_kind(element) is not None


def _furniture_kind(element: HtmlElement) -> str | None:
    return _attribute_kind(f"{element.get('class') or ''} {element.get('id') or ''}")


@lru_cache(maxsize=8192)
def _attribute_kind(value: str) -> str | None:
    """"comments", "furniture" or None for a class and id string."""
    words = [w for w in _SPLIT.split(_CAMEL.sub(" ", value).lower()) if w]
    if any(_COMMENT_WORD.match(word) for word in words):
        return "comments"
    if any(_JUNK_WORD.match(word) for word in words):
        return "furniture"
    return None


class TextStats:
    """Non-space characters of text and of link text, and link counts, of every element of a
    tree, computed in one bottom-up pass (a per-element ``itertext`` would be quadratic)."""

    def __init__(self, root: HtmlElement) -> None:
        chars: dict[HtmlElement, int] = {}
        link_chars: dict[HtmlElement, int] = {}
        link_counts: dict[HtmlElement, int] = {}
        self.chars, self.link_chars, self.links = chars, link_chars, link_counts
        # _count inlined and each tag read once: this loop visits every element of the page.
        for element in reversed(list(root.iter(Element))):  # children before their parents
            tag = element.tag
            text = None if tag in _TEXTLESS else element.text
            own = len(text) - text.count(" ") - text.count("\n") - text.count("\t") if text else 0
            linked = links = 0
            for child in element:
                tail = child.tail
                if tail:
                    own += len(tail) - tail.count(" ") - tail.count("\n") - tail.count("\t")
                if child in chars:  # an element, counted already (a comment is not)
                    own += chars[child]
                    linked += link_chars[child]
                    links += link_counts[child]
            if tag == "a":
                linked, links = own, links + 1
            chars[element] = own
            link_chars[element] = linked
            link_counts[element] = links

    def unlinked(self, element: HtmlElement) -> int:
        return self.chars.get(element, 0) - self.link_chars.get(element, 0)

    def drop(self, element: HtmlElement) -> None:
        """Remove ``element`` from the tree, keeping its tail, and take its counts off its
        ancestors': the counts stay what a new ``TextStats`` would find, without a second
        pass over the page."""
        parent = element.getparent()
        chars, linked, links = self.chars[element], self.link_chars[element], self.links[element]
        if parent.tag in _TEXTLESS and element.getprevious() is None:
            chars += _count(element.tail)  # the tail becomes text that this parent ignores
        element.drop_tree()
        ancestor = parent
        while ancestor is not None and ancestor in self.chars:  # not above the counted root
            if ancestor.tag == "a":
                linked = chars  # all text in a link is link text
            self.chars[ancestor] -= chars
            self.link_chars[ancestor] -= linked
            self.links[ancestor] -= links
            ancestor = ancestor.getparent()


def _count(text: str | None) -> int:
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t") if text else 0


def protected_elements(tree: HtmlElement) -> set[HtmlElement]:
    """The first ``<h1>`` and its ancestors: where the article is, whatever its classes say."""
    heading = next(tree.iter("h1"), None)
    return {heading, *heading.iterancestors()} if heading is not None else set()


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    """True while ``element`` is still in the tree (not inside an element already removed)."""
    while element is not None:
        if element is root:
            return True
        element = element.getparent()
    return False


def _remove(elements: Iterable[HtmlElement], tree: HtmlElement,
            stats: TextStats | None = None) -> int:
    """Remove ``elements`` (those still in the tree), keeping ``stats`` true when given."""
    removed = 0
    for element in elements:
        if _attached(element, tree):
            if stats is not None:
                stats.drop(element)
            else:
                element.drop_tree()  # keeps the tail text, which belongs to the parent
            removed += 1
    return removed


def drop_hidden(tree: HtmlElement) -> int:
    """Remove elements a browser does not show; return how many."""
    return _remove((e for e in with_attributes(tree, ("hidden", "style"))
                    if e.tag not in ("html", "body")
                    and (e.get("hidden") is not None
                         or _HIDDEN_STYLE.search(e.get("style") or ""))), tree)


def drop_junk_containers(tree: HtmlElement, keep: Iterable[HtmlElement] = ()) -> int:
    """Remove elements whose class or id names furniture (see ``is_junk_container``), except
    the skeleton and ``keep``; return how many. A share bar, a cookie banner or a promo box is
    short: a long element whose class merely contains such a word ("section-social") is kept
    (comment threads may be long, and go whatever their length)."""
    protected = set(keep)
    doomed = []
    for element in with_attributes(tree):
        if element.tag in _SKELETON or element in protected:
            continue
        kind = _furniture_kind(element)
        if kind == "comments" or (
                kind == "furniture" and len(capped_text(element, MAX_FURNITURE_CHARS))
                <= MAX_FURNITURE_CHARS):
            doomed.append(element)
    return _remove(doomed, tree)


def drop_comment_threads(tree: HtmlElement, keep: Iterable[HtmlElement] = (),
                         stats: TextStats | None = None) -> int:
    """Remove reader comments found by their "reply" links (two or more on the page): the
    smallest element around each reply link that holds text of its own is a comment, and
    their common ancestor is the thread when comments make most of its text. Return how many
    elements were removed; ``stats`` stays true."""
    links = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").lower()
        # most links hold only text: their label is a.text, without an itertext generator
        label = "".join(a.itertext()) if len(a) else a.text or ""
        if "replytocom" in href or href.endswith("#respond") or is_reply_label(label):
            links.append(a)
    if len(links) < 2:
        return 0
    protected = set(keep)
    stats = stats or TextStats(tree)
    comments: list[HtmlElement] = []
    for link in links:
        item = link.getparent()
        while (item is not None and item.tag not in ("body", "html")
               and stats.chars[item] - stats.chars[link] < MIN_COMMENT_CHARS):
            item = item.getparent()
        if item is not None and item.tag not in ("body", "html") and item not in protected:
            comments.append(item)
    if not comments:
        return 0
    thread = common_ancestor(comments)
    in_comments = sum(stats.chars[c] for c in set(comments))
    if (thread.tag not in ("body", "html") and thread not in protected
            and in_comments >= MIN_THREAD_SHARE * stats.chars[thread]):
        return _remove([thread], tree, stats)
    return _remove(comments, tree, stats)


def unwrap_layout_tables(tree: HtmlElement) -> int:
    """Turn layout tables into nested ``div`` blocks; return how many tables were unwrapped.

    A table is a data table when it has a caption, header cells or a summary, or when it is a
    grid of at least 2x2 short cells without prose blocks in them; any other table lays out
    the page, and trafilatura would print its cells as ``| a | b |`` rows."""
    unwrapped = 0
    for table in reversed(list(tree.iter("table"))):  # inner tables first
        if _is_data_table(table):
            continue
        parts = [e for e in table.iter("tbody", "thead", "tfoot", "tr", "td", "th")
                 if _nearest_table(e) is table]
        for element in [table, *parts]:
            element.tag = "div"
            for name in ("width", "height", "align", "valign", "colspan", "rowspan"):
                element.attrib.pop(name, None)
        unwrapped += 1
    return unwrapped


def _is_data_table(table: HtmlElement) -> bool:
    if table.get("role") == "presentation":
        return False
    if table.find(".//caption") is not None or table.get("summary"):
        return True
    rows = [tr for tr in table.iter("tr") if _nearest_table(tr) is table]
    if len(rows) < 2:
        return False
    cells = [c for tr in rows for c in tr if c.tag in ("td", "th")]
    if any(c.tag == "th" for c in cells):
        return not _holds_prose(cells)
    columns = max(sum(1 for c in tr if c.tag in ("td", "th")) for tr in rows)
    if columns < 2 or _holds_prose(cells):
        return False
    text = sum(len("".join(c.itertext()).strip()) for c in cells)
    return text / max(len(cells), 1) <= MAX_DATA_CELL_CHARS


def _holds_prose(cells: list[HtmlElement]) -> bool:
    for cell in cells:
        for block in cell.iter(*_PROSE_BLOCKS):
            if block is cell:
                continue
            if block.tag in ("table", "p", "div") or len("".join(cell.itertext())) > 200:
                return True
    return False


def _nearest_table(element: HtmlElement) -> HtmlElement | None:
    return next(element.iterancestors("table"), None)


def drop_teaser_lists(tree: HtmlElement, keep: Iterable[HtmlElement] = (),
                      stats: TextStats | None = None) -> int:
    """Remove lists of look-alike items that each open with a link (related news, teasers
    with a snippet, "more from this section", comment cards led by their author's link):
    MIN_ITEMS or more children with the same tag and class holding most of their parent's
    text. A list whose items open with prose (a listicle, an article's bullet points) stays.
    Return how many lists were removed; ``stats`` stays true."""
    protected = set(keep)
    stats = stats or TextStats(tree)
    lists = []
    for element in tree.iter(*_LIST_CONTAINERS):
        if element in protected or not stats.chars.get(element):
            continue
        items: dict[tuple[str, str], list[HtmlElement]] = {}
        for child in element:
            if isinstance(child.tag, str) and child.tag in _ITEM_TAGS:
                items.setdefault((child.tag, child.get("class") or ""), []).append(child)
        if not items:
            continue
        group = max(items.values(), key=len)
        if len(group) < MIN_ITEMS or any(item in protected for item in group):
            continue
        text = sum(stats.chars[i] for i in group)
        if (text >= MIN_ITEMS_SHARE * stats.chars[element]
                and max(stats.unlinked(i) for i in group) <= MAX_ITEM_UNLINKED_CHARS
                and sum(map(opens_with_link, group)) >= MIN_LINKED_ITEMS * len(group)):
            lists.append(element)
    return _remove(lists, tree, stats)


def prune_link_blocks(tree: HtmlElement, keep: Iterable[HtmlElement] = (),
                      stats: TextStats | None = None) -> int:
    """Remove blocks of at least MIN_LINKS links whose text is mostly link text; return how
    many were removed. Outer blocks are judged first, so a link list goes with its heading,
    while a block with real prose in it is kept and only its inner lists are removed."""
    stats = stats or TextStats(tree)
    protected = set(keep)
    linky = []
    for element in tree.iter(*LINK_BLOCKS):
        if element in protected or stats.links.get(element, 0) < MIN_LINKS:
            continue
        total, linked = stats.chars[element], stats.link_chars[element]
        if total and linked / total >= MAX_LINK_DENSITY and total - linked < MAX_UNLINKED_CHARS:
            linky.append(element)
    return _remove(linky, tree)


def clean_tree(tree: HtmlElement) -> None:
    """All of the above, in order, in place."""
    keep = protected_elements(tree)
    drop_hidden(tree)
    drop_junk_containers(tree, keep)
    # One count of the page's text serves the three steps that need it: each keeps it true
    # as it removes elements, and unwrapping tables only renames them.
    stats = TextStats(tree)
    drop_comment_threads(tree, keep, stats)
    unwrap_layout_tables(tree)
    drop_teaser_lists(tree, keep, stats)
    prune_link_blocks(tree, keep, stats)
