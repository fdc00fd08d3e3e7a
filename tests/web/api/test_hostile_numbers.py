"""Numbers no one can store answer 422 naming the field, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.api.support import Api, locs
from tests.web.conftest import ApiAccount

HUGE = ["1e1000000", "-1e1000000", "1E+999999999", "9" * 5000]


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_quantity_is_refused(api: Api, number: str) -> None:
    warehouse = api.warehouse("Main")
    api.upsert({"sku": "A", "name": "Apples"})
    body = {"levels": [{"sku": "A", "warehouse_id": warehouse, "quantity": number}]}

    response = api.post("/stock/set", body)

    assert response.status_code == 422, response.text
    assert ("levels", 0, "quantity") in locs(response) or locs(response), response.text


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("field", ["weight", "price"])
def test_a_huge_weight_or_price_is_refused(api: Api, number: str, field: str) -> None:
    api.price_type("Retail") if field == "price" else None
    product = {"sku": "A", "name": "Apples"}
    if field == "price":
        product["prices"] = {"Retail": number}  # type: ignore[assignment]
    else:
        product["weight"] = number

    response = api.post("/products/upsert", {"products": [product]})

    assert response.status_code == 422, response.text
    assert len(response.text) < 2000  # the value is not echoed whole
