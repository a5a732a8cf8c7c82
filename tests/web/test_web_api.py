"""The JSON API on both backends: search, filters, facets, paging, articles, sources, errors,
the OpenAPI schema, and that the app only ever reads."""

from __future__ import annotations

from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from crawler.output.formats import article_record
from crawler.web.app import create_app
from storage.db import open_database
from storage.queries import get_article
from storage.writes import store_article
from tests.web.conftest import ARTICLES, BULK, WebDb, article_data


def _search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _ids(body: dict[str, Any]) -> list[int]:
    return [hit["id"] for hit in body["results"]]


def _facet(body: dict[str, Any], name: str) -> dict[str | None, int]:
    return {f["value"]: f["count"] for f in body["facets"][name]}


def test_search_finds_words_in_every_language(client: TestClient, web_db: WebDb) -> None:
    ids = web_db.ids
    assert _ids(_search(client, q="coastal communities")) == [ids["en-mangrove"]]
    assert _ids(_search(client, q="cooperation climatique")) == [ids["fr-maroc"]]
    assert _ids(_search(client, q="碳市场")) == [ids["zh-market"]]
    assert _ids(_search(client, q="wspolprace")) == [ids["pl-wind"]]
    hit = _search(client, q="coastal")["results"][0]
    assert hit["source"] == "wire-en" and hit["language"] == "en" and hit["relevant"] is True
    assert {"text": "coastal", "match": True} in hit["snippet_parts"] and hit["score"] > 0
    assert "".join(part["text"] for part in hit["snippet_parts"]) == hit["snippet"]


def test_near_duplicates_are_hidden_unless_asked_for(client: TestClient, web_db: WebDb) -> None:
    ids = web_db.ids
    for query in ({}, {"q": "mangrove"}):
        assert ids["en-mangrove-copy"] not in _ids(_search(client, per_page=100, **query))
        shown = _search(client, per_page=100, duplicates="true", **query)["results"]
        (copy,) = [hit for hit in shown if hit["id"] == ids["en-mangrove-copy"]]
        assert copy["duplicate_of"] == ids["en-mangrove"]


def test_relevance_filter(client: TestClient, web_db: WebDb) -> None:
    relevant = _search(client, relevant="true", source="bulk", per_page=100)
    assert relevant["total"] == BULK - 5
    assert all(hit["relevant"] for hit in relevant["results"])
    assert _search(client, relevant="false", source="bulk")["total"] == 5
    assert _search(client, relevant="", source="bulk")["total"] == BULK


def test_filters_by_source_language_and_dates(client: TestClient, web_db: WebDb) -> None:
    ids = web_db.ids
    assert set(_ids(_search(client, source="pap"))) == {ids["pl-wind"], ids["de-heat"]}
    assert set(_ids(_search(client, lang=["fr", "ZH"]))) == {ids["fr-maroc"], ids["zh-market"]}
    body = _search(client, q="carbon", source="wire-en", since="2024-01-01")
    assert _ids(body) == [ids["en-mangrove"]]
    body = _search(client, since="2024-03-01", until="2024-05-02")
    assert set(_ids(body)) == {ids["pl-wind"], ids["zh-market"]}  # until is exclusive


def test_counts_per_source_and_language_ignore_their_own_filter(client: TestClient) -> None:
    body = _search(client, q="climate OR climatique OR klimatyczna", lang="fr")
    assert body["total"] == 1
    # Languages: every language with hits, though only fr is chosen; sources: within fr.
    languages = _facet(body, "languages")
    assert languages["fr"] == 1 and languages["pl"] == 1 and languages["en"] == 3 + BULK
    assert _facet(body, "sources") == {"prwire-fr": 1}
    everything = _search(client)
    assert everything["total"] == len(ARTICLES) + BULK  # the copy is hidden
    assert _facet(everything, "sources")["bulk"] == BULK
    assert sum(_facet(everything, "languages").values()) == everything["total"]


def test_paging_covers_every_result_once(client: TestClient) -> None:
    pages = [
        _search(client, q="climate", source="bulk", sort="date", per_page=10, page=n)
        for n in (1, 2, 3)
    ]
    total = pages[0]["total"]
    assert total == BULK and pages[0]["pages"] == 3
    seen = [i for page in pages for i in _ids(page)]
    assert len(seen) == len(set(seen)) == total
    dates = [hit["published_at"] for page in pages for hit in page["results"]]
    assert dates == sorted(dates, reverse=True)
    assert _search(client, q="climate", source="bulk", per_page=10, page=4)["results"] == []


def test_browsing_without_a_query_lists_newest_first(client: TestClient, web_db: WebDb) -> None:
    body = _search(client, per_page=3)
    assert body["query"] is None and body["sort"] == "date"
    assert _ids(body) == [web_db.ids["hostile"], web_db.ids["en-mangrove"], web_db.ids["fr-maroc"]]
    assert all(hit["score"] is None and hit["snippet"] for hit in body["results"])


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"q": '"carbon market'}, "q:"),
        ({"q": "-climate"}, "q:"),
        ({"since": "yesterday"}, "since: 'yesterday' is not a date"),
        ({"since": "2024-05-01", "until": "2024-01-01"}, "must be before"),
        ({"page": "0"}, "page:"),
        ({"per_page": "1000"}, "per_page:"),
        ({"page": "5000", "per_page": "100"}, "too deep"),
        ({"sort": "random"}, "sort:"),
        ({"sources": "pap"}, "sources: unknown parameter"),
    ],
)
def test_bad_parameters_are_400_with_a_detail_naming_them(
    client: TestClient, params: dict[str, str], named: str
) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 400
    assert named in response.json()["detail"]


