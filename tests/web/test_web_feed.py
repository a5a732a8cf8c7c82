"""The Atom feed: valid for feedparser, newest first, filtered like the search page."""

from __future__ import annotations

from typing import Any

import feedparser
from fastapi.testclient import TestClient

from tests.web.conftest import ARTICLES, BULK, WebDb


def _feed(client: TestClient, **params: Any) -> Any:
    response = client.get("/feed.atom", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def _article_ids(feed: Any) -> list[int]:
    ids = []
    for entry in feed.entries:
        (page,) = [link.href for link in entry.links if link.rel == "alternate"]
        ids.append(int(page.rsplit("/", 1)[1]))
    return ids


def test_feed_lists_the_newest_relevant_articles(client: TestClient, web_db: WebDb) -> None:
    feed = _feed(client)
    assert len(feed.entries) == len(ARTICLES) + BULK - 5  # every fifth note is not relevant
    assert len(_feed(client, relevant="").entries) == len(ARTICLES) + BULK
    assert _article_ids(feed)[:2] == [web_db.ids["hostile"], web_db.ids["en-mangrove"]]
    published = [e.published_parsed for e in feed.entries]
    assert published == sorted(published, reverse=True)
    entry = feed.entries[1]
    assert entry.title == "Kenya and Norway sign pact on mangrove carbon credits"
    assert entry.id == "https://news.example/wire-en/en-mangrove"
    assert entry.author == "A. Writer"
    assert entry.summary.startswith("Kenya and Norway signed a climate cooperation pact")
    assert {t.term for t in entry.tags} == {"wire-en", "lang:en"}
    assert feed.feed.title == "newsmon: newest articles"
    (self_link,) = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_link == "http://testserver/feed.atom"


def test_feed_takes_the_search_filters(client: TestClient, web_db: WebDb) -> None:
    feed = _feed(client, lang=["fr", "zh"])
    assert _article_ids(feed) == [web_db.ids["fr-maroc"], web_db.ids["zh-market"]]
    feed = _feed(client, q="carbon", source="wire-en", since="2024-01-01")
    assert _article_ids(feed) == [web_db.ids["en-mangrove"]]
    assert feed.feed.title == 'newsmon: "carbon" from wire-en since 2024-01-01'
    assert len(_feed(client, source="bulk", limit=5).entries) == 5
    (alternate,) = [link.href for link in feed.feed.links if link.rel == "alternate"]
    assert alternate == (
        "http://testserver/?q=carbon&source=wire-en&since=2024-01-01&relevant=true"
    )


def test_feed_rejects_bad_parameters(client: TestClient) -> None:
    for params, named in (
        ({"q": '"open'}, "q:"),
        ({"until": "soon"}, "until:"),
        ({"limit": "0"}, "limit:"),
        ({"page": "2"}, "page: unknown"),
    ):
        response = client.get("/feed.atom", params=params)
        assert response.status_code == 400
        assert named in response.json()["detail"]
