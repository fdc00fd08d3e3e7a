"""OPTIONS answers with the methods a path takes; a wrong method gets a 405 naming them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.api.support import API_PREFIX, Api
from tests.web.conftest import ApiAccount


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


def allow_of(response: object) -> set[str]:
    header: str = response.headers["allow"]  # type: ignore[attr-defined]
    return {method.strip() for method in header.split(",")}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/feeds", {"GET", "POST", "OPTIONS"}),
        ("/feeds/1", {"GET", "PATCH", "DELETE", "OPTIONS"}),
        ("/warehouses/7", {"GET", "PATCH", "DELETE", "OPTIONS"}),
        ("/stock/set", {"POST", "OPTIONS"}),
        ("/openapi.json", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_options_lists_every_method_of_the_path(
    client: TestClient, path: str, expected: set[str]
) -> None:
    response = client.options(API_PREFIX + path)
    assert response.status_code == 204
    assert allow_of(response) == expected
    assert response.content == b""


def test_options_on_a_feed_link_answers_its_methods(api: Api) -> None:
    warehouse = api.warehouse("Main")
    link = api.feed([warehouse])["url"]
    response = api.client.options(link)
    assert response.status_code == 204
    assert allow_of(response) == {"GET", "HEAD", "OPTIONS"}


def test_a_method_the_path_does_not_take_is_a_405_with_allow(client: TestClient) -> None:
    response = client.put(f"{API_PREFIX}/feeds/1", json={})
    assert response.status_code == 405
    assert allow_of(response) == {"GET", "PATCH", "DELETE", "OPTIONS"}
    assert response.json()["detail"]


def test_an_unknown_path_is_still_a_404(client: TestClient) -> None:
    assert client.options(f"{API_PREFIX}/no-such-thing").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("OPTIONS", "/products/export", {"GET", "OPTIONS"}),
        ("OPTIONS", "/products/upsert", {"POST", "OPTIONS"}),
        ("PATCH", "/feeds/from-sample", {"POST", "OPTIONS"}),
    ],
)
def test_a_spelled_out_path_is_not_taken_for_an_id(
    client: TestClient, method: str, path: str, expected: set[str]
) -> None:
    """schemathesis found these: /products/export also matched /products/{product_id}."""
    response = client.request(method, API_PREFIX + path)
    assert response.status_code == (204 if method == "OPTIONS" else 405)
    assert allow_of(response) == expected
