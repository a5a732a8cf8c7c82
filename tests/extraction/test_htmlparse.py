"""parse_html gives the tree trafilatura.load_html gives, and skips load_html on an
ordinary page."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from trafilatura import load_html

from crawler.extraction import htmlparse
from crawler.extraction.htmlparse import parse_html

SEEDS = Path(__file__).resolve().parents[2] / "crawler" / "demo"
ARTICLE = (
    "<!DOCTYPE html><html lang='pl'><head><meta charset='gbk'><title>Umowa</title>"
    "</head><body><article><h1>Umowa klimatyczna</h1><p>Polska i Chiny podpisały "
    "porozumienie o współpracy — 气候合作.</p></article></body></html>"
)
PAGES = {
    "ordinary": ARTICLE,
    "C0 control characters": ARTICLE.replace("podpisały", "pod\x01pi\x1fsały\x0b"),
    "U+FFFE and U+FFFF": ARTICLE.replace("Umowa klimatyczna", "Umowa\ufffe klima\uffff"),
    "a doctype with a slash": ARTICLE.replace(
        "<!DOCTYPE html>", '<!DOCTYPE html PUBLIC "a" "http://x/y.dtd">'
    ),
    "a self-closing html tag": ARTICLE.replace("<html lang='pl'>", "\n<html lang='pl'/>"),
    "an XML declaration": '<?xml version="1.0" encoding="utf-8"?>\n' + ARTICLE,
    "a fragment": "<p>Only a paragraph, no document around it.</p>",
    "two blocks without html": "<div>One</div><div>Two</div>",
    "plain text": "Nothing here is markup at all.",
    "empty body": "<html><body></body></html>",
    "carriage returns": ARTICLE.replace("><", ">\r\n<"),
}


def _markup(tree: etree._Element | None) -> bytes | None:
    return None if tree is None else etree.tostring(tree, encoding="utf-8")


@pytest.mark.parametrize("html", PAGES.values(), ids=PAGES.keys())
def test_the_tree_is_trafilaturas(html: str) -> None:
    assert _markup(parse_html(html)) == _markup(load_html(html))


def test_the_seed_pages_parse_as_trafilatura_parses_them() -> None:
    pages = sorted(SEEDS.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_bytes().decode("utf-8", errors="replace")
        assert _markup(parse_html(html)) == _markup(load_html(html)), page.name


def test_an_ordinary_page_skips_load_html(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(html: str) -> None:
        raise AssertionError("load_html called for a page needing no repair")

    monkeypatch.setattr(htmlparse, "load_html", refuse)
    tree = parse_html(ARTICLE)
    assert tree is not None and tree.findtext(".//h1") == "Umowa klimatyczna"


@pytest.mark.parametrize(
    "name",
    [
        "C0 control characters",
        "U+FFFE and U+FFFF",
        "a doctype with a slash",
        "a self-closing html tag",
    ],
)
def test_a_page_needing_repair_goes_through_load_html(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    calls: list[str] = []

    def record(html: str) -> object:
        calls.append(html)
        return load_html(html)

    monkeypatch.setattr(htmlparse, "load_html", record)
    parse_html(PAGES[name])
    assert calls == [PAGES[name]]
