"""``/products``: the bulk upsert (all or nothing), reads, filters, pages and delete."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shelfcast.catalog import service as catalog
from shelfcast.catalog.models import Price, Product
from shelfcast.web.runtime import Runtime
from tests.web.api.support import Api, count_rows, locs, runtime_of
from tests.web.conftest import ApiAccount, new_account


def _with_catalog(api: Api) -> Api:
    api.price_type("Retail")
    api.price_type("Wholesale", "USD")
    api.custom_field("color")
    api.custom_field("size_eu", "number")
    api.custom_field("organic", "boolean")
    api.custom_field("since", "date")
    return api


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return _with_catalog(Api(client, account))


@pytest.fixture(scope="module")
def rejecting_api(client: TestClient) -> Api:
    """One account for the tests whose every write is rejected (each checks it stays empty)."""
    return _with_catalog(Api(client, new_account(runtime_of(client))))


FULL = {
    "sku": "TEA-1",
    "name": "Green tea",
    "barcode": "0012345678905",
    "category": ["Drinks", "Tea"],
    "description": "Loose leaf.\nFrom Japan.",
    "brand": "Leaf & Co",
    "unit": "g",
    "weight": "0.250",
    "images": ["https://img.example/1.jpg", "https://img.example/2.jpg"],
    "prices": {"Retail": "12.5", "Wholesale": "7"},
    "custom": {"color": "green", "size_eu": "42.50", "organic": True, "since": "2024-01-31"},
}


def test_upsert_creates_then_updates_by_sku(api: Api) -> None:
    response = api.post("/products/upsert", {"products": [FULL, {"sku": "B", "name": "Bag"}]})
    assert response.status_code == 200
    assert response.json() == {"created": 2, "updated": 0}

    tea = api.product_by_sku("TEA-1")
    assert {k: v for k, v in tea.items() if k not in ("id", "created_at", "updated_at")} == {
        "sku": "TEA-1",
        "name": "Green tea",
        "barcode": "0012345678905",
        "category": ["Drinks", "Tea"],
        "description": "Loose leaf.\nFrom Japan.",
        "brand": "Leaf & Co",
        "unit": "g",
        "weight": "0.25",
        "images": ["https://img.example/1.jpg", "https://img.example/2.jpg"],
        "prices": {"Retail": "12.50", "Wholesale": "7.00"},
        "custom": {"color": "green", "size_eu": "42.5", "organic": "true", "since": "2024-01-31"},
        "stock": [],
    }
    assert api.get(f"/products/{tea['id']}").json() == tea

    again = api.upsert({"sku": "TEA-1", "name": "Sencha"}, {"sku": "C", "name": "Cup"})
    assert again == {"created": 1, "updated": 1}
    updated = api.get(f"/products/{tea['id']}").json()
    assert updated["name"] == "Sencha"
    assert updated["created_at"] == tea["created_at"]
    assert updated["updated_at"] >= tea["updated_at"]
    assert len(api.all_products()) == 3


def test_upsert_is_a_patch_left_out_keeps_null_clears(api: Api) -> None:
    api.upsert(FULL)
    # Left out: everything but sku and name keeps its value.
    api.upsert({"sku": "TEA-1", "name": "Green tea"})
    assert api.product_by_sku("TEA-1")["barcode"] == "0012345678905"
    assert api.product_by_sku("TEA-1")["prices"] == {"Retail": "12.50", "Wholesale": "7.00"}

    # One price and one custom value removed by null, one replaced; images replaced.
    api.upsert(
        {
            "sku": "TEA-1",
            "name": "Green tea",
            "images": ["https://img.example/3.jpg"],
            "prices": {"Retail": None, "Wholesale": "8"},
            "custom": {"color": None, "organic": "no"},
        }
    )
    tea = api.product_by_sku("TEA-1")
    assert tea["images"] == ["https://img.example/3.jpg"]
    assert tea["prices"] == {"Wholesale": "8.00"}
    assert tea["custom"] == {"size_eu": "42.5", "organic": "false", "since": "2024-01-31"}

    # Null (or blank text) clears a field; a null map clears all prices or values.
    api.upsert(
        {
            "sku": "TEA-1",
            "name": "Green tea",
            "barcode": None,
            "brand": "  ",
            "category": None,
            "description": None,
            "unit": None,
            "weight": None,
            "images": [],
            "prices": None,
            "custom": None,
        }
    )
    tea = api.product_by_sku("TEA-1")
    cleared = ("barcode", "brand", "category", "description", "unit", "weight")
    assert {k: tea[k] for k in cleared} == dict.fromkeys(cleared)
    assert (tea["images"], tea["prices"], tea["custom"]) == ([], {}, {})


def test_list_filters_and_pages(api: Api) -> None:
    api.upsert(
        {"sku": "TEA-1", "name": "Green tea", "category": ["Drinks", "Tea"]},
        {"sku": "TEA-2", "name": "Black tea", "category": ["Drinks", "Tea", "Black"]},
        {"sku": "COF-1", "name": "Coffee", "category": ["Drinks"], "barcode": "4006381333931"},
        {"sku": "MUG-1", "name": "Mug"},
    )
    everything = api.all_products()
    assert [p["sku"] for p in everything] == ["TEA-1", "TEA-2", "COF-1", "MUG-1"]

    def skus(**params: Any) -> list[str]:
        response = api.get("/products", params=params)
        assert response.status_code == 200, response.text
        return [p["sku"] for p in response.json()["products"]]

    assert skus(q="tea") == ["TEA-1", "TEA-2"]
    assert skus(q="BLACK") == ["TEA-2"]
    assert skus(q="4006381333931") == ["COF-1"]
    assert skus(q="nothing") == []

    first = api.get("/products", params={"limit": 3}).json()
    assert [p["sku"] for p in first["products"]] == ["TEA-1", "TEA-2", "COF-1"]
    rest = api.get("/products", params={"limit": 3, "after": first["next_after"]}).json()
    assert ([p["sku"] for p in rest["products"]], rest["next_after"]) == (["MUG-1"], None)


def test_list_by_category_includes_the_categories_below(api: Api, runtime: Runtime) -> None:
    api.upsert(
        {"sku": "T", "name": "Tea", "category": ["Drinks", "Tea"]},
        {"sku": "B", "name": "Black", "category": ["Drinks", "Tea", "Black"]},
        {"sku": "M", "name": "Mug", "category": ["Kitchen"]},
    )
    with runtime.database.sessions() as session:
        categories = {
            " > ".join(c.path): c.id for c in catalog.list_categories(session, api.account.id)
        }
    tea = api.get("/products", params={"category_id": categories["Drinks > Tea"]}).json()
    assert [p["sku"] for p in tea["products"]] == ["T", "B"]
    drinks = api.get("/products", params={"category_id": categories["Drinks"]}).json()
    assert [p["sku"] for p in drinks["products"]] == ["T", "B"]
    assert api.get("/products", params={"category_id": 999999}).json()["products"] == []


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"limit": 0}, ("query", "limit")),
        ({"limit": 501}, ("query", "limit")),
        ({"limit": "many"}, ("query", "limit")),
        ({"after": "x"}, ("query", "after")),
        ({"category_id": "tea"}, ("query", "category_id")),
        ({"q": "x" * 201}, ("query", "q")),
        ({"q": "nul\x00"}, ("query", "q")),
        ({"after": -1}, ("query", "after")),
        ({"after": 2**31}, ("query", "after")),
        ({"category_id": 0}, ("query", "category_id")),
        ({"category_id": 2**63}, ("query", "category_id")),
    ],
)
def test_bad_list_parameters_answer_422(
    rejecting_api: Api, params: dict[str, Any], loc: tuple[str]
) -> None:
    assert locs(rejecting_api.get("/products", params=params)) == [loc]


def test_delete_then_get_is_404(api: Api) -> None:
    warehouse = api.warehouse()
    api.upsert(FULL, {"sku": "KEEP", "name": "Kept"})
    api.stock(("TEA-1", warehouse, "3"))
    tea = api.product_by_sku("TEA-1")

    deleted = api.delete(f"/products/{tea['id']}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert api.get(f"/products/{tea['id']}").status_code == 404
    assert api.delete(f"/products/{tea['id']}").status_code == 404
    assert [p["sku"] for p in api.all_products()] == ["KEEP"]
    # Its sku is free again, and comes back without the old data.
    assert api.upsert({"sku": "TEA-1", "name": "New"}) == {"created": 1, "updated": 0}
    reborn = api.product_by_sku("TEA-1")
    assert (reborn["prices"], reborn["stock"], reborn["images"]) == ({}, [], [])


def test_unknown_product_ids_answer_404(api: Api) -> None:
    assert api.get("/products/999999").status_code == 404
    assert api.delete("/products/999999").status_code == 404
    assert locs(api.get("/products/abc")) == [("path", "product_id")]


def test_ten_thousand_products_in_one_call(api: Api, runtime: Runtime) -> None:
    products: list[dict[str, Any]] = [
        {"sku": f"SKU-{i:05d}", "name": f"Product {i}", "prices": {"Retail": f"{i}.99"}}
        for i in range(10_000)
    ]
    assert api.upsert(*products) == {"created": 10_000, "updated": 0}
    for product in products[::2]:
        product["name"] += " (new)"
    assert api.upsert(*products) == {"created": 0, "updated": 10_000}

    assert count_rows(runtime, Product, api.account.id) == 10_000
    assert count_rows(runtime, Price, api.account.id) == 10_000
    assert api.product_by_sku("SKU-09998")["name"] == "Product 9998 (new)"
    last = api.product_by_sku("SKU-09999")
    assert (last["name"], last["prices"]) == ("Product 9999", {"Retail": "9999.99"})

    too_many = [{"sku": f"X-{i}", "name": "x"} for i in range(10_001)]
    assert locs(api.post("/products/upsert", {"products": too_many})) == [("body", "products")]
    assert count_rows(runtime, Product, api.account.id) == 10_000


def test_one_bad_row_among_many_rejects_the_whole_batch(api: Api) -> None:
    api.upsert({"sku": "SKU-00010", "name": "Before"})
    products: list[dict[str, Any]] = [
        {"sku": f"SKU-{i:05d}", "name": f"Product {i}"} for i in range(2_000)
    ]
    products[1_234]["weight"] = "-1"
    response = api.post("/products/upsert", {"products": products})
    assert locs(response) == [("body", "products", 1_234, "weight")]
    assert "0 or more" in response.json()["detail"][0]["msg"]
    # Nothing was written: no new product, the existing one untouched.
    assert [(p["sku"], p["name"]) for p in api.all_products()] == [("SKU-00010", "Before")]

    # A bad row that only the schema sees (a number for the name) rejects it just the same.
    products[1_234]["weight"] = "1"
    products[1_500]["name"] = 12
    assert locs(api.post("/products/upsert", {"products": products})) == [
        ("body", "products", 1_500, "name")
    ]
    assert len(api.all_products()) == 1


def test_every_bad_row_is_named_in_one_answer(api: Api) -> None:
    products: list[dict[str, Any]] = [{"sku": f"S{i}", "name": f"P{i}"} for i in range(10)]
    products[2]["name"] = ""
    products[5]["prices"] = {"Retail": "1.23456"}
    products[7]["sku"] = "S0"
    assert locs(api.post("/products/upsert", {"products": products})) == [
        ("body", "products", 2, "name"),
        ("body", "products", 5, "prices", "Retail"),
        ("body", "products", 7, "sku"),
    ]


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"sku": ""}, ("sku",)),
        ({"sku": "x" * 201}, ("sku",)),
        ({"sku": "A\tB"}, ("sku",)),
        ({"name": "  "}, ("name",)),
        ({"name": "x" * 1001}, ("name",)),
        ({"barcode": "1" * 65}, ("barcode",)),
        ({"brand": "x" * 201}, ("brand",)),
        ({"unit": "x" * 51}, ("unit",)),
        ({"description": "x" * 32_768}, ("description",)),
        ({"description": "bell\x00"}, ("description",)),
        ({"name": "nul\x00"}, ("name",)),
        ({"weight": "-0.5"}, ("weight",)),
        ({"weight": "0.00001"}, ("weight",)),
        ({"weight": "1e20"}, ("weight",)),
        ({"weight": "NaN"}, ("weight",)),
        ({"weight": "heavy"}, ("weight",)),
        ({"category": [""]}, ("category", 0)),
        ({"category": ["Drinks", "Tea > Green"]}, ("category", 1)),
        ({"category": [f"L{i}" for i in range(11)]}, ("category",)),
        ({"category": "Drinks"}, ("category",)),
        ({"images": ["ftp://img.example/1.jpg"]}, ("images", 0)),
        ({"images": ["https://ok.example/a.jpg", "not a url"]}, ("images", 1)),
        ({"images": ["https://img.example/x.jpg"] * 101}, ("images",)),
        ({"prices": {"Retail": "-1"}}, ("prices", "Retail")),
        ({"prices": {"Retail": "1.00001"}}, ("prices", "Retail")),
        ({"prices": {"Retail": "Infinity"}}, ("prices", "Retail")),
        ({"prices": {"Retail": "cheap"}}, ("prices", "Retail")),
        ({"prices": {"Members": "5"}}, ("prices", "Members")),
        ({"custom": {"unknown": "x"}}, ("custom", "unknown")),
        ({"custom": {"size_eu": "big"}}, ("custom", "size_eu")),
        ({"custom": {"size_eu": True}}, ("custom", "size_eu")),
        ({"custom": {"organic": "maybe"}}, ("custom", "organic")),
        ({"custom": {"since": "31/01/2024"}}, ("custom", "since")),
        ({"custom": {"since": "2024-02-30"}}, ("custom", "since")),
        ({"custom": {"color": "x" * 32_768}}, ("custom", "color")),
        ({"custom": {"color": ["red"]}}, ("custom", "color")),
        ({"colour": "red"}, ("colour",)),
    ],
)
def test_each_rule_answers_422_naming_row_and_field(
    rejecting_api: Api, change: dict[str, Any], loc: tuple[Any, ...]
) -> None:
    good = {"sku": "GOOD", "name": "Good"}
    bad = {"sku": "BAD", "name": "Bad", **change}
    found = locs(rejecting_api.post("/products/upsert", {"products": [good, bad]}))
    assert found, "no error"
    # Pydantic may add the failed union member to the path; the field is named first.
    assert all(where[: 3 + len(loc)] == ("body", "products", 1, *loc) for where in found), found
    assert count_rows(runtime_of(rejecting_api.client), Product, rejecting_api.account.id) == 0


@pytest.mark.parametrize(
    "body",
    [{"products": []}, {}, {"products": {"sku": "A"}}, {"products": [], "extra": 1}, []],
    ids=["empty list", "missing", "not a list", "unknown field", "not an object"],
)
def test_a_malformed_batch_answers_422(rejecting_api: Api, body: Any) -> None:
    response = rejecting_api.post("/products/upsert", body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][0] == "body"
