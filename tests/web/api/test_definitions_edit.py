"""Renaming and deleting price types and custom fields, deleting warehouses: refused
with 409 naming the feeds while a feed file uses the thing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shelfcast.catalog.models import CustomFieldValue, Price, StockLevel
from shelfcast.web.runtime import Runtime
from tests.web.api.support import Api, count_rows, link_path, locs
from tests.web.conftest import ApiAccount


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


def _in_use(response: Any, feed: dict[str, Any]) -> None:
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["type"] == "in_use_by_feeds"
    assert body["feeds"] == [{"id": feed["id"], "name": "Marketplace (stock.csv)"}]
    assert "“Marketplace (stock.csv)”" in body["detail"]


def test_price_types_are_renamed_and_deleted_unless_a_feed_shows_them(
    api: Api, runtime: Runtime
) -> None:
    main = api.warehouse()
    retail, wholesale = api.price_type("Retail"), api.price_type("Wholesale")
    api.upsert({"sku": "A", "name": "A", "prices": {"Retail": "2", "Wholesale": "1"}})
    price_column = {"header": "Price", "source": "price", "price_type_id": retail}
    feed = api.feed([main], columns=[price_column])

    renamed = api.ok("PATCH", f"/price-types/{retail}", {"name": "Shop price", "currency": "usd"})
    assert renamed == {"id": retail, "name": "Shop price", "currency": "USD"}
    assert api.product_by_sku("A")["prices"] == {"Shop price": "2.00", "Wholesale": "1.00"}
    assert api.patch(f"/price-types/{retail}", {"name": "Wholesale"}).status_code == 409
    assert locs(api.patch(f"/price-types/{retail}", {"currency": "EURO"})) == [("body", "currency")]
    assert locs(api.patch(f"/price-types/{retail}", {"name": " "})) == [("body", "name")]

    _in_use(api.delete(f"/price-types/{retail}"), feed)
    assert api.delete(f"/price-types/{wholesale}").status_code == 204
    assert api.product_by_sku("A")["prices"] == {"Shop price": "2.00"}
    assert count_rows(runtime, Price, api.account.id) == 1
    assert api.delete(f"/price-types/{wholesale}").status_code == 404
    assert api.patch("/price-types/999999", {"name": "X"}).status_code == 404


def test_custom_fields_are_relabelled_and_deleted_unless_a_feed_shows_them(
    api: Api, runtime: Runtime
) -> None:
    main = api.warehouse()
    color, size = api.custom_field("color"), api.custom_field("size", "number")
    api.upsert({"sku": "A", "name": "A", "custom": {"color": "Red", "size": "2"}})
    column = {"header": "Colour", "source": "product_field", "field": "custom.color"}
    feed = api.feed([main], columns=[column])

    assert api.ok("PATCH", f"/custom-fields/{color}", {"label": "Colour"}) == {
        "id": color,
        "key": "color",
        "label": "Colour",
        "type": "text",
    }
    assert locs(api.patch(f"/custom-fields/{color}", {"label": ""})) == [("body", "label")]
    assert locs(api.patch(f"/custom-fields/{color}", {"label": "x", "key": "y"})) == [
        ("body", "key")
    ]
    _in_use(api.delete(f"/custom-fields/{color}"), feed)
    assert api.delete(f"/custom-fields/{size}").status_code == 204
    assert api.product_by_sku("A")["custom"] == {"color": "Red"}
    assert count_rows(runtime, CustomFieldValue, api.account.id) == 1


def test_warehouses_are_deleted_with_their_stock_unless_a_feed_sums_them(
    api: Api, client: TestClient, runtime: Runtime
) -> None:
    main, outlet, spare = api.warehouse("Main"), api.warehouse("Outlet"), api.warehouse("Spare")
    api.upsert({"sku": "A", "name": "A"})
    api.stock(("A", main, "1"), ("A", outlet, "2"), ("A", spare, "4"))
    api.ok("PATCH", "/integration", {"enabled": True})
    feed = api.feed([main, spare])
    assert client.get(link_path(feed["url"])).text.splitlines() == ["SKU;Qty", "A;5"]

    _in_use(api.delete(f"/warehouses/{main}"), feed)
    assert api.delete(f"/warehouses/{outlet}").status_code == 204
    assert api.get(f"/warehouses/{outlet}").status_code == 404
    assert count_rows(runtime, StockLevel, api.account.id) == 2

    # Once the feed no longer sums it, the spare warehouse can go, and the file follows.
    api.ok("PATCH", f"/feeds/{feed['id']}", {"warehouse_ids": [main]})
    assert api.delete(f"/warehouses/{spare}").status_code == 204
    runtime.builder.wait_idle()
    assert client.get(link_path(feed["url"])).text.splitlines() == ["SKU;Qty", "A;1"]
