"""Editing the catalog in a real browser: a product with a price and stock, stock
edited in place and adjusted by a delta, a price type and a custom field used on a
product, a warehouse a feed uses refused, and the feed file showing all of it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from shelfcast.catalog import definitions_repository
from shelfcast.catalog import service as catalog
from shelfcast.db.session import transaction
from tests.web.browser.conftest import LiveServer, shot, sign_in
from tests.web.browser.test_integration import csv_rows, fetch
from tests.web.merchants import Merchant, add_feed, feed_url, new_merchant

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shots(page: Any, name: str) -> None:
    """The screen at desktop and at phone width, for people to look at."""
    size = page.viewport_size
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        shot(page, f"editing-{name}-{label}")
    page.set_viewport_size(size)


def section(page: Any, name: str) -> Any:
    return page.get_by_role("region", name=name)


def create_product(page: Any, images: str) -> None:
    page.get_by_role("link", name="+ New product").first.click()
    expect(page.get_by_role("heading", name="New product")).to_be_visible()
    page.get_by_label("SKU (article)").fill("NEW-100")
    section(page, "Prices").get_by_label("Retail").fill("24,90")
    section(page, "Stock per warehouse").get_by_label("Main warehouse").fill("12")
    page.get_by_role("button", name="Create product").click()
    # No name: refused, the field named, what was typed kept.
    expect(page.get_by_text("Name must not be empty")).to_be_visible()
    expect(section(page, "Prices").get_by_label("Retail")).to_have_value("24,90")
    shots(page, "01-product-form-error")
    page.get_by_label("Name", exact=True).fill("Linen apron")
    page.get_by_label("Or a new one").fill("Kitchen > Aprons")
    page.get_by_label("New image URL").fill(f"{images}/2.svg")
    page.get_by_role("button", name="Add image").click()
    expect(page.locator("[data-image]")).to_have_count(1)
    page.get_by_role("button", name="Create product").click()
    expect(page.get_by_role("heading", name="Linen apron")).to_be_visible()
    expect(page.get_by_text("Product “NEW-100” created.")).to_be_visible()
    expect(section(page, "Prices")).to_contain_text("€24.90")


def edit_in_place(page: Any) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Products").click()
    page.get_by_label("Search").fill("NEW-100")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=re.compile("Change the quantity of NEW-100 in Main")).click()
    editor = page.get_by_label("Quantity of NEW-100 in Main warehouse", exact=True)
    expect(editor).to_be_focused()
    editor.fill("15,5")
    editor.press("Enter")
    cell = page.get_by_role("link", name=re.compile("Change the quantity of NEW-100 in Main"))
    expect(cell).to_have_text("15.5")
    row = page.locator("tr[data-sku='NEW-100']")
    expect(row.locator("td").last).to_have_text("15.5")
    shots(page, "02-products-stock-in-place")


def adjust_by_delta(page: Any) -> None:
    page.get_by_role("link", name="Linen apron").click()
    form = page.get_by_role("form", name="Adjust by a quantity")
    form.get_by_label("Warehouse").select_option(label="Main warehouse")
    form.get_by_label("Change (+/−)").fill("-2")
    form.get_by_label("Reason (optional)").fill("Sold at the market")
    form.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("changed by -2: now 13.5.")).to_be_visible()
    history = section(page, "Stock history")
    expect(history.locator("tbody tr").first).to_contain_text("Sold at the market")
    expect(history.locator("tbody tr").first).to_contain_text("-2")
    shots(page, "03-product-page-history")


def add_definitions(page: Any) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Price types").click()
    add = section(page, "Add a price type")
    add.get_by_label("Name").fill("Marketplace")
    add.get_by_label("Currency").fill("uah")
    add.get_by_role("button", name="Add price type").click()
    expect(page.get_by_text("Price type “Marketplace” created.")).to_be_visible()
    shots(page, "04-price-types")
    page.get_by_role("navigation", name="Settings").get_by_role(
        "link", name="Custom fields"
    ).click()
    add = section(page, "Add a custom field")
    add.get_by_label("Label").fill("Material")
    add.get_by_label("Key").fill("material")
    add.get_by_label("Type").select_option(label="Text")
    add.get_by_role("button", name="Add field").click()
    expect(page.get_by_text("Custom field “Material” created.")).to_be_visible()
    shots(page, "05-custom-fields")


def use_them_on_the_product(page: Any, merchant: Merchant, live_server: LiveServer) -> None:
    with transaction(live_server.runtime.database.sessions) as session:
        product_id = catalog.find_product_id(session, merchant.account_id, "NEW-100")
    page.goto(f"/products/{product_id}/edit")
    section(page, "Prices").get_by_label("Marketplace").fill("999")
    section(page, "Custom fields").get_by_label("Material").fill("Linen\nHemp ties")
    shots(page, "06-product-form-edit")
    page.get_by_role("button", name="Save product").click()
    expect(page.get_by_text("Product “NEW-100” saved.")).to_be_visible()
    expect(section(page, "Prices")).to_contain_text("UAH999.00")
    expect(section(page, "Fields")).to_contain_text("Hemp ties")


def refuse_deleting_a_used_warehouse(page: Any, feed_name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Warehouses").click()
    page.get_by_role("button", name="Delete Main warehouse").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The warehouse “Main warehouse” is used by the feed file")
    expect(page.get_by_test_id("in-use").get_by_role("link", name=feed_name)).to_be_visible()
    shots(page, "07-warehouse-in-use")


def test_editing_the_catalog_reaches_the_feeds(page: Any, live_server: LiveServer) -> None:
    runtime = live_server.runtime
    merchant = new_merchant(runtime, products=3, image_base=live_server.images)
    feed_id = add_feed(runtime, merchant)
    with transaction(runtime.database.sessions) as session:
        feed_name = definitions_repository.feeds_using_warehouse(
            session, merchant.account_id, merchant.warehouse_ids[0]
        )[0].name
    page.on("dialog", lambda dialog: dialog.accept())  # the delete confirmations
    sign_in(page, merchant.email, merchant.password)
    page.get_by_role("link", name="Products").first.click()  # sign-in lands on the overview

    create_product(page, live_server.images)
    edit_in_place(page)
    adjust_by_delta(page)
    add_definitions(page)
    use_them_on_the_product(page, merchant, live_server)
    refuse_deleting_a_used_warehouse(page, feed_name)

    # The feed file has every change: 15.5 - 2 in the main warehouse, the new price.
    assert runtime.builder.wait_idle(30)
    status, body = fetch(feed_url(runtime, merchant, feed_id))
    assert status == 200
    assert ["NEW-100", "Linen apron", "13.5", "24.90", "EUR"] in csv_rows(body, ";")
    # A feed of the new price type and custom field shows them as saved in the browser.
    with transaction(runtime.database.sessions) as session:
        marketplace = next(
            p.id
            for p in catalog.list_price_types(session, merchant.account_id)
            if p.name == "Marketplace"
        )
    second = add_feed(
        runtime,
        merchant,
        columns=[
            {"header": "SKU", "source": "product_field", "field": "sku"},
            {"header": "Price", "source": "price", "price_type_id": marketplace},
            {"header": "Material", "source": "product_field", "field": "custom.material"},
        ],
    )
    assert runtime.builder.wait_idle(30)
    status, body = fetch(feed_url(runtime, merchant, second))
    assert ["NEW-100", "999.00", "Linen\r\nHemp ties"] in csv_rows(body, ";")
