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
    custom_field_id: int
    import_id: int


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


def _delete_warehouse(other: Api, owned: Owned) -> None:
    _not_found(other.delete(f"/warehouses/{owned.warehouse_id}"))


def _update_price_type(other: Api, owned: Owned) -> None:
    _not_found(other.patch(f"/price-types/{owned.price_type_id}", {"name": "Stolen"}))


def _delete_price_type(other: Api, owned: Owned) -> None:
    _not_found(other.delete(f"/price-types/{owned.price_type_id}"))


def _update_custom_field(other: Api, owned: Owned) -> None:
    _not_found(other.patch(f"/custom-fields/{owned.custom_field_id}", {"label": "Stolen"}))


def _delete_custom_field(other: Api, owned: Owned) -> None:
    _not_found(other.delete(f"/custom-fields/{owned.custom_field_id}"))


def _adjust_stock(other: Api, owned: Owned) -> None:
    # "OWN-1" exists in the other account too (made by _upsert_products): the owner's
    # warehouse is what is unknown there.
    body = {"changes": [{"sku": "OWN-1", "warehouse_id": owned.warehouse_id, "delta": "-7"}]}
    assert locs(other.post("/stock/adjust", body)) == [("body", "changes", 0, "warehouse_id")]


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


def _create_import(other: Api, owned: Owned) -> None:
    # The owner's sku and warehouse name: the import lands in the other account only.
    files = {"file": ("x.csv", b"sku,name,stock:Main\nOWN-1,Stolen,1\n")}
    response = other.request("POST", "/imports", files=files)
    assert response.status_code == 202, response.text
    assert response.json()["id"] != owned.import_id


def _imports(other: Api, owned: Owned) -> None:
    response = other.get("/imports")
    assert response.status_code == 200
    assert owned.import_id not in [i["id"] for i in response.json()]


def _get_import(other: Api, owned: Owned) -> None:
    _not_found(other.get(f"/imports/{owned.import_id}"))


def _import_errors(other: Api, owned: Owned) -> None:
    _not_found(other.get(f"/imports/{owned.import_id}/errors.csv"))


def _export(other: Api, owned: Owned) -> None:
    response = other.get("/products/export")
    assert response.status_code == 200
    assert "Owned" not in response.content.decode("utf-8-sig")  # its own OWN-1 is "Stolen"


def _feed_presets(other: Api, owned: Owned) -> None:
    # Presets are filled in with the caller's own warehouses and price types only.
    response = other.get("/feed-presets")
    assert response.status_code == 200
    for preset in response.json():
        assert owned.warehouse_id not in preset["warehouse_ids"]
        assert owned.price_type_id not in [c.get("price_type_id") for c in preset["columns"]]


def _from_sample(other: Api, owned: Owned) -> None:
    # The proposal names the caller's own warehouses and price types, never the owner's.
    sample = b"SKU;Price;Qty\r\nOWN-1;1;2\r\n"
    response = other.request("POST", "/feeds/from-sample", files={"file": ("s.csv", sample)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert owned.warehouse_id not in body["warehouse_ids"]
    assert owned.price_type_id not in [c.get("price_type_id") for c in body["columns"]]


def _publish(other: Api, owned: Owned) -> None:
    _not_found(other.post(f"/feeds/{owned.feed['id']}/publish"))


def _health(other: Api, owned: Owned) -> None:
    _not_found(other.get(f"/feeds/{owned.feed['id']}/health"))


WALK: dict[tuple[str, str], Callable[[Api, Owned], None]] = {
    ("GET", "/api/v1/warehouses"): _warehouses,
    ("POST", "/api/v1/warehouses"): _create_warehouse,
    ("GET", "/api/v1/warehouses/{warehouse_id}"): _get_warehouse,
    ("PATCH", "/api/v1/warehouses/{warehouse_id}"): _rename_warehouse,
    ("DELETE", "/api/v1/warehouses/{warehouse_id}"): _delete_warehouse,
    ("PATCH", "/api/v1/price-types/{price_type_id}"): _update_price_type,
    ("DELETE", "/api/v1/price-types/{price_type_id}"): _delete_price_type,
    ("PATCH", "/api/v1/custom-fields/{field_id}"): _update_custom_field,
    ("DELETE", "/api/v1/custom-fields/{field_id}"): _delete_custom_field,
    ("GET", "/api/v1/price-types"): _price_types,
    ("POST", "/api/v1/price-types"): _create_price_type,
    ("GET", "/api/v1/custom-fields"): _custom_fields,
    ("POST", "/api/v1/custom-fields"): _create_custom_field,
    ("POST", "/api/v1/products/upsert"): _upsert_products,
    ("GET", "/api/v1/products"): _products,
    ("GET", "/api/v1/products/{product_id}"): _get_product,
    ("DELETE", "/api/v1/products/{product_id}"): _delete_product,
    ("POST", "/api/v1/stock/set"): _set_stock,
    ("POST", "/api/v1/stock/adjust"): _adjust_stock,
    ("GET", "/api/v1/integration"): _integration,
    ("PATCH", "/api/v1/integration"): _switch_integration,
    ("GET", "/api/v1/feeds"): _feeds,
    ("POST", "/api/v1/feeds"): _create_feed,
    ("GET", "/api/v1/feeds/{feed_id}"): _get_feed,
    ("PATCH", "/api/v1/feeds/{feed_id}"): _update_feed,
    ("DELETE", "/api/v1/feeds/{feed_id}"): _delete_feed,
    ("POST", "/api/v1/feeds/{feed_id}/rotate-link"): _rotate_link,
    ("GET", "/api/v1/feeds/{feed_id}/preview"): _preview,
    ("POST", "/api/v1/imports"): _create_import,
    ("GET", "/api/v1/imports"): _imports,
    ("GET", "/api/v1/imports/{import_id}"): _get_import,
    ("GET", "/api/v1/imports/{import_id}/errors.csv"): _import_errors,
    ("GET", "/api/v1/products/export"): _export,
    ("GET", "/api/v1/feed-presets"): _feed_presets,
    ("POST", "/api/v1/feeds/{feed_id}/publish"): _publish,
    ("POST", "/api/v1/feeds/from-sample"): _from_sample,
    ("GET", "/api/v1/feeds/{feed_id}/health"): _health,
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
    custom_field_id = api.custom_field("color")
    api.custom_field("size")
    api.upsert({"sku": "OWN-1", "name": "Owned", "prices": {"Wholesale": "9.99"}})
    api.stock(("OWN-1", warehouse_id, "7"))
    api.ok("PATCH", "/integration", {"enabled": True})
    feed = api.feed([warehouse_id])
    files = {"file": ("mine.csv", b"sku,name\nOWN-2,Mine\n")}
    upload = api.request("POST", "/imports", files=files, data={"dry_run": "true"})
    assert upload.status_code == 202, upload.text
    runtime.imports.wait_idle()
    product_id = api.product_by_sku("OWN-1")["id"]
    return Owned(
        api, warehouse_id, price_type_id, product_id, feed, custom_field_id, upload.json()["id"]
    )


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
            f"/feeds/{owned.feed['id']}/health",
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
    runtime.imports.wait_idle()
    runtime.builder.wait_idle()
    # The owner's data, feed and link are exactly as they were.
    assert _snapshot(owned) == before
    link = client.get(link_path(owned.feed["url"]))
    assert link.status_code == 200
    assert link.text.splitlines() == ["SKU;Qty", "OWN-1;7"]
