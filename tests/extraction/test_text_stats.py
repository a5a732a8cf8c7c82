"""Text counts kept up to date as boilerplate removal drops elements (``TextStats.drop``):
they must equal a fresh count of the page after each removal, or pruning decisions change."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml.html import HtmlElement, fromstring
from trafilatura import load_html

from crawler.extraction.boilerplate import TextStats, unwrap_layout_tables

PAGES = Path(__file__).parent / "pages"


def counts(stats: TextStats, root: HtmlElement) -> list[tuple[str, int, int, int]]:
    return [
        (e.tag, stats.chars[e], stats.link_chars[e], stats.links[e])
        for e in root.iter()
        if isinstance(e.tag, str)
    ]


def assert_drops_match_recount(root: HtmlElement, doomed: list[HtmlElement]) -> None:
    stats = TextStats(root)
    for element in doomed:
        stats.drop(element)
        assert counts(stats, root) == counts(TextStats(root), root), element


def test_tails_links_and_text_ignored_by_the_parent() -> None:
    root = fromstring(
        "<html><body><div id='a'>lead <a href='/x'>in <b id='b'>bold</b> link</a> tail"
        "<ul id='c'><li><a href='/1'>one</a></li><li>two <a href='/2'>2</a></li></ul> after"
        "</div><select><div id='d'>first child</div> tail kept out</select>"
        "<select><option>o</option><span id='e'>x</span>z</select>"
        "<p>end <span id='f'>s</span> t</p>"
        "</body></html>"
    )
    doomed = [root.get_element_by_id(name) for name in "bcdef"]
    assert_drops_match_recount(root, doomed)


def test_a_root_below_the_document_element() -> None:
    # lxml.html.fromstring returns the single element of a fragment, with html and body above
    root = fromstring("<div><p>text <a href='/1'>link</a></p><ul><li>item</li></ul> tail</div>")
    assert root.getparent() is not None
    assert_drops_match_recount(root, [root.find("ul"), root.find("p")])


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.html")), ids=lambda p: p.stem)
def test_every_block_of_the_fixture_pages(page: Path) -> None:
    root = load_html(page.read_bytes())
    blocks = [
        e
        for e in root.iter("div", "ul", "ol", "li", "p", "span", "a", "td", "table")
        if e.getparent() is not None
    ]
    # every third block, outermost first, skipping those already gone with an ancestor
    doomed = blocks[::3]
    stats = TextStats(root)
    for element in doomed:
        if root in element.iterancestors():
            stats.drop(element)
    assert counts(stats, root) == counts(TextStats(root), root)


def test_unwrapping_layout_tables_leaves_the_counts_true() -> None:
    # clean_tree counts once before unwrapping: renaming table parts must not change a count
    cells = "".join(
        f"<td><p>Cell {i} of the layout, long enough to read as prose.</p>"
        f"<a href='/{i}'>more</a></td>"
        for i in range(3)
    )
    root = fromstring(f"<html><body><table><tr>{cells}</tr><tr>{cells}</tr></table></body></html>")
    stats = TextStats(root)
    assert unwrap_layout_tables(root) == 1
    assert root.find(".//table") is None
    assert counts(stats, root) == counts(TextStats(root), root)
