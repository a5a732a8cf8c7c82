"""Per-source extraction rules, written in the sources file and applied to the page."""

from __future__ import annotations

from crawler.config import parse_config
from crawler.extraction.page import ExtractedArticle, PageInput, extract_page

PARAGRAPHS = [
    "The port authorities of Rotterdam and Durban agreed to compare the emissions of ships "
    "waiting at anchor and to publish a common method for counting them next year.",
    "Both ports will equip twenty berths with meters and exchange the readings every month, "
    "the agreement signed in Durban on Wednesday says.",
]
PAGE = f"""<html><head><meta charset="utf-8"><title>Ports compare anchor emissions</title></head>
<body><div class="layout">
<div class="story"><h1>Ports compare anchor emissions</h1>
<p>{PARAGRAPHS[0]}</p>
<p class="partner">Brought to you by Harbour Cranes Ltd, the crane maker trusted by ports on
five continents for more than forty years of reliable service.</p>
<p>{PARAGRAPHS[1]}</p>
<p>Follow us on our app for live shipping news.</p></div>
<div class="aside-story"><p>Meanwhile, a container ship ran aground near the harbour entrance
on Sunday night and was refloated by four tugs without damage to its cargo.</p></div>
</div></body></html>""".encode()
SOURCES = r"""
sources:
  - name: ports
    feeds: ["https://ports.example/feed.xml"]
    extraction:
      keep: ["div.story"]
      drop: ["p.partner"]
      drop_lines: ['^Follow us on our app']
"""


def extract(rules: object = None) -> ExtractedArticle:
    result = extract_page(
        PageInput(
            url="https://ports.example/news/anchor-emissions",
            body=PAGE,
            content_type="text/html",
            rules=rules,
        )
    )
    assert isinstance(result, ExtractedArticle)
    return result


def test_rules_from_the_sources_file_are_applied() -> None:
    rules = parse_config(SOURCES).source("ports").extraction
    assert extract(rules).text.split("\n\n") == PARAGRAPHS


def test_without_rules_the_generic_result_keeps_what_only_the_site_knows() -> None:
    text = extract().text
    assert "Harbour Cranes" in text  # no class word gives this promotion away


def test_keep_that_matches_nothing_falls_back_to_the_whole_page() -> None:
    rules = (
        parse_config(SOURCES.replace("div.story", "div.no-such-block")).source("ports").extraction
    )
    text = extract(rules).text
    assert PARAGRAPHS[0] in text and PARAGRAPHS[1] in text and "Harbour Cranes" not in text


def test_drop_lines_are_searched_not_matched() -> None:
    rules = parse_config(SOURCES.replace("'^Follow us on our app'", "'live shipping news'"))
    text = extract(rules.source("ports").extraction).text
    assert "Follow us" not in text
