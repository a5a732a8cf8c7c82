"""The HTML pages as a reader gets them: search with facets and paging, articles, sources,
errors shown on the page."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from tests.web.conftest import BULK, WebDb


def _titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<h2><a href="[^"]*"[^>]*>([^<]*)</a></h2>', html)]


def _checkbox(html: str, name: str, value: str) -> str:
    match = re.search(
        rf'<input type="checkbox" name="{name}" value="{re.escape(value)}"[^>]*>', html
    )
    assert match, f"no {name} checkbox for {value!r}"
    return match.group(0)


def test_search_page_shows_results_counts_and_facets(client: TestClient) -> None:
    response = client.get("/", params={"q": "coastal OR Fernwärme"})
    assert response.status_code == 200
    html = response.text
    assert "2 articles match" in html
    assert set(_titles(html)) == {
        "Kenya and Norway sign pact on mangrove carbon credits",
        "Grenzstädte starten Partnerschaft für klimafreundliche Fernwärme",
    }
    assert "<mark>coastal</mark>" in html
    assert "checked" not in _checkbox(html, "lang", "de")
    assert re.search(
        r'value="de"[^>]*>\s*<span class="value">de</span> '
        r'<span class="count">1</span>',
        html,
    )


def test_chosen_filters_stay_checked_and_narrow_the_results(client: TestClient) -> None:
    html = client.get("/", params={"q": "coastal OR Fernwärme", "lang": "de"}).text
    assert "checked" in _checkbox(html, "lang", "de")
    assert "checked" not in _checkbox(html, "lang", "en")  # still offered, with its count
    assert _titles(html) == ["Grenzstädte starten Partnerschaft für klimafreundliche Fernwärme"]
    # A chosen value without hits stays on the page, so it can be unchecked.
    html = client.get("/", params={"q": "mangrove", "source": "pap"}).text
    assert "No article matches" in html
    assert "checked" in _checkbox(html, "source", "pap")


def test_pages_link_to_each_other_keeping_the_filters(client: TestClient) -> None:
    html = client.get("/", params={"q": "climate", "source": "bulk", "per_page": "10"}).text
    assert f"{BULK} articles match" in html and "page 1 of 3" in html
    links = {unescape(h) for h in re.findall(r'<a (?:rel="next" )?href="([^"]*page=[^"]*)"', html)}
    assert "http://testserver/?q=climate&source=bulk&per_page=10&page=2" in links
    page3 = client.get("/?q=climate&source=bulk&per_page=10&page=3").text
    assert len(_titles(page3)) == BULK - 20 and 'rel="prev"' in page3
    assert 'rel="next"' not in page3


def test_feed_link_carries_the_filters(client: TestClient) -> None:
    html = client.get("/", params={"q": "carbon", "lang": "en", "since": "2024-01-01"}).text
    feed = "http://testserver/feed.atom?q=carbon&amp;lang=en&amp;since=2024-01-01"
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="newsmon: these results" '
        f'href="{feed}">' in html
    )
    assert f'<a class="feed" href="{feed}">' in html


def test_bad_input_is_a_message_on_the_page(client: TestClient) -> None:
    response = client.get("/", params={"q": '"carbon market', "lang": "fr"})
    assert response.status_code == 400
    assert 'class="error" role="alert">Cannot search for' in response.text
    assert "checked" in _checkbox(response.text, "lang", "fr")
    response = client.get("/", params={"since": "2024-13-45"})
    assert response.status_code == 400
    assert "since: &#39;2024-13-45&#39; is not a date" in response.text
    assert 'value="2024-13-45"' in response.text  # the form keeps what was typed


def test_article_page_shows_text_metadata_and_original(client: TestClient, web_db: WebDb) -> None:
    html = client.get(f"/articles/{web_db.ids['en-mangrove']}").text
    assert "<h1>Kenya and Norway sign pact on mangrove carbon credits</h1>" in html
    assert "<p>The deal supports coastal communities.</p>" in html  # one <p> per paragraph
    assert (
        '<a href="https://news.example/wire-en/en-mangrove" rel="noopener noreferrer '
        'nofollow external">'
    ) in html
    assert "2024-06-18 09:00 UTC" in html and "A. Writer" in html
    assert "<dd>relevant (score 0.90)</dd>" in html and "<dd>agreement</dd>" in html
    copy = web_db.ids["en-mangrove-copy"]
    assert re.search(
        rf'<h2>Duplicates</h2>\s*<ul>\s*<li><a href="http://testserver/articles/'
        rf'{copy}" lang="en">Kenya and Norway sign pact on mangrove carbon '
        r"credits \(copy\)</a>",
        html,
    )
    html = client.get(f"/articles/{web_db.ids['de-heat']}").text
    assert "No copy of this article" in html and "No version in another language" in html


def test_article_page_links_other_language_versions(client: TestClient, web_db: WebDb) -> None:
    html = client.get(f"/articles/{web_db.ids['fr-maroc']}").text
    versions = html.split("<h2>In other languages</h2>")[1]
    zh = web_db.ids["zh-market"]
    assert f'/articles/{zh}" lang="zh">中国与法国签署碳市场合作协议' in versions
    assert f'/articles/{web_db.ids["en-japan"]}" lang="en">' in versions
    story = f"/?cluster={web_db.ids['fr-maroc']}&amp;duplicates=true"
    assert f'<a href="http://testserver{story}">every report of this story</a>' in html
    page = client.get(unescape(story)).text
    assert "3 articles match" in page or "3 articles" in page


def test_unknown_pages_are_404_pages(client: TestClient) -> None:
    for path in ("/articles/999999", "/sources/nobody", "/no/such/page"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "Not found" in response.text


def test_sources_page_shows_health_and_last_runs(client: TestClient) -> None:
    html = client.get("/sources").text
    assert re.search(r'broken-feed</a>.*?<span class="health broken">broken</span>', html, re.S)
    assert re.search(r'wire-en</a>.*?<span class="health ok">ok</span>', html, re.S)
    html = client.get("/sources/broken-feed").text
    assert html.count('<span class="status failed">failed</span>') == 3
    assert "the last 3 runs failed" in html
    assert "NoArticleBody: 1" in client.get("/sources/wire-en").text
