"""An error echoes at most a short prefix of what was wrong: a megabyte-long value is
answered with a small 422 (or 401) body, never with itself sent back."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shelfcast.errors import SHOWN_CHARS
from tests.web.api.support import API_PREFIX, Api, feed_body
from tests.web.conftest import ApiAccount

HUGE = "x" * 900_000  # under the 1 MiB body limit of the smaller routes: it must get in
SMALL_BODY = 4_000


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


def assert_small(response: Any, status: int) -> None:
    assert response.status_code == status, response.text[:500]
    assert len(response.content) < SMALL_BODY, response.text[:500]
    assert "x" * (SHOWN_CHARS + 1) not in response.text


def test_a_huge_sku_in_stock_set_is_not_echoed(api: Api) -> None:
    warehouse = api.warehouse("Main")
    level = {"sku": HUGE, "warehouse_id": warehouse, "quantity": "1"}
    assert_small(api.post("/stock/set", {"levels": [level]}), 422)


def test_a_huge_sku_and_name_in_an_upsert_are_not_echoed(api: Api) -> None:
    assert_small(api.post("/products/upsert", {"products": [{"sku": HUGE, "name": HUGE}]}), 422)


def test_a_huge_price_type_name_is_not_echoed(api: Api) -> None:
    product = {"sku": "A", "name": "Apples", "prices": {HUGE: "1.00"}}
    response = api.post("/products/upsert", {"products": [product]})
    assert_small(response, 422)


def test_a_huge_warehouse_name_is_not_echoed(api: Api) -> None:
    assert_small(api.post("/warehouses", {"name": HUGE}), 422)


def test_a_huge_unknown_feed_field_is_not_echoed(api: Api) -> None:
    warehouse = api.warehouse("Main")
    columns = [{"header": "X", "source": "product_field", "field": "custom." + HUGE}]
    assert_small(api.post("/feeds", feed_body([warehouse], columns=columns)), 422)


def test_a_huge_preset_name_is_not_echoed(api: Api) -> None:
    warehouse = api.warehouse("Main")
    assert_small(api.post("/feeds", feed_body([warehouse], preset=HUGE)), 422)


def test_a_huge_authorization_header_is_not_echoed(client: TestClient) -> None:
    response = client.get(f"{API_PREFIX}/products", headers={"Authorization": "Bearer " + HUGE})
    assert_small(response, 401)