@pytest.mark.parametrize("lang", ["xx", "english", "EN-us"])
def test_an_unknown_language_is_400_on_the_api_the_page_and_the_feed(
    client: TestClient, lang: str
) -> None:
    # Without the check, each matched no article and answered 200 with nothing.
    for path in ("/api/search", "/", "/feed.atom"):
        response = client.get(path, params={"lang": ["en", lang]})
        assert response.status_code == 400, path
        assert f"lang: {lang!r} is not a language code newsmon knows" in (
            response.json()["detail"] if path.startswith("/api") else unescape(response.text)
        ), path


def test_article_has_the_export_fields_and_related_lists(client: TestClient, web_db: WebDb) -> None:
    article_id = web_db.ids["de-heat"]
    response = client.get(f"/api/articles/{article_id}")
    assert response.status_code == 200
    body = response.json()
    with open_database(web_db.url) as db, db.session() as session:
        article = get_article(session, article_id)
        assert article is not None
        expected = article_record(article)
    for key, value in expected.items():
        if key.endswith("_at") and value is not None:
            assert body[key].replace("Z", "+00:00") == value
        else:
            assert body[key] == value, key
    assert body["duplicates"] == [] and body["versions"] == []


def test_article_lists_its_copies_and_other_language_versions(
    client: TestClient, web_db: WebDb
) -> None:
    ids = web_db.ids
    body = client.get(f"/api/articles/{ids['en-mangrove']}").json()
    assert [a["id"] for a in body["duplicates"]] == [ids["en-mangrove-copy"]]
    copy = client.get(f"/api/articles/{ids['en-mangrove-copy']}").json()
    assert copy["duplicate_of"] == ids["en-mangrove"]
    assert [a["id"] for a in copy["duplicates"]] == [ids["en-mangrove"]]
    story = client.get(f"/api/articles/{ids['fr-maroc']}").json()
    assert story["cluster"] == ids["fr-maroc"] and story["relevant"] is True
    assert [(a["id"], a["language"]) for a in story["versions"]] == [
        (ids["en-japan"], "en"),
        (ids["zh-market"], "zh"),
    ]
    assert story["duplicates"] == []


def test_unknown_article_and_source_are_404(client: TestClient) -> None:
    response = client.get("/api/articles/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "no article with id 999999"}
    assert client.get("/api/articles/abc").status_code == 400
    response = client.get("/api/sources/no-such-source/runs")
    assert response.status_code == 404 and "no-such-source" in response.json()["detail"]


def test_sources_report_health_and_runs(client: TestClient) -> None:
    sources = {s["name"]: s for s in client.get("/api/sources").json()}
    assert sources["wire-en"]["health"] == "ok"
    assert sources["broken-feed"]["health"] == "broken"
    assert sources["broken-feed"]["consecutive_bad_runs"] == 3
    assert sources["pap"]["articles"] == 2
    runs = client.get("/api/sources/broken-feed/runs", params={"limit": 2}).json()
    assert [r["status"] for r in runs] == ["failed", "failed"]
    assert runs[0]["reason"] == "the feed <b>failed</b>"
    ok = client.get("/api/sources/wire-en/runs").json()
    assert ok[0]["pages_dropped"] == {"NoArticleBody": 1} and ok[0]["articles_found"] == 2


def test_openapi_schema_documents_the_api(client: TestClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert {
        "/api/search",
        "/api/articles/{article_id}",
        "/api/sources",
        "/api/sources/{name}/runs",
        "/feed.atom",
    } <= set(schema["paths"])
    search = schema["paths"]["/api/search"]["get"]
    parameters = {p["name"]: p for p in search["parameters"]}
    assert {"q", "source", "lang", "since", "until", "sort", "page", "per_page"} <= set(parameters)
    assert all(p.get("description") for p in parameters.values())
    assert "400" in search["responses"]
    assert {"SearchOut", "ArticleOut", "SourceOut", "RunOut"} <= set(
        schema["components"]["schemas"]
    )
    page = client.get("/api")
    assert page.status_code == 200 and "/api/search" in page.text


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/api/search", "/feed.atom", "/api/articles/999999"):
        headers = client.get(path).headers
        assert "script-src" not in headers["content-security-policy"]
        assert "default-src 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


def test_the_app_cannot_write(client: TestClient) -> None:
    database = client.app.state.db  # type: ignore[attr-defined]
    with database.session() as session, pytest.raises(DBAPIError):
        session.execute(text("DELETE FROM articles"))
    assert _search(client)["total"] == len(ARTICLES) + BULK


def test_reads_see_new_articles_and_are_not_blocked_by_a_writer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newsmon.db'}"
    with open_database(url) as db:
        store_article(db, article_data("first", "late", "en", "Climate news", "News.", None))
        with TestClient(create_app(url)) as client:
            assert _search(client, source="late")["total"] == 1
            # A crawl holding its write transaction open does not stop readers (WAL).
            with db.write_session() as session, session.begin():
                session.execute(text("UPDATE sources SET name = name"))
                assert _search(client, q="news")["total"] == 1
            store_article(
                db, article_data("second", "late", "en", "More climate news", "More news.", None)
            )
            assert _search(client, source="late")["total"] == 2
