"""Signing in, the page frame, and the inventory pages, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.browser.conftest import LiveServer, shot, sign_in
from tests.web.merchants import add_feed, new_merchant

pytestmark = pytest.mark.browser


def test_sign_in_shows_the_account_and_its_plan(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, plan="startup", name="Atelier Nord")
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/login")
    shot(page, "01-sign-in")

    page.get_by_label("Email").fill(merchant.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("email or password is not right")
    expect(page.get_by_label("Email")).to_have_value(merchant.email)

    page.get_by_label("Password").fill(merchant.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/overview")
    expect(page.get_by_test_id("account-name")).to_have_text("Atelier Nord")
    expect(page.get_by_test_id("account-plan")).to_have_text("Startup plan")
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Products", "Warehouses", "Settings"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/login")
    page.goto("/products")
    expect(page).to_have_url(f"{live_server.url}/login?next=/products")


def test_products_search_and_product_page(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, products=30, image_base=live_server.images)
    sign_in(page, merchant.email, merchant.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Products").click()
    table = page.locator("table.products-table")
    expect(table.locator("tbody tr")).to_have_count(25)
    expect(table.locator("thead")).to_contain_text("Main warehouse")
    expect(table.locator("thead")).to_contain_text("Outlet")
    shot(page, "02-products")

    page.get_by_role("link", name="Next →").click()
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(page.get_by_text("Page 2")).to_be_visible()
    page.get_by_role("link", name="← Previous").click()
    expect(table.locator("tbody tr")).to_have_count(25)

    page.get_by_label("Search").fill("AN-005")
    page.get_by_role("button", name="Search").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    row = table.locator("tbody tr").first
    # 5 in the main warehouse, -2 in the outlet (oversold): a total of 3.
    expect(row.locator("td").last).to_have_text("3")

    page.get_by_label("Search").fill("0400638100007")  # a whole barcode
    page.get_by_role("button", name="Search").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("AN-007")

    page.get_by_label("Search").fill("")
    page.get_by_label("Category").select_option(label="Kitchen › Wood")
    page.get_by_role("button", name="Search").click()
    expect(table.locator("tbody tr")).to_have_count(15)

    page.get_by_role("link", name="Oak chopping board; size 2", exact=True).click()
    expect(page.get_by_role("heading", name="Oak chopping board; size 2")).to_be_visible()
    expect(page.locator(".gallery img")).to_have_count(2)
    prices = page.get_by_role("region", name="Prices")
    expect(prices).to_contain_text("Retail")
    expect(prices).to_contain_text("€12.50")
    stock = page.get_by_role("region", name="Stock per warehouse")
    expect(stock).to_contain_text("Main warehouse")
    expect(stock.locator("tfoot")).to_contain_text("2.5")
    expect(page.get_by_role("region", name="Fields")).to_contain_text("Colour")
    shot(page, "03-product")


def test_warehouses_create_and_rename(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, products=0)
    sign_in(page, merchant.email, merchant.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Warehouses").click()
    page.get_by_label("Name", exact=True).fill("Lyon depot")
    page.get_by_role("button", name="Add warehouse").click()
    expect(page.get_by_role("status")).to_contain_text("Lyon depot")
    expect(page.get_by_label("Name of warehouse Lyon depot")).to_have_value("Lyon depot")

    page.get_by_label("Name of warehouse Outlet").fill("Main warehouse")
    page.get_by_label("Name of warehouse Outlet").press("Enter")
    expect(page.locator(".field-error")).to_contain_text("already exists")
    expect(page.get_by_label("Name of warehouse Outlet")).to_have_value("Main warehouse")

    page.get_by_label("Name of warehouse Outlet").fill("Outlet store")
    page.get_by_label("Name of warehouse Outlet").press("Enter")
    expect(page.get_by_label("Name of warehouse Outlet store")).to_have_value("Outlet store")
    shot(page, "04-warehouses")


def test_the_pages_fit_a_phone(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, products=12, image_base=live_server.images)
    add_feed(live_server.runtime, merchant, store_name="Allegro", file_name="allegro")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, merchant.email, merchant.password)
    for path, name in (
        ("/products", "13-phone-products"),
        ("/settings/integrations/custom", "14-phone-integration-window"),
        (f"/settings/integrations/custom/files/{merchant.feed_ids[0]}", "15-phone-file-form"),
    ):
        page.goto(path)
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        # Wide tables scroll inside their card; the page itself never scrolls sideways.
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, path
        shot(page, name)
