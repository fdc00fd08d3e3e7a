"""Every write that can change a feed's bytes bumps a version, and the link then
serves the rebuilt file; writes that change nothing bump nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from shelfcast.publish.builder import Outcome
from shelfcast.web.runtime import Runtime
from tests.publish.support import (
    Shop,
    build_row,
    catalog_version,
    csv_rows,
    idle,
    settings_version,
    stocked_shop,
)

Rows = dict[str, list[str]]


@dataclass(frozen=True)
class Change:
    make: Callable[[Shop], object]
    shows: Callable[[Rows], bool]  # what the rebuilt file shows
    settings: bool = False  # a feed setting (else the catalog)


def _new_warehouse(shop: Shop) -> None:
    warehouse = shop.call("POST", "/warehouses", {"name": "Backroom"}, 201)
    shop.stock("A-1", "30", warehouse["id"])  # stock in a warehouse the feed does not show


def _new_product(shop: Shop) -> None:
    shop.upsert({"sku": "C-3", "name": "Gamma"})
    shop.stock("C-3", "1")


def _feed_with_zero_stock(shop: Shop) -> None:
    shop.stock("B-2", "0")  # out of the file...
    shop.patch_feed(include_zero_stock=True)  # ...and back in, with 0


def _feed_with_new_warehouse(shop: Shop) -> None:
    warehouse = shop.call("POST", "/warehouses", {"name": "Backroom"}, 201)
    shop.stock("A-1", "30", warehouse["id"])
    shop.patch_feed(warehouse_ids=[shop.warehouse_id, warehouse["id"]])


CHANGES = {
    "stock": Change(lambda s: s.stock("A-1", "42"), lambda r: r["A-1"][2] == "42"),
    "product": Change(
        lambda s: s.upsert({"sku": "A-1", "name": "Alpha Prime"}),
        lambda r: r["A-1"][1] == "Alpha Prime",
    ),
    "new product": Change(_new_product, lambda r: r["C-3"][:3] == ["C-3", "Gamma", "1"]),
    "deleted product": Change(
        lambda s: s.call("DELETE", f"/products/{_product_id(s, 'B-2')}", status=204),
        lambda r: "B-2" not in r,
    ),
    "price": Change(
        lambda s: s.upsert({"sku": "A-1", "name": "Alpha", "prices": {"Retail": "12.5"}}),
        lambda r: r["A-1"][3] == "12.50",
    ),
    "price removed": Change(
        lambda s: s.upsert({"sku": "A-1", "name": "Alpha", "prices": None}),
        lambda r: r["A-1"][3] == "",
    ),
    "images": Change(
        lambda s: s.upsert(
            {"sku": "A-1", "name": "Alpha", "images": ["https://img.example/a2.jpg"]}
        ),
        lambda r: r["A-1"][4] == "https://img.example/a2.jpg",
    ),
    "custom field value": Change(
        lambda s: s.upsert({"sku": "A-1", "name": "Alpha", "custom": {"color": "teal"}}),
        lambda r: r["A-1"][6] == "teal",
    ),
    "category": Change(
        lambda s: s.upsert({"sku": "A-1", "name": "Alpha", "category": ["Garden", "Tools"]}),
        lambda r: r["A-1"][5] == "Garden > Tools",
    ),
    "new warehouse": Change(_new_warehouse, lambda r: r["A-1"][2] == "5"),
    "warehouse renamed": Change(
        lambda s: s.call("PATCH", f"/warehouses/{s.warehouse_id}", {"name": "Front"}),
        lambda r: r["A-1"][2] == "5",
    ),
    "new price type": Change(
        lambda s: s.call("POST", "/price-types", {"name": "Sale", "currency": "EUR"}, 201),
        lambda r: r["A-1"][3] == "9.99",
    ),
    "new custom field": Change(
        lambda s: s.call(
            "POST", "/custom-fields", {"key": "size", "label": "Size", "type": "text"}, 201
        ),
        lambda r: r["A-1"][6] == "green",
    ),
    "feed columns": Change(
        lambda s: s.patch_feed(
            columns=[
                {"header": "SKU", "source": "product_field", "field": "sku"},
                {"header": "Stock", "source": "product_field", "field": "quantity"},
            ]
        ),
        lambda r: r["SKU"] == ["SKU", "Stock"] and r["A-1"] == ["A-1", "5"],
        settings=True,
    ),
    "feed warehouses": Change(
        _feed_with_new_warehouse, lambda r: r["A-1"][2] == "35", settings=True
    ),
    "feed zero stock": Change(_feed_with_zero_stock, lambda r: r["B-2"][2] == "0", settings=True),
    "feed header row": Change(
        lambda s: s.patch_feed(header_row=2),
        lambda r: "SKU" in r and "A-1" in r,
        settings=True,
    ),
}


def _product_id(shop: Shop, sku: str) -> int:
    page = shop.call("GET", f"/products?q={sku}")
    [product] = [p for p in page["products"] if p["sku"] == sku]
    return int(product["id"])


@pytest.mark.parametrize("kind", list(CHANGES))
def test_a_change_bumps_a_version_and_the_link_serves_it(
    client: TestClient, runtime: Runtime, kind: str
) -> None:
    change = CHANGES[kind]
    shop = stocked_shop(client, runtime)
    before = shop.fetch(**{"Accept-Encoding": "identity"})
    assert before.status_code == 200
    versions = (catalog_version(runtime, shop.account.id), settings_version(runtime, shop.feed_id))
    # Nothing of other tests is left to build: this feed's rebuild is the next one
    # (with other feeds' builds ahead, a link serves the previous file at once).
    idle(runtime)

    change.make(shop)
    catalog, settings = (
        catalog_version(runtime, shop.account.id),
        settings_version(runtime, shop.feed_id),
    )
    after = shop.fetch(**{"Accept-Encoding": "identity"})

    if change.settings:
        assert settings > versions[1]
    else:
        assert (catalog > versions[0], settings) == (True, versions[1])
    assert after.status_code == 200
    assert "age" not in after.headers  # the request waited for the rebuild
    assert after.headers["etag"] != before.headers["etag"]
    assert change.shows(csv_rows(after.content)), after.text


def test_each_write_bumps_the_catalog_version_once(client: TestClient, runtime: Runtime) -> None:
    shop = stocked_shop(client, runtime)
    version = catalog_version(runtime, shop.account.id)

    shop.upsert(*({"sku": f"N-{i}", "name": f"New {i}"} for i in range(50)))
    shop.stock("A-1", "1")

    assert catalog_version(runtime, shop.account.id) == version + 2


def test_rejected_writes_and_reads_bump_nothing(client: TestClient, runtime: Runtime) -> None:
    shop = stocked_shop(client, runtime)
    idle(runtime)
    versions = (catalog_version(runtime, shop.account.id), settings_version(runtime, shop.feed_id))

    unknown_sku = {"sku": "NOPE", "warehouse_id": shop.warehouse_id, "quantity": "1"}
    shop.call("POST", "/stock/set", {"levels": [unknown_sku]}, 422)
    bad_price = {"sku": "A-1", "name": "Alpha", "prices": {"Retail": "-1"}}
    shop.call("POST", "/products/upsert", {"products": [bad_price]}, 422)
    shop.call("PATCH", f"/feeds/{shop.feed_id}", {"header_row": 0}, 422)
    shop.call("POST", "/warehouses", {"name": "Main"}, 409)
    shop.call("PATCH", f"/warehouses/{shop.warehouse_id}", {"name": "Main"})  # same name
    shop.call("GET", "/products")
    shop.call("GET", f"/feeds/{shop.feed_id}/preview")
    shop.call("PATCH", "/integration", {"enabled": True})
    shop.fetch()

    assert (
        catalog_version(runtime, shop.account.id),
        settings_version(runtime, shop.feed_id),
    ) == versions


def test_a_change_rebuilds_every_feed_of_the_account_and_no_other(
    client: TestClient, runtime: Runtime
) -> None:
    shop = stocked_shop(client, runtime)
    other_feed = {
        "store_name": "Other market",
        "store_url": "https://other.example",
        "warehouse_ids": [shop.warehouse_id],
        "file_type": "xlsx",
        "file_name": "other",
        "sheet_name": "Stock",
        "columns": [{"header": "SKU", "source": "product_field", "field": "sku"}],
    }
    second = int(shop.call("POST", "/feeds", other_feed, 201)["id"])
    neighbour = stocked_shop(client, runtime)
    feed_ids = (shop.feed_id, second, neighbour.feed_id)
    idle(runtime)
    before = {feed_id: build_row(runtime, feed_id) for feed_id in feed_ids}

    shop.stock("A-1", "3")
    idle(runtime)

    after = {feed_id: build_row(runtime, feed_id) for feed_id in feed_ids}
    for feed_id in feed_ids:
        old, new = before[feed_id], after[feed_id]
        assert old is not None and new is not None
        if feed_id == neighbour.feed_id:
            assert (new.published_key, new.last_at) == (old.published_key, old.last_at)
        else:
            assert new.published_key != old.published_key
        assert runtime.builder.build(feed_id).outcome is Outcome.CURRENT
