"""One account can never read or change another's data: every route, walked with a second key.

The walk table names every route under ``/api/v1``; a route added without a
line here fails :func:`test_the_walk_covers_every_api_route`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shelfcast.web.runtime import Runtime
from tests.web.api.support import Api, api_routes, feed_body, link_path, locs
from tests.web.conftest import ApiAccount


@dataclass
class Owned:
    """The first account's things, whose ids the second account tries."""

    api: Api
    warehouse_id: int
    price_type_id: int
    product_id: int
    feed: dict[str, Any]


def _not_found(response: Any) -> None:
    assert response.status_code == 404, response.text
    # Nothing about the other account leaks: the body does not even echo the id.
    assert response.json() == {"detail": "Not found.", "type": "not_found"}


def _warehouses(other: Api, owned: Owned) -> None:
    response = other.get("/warehouses")
    assert response.status_code == 200
    assert owned.warehouse_id not in [w["id"] for w in response.json()]


def _create_warehouse(other: Api, owned: Owned) -> None:
    # The same name is free in another account, and makes a new warehouse.
    response = other.post("/warehouses", {"name": "Main"})
    assert response.status_code == 201, response.text
    assert response.json()["id"] != owned.warehouse_id


def _get_warehouse(other: Api, owned: Owned) -> None:
    _not_found(other.get(f"/warehouses/{owned.warehouse_id}"))


def _rename_warehouse(other: Api, owned: Owned) -> None:
    _not_found(other.patch(f"/warehouses/{owned.warehouse_id}", {"name": "Stolen"}))


def _price_types(other: Api, owned: Owned) -> None:
    response = other.get("/price-types")
    assert response.status_code == 200
    assert owned.price_type_id not in [p["id"] for p in response.json()]


def _create_price_type(other: Api, owned: Owned) -> None:
    response = other.post("/price-types", {"name": "Retail", "currency": "USD"})
    assert response.status_code == 201, response.text
    assert response.json()["id"] != owned.price_type_id


def _custom_fields(other: Api, owned: Owned) -> None:
    response = other.get("/custom-fields")
    assert response.status_code == 200
    assert response.json() == []


def _create_custom_field(other: Api, owned: Owned) -> None:
    # The owner has a field "color": the key is free here.
    response = other.post("/custom-fields", {"key": "color", "label": "Colour", "type": "text"})
    assert response.status_code == 201, response.text


def _upsert_products(other: Api, owned: Owned) -> None:
    # The owner's sku, the owner's price type and custom field names: all unknown here.
    body = {"products": [{"sku": "OWN-1", "name": "Mine", "prices": {"Wholesale": "1"}}]}
    found = locs(other.post("/products/upsert", body))
    assert ("body", "products", 0, "prices", "Wholesale") in found
    body = {"products": [{"sku": "OWN-1", "name": "Mine", "custom": {"size": "XL"}}]}
    assert ("body", "products", 0, "custom", "size") in locs(other.post("/products/upsert", body))
    body = {"products": [{"sku": "OWN-1", "name": "Mine"}]}
    response = other.post("/products/upsert", body)
    assert response.json() == {"created": 1, "updated": 0}


def _products(other: Api, owned: Owned) -> None:
    response = other.get("/products", params={"q": "OWN-1"})
    assert response.status_code == 200
    assert owned.product_id not in [p["id"] for p in response.json()["products"]]


def _get_product(other: Api, owned: Owned) -> None:
    _not_found(other.get(f"/products/{owned.product_id}"))


def _delete_product(other: Api, owned: Owned) -> None:
    _not_found(other.delete(f"/products/{owned.product_id}"))


def _set_stock(other: Api, owned: Owned) -> None:
    body = {"levels": [{"sku": "OWN-1", "warehouse_id": owned.warehouse_id, "quantity": "99"}]}
    assert ("body", "levels", 0, "warehouse_id") in locs(other.post("/stock/set", body))


def _integration(other: Api, owned: Owned) -> None:
    assert other.get("/integration").json() == {"enabled": False}


def _switch_integration(other: Api, owned: Owned) -> None:
    response = other.patch("/integration", {"enabled": False})
    assert response.status_code == 200


def _feeds(other: Api, owned: Owned) -> None:
    response = other.get("/feeds")
    assert response.status_code == 200
    assert response.json() == []


def _create_feed(other: Api, owned: Owned) -> None:
    body = feed_body(
        [owned.warehouse_id],
        columns=[{"header": "Price", "source": "price", "price_type_id": owned.price_type_id}],
    )
    found = locs(other.post("/feeds", body))
    assert ("body", "warehouse_ids", 0) in found
    assert ("body", "columns", 0, "price_type_id") in found


