"""Ids in web addresses and parameters beyond the range of the ``articles.id`` column
(PostgreSQL's ``integer`` stops at 2147483647, SQLite's driver at 2**63 - 1): a page or
answer that says what is wrong, never a 500 from the database driver."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from storage.models import ARTICLE_ID_MAX

OUT_OF_RANGE = [str(ARTICLE_ID_MAX + 1), str(10**23)]


@pytest.mark.parametrize("article_id", OUT_OF_RANGE)
def test_article_page_is_404(client: TestClient, article_id: str) -> None:
    response = client.get(f"/articles/{article_id}")
    assert response.status_code == 404
    assert f"There is no article with id {article_id}." in response.text


@pytest.mark.parametrize("article_id", OUT_OF_RANGE)
def test_api_article_is_400_naming_the_id(client: TestClient, article_id: str) -> None:
    response = client.get(f"/api/articles/{article_id}")
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"article_id: Input should be less than or equal to {ARTICLE_ID_MAX}"
    }


def test_the_largest_id_is_looked_up(client: TestClient) -> None:
    response = client.get(f"/api/articles/{ARTICLE_ID_MAX}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"no article with id {ARTICLE_ID_MAX}"}
    assert client.get("/api/search", params={"cluster": ARTICLE_ID_MAX}).json()["total"] == 0


@pytest.mark.parametrize("cluster", OUT_OF_RANGE)
@pytest.mark.parametrize("path", ["/api/search", "/feed.atom"])
def test_cluster_parameter_is_400_naming_it(client: TestClient, path: str, cluster: str) -> None:
    response = client.get(path, params={"cluster": cluster})
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"cluster: Input should be less than or equal to {ARTICLE_ID_MAX}"
    }


@pytest.mark.parametrize("cluster", OUT_OF_RANGE)
def test_cluster_on_the_search_page_is_a_message(client: TestClient, cluster: str) -> None:
    response = client.get("/", params={"q": "climate", "cluster": cluster})
    assert response.status_code == 400
    assert f"cluster: Input should be less than or equal to {ARTICLE_ID_MAX}" in response.text
