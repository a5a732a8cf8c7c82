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

from crawler.extraction.blocks import capped_text, common_ancestor, opens_with_link
from crawler.extraction.junk import is_reply_label

LINK_BLOCKS = (
    "p",
    "li",
    "dd",
    "td",
    "div",
    "ul",
    "ol",
    "section",
    "aside",
    "nav",
    "table",
    "dl",
    "span",
    "font",
    "center",
    "form",
)
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
_COMMENT_WORDS = (
    # comment threads (en, pl, de, fr, es/pt, it, ru translit., zh pinyin)
    r"comments?|commentlist|commenting|comm|koment\w*|kommentar\w*|commentaires?|"
    r"comentarios?|commenti|kommentarii|pinglun|disqus|talkback|opinia|opinie"
)
_JUNK_WORDS = (
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
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# A whole word: between separators or the ends of the value. One search of the value instead
# of a split and a match per word. A match of "koment\w*" may run on over "_" into the next
# word, but it then starts a word that matches on its own.
_SEPARATORS = r"\s_\-:."
_COMMENT_WORD = re.compile(rf"(?<![^{_SEPARATORS}])(?:{_COMMENT_WORDS})(?![^{_SEPARATORS}])")
# Either kind of word; group 1 is set when the word found first names comments.
_NAMED_WORD = re.compile(
    rf"(?<![^{_SEPARATORS}])(?:({_COMMENT_WORDS})|{_JUNK_WORDS})(?![^{_SEPARATORS}])"
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Elements never removed for their class: the page skeleton.
_SKELETON = frozenset(("html", "body", "main", "article", "h1"))
# Block-level elements whose presence inside a cell means the table lays out a page.
_PROSE_BLOCKS = ("p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "blockquote", "br")
_LAYOUT_ATTRIBUTES = frozenset(("width", "height", "align", "valign", "colspan", "rowspan"))
_TEXTLESS = frozenset(("script", "style", "noscript", "template", "textarea", "select"))
# Containers whose children are items (teasers, related news, comment cards).
_LIST_CONTAINERS = ("div", "ul", "ol", "section", "dl", "tbody", "table", "td", "aside")
_ITEM_TAGS = frozenset(("li", "div", "article", "section", "dl", "dd", "dt", "tr", "table", "ul"))


def is_junk_container(element: HtmlElement) -> bool:
    """True when the element's class or id names furniture (comments, cookies, share bars,
    promotion, language menus, breadcrumbs, newsletter prompts)."""
    return _furniture_kind(element) is not None


def _furniture_kind(element: HtmlElement) -> str | None:
    return _names_kind(element.get("class"), element.get("id"))


def _names_kind(class_: str | None, id_: str | None) -> str | None:
    """ "comments" when the class or the id names a comment thread, else "furniture" when
    either names furniture, else None."""
    # Judged one attribute at a time (words never span the two): the cache then holds class
    # values, which repeat from page to page, apart from ids, which often do not.
    kind = _attribute_kind(class_) if class_ else None
    if id_ and kind != "comments":
        kind = _attribute_kind(id_) or kind
    return kind


@lru_cache(maxsize=8192)
def _attribute_kind(value: str) -> str | None:
    """ "comments", "furniture" or None for a class or id value."""
    # most values are lower case already: no camelCase hump to split
    text = (value if value.islower() else _CAMEL.sub(" ", value)).lower()
    found = _NAMED_WORD.search(text)
    if found is None:
        return None
    # a comment word may follow the furniture word found first
    return "comments" if found.group(1) is not None or _COMMENT_WORD.search(text) else "furniture"


class _Marked:
    """What the first steps of ``clean_tree`` look for, found in one walk over the page before
    anything is removed (a walk per step asked every element for its attributes again):
    the first ``<h1>``, the elements that may be hidden, and those whose class or id names
    furniture (with its kind). Elements a step removes take those inside them along; the
    later steps skip those (``_remove`` only removes what is still in the tree)."""

    def __init__(self, tree: HtmlElement) -> None:
        heading = None
        styled: list[HtmlElement] = []
        named: list[tuple[HtmlElement, str]] = []
        for element in tree.iter(Element):
            get = element.get
            class_, id_ = get("class"), get("id")
            if class_ or id_:  # an empty class or id names nothing
                kind = _names_kind(class_, id_)
                if kind is not None:
                    named.append((element, kind))
            if get("hidden") is not None or get("style") is not None:
                styled.append(element)
            if heading is None and element.tag == "h1":
                heading = element
        self.heading, self.styled, self.named = heading, styled, named


class TextStats:
    """Non-space characters of text and of link text, and link counts, of every element of a
    tree, computed in one bottom-up pass (a per-element ``itertext`` would be quadratic); and
    the tree's links (``<a>``) in document order, as counted (some may have been dropped since:
    see ``_attached``)."""

    def __init__(self, root: HtmlElement) -> None:
        chars: dict[HtmlElement, int] = {}
        link_chars: dict[HtmlElement, int] = {}
        link_counts: dict[HtmlElement, int] = {}
        anchors: list[HtmlElement] = []
        self.chars, self.link_chars, self.links = chars, link_chars, link_counts
        # _count inlined and each tag read once: this loop visits every element of the page.
        for element in reversed(list(root.iter(Element))):  # children before their parents
            tag = element.tag
            text = None if tag in _TEXTLESS else element.text
            own = len(text) - text.count(" ") - text.count("\n") - text.count("\t") if text else 0
            linked = links = 0
            if len(element):  # about half the elements are leaves: no iterator for those
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
                anchors.append(element)
            chars[element] = own
            link_chars[element] = linked
            link_counts[element] = links
        anchors.reverse()
        self.anchors = anchors

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
    return _with_ancestors(next(tree.iter("h1"), None))


def _with_ancestors(heading: HtmlElement | None) -> set[HtmlElement]:
    return {heading, *heading.iterancestors()} if heading is not None else set()


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    """True while ``element`` is still in the tree (not inside an element already removed)."""
    while element is not None:
        if element is root:
            return True
        element = element.getparent()
    return False


def _remove(
    elements: Iterable[HtmlElement], tree: HtmlElement, stats: TextStats | None = None
) -> int:
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


def _drop_hidden(tree: HtmlElement, styled: list[HtmlElement]) -> int:
    """Remove the elements of ``styled`` a browser does not show (a ``hidden`` attribute or a
    hiding inline style); return how many."""
    return _remove(
        (
            e
            for e in styled
            if e.tag not in ("html", "body")
            and (e.get("hidden") is not None or _HIDDEN_STYLE.search(e.get("style") or ""))
        ),
        tree,
    )


def drop_junk_containers(tree: HtmlElement, keep: Iterable[HtmlElement] = ()) -> int:
    """Remove elements whose class or id names furniture (see ``is_junk_container``), except
    the skeleton and ``keep``; return how many. A share bar, a cookie banner or a promo box is
    short: a long element whose class merely contains such a word ("section-social") is kept
    (comment threads may be long, and go whatever their length)."""
    return _drop_junk(tree, _Marked(tree).named, set(keep))


def _drop_junk(
    tree: HtmlElement, named: list[tuple[HtmlElement, str]], protected: set[HtmlElement]
) -> int:
    doomed = [
        element
        for element, kind in named
        if element.tag not in _SKELETON
        and element not in protected
        and (
            kind == "comments"
            or len(capped_text(element, MAX_FURNITURE_CHARS)) <= MAX_FURNITURE_CHARS
        )
    ]
    return _remove(doomed, tree)


def drop_comment_threads(
    tree: HtmlElement, keep: Iterable[HtmlElement] = (), stats: TextStats | None = None
) -> int:
    """Remove reader comments found by their "reply" links (two or more on the page): the
    smallest element around each reply link that holds text of its own is a comment, and
    their common ancestor is the thread when comments make most of its text. Return how many
    elements were removed; ``stats`` stays true."""
    stats = stats or TextStats(tree)
    # The links as counted, not tree.iter("a"): a second walk over the page. Those dropped
    # since are left out, which only reply links, a few on a page, need to be asked.
    links = [a for a in stats.anchors if _is_reply_link(a) and _attached(a, tree)]
    if len(links) < 2:
        return 0
    protected = set(keep)
    comments: list[HtmlElement] = []
    for link in links:
        item = link.getparent()
        while (
            item is not None
            and item.tag not in ("body", "html")
            and stats.chars[item] - stats.chars[link] < MIN_COMMENT_CHARS
        ):
            item = item.getparent()
        if item is not None and item.tag not in ("body", "html") and item not in protected:
            comments.append(item)
    if not comments:
        return 0
    thread = common_ancestor(comments)
    in_comments = sum(stats.chars[c] for c in set(comments))
    if (
        thread.tag not in ("body", "html")
        and thread not in protected
        and in_comments >= MIN_THREAD_SHARE * stats.chars[thread]
    ):
        return _remove([thread], tree, stats)
    return _remove(comments, tree, stats)


def _is_reply_link(a: HtmlElement) -> bool:
    href = (a.get("href") or "").lower()
    # most links hold only text: their label is a.text, without an itertext generator
    label = "".join(a.itertext()) if len(a) else a.text or ""
    return "replytocom" in href or href.endswith("#respond") or is_reply_label(label)


def unwrap_layout_tables(tree: HtmlElement) -> int:
    """Turn layout tables into nested ``div`` blocks; return how many tables were unwrapped.

    A table is a data table when it has a caption, header cells or a summary, or when it is a
    grid of at least 2x2 short cells without prose blocks in them; any other table lays out
    the page, and trafilatura would print its cells as ``| a | b |`` rows."""
    unwrapped = 0
    for table in reversed(list(tree.iter("table"))):  # inner tables first
        if _is_data_table(table):
            continue
        parts = [
            e
            for e in table.iter("tbody", "thead", "tfoot", "tr", "td", "th")
            if _nearest_table(e) is table
        ]
        for element in [table, *parts]:
            element.tag = "div"
            # only the attributes it has: six pops per cell, most missing, cost more
            for name in _LAYOUT_ATTRIBUTES.intersection(element.keys()):
                del element.attrib[name]
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


def drop_teaser_lists(
    tree: HtmlElement, keep: Iterable[HtmlElement] = (), stats: TextStats | None = None
) -> int:
    """Remove lists of look-alike items that each open with a link (related news, teasers
    with a snippet, "more from this section", comment cards led by their author's link):
    MIN_ITEMS or more children with the same tag and class holding most of their parent's
    text. A list whose items open with prose (a listicle, an article's bullet points) stays.
    Return how many lists were removed; ``stats`` stays true."""
    protected = set(keep)
    stats = stats or TextStats(tree)
    lists = []
    for element in tree.iter(*_LIST_CONTAINERS):
        # fewer children (comments included) than items needed: most containers
        if len(element) < MIN_ITEMS or element in protected or not stats.chars.get(element):
            continue
        items: dict[tuple[str, str], list[HtmlElement]] = {}
        for child in element:
            tag = child.tag
            if tag in _ITEM_TAGS:  # a comment's tag is a function: never in it
                items.setdefault((tag, child.get("class") or ""), []).append(child)
        if not items:
            continue
        group = max(items.values(), key=len)
        if len(group) < MIN_ITEMS or any(item in protected for item in group):
            continue
        text = sum(stats.chars[i] for i in group)
        if (
            text >= MIN_ITEMS_SHARE * stats.chars[element]
            and max(stats.unlinked(i) for i in group) <= MAX_ITEM_UNLINKED_CHARS
            and _mostly_open_with_links(group)
        ):
            lists.append(element)
    return _remove(lists, tree, stats)


def _mostly_open_with_links(items: list[HtmlElement]) -> bool:
    """True when MIN_LINKED_ITEMS of ``items`` open with a link; stops as soon as that is
    settled, either way (each answer walks into the item)."""
    needed = MIN_LINKED_ITEMS * len(items)
    allowed_misses = len(items) - needed  # more misses than this and ``needed`` is out of reach
    linked = misses = 0
    for item in items:
        if opens_with_link(item):
            linked += 1
            if linked >= needed:
                return True
        else:
            misses += 1
            if misses > allowed_misses:
                return False
    return linked >= needed


def prune_link_blocks(
    tree: HtmlElement, keep: Iterable[HtmlElement] = (), stats: TextStats | None = None
) -> int:
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
    marked = _Marked(tree)  # one walk for the first three steps
    keep = _with_ancestors(marked.heading)
    _drop_hidden(tree, marked.styled)
    _drop_junk(tree, marked.named, keep)
    # One count of the page's text serves the three steps that need it: each keeps it true
    # as it removes elements, and unwrapping tables only renames them.
    stats = TextStats(tree)
    drop_comment_threads(tree, keep, stats)
    unwrap_layout_tables(tree)
    drop_teaser_lists(tree, keep, stats)
    prune_link_blocks(tree, keep, stats)