def _get_feed(other: Api, owned: Owned) -> None:
    _not_found(other.get(f"/feeds/{owned.feed['id']}"))


def _update_feed(other: Api, owned: Owned) -> None:
    _not_found(other.patch(f"/feeds/{owned.feed['id']}", {"enabled": False}))


def _delete_feed(other: Api, owned: Owned) -> None:
    _not_found(other.delete(f"/feeds/{owned.feed['id']}"))


def _rotate_link(other: Api, owned: Owned) -> None:
    _not_found(other.post(f"/feeds/{owned.feed['id']}/rotate-link"))


def _preview(other: Api, owned: Owned) -> None:
    _not_found(other.get(f"/feeds/{owned.feed['id']}/preview"))


WALK: dict[tuple[str, str], Callable[[Api, Owned], None]] = {
    ("GET", "/api/v1/warehouses"): _warehouses,
    ("POST", "/api/v1/warehouses"): _create_warehouse,
    ("GET", "/api/v1/warehouses/{warehouse_id}"): _get_warehouse,
    ("PATCH", "/api/v1/warehouses/{warehouse_id}"): _rename_warehouse,
    ("GET", "/api/v1/price-types"): _price_types,
    ("POST", "/api/v1/price-types"): _create_price_type,
    ("GET", "/api/v1/custom-fields"): _custom_fields,
    ("POST", "/api/v1/custom-fields"): _create_custom_field,
    ("POST", "/api/v1/products/upsert"): _upsert_products,
    ("GET", "/api/v1/products"): _products,
    ("GET", "/api/v1/products/{product_id}"): _get_product,
    ("DELETE", "/api/v1/products/{product_id}"): _delete_product,
    ("POST", "/api/v1/stock/set"): _set_stock,
    ("GET", "/api/v1/integration"): _integration,
    ("PATCH", "/api/v1/integration"): _switch_integration,
    ("GET", "/api/v1/feeds"): _feeds,
    ("POST", "/api/v1/feeds"): _create_feed,
    ("GET", "/api/v1/feeds/{feed_id}"): _get_feed,
    ("PATCH", "/api/v1/feeds/{feed_id}"): _update_feed,
    ("DELETE", "/api/v1/feeds/{feed_id}"): _delete_feed,
    ("POST", "/api/v1/feeds/{feed_id}/rotate-link"): _rotate_link,
    ("GET", "/api/v1/feeds/{feed_id}/preview"): _preview,
}


def test_the_walk_covers_every_api_route(client: TestClient) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    routes = set(api_routes(app))
    assert routes, "no API routes found: has FastAPI changed how it keeps them?"
    assert routes - WALK.keys() == set(), "routes without an isolation test in WALK"
    assert WALK.keys() - routes == set(), "WALK lists routes the app no longer has"


@pytest.fixture
def owned(client: TestClient, runtime: Runtime, account: ApiAccount) -> Owned:
    api = Api(client, account)
    warehouse_id = api.warehouse("Main")
    price_type_id = api.price_type("Wholesale")
    api.custom_field("color")
    api.custom_field("size")
    api.upsert({"sku": "OWN-1", "name": "Owned", "prices": {"Wholesale": "9.99"}})
    api.stock(("OWN-1", warehouse_id, "7"))
    api.ok("PATCH", "/integration", {"enabled": True})
    feed = api.feed([warehouse_id])
    return Owned(api, warehouse_id, price_type_id, api.product_by_sku("OWN-1")["id"], feed)


def _snapshot(owned: Owned) -> dict[str, Any]:
    api = owned.api
    return {
        path: api.ok("GET", path)
        for path in (
            "/warehouses",
            "/price-types",
            "/custom-fields",
            "/products",
            "/integration",
            f"/feeds/{owned.feed['id']}",
            f"/feeds/{owned.feed['id']}/preview",
        )
    }


def test_a_second_account_reaches_nothing_of_the_first(
    client: TestClient, runtime: Runtime, owned: Owned, other_account: ApiAccount
) -> None:
    runtime.builder.wait_idle()
    before = _snapshot(owned)
    other = Api(client, other_account)
    for (method, path), attempt in WALK.items():
        try:
            attempt(other, owned)
        except AssertionError as error:
            raise AssertionError(f"{method} {path}: {error}") from error
    runtime.builder.wait_idle()
    # The owner's data, feed and link are exactly as they were.
    assert _snapshot(owned) == before
    link = client.get(link_path(owned.feed["url"]))
    assert link.status_code == 200
    assert link.text.splitlines() == ["SKU;Qty", "OWN-1;7"]
