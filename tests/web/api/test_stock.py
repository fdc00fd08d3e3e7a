"""``/stock/set``: absolute quantities per sku and warehouse, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shelfcast.catalog.models import StockLevel
from shelfcast.web.runtime import Runtime
from tests.web.api.support import Api, count_rows, locs, runtime_of
from tests.web.conftest import ApiAccount, new_account


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


def _stock(api: Api, sku: str) -> dict[int, str]:
    return {s["warehouse_id"]: s["quantity"] for s in api.product_by_sku(sku)["stock"]}


def test_set_quantities_are_absolute_and_shown_per_warehouse(api: Api) -> None:
    main, backroom = api.warehouse("Main"), api.warehouse("Backroom")
    api.upsert({"sku": "A", "name": "Apples"}, {"sku": "B", "name": "Bread"})

    response = api.post(
        "/stock/set",
        {
            "levels": [
                {"sku": "A", "warehouse_id": main, "quantity": "5"},
                {"sku": "A", "warehouse_id": backroom, "quantity": "2.500"},
                {"sku": "B", "warehouse_id": main, "quantity": "-3"},
            ]
        },
    )
    assert response.status_code == 200
    assert response.json() == {"updated": 3}
    assert _stock(api, "A") == {main: "5", backroom: "2.5"}
    assert _stock(api, "B") == {main: "-3"}

    # Absolute, not added; numbers as JSON numbers are taken too.
    assert api.stock(("A", main, "1")) == 1
    body = {"levels": [{"sku": "B", "warehouse_id": main, "quantity": 0.25}]}
    assert api.ok("POST", "/stock/set", body) == {"updated": 1}
    assert _stock(api, "A") == {main: "1", backroom: "2.5"}
    assert _stock(api, "B") == {main: "0.25"}


def test_ten_thousand_levels_in_one_call(api: Api, runtime: Runtime) -> None:
    warehouses = [api.warehouse(f"W{i}") for i in range(2)]
    skus = [f"SKU-{i:05d}" for i in range(5_000)]
    api.upsert(*({"sku": sku, "name": sku} for sku in skus))
    levels = [
        {"sku": sku, "warehouse_id": warehouse, "quantity": str(i % 7)}
        for i, sku in enumerate(skus)
        for warehouse in warehouses
    ]
    assert len(levels) == 10_000
    assert api.ok("POST", "/stock/set", {"levels": levels}) == {"updated": 10_000}
    assert _stock(api, "SKU-04999") == dict.fromkeys(warehouses, str(4999 % 7))
    # Again with other quantities: the same rows are updated, none added.
    for level in levels:
        level["quantity"] = "1.5"
    assert api.ok("POST", "/stock/set", {"levels": levels}) == {"updated": 10_000}

    assert count_rows(runtime, StockLevel, api.account.id) == 10_000
    assert count_rows(runtime, StockLevel, api.account.id, quantity=Decimal("1.5")) == 10_000
    assert _stock(api, "SKU-04999") == dict.fromkeys(warehouses, "1.5")


def test_one_bad_level_among_many_rejects_the_whole_batch(api: Api) -> None:
    main = api.warehouse("Main")
    api.upsert(*({"sku": f"S{i}", "name": f"P{i}"} for i in range(1_000)))
    api.stock(("S0", main, "7"))
    levels = [{"sku": f"S{i}", "warehouse_id": main, "quantity": "1"} for i in range(1_000)]
    levels[777]["quantity"] = "0.00001"

    response = api.post("/stock/set", {"levels": levels})
    assert locs(response) == [("body", "levels", 777, "quantity")]
    assert "4 decimal places" in response.json()["detail"][0]["msg"]
    stocked = {p["sku"]: p["stock"] for p in api.all_products() if p["stock"]}
    assert stocked == {"S0": [{"warehouse_id": main, "quantity": "7"}]}


@pytest.fixture(scope="module")
def rejecting_api(client: TestClient) -> tuple[Api, int]:
    """An account with products A and B and one warehouse, whose every stock write is rejected."""
    api = Api(client, new_account(runtime_of(client)))
    warehouse = api.warehouse("Main")
    api.upsert({"sku": "A", "name": "Apples"}, {"sku": "B", "name": "Bread"})
    return api, warehouse


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ({"sku": "NOPE"}, [("sku",)]),
        ({"sku": ""}, [("sku",)]),
        ({"warehouse_id": 999_999}, [("warehouse_id",)]),
        ({"sku": "NOPE", "warehouse_id": 999_999}, [("sku",), ("warehouse_id",)]),
        ({"quantity": "1.23456"}, [("quantity",)]),
        ({"quantity": "1e15"}, [("quantity",)]),
        ({"quantity": "NaN"}, [("quantity",)]),
        ({"quantity": "-Infinity"}, [("quantity",)]),
        ({"quantity": "five"}, [("quantity",)]),
        ({"quantity": None}, [("quantity",)]),
        ({"warehouse_id": "main"}, [("warehouse_id",)]),
        ({"note": "x"}, [("note",)]),
    ],
    ids=[
        "unknown sku",
        "empty sku",
        "unknown warehouse",
        "both",
        "five places",
        "too big",
        "nan",
        "infinity",
        "not a number",
        "null",
        "warehouse not an id",
        "unknown field",
    ],
)
def test_each_rule_answers_422_naming_row_and_field(
    rejecting_api: tuple[Api, int], level: dict[str, Any], expected: list[tuple[str]]
) -> None:
    api, warehouse = rejecting_api
    good = {"sku": "B", "warehouse_id": warehouse, "quantity": "1"}
    bad = {"sku": "A", "warehouse_id": warehouse, "quantity": "1", **level}
    response = api.post("/stock/set", {"levels": [good, bad]})
    assert locs(response) == [("body", "levels", 1, *loc) for loc in expected]
    assert count_rows(runtime_of(api.client), StockLevel, api.account.id) == 0


def test_a_level_given_twice_is_rejected(rejecting_api: tuple[Api, int]) -> None:
    api, warehouse = rejecting_api
    level = {"sku": "A", "warehouse_id": warehouse, "quantity": "1"}
    response = api.post("/stock/set", {"levels": [level, level | {"quantity": "2"}]})
    assert locs(response) == [("body", "levels", 1)]
    assert "duplicate" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("body", [{"levels": []}, {}, {"levels": "x"}, {"levels": [], "x": 1}])
def test_a_malformed_batch_answers_422(rejecting_api: tuple[Api, int], body: Any) -> None:
    api, _warehouse = rejecting_api
    response = api.post("/stock/set", body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][0] == "body"


def test_more_than_the_limit_of_levels_is_rejected_whole(rejecting_api: tuple[Api, int]) -> None:
    api, warehouse = rejecting_api
    level = {"sku": "A", "warehouse_id": warehouse, "quantity": "1"}
    response = api.post("/stock/set", {"levels": [level] * 100_001})
    assert locs(response) == [("body", "levels")]
