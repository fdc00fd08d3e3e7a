"""Strict types in the API: a switch is true or false, a decimal is written plainly,
and a key is sent once."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.api.support import Api
from tests.web.conftest import ApiAccount


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


@pytest.mark.parametrize("value", [0, 1, "yes", "true", "on", None])
def test_a_switch_takes_only_true_or_false(api: Api, value: object) -> None:
    response = api.request("PATCH", "/integration", json={"enabled": value})
    assert response.status_code == 422, response.text
    assert api.request("PATCH", "/integration", json={"enabled": True}).status_code == 200


@pytest.mark.parametrize("quantity", ["1_000", " 5 ", "5 ", "0x10", "+5", "5.", ".5", "", True])
def test_a_quantity_is_a_plain_decimal(api: Api, quantity: object) -> None:
    warehouse = api.warehouse("Main")
    api.upsert({"sku": "A", "name": "Apples"})
    level = {"sku": "A", "warehouse_id": warehouse, "quantity": quantity}

    response = api.post("/stock/set", {"levels": [level]})

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][-1] == "quantity"


@pytest.mark.parametrize("quantity", ["5", "-3", "2.500", 7, 0.25])
def test_plain_decimals_and_json_numbers_are_taken(api: Api, quantity: object) -> None:
    warehouse = api.warehouse("Main")
    api.upsert({"sku": "A", "name": "Apples"})
    level = {"sku": "A", "warehouse_id": warehouse, "quantity": quantity}
    assert api.post("/stock/set", {"levels": [level]}).status_code == 200


def test_a_key_sent_twice_is_refused(api: Api) -> None:
    response = api.request(
        "PATCH",
        "/integration",
        content=b'{"enabled": true, "enabled": false}',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "duplicate_key" and "'enabled'" in error["msg"]
