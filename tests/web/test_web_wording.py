"""Pages say what they show: a path that does not parse is an HTML 404 page, counts agree
with their nouns, the order box names the order actually used, the API page shows code as
code, and the layout fits a 390 px phone."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from crawler.web.app import STATIC_DIR


def _summary(html: str) -> str:
    found = re.search(r'<p class="summary">(.*?)·', html, re.DOTALL)
    assert found, html
    return " ".join(found.group(1).split())


def test_an_article_path_that_is_not_a_number_is_an_html_404(client: TestClient) -> None:
    response = client.get("/articles/abc")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "There is no page at this address." in response.text
    # The API keeps answering JSON.
    api = client.get("/api/articles/abc")
    assert api.status_code == 400 and "integer" in api.json()["detail"]


def test_a_bad_page_parameter_is_an_html_page_too(client: TestClient) -> None:
    response = client.get("/", params={"page": "0"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")


def test_one_match_is_singular(client: TestClient) -> None:
    assert _summary(client.get("/", params={"q": "hostile"}).text) == (
        "1 article matches <q>hostile</q>"
    )


def test_several_matches_are_plural(client: TestClient) -> None:
    assert re.fullmatch(
        r"\d+ articles match <q>climate</q>",
        _summary(client.get("/", params={"q": "climate"}).text),
    )


def test_without_a_query_the_order_box_does_not_claim_best_match(client: TestClient) -> None:
    html = client.get("/").text
    selected = re.search(
        r'<select name="sort".*?<option value="" selected>([^<]*)', html, re.DOTALL
    )
    assert selected and selected.group(1).startswith("newest first")
    with_query = client.get("/", params={"q": "climate"}).text
    assert '<option value="" selected>best match first</option>' in with_query


def test_the_api_page_shows_code_not_double_backticks(client: TestClient) -> None:
    html = client.get("/api").text
    assert "``" not in html
    assert "<code>q</code>" in html


def test_a_phone_width_stacks_results_first_and_wraps_the_header() -> None:
    css = (STATIC_DIR / "style.css").read_text(encoding="utf-8")
    phone = re.search(r"@media \(max-width: 48rem\) \{(.*?)\n\}", css, re.DOTALL)
    assert phone, "no narrow-screen rules"
    rules = phone.group(1)
    assert re.search(r"header\.site nav \{[^}]*flex-wrap: wrap", rules)
    assert re.search(r"\.layout > \.results \{[^}]*order: -1", rules)
