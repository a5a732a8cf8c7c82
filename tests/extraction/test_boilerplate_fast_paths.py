"""Shortcuts in boilerplate removal and text cleanup give what the plain definitions give:
class words found by one search, one walk for the first steps of ``clean_tree``, links taken
from the text counts, early answers, pre-checks before slow regexes."""

from __future__ import annotations

import random
import re

from lxml.html import fromstring

from crawler.extraction import boilerplate, junk
from crawler.extraction.blocks import opens_with_link, with_attributes
from crawler.text.folding import fold_line

_SPLIT = re.compile(r"[\s_\-:.]+")


def reference_kind(class_: str | None, id_: str | None) -> str | None:
    """The class and id joined, split into words, each word matched whole."""
    value = boilerplate._CAMEL.sub(" ", f"{class_ or ''} {id_ or ''}").lower()
    words = [w for w in _SPLIT.split(value) if w]
    if any(re.fullmatch(f"(?:{boilerplate._COMMENT_WORDS})", w) for w in words):
        return "comments"
    if any(re.fullmatch(f"(?:{boilerplate._JUNK_WORDS})", w) for w in words):
        return "furniture"
    return None


def test_class_and_id_words_as_split_words_say() -> None:
    pieces = [
        "comments",
        "Comments",
        "koment",
        "kommentar",
        "share",
        "cookie",
        "advert",
        "sponsor",
        "opinia",
        "Comm",
        "iloscKomentarzy",
        "x",
        "Y",
        "_",
        "-",
        ".",
        ":",
        " ",
        "\t",
        "1",
        "é",
        "\u212a",
        "\u0130",
        "\u017f",
        "\u03a3",
        "\u00a0",
    ]
    rng = random.Random(7)
    for _ in range(20000):
        class_ = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 5)))
        id_ = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3))) or None
        boilerplate._attribute_kind.cache_clear()
        assert boilerplate._names_kind(class_, id_) == reference_kind(class_, id_), (class_, id_)


def test_one_walk_finds_what_the_attribute_walks_find() -> None:
    tree = fromstring(
        "<html><body><div class='share-bar' style='x'>s</div><p hidden>h</p>"
        "<div id='comments'><h1 class='t'>T</h1></div><h1>second</h1><!-- c -->"
        "<span class=''>e</span><div class='promo' id='commentList'>p</div></body></html>"
    )
    marked = boilerplate._Marked(tree)
    assert marked.heading is next(tree.iter("h1"))
    assert marked.styled == with_attributes(tree, ("hidden", "style"))
    assert marked.named == [
        (e, boilerplate._furniture_kind(e))
        for e in with_attributes(tree)
        if boilerplate._furniture_kind(e)
    ]
    assert [kind for _, kind in marked.named] == ["furniture", "comments", "comments"]


def test_links_in_the_counts_are_the_links_of_the_tree() -> None:
    tree = fromstring(
        "<div><a href='/1'>one</a><p><a href='/2'>two <b>b</b></a></p>"
        "<!-- x --><a href='/3'><a href='/4'>four</a></a></div>"
    )
    assert boilerplate.TextStats(tree).anchors == list(tree.iter("a"))


def test_teaser_link_share_stops_early_with_the_same_answer() -> None:
    linked = fromstring("<li><a href='/x'>story</a></li>")
    prose = fromstring("<li>Point: <a href='/y'>more</a></li>")
    for size in range(1, 12):
        for count in range(size + 1):
            items = [linked] * count + [prose] * (size - count)
            for order in (items, items[::-1]):
                expected = sum(map(opens_with_link, order)) >= boilerplate.MIN_LINKED_ITEMS * len(
                    order
                )
                assert boilerplate._mostly_open_with_links(order) == expected


def test_long_lines_are_ruled_out_before_folding_as_after() -> None:
    for line in [
        "word " * 80,
        "wörd " * 80,
        "a" * 330,
        "\u00a8 " * 400 + "Reply",
        "Źródło: " + "x" * 400,
        "中文" * 200,
        "x\x1f " * 150,
    ]:
        folded = fold_line(line.strip())
        if len(line) > junk.MAX_PHRASE_LINE and junk._kept_ascii(line) > junk.MAX_PHRASE_LINE:
            assert len(folded) > junk.MAX_PHRASE_LINE, line
        junk.junk_kind.cache_clear()
        assert junk.junk_kind(line) == junk.junk_kind.__wrapped__(line)
