"""Editing the catalog in the browser, without a browser: the product form (every
field, errors by field, nothing half-saved), stock in place, by delta and in bulk,
and the feed file that follows each change."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from fastapi.testclient import TestClient

from shelfcast.catalog import service as catalog
from shelfcast.catalog.models import Product
from shelfcast.catalog.schemas import CustomFieldCreate, ProductRead
from shelfcast.db.session import transaction
from shelfcast.web.runtime import Runtime
from tests.web.api.support import count_rows, link_path
from tests.web.merchants import Merchant, add_feed, feed_url, new_merchant
from tests.web.ui.conftest import signed_in, token_of


def _product(runtime: Runtime, merchant: Merchant, sku: str) -> ProductRead:
    with transaction(runtime.database.sessions) as session:
        product_id = catalog.find_product_id(session, merchant.account_id, sku)
        assert product_id is not None, sku
        return catalog.get_product(session, merchant.account_id, product_id)


def _feed_rows(client: TestClient, runtime: Runtime, merchant: Merchant) -> list[list[str]]:
    assert runtime.builder.wait_idle(30)
    url = feed_url(runtime, merchant, merchant.feed_ids[0])
    text = client.get(link_path(url)).content.decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _merchant_with_fields(runtime: Runtime) -> Merchant:
    merchant = new_merchant(runtime, products=2)
    with transaction(runtime.database.writes) as session:
        for key, type_ in (
            ("size", "number"),
            ("organic", "boolean"),
            ("since", "date"),
            ("fit", "choice"),
        ):
            body = CustomFieldCreate(key=key, label=key.title(), type=type_)
            catalog.create_custom_field(session, merchant.account_id, body)
    add_feed(runtime, merchant)
    return merchant


def _form(merchant: Merchant, token: str, **changes: Any) -> dict[str, Any]:
    main, outlet = merchant.warehouse_ids
    data: dict[str, Any] = {
        "csrf_token": token,
        "sku": "NEW-1",
        "name": "Wool blanket\tgrey\r\nKing size",
        "barcode": "0012345",
        "brand": "Atelier Nord",
        "unit": "pcs",
        "weight": "1,25",
        "category_id": "",
        "new_category": "Home / Bedroom",
        "description": "Warm.\r\nWashable.",
        "image": ["https://img.example/1.jpg", "https://img.example/2.jpg", ""],
        f"price.{merchant.price_type_ids['Retail']}": "12,50",
        f"price.{merchant.price_type_ids['Wholesale']}": "",
        "custom.color": "Slate\tgrey",
        "custom.size": "2,5",
        "custom.organic": "true",
        "custom.since": "2024-12-31",
        "custom.fit": "Relaxed",
        f"stock.{main}": "7",
        f"stock.{outlet}": "",
    }
    data.update(changes)
    return data


def test_a_product_is_created_with_every_field_and_reaches_the_feed(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = _merchant_with_fields(runtime)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser, "/products/new")
    response = browser.post("/products/new", data=_form(merchant, token), follow_redirects=False)
    assert response.status_code == 303, response.text
    page = browser.get(response.headers["location"]).text
    assert "Product “NEW-1” created." in page

    product = _product(runtime, merchant, "NEW-1")
    assert product.name == "Wool blanket\tgrey\r\nKing size"  # exactly as typed
    assert product.description == "Warm.\r\nWashable."
    assert (product.barcode, product.weight) == ("0012345", "1.25")
    assert product.category == ["Home", "Bedroom"]
    assert product.images == ["https://img.example/1.jpg", "https://img.example/2.jpg"]
    assert product.prices == {"Retail": "12.50"}
    assert product.custom == {
        "color": "Slate\tgrey",
        "size": "2.5",
        "organic": "true",
        "since": "2024-12-31",
        "fit": "Relaxed",
    }
    # A choice field offers the values products already hold.
    assert '<option value="Relaxed">' in browser.get("/products/new").text
    assert [(s.warehouse_id, s.quantity) for s in product.stock] == [
        (merchant.warehouse_ids[0], "7")
    ]
    rows = _feed_rows(client, runtime, merchant)
    assert ["NEW-1", "Wool blanket\tgrey\r\nKing size", "7", "12.50", "EUR"] in rows


def test_bad_fields_are_named_the_form_is_kept_and_nothing_is_saved(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = _merchant_with_fields(runtime)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser, "/products/new")
    main = merchant.warehouse_ids[0]
    data = _form(
        merchant,
        token,
        name="  ",
        weight="-1",
        brand="nul\x00",
        image=["ftp://img.example/1.jpg"],
        new_category="Home > ",
        **{
            f"price.{merchant.price_type_ids['Retail']}": "twelve",
            "custom.size": "big",
            "custom.since": "31/12/2024",
            f"stock.{main}": "0.00001",
        },
    )
    response = browser.post("/products/new", data=data, follow_redirects=False)
    assert response.status_code == 400
    html = response.text
    for message in (
        "The product was not saved",
        "Name must not be empty",
        "Weight must be 0 or more",
        "Brand must not contain the NUL character",
        "Image 1 must be an http(s) URL",
        "Category must not be empty",
        "Price must be a number such as 12.50 or 12,50",
        "Size must be a number such as 12.50",
        "Since must be a date written YYYY-MM-DD",
        "Quantity must have at most 4 decimal places",
    ):
        assert message in html, message
    assert 'value="twelve"' in html and "ftp://img.example/1.jpg" in html  # kept as typed
    assert count_rows(runtime, Product, merchant.account_id) == 2  # nothing was created

    # A sku that exists already is not silently updated from the "new" form.
    response = browser.post(
        "/products/new", data=_form(merchant, token, sku="AN-001"), follow_redirects=False
    )
    assert response.status_code == 400
    assert "A product with SKU “AN-001” already exists" in response.text


def test_a_product_is_edited_and_deleted(client: TestClient, runtime: Runtime) -> None:
    merchant = _merchant_with_fields(runtime)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    product_id = merchant.product_ids[0]
    before = _product(runtime, merchant, "AN-001")
    form_page = browser.get(f"/products/{product_id}/edit").text
    assert 'value="AN-001"' in form_page and "readonly" in form_page
    token = token_of(browser, f"/products/{product_id}/edit")
    data = _form(
        merchant,
        token,
        sku="HIJACK",  # the sku is not edited here: ignored
        image=list(reversed(before.images)),
        new_category="",
        category_id="",
        **{f"price.{merchant.price_type_ids['Retail']}": ""},
    )
    response = browser.post(f"/products/{product_id}/edit", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    after = _product(runtime, merchant, "AN-001")
    assert after.id == product_id
    assert after.images == list(reversed(before.images))
    assert after.prices == {} and after.category is None
    assert after.name == "Wool blanket\tgrey\r\nKing size"
    with transaction(runtime.database.sessions) as session:
        assert catalog.find_product_id(session, merchant.account_id, "HIJACK") is None
        history = catalog.list_adjustments(session, merchant.account_id, product_id)
    assert [(h.delta, h.quantity, h.actor) for h in history] == [(None, "7", merchant.email)]

    response = browser.post(
        f"/products/{product_id}/delete", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.headers["location"] == "/products"
    assert browser.get(f"/products/{product_id}").status_code == 404
    assert "AN-001" not in "".join(";".join(r) for r in _feed_rows(client, runtime, merchant))


def test_stock_in_place_by_delta_and_in_bulk(client: TestClient, runtime: Runtime) -> None:
    merchant = _merchant_with_fields(runtime)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser, "/products")
    product_id, main = merchant.product_ids[0], merchant.warehouse_ids[0]
    cell = f"/products/{product_id}/stock/{main}"
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}

    editor = browser.get(cell, headers=htmx).text
    assert 'name="quantity" value="1"' in editor and "<html" not in editor
    saved = browser.post(cell, data={"quantity": "7,5"}, headers=htmx)
    assert saved.status_code == 200
    assert ">7.5</a>" in saved.text
    assert re.search(rf'id="total-{product_id}" hx-swap-oob="true"[^>]*>8</span>', saved.text)
    refused = browser.post(cell, data={"quantity": "lots"}, headers=htmx)
    assert refused.status_code == 200  # htmx swaps it: the editor with the message
    assert "Quantity must be a number" in refused.text and 'value="lots"' in refused.text
    assert _product(runtime, merchant, "AN-001").stock[0].quantity == "7.5"

    response = browser.post(
        f"/products/{product_id}/adjust",
        data={"csrf_token": token, "warehouse_id": str(main), "delta": "−2", "reason": "Sold"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = browser.get(f"/products/{product_id}").text
    assert "changed by −2: now 5.5." in page
    assert "Sold" in page and merchant.email in page
    bad = browser.post(
        f"/products/{product_id}/adjust",
        data={"csrf_token": token, "warehouse_id": str(main), "delta": "a few"},
    )
    assert bad.status_code == 400 and "Change must be a number" in bad.text

    response = browser.post(
        "/products/stock",
        data={
            "csrf_token": token,
            "back": "/products?q=AN",
            "product_id": [str(i) for i in merchant.product_ids],
            "warehouse_id": str(merchant.warehouse_ids[1]),
            "quantity": "3",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/products?q=AN"
    assert "set to 3 for 2 products" in browser.get("/products").text
    rows = _feed_rows(client, runtime, merchant)
    assert rows[1][:3] == ["AN-001", "Linen tea towel 1", "8.5"]  # 5.5 + 3


def test_bulk_stock_of_another_accounts_products_is_refused(
    client: TestClient, runtime: Runtime
) -> None:
    owner = new_merchant(runtime, products=1)
    spy = new_merchant(runtime, products=1)
    browser = signed_in(client.app, spy)  # type: ignore[arg-type]
    token = token_of(browser, "/products")
    response = browser.post(
        "/products/stock",
        data={
            "csrf_token": token,
            "product_id": [str(owner.product_ids[0]), str(spy.product_ids[0])],
            "warehouse_id": str(spy.warehouse_ids[0]),
            "quantity": "99",
        },
    )
    assert response.status_code == 404
    assert _product(runtime, owner, "AN-001").stock[0].quantity == "1"
    assert _product(runtime, spy, "AN-001").stock[0].quantity == "1"


def test_definitions_are_created_renamed_and_deleted_unless_a_feed_uses_them(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=1)
    feed_id = add_feed(runtime, merchant, warehouse_ids=merchant.warehouse_ids[:1])
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser, "/settings/price-types")
    retail, wholesale = merchant.price_type_ids["Retail"], merchant.price_type_ids["Wholesale"]

    def post(url: str, **data: str) -> Any:
        return browser.post(url, data={"csrf_token": token, **data}, follow_redirects=False)

    assert post("/settings/price-types", name="Marketplace", currency="uah").status_code == 303
    assert "Marketplace" in browser.get("/settings/price-types").text
    taken = post("/settings/price-types", name="Retail", currency="EUR")
    assert taken.status_code == 409 and "Name: a price type named" in taken.text
    bad = post(f"/settings/price-types/{wholesale}", name="Trade", currency="EURO")
    assert bad.status_code == 400 and "Currency must be a 3-letter" in bad.text
    assert (
        post(f"/settings/price-types/{wholesale}", name="Trade", currency="EUR").status_code == 303
    )
    used = post(f"/settings/price-types/{retail}/delete")
    assert used.status_code == 409
    assert "is used by the feed file “Marketplace (stock_" in used.text
    assert f'href="/settings/integrations/custom/files/{feed_id}"' in used.text
    assert post(f"/settings/price-types/{wholesale}/delete").status_code == 303
    assert "Trade" not in browser.get("/settings/price-types").text

    color = merchant.custom_field_ids["color"]
    assert (
        post("/settings/custom-fields", key="size_eu", label="EU size", type="number").status_code
        == 303
    )
    bad_key = post("/settings/custom-fields", key="Size EU", label="x", type="text")
    assert bad_key.status_code == 400 and "Key must start with a lowercase letter" in bad_key.text
    assert post(f"/settings/custom-fields/{color}", label="Shade").status_code == 303
    assert "Shade" in browser.get("/settings/custom-fields").text
    assert post(f"/settings/custom-fields/{color}/delete").status_code == 303

    main, outlet = merchant.warehouse_ids
    refused = post(f"/warehouses/{main}/delete")
    assert (
        refused.status_code == 409 and "The warehouse “Main warehouse” is used by" in refused.text
    )
    assert post(f"/warehouses/{outlet}/delete").status_code == 303
    after = browser.get("/warehouses").text
    assert "Warehouse “Outlet” deleted, with its stock levels." in after
    assert 'value="Outlet"' not in after
