"""Request bodies beyond a route's documented maximum answer 413, unread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from shelfcast.web.limits import DEFAULT_MAX_BYTES, max_body_bytes
from tests.web.api.support import Api
from tests.web.conftest import ApiAccount


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


def test_a_body_over_the_limit_is_refused_by_its_length(api: Api) -> None:
    body = b'{"name": "' + b"x" * DEFAULT_MAX_BYTES + b'"}'

    response = api.client.post(
        "/api/v1/warehouses",
        content=body,
        headers={**api.account.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert "1,048,576 bytes" in response.json()["detail"]


def test_a_streamed_body_over_the_limit_is_refused_as_it_arrives(api: Api) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(40):
            yield b"x" * 65_536  # 2.5 MiB in all, with no Content-Length
        yield b'"}'

    response = api.client.post(
        "/api/v1/warehouses",
        content=chunks(),
        headers={**api.account.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 413


def test_bodies_within_the_limit_are_served_as_before(api: Api) -> None:
    assert api.post("/warehouses", {"name": "Main"}).status_code == 201


def test_bulk_routes_take_more() -> None:
    assert max_body_bytes("POST", "/api/v1/products/upsert") == 32 << 20
    assert max_body_bytes("POST", "/api/v1/stock/set") == 16 << 20
    assert max_body_bytes("PATCH", "/api/v1/feeds/3") == 8 << 20
    assert max_body_bytes("POST", "/api/v1/warehouses") == DEFAULT_MAX_BYTES
