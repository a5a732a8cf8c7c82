"""Stored content from hostile pages stays inert: markup is escaped everywhere it is shown,
and a ``javascript:`` URL is text, never a link. (The browser test checks the same in
Chromium: no dialog opens.)"""

from __future__ import annotations

import re

import feedparser
import pytest
from fastapi.testclient import TestClient

from crawler.web.render import safe_href
from tests.web.conftest import JAVASCRIPT_URL, WebDb

# Anything that could run: a script element, an event handler attribute, a javascript: href.
_ACTIVE = re.compile(r"<script|<img|<b>|<[a-z]+[^>]*\son\w+=|href=\"\s*javascript:", re.I)


def test_article_page_escapes_markup_and_does_not_link_javascript(
    client: TestClient, web_db: WebDb
) -> None:
    html = client.get(f"/articles/{web_db.ids['hostile']}").text
    assert not _ACTIVE.search(html)
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Climate pact" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html
    assert "&lt;/p&gt;&lt;script&gt;alert(&#34;description&#34;)" in html
    # The javascript: URL is shown, as text.
    assert (
        f'<span class="unsafe-url" title="not an http(s) address, so not a link">'
        f"{JAVASCRIPT_URL}</span>" in html
    )


@pytest.mark.parametrize(
    "path", ["/?q=hostile", "/?q=pact", "/", "/sources/broken-feed", "/sources"]
)
def test_lists_escape_stored_markup(client: TestClient, path: str) -> None:
    html = client.get(path).text
    assert not _ACTIVE.search(html)


def test_search_snippet_escapes_markup_around_highlights(client: TestClient) -> None:
    html = client.get("/", params={"q": "parties agreed"}).text
    assert "<mark>parties agreed</mark>" in html or "<mark>parties</mark>" in html
    assert "&lt;script&gt;alert(&#34;text&#34;)&lt;/script&gt;" in html
    assert not _ACTIVE.search(html)


def test_query_text_is_escaped_where_it_is_echoed(client: TestClient) -> None:
    hostile = '"><script>alert(1)</script>'
    html = client.get("/", params={"q": hostile}).text
    assert "<script>alert(1)" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_feed_escapes_markup_and_has_no_javascript_link(client: TestClient, web_db: WebDb) -> None:
    response = client.get("/feed.atom", params={"source": "evil"})
    assert b"<script" not in response.content and b"javascript:" not in response.content
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    (entry,) = feed.entries
    assert entry.title == '<script>alert("title")</script> Climate pact with a hostile title'
    assert entry.title_detail.type == "text/plain"
    assert entry.id == "https://evil.example/pact"
    assert {link.href for link in entry.links} == {
        f"http://testserver/articles/{web_db.ids['hostile']}",
        "https://evil.example/pact",
    }


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>x</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/relative",
        "https:",
        "http://a b.example/",
        "",
        None,
    ],
)
def test_only_absolute_http_urls_become_links(url: str | None) -> None:
    assert safe_href(url) is None


@pytest.mark.parametrize("url", ["https://example.org/a?b=1#c", "HTTP://EXAMPLE.ORG/"])
def test_http_urls_are_links(url: str) -> None:
    assert safe_href(url) == url
